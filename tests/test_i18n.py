"""Translations: every msgid of the Chinese catalogue is translated, and the interface speaks
Chinese unless the user switches."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from complaints.choices import CaseState, DeadlineKind

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _po_entries(text: str) -> list[dict]:
    """Minimal .po reader: flags, msgid and every msgstr of each non-obsolete entry."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry: dict = {"flags": set(), "msgid": "", "msgstr": []}
        current = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("msgid "):
                current, entry["msgid"] = "msgid", _unquote(line[6:])
            elif line.startswith("msgid_plural "):
                current = "plural"
            elif line.startswith("msgstr"):
                current = "msgstr"
                entry["msgstr"].append(_unquote(line.split(" ", 1)[1]))
            elif line.startswith('"') and current == "msgid":
                entry["msgid"] += _unquote(line)
            elif line.startswith('"') and current == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
        if entry["msgid"]:
            entries.append(entry)
    return entries


def _unquote(quoted: str) -> str:
    return quoted.strip()[1:-1]


def test_every_msgid_in_the_chinese_catalogue_is_translated():
    entries = _po_entries(PO_FILE.read_text(encoding="utf-8"))

    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"]) or "fuzzy" in e["flags"]]

    assert entries
    assert untranslated == []


def test_po_reader_reports_fuzzy_and_empty_entries():
    sample = '#, fuzzy\nmsgid "Intake"\nmsgstr "接诉受理"\n\nmsgid "Closed"\nmsgstr ""\n'

    entries = _po_entries(sample)

    assert [(e["msgid"], "fuzzy" in e["flags"], all(e["msgstr"])) for e in entries] == [
        ("Intake", True, True),
        ("Closed", False, False),
    ]


def test_case_state_label_renders_in_chinese():
    with translation.override("zh-hans"):
        assert str(CaseState.INTAKE.label) == "接诉受理"


def test_case_state_label_renders_in_english():
    with translation.override("en"):
        assert str(CaseState.CLOSED.label) == "Closed"


def test_login_page_is_chinese_even_when_the_browser_prefers_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_language_switcher_turns_pages_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("login"))

    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_api_negotiates_language_from_accept_language(client):
    response = client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "en"


def test_follow_up_deadline_and_follow_up_state_have_their_own_chinese_words():
    with translation.override("zh-hans"):
        assert (str(DeadlineKind.FOLLOW_UP.label), str(CaseState.FOLLOW_UP.label)) == ("回访时限", "跟踪回访")


@pytest.mark.slow
def test_chinese_catalogue_holds_every_msgid_of_the_code(tmp_path):
    # makemessages on a copy of the tree, so the repository's catalogue is only read.
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "static", "node_modules", "__pycache__", "*.mo"
        ),
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--ignore=var",
            "--ignore=tests",
            "-v0",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    in_code = {
        e["msgid"] for e in _po_entries((copy / PO_FILE.relative_to(ROOT)).read_text(encoding="utf-8"))
    }
    in_repo = {e["msgid"] for e in _po_entries(PO_FILE.read_text(encoding="utf-8"))}

    assert sorted(in_code - in_repo) == [], (
        "run makemessages (README, Translations) and translate the new entries"
    )
