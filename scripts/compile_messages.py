"""Compile the message catalogues (.po → .mo) with Babel, for machines without gettext's msgfmt.

    python scripts/compile_messages.py [ROOT]

Compiles every `<locale>/LC_MESSAGES/*.po` under ROOT (default: the repository), skipping the
virtualenv, var/ and node_modules/, like `manage.py compilemessages --ignore=...`. Fuzzy
entries are left out, as msgfmt leaves them out. Exits non-zero if a catalogue cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

IGNORED = {".venv", "venv", "var", "node_modules", ".git"}


def catalogues(root: Path):
    for po in sorted(root.rglob("LC_MESSAGES/*.po")):
        if not IGNORED.intersection(po.relative_to(root).parts):
            yield po


def compile_one(po: Path) -> int:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name, abort_invalid=True)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return len(catalog)


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    failed = 0
    for po in catalogues(root):
        try:
            count = compile_one(po)
        except Exception as exc:  # noqa: BLE001 - report every broken catalogue, then fail
            print(f"{po}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"{po.relative_to(root)}: {count} messages")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
