"""Benchmark of `rotate_keys` (issue 11): re-encrypting cases and attachment files, on a database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python tests/bench/bench_rotate_keys.py [--cases 20000] [--files 50] [--file-mb 1]

Uses the database `<name of DATABASE_URL>_bench_rotate` (created if missing; the one in
DATABASE_URL is never touched; its cases and attachments are emptied at the start) and a
temporary MEDIA_ROOT. Loads `--cases` cases (five encrypted columns each) and `--files`
attachments of `--file-mb` MB under key A, puts key B in front and measures the rotation
(rows/s, MB/s), then a second run with nothing left to do. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import _common  # noqa: E402 - the script's own folder is on sys.path
from _common import Clock, bench_database_url, ensure_database  # noqa: E402
from _people import bench_people  # noqa: E402

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--file-mb", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--time-limit", type=float, default=900, help="give up after this many seconds")
    return parser.parse_args()


def setup_django(url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = media_root
    settings.PII_ENCRYPTION_KEY = [KEY_A]


def load(cases: int, files: int, file_bytes: int, agent) -> None:
    from django.core.files.base import ContentFile
    from django.db import connection

    from common.pii import blind_index, encrypt
    from complaints.models import Attachment, Category, ComplaintCase

    with connection.cursor() as cur:
        cur.execute("TRUNCATE complaints_complaintcase CASCADE")
    team = agent.teams.get()
    _common.insert_cases_sql(
        cases,
        {
            "reference": "'ROT' || lpad(g::text, 10, '0')",
            "summary": "'催收电话过于频繁 ' || g",
            "received_at": "now()",
            "created_at": "now()",
            "updated_at": "now()",
        },
        {
            "category_id": Category.objects.get(code="collection_conduct").pk,
            "team_id": team.pk,
            "assignee_id": agent.pk,
            "created_by_id": agent.pk,
            "channel": "phone",
            "complainant_name": encrypt("张三"),
            "complainant_phone": encrypt("13800001234"),
            "complainant_id_number": encrypt("110101199003071234"),
            "complainant_email": encrypt("a@b.cn"),
            "account_reference": encrypt("LN-2024-88812"),
            "phone_index": blind_index("13800001234"),
        },
    )
    case = ComplaintCase.objects.order_by("pk").first()
    content = os.urandom(file_bytes)
    for n in range(files):
        attachment = Attachment(
            case=case, uploaded_by=agent, original_name=f"{n}.pdf", content_type="application/pdf",
            size=file_bytes, sha256="0" * 64,
        )
        attachment.file.save(f"bench-{n}.pdf", ContentFile(content), save=False)
        attachment.save()


def main() -> None:
    args = parse_args()
    clock = Clock(args.time_limit)
    url = bench_database_url("bench_rotate")
    ensure_database(url)
    with tempfile.TemporaryDirectory() as media_root:
        setup_django(url, media_root)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from common.key_rotation import rotate_columns, rotate_files

        print(f"database: {connection.settings_dict['NAME']}, cpus: {os.cpu_count()}")
        call_command("migrate", verbosity=0, interactive=False)
        people = bench_people()
        file_bytes = int(args.file_mb * 1024 * 1024)
        t = time.monotonic()
        load(args.cases, args.files, file_bytes, people["agent"])
        print(f"loaded {args.cases:,} cases and {args.files} files of {args.file_mb} MB in {time.monotonic() - t:.1f} s")
        settings.PII_ENCRYPTION_KEY = [KEY_B, KEY_A]

        def quiet(_line: str) -> None:
            pass

        for label in ("rotation", "second run (nothing to do)"):
            clock.check(label)
            t = time.perf_counter()
            columns = rotate_columns(batch_size=args.batch_size, progress=quiet)
            column_s = time.perf_counter() - t
            t = time.perf_counter()
            files = rotate_files(batch_size=args.batch_size, progress=quiet)
            file_s = time.perf_counter() - t
            megabytes = files.rotated * file_bytes / 1024 / 1024
            print(
                f"{label}: {columns.rotated:,}/{columns.checked:,} rows in {column_s:.1f} s "
                f"({columns.checked / column_s:,.0f} rows/s checked); {files.rotated}/{files.checked} files in "
                f"{file_s:.2f} s ({megabytes / file_s:.0f} MB/s re-encrypted)"
            )


if __name__ == "__main__":
    main()
