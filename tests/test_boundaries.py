"""The import-linter contracts (pyproject.toml) cover every app of the project."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_every_project_app_is_a_root_package_of_the_contracts():
    # An app missing here would be invisible to the contracts, its optional layer never binding.
    ours = {
        c.name.split(".")[0]
        for c in apps.get_app_configs()
        if Path(c.path).is_relative_to(ROOT) and ".venv" not in Path(c.path).relative_to(ROOT).parts
    }
    assert ours - set(_config()["root_packages"]) == set()


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
