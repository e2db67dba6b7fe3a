"""Fill empty Chinese entries of the catalogue from translation fragments, then list what is left.

    .venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
    .venv/bin/python scripts/merge_translations.py locale/fragments/*.po

Fragments are plain .po files of new entries (msgid with its Chinese msgstr) written beside the
code that introduced them, so that parallel work does not edit one catalogue at the same time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def main(fragments: list[str]) -> int:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="zh_Hans")
    known = {}
    for path in fragments:
        with open(path, "rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    known[(message.context, message.id if isinstance(message.id, str) else message.id[0])] = message.string
    filled = missing = 0
    for message in catalogue:
        if not message.id:
            continue
        key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
        empty = not message.string or (isinstance(message.string, tuple) and not all(message.string))
        if (empty or message.fuzzy) and key in known:
            value = known[key]
            if isinstance(message.id, tuple | list):
                value = value if isinstance(value, tuple | list) else (value,) * len(message.id)
            elif isinstance(value, tuple | list):
                value = value[0]
            message.string = value
            message.flags.discard("fuzzy")
            filled += 1
        elif empty or message.fuzzy:
            missing += 1
            print("untranslated:", repr(key[1]), "context:", key[0])
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalogue, width=100)
    print(f"filled {filled}, still untranslated {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
