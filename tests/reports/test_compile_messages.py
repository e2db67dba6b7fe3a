"""scripts/compile_messages.py: the catalogues compile without gettext, to the same translations."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_babel_compiles_the_catalogues_to_working_mo_files(tmp_path):
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compile_messages.py"), str(tmp_path)],
        capture_output=True, text=True, check=False,
    )

    assert result.returncode == 0, result.stderr
    mo = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    catalogue = gettext.GNUTranslations(mo.open("rb"))
    assert catalogue.gettext("Complaint case management") == "投诉案件管理"
    assert catalogue.pgettext("deadline kind", "Follow-up") != "Follow-up"


def test_a_broken_catalogue_fails_the_script(tmp_path):
    broken = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "django.po").write_text('garbage\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compile_messages.py"), str(tmp_path)],
        capture_output=True, text=True, check=False,
    )

    assert result.returncode == 1


def test_the_makefile_falls_back_to_babel_without_msgfmt():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    assert "scripts/compile_messages.py" in makefile
    assert "exit 1" not in makefile.split("messages: install", 1)[1].split("\n\n", 1)[0]
