"""Key rotation (`manage.py rotate_keys`, issue 11): rows/s and files/s re-encrypted under a new key.

On a database of its own (`<bench database>_rotate`, a copy of the migrated template, dropped at
the end) with `rows` cases loaded set-based under the run's key and `files` attachments in a
temporary MEDIA_ROOT, so the bench database and its keys stay as they were. A second run, with
nothing left to do, measures what a rerun costs (reads only).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

from tests.bench import loader
from tests.bench._common import ROOT, Result, drop_database, recreate_database


def key_rotation(*, url: str, template: str, rows: int, files: int, file_mb: float, batch: int) -> list[Result]:
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import override_settings

    name = urlsplit(url).path.lstrip("/") + "_rotate"
    rotate_url = urlunsplit(urlsplit(url)._replace(path="/" + name))
    copied = recreate_database(rotate_url, template)
    bench_name = connection.settings_dict["NAME"]
    connections.close_all()
    connection.settings_dict["NAME"] = name
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    media = tempfile.mkdtemp(prefix="rotate-media-", dir=ROOT / "var" / "bench")
    try:
        if not copied:
            call_command("migrate", verbosity=0, interactive=False)
        with override_settings(MEDIA_ROOT=media):
            file_bytes = int(file_mb * 2**20)
            _load(rows, files, file_bytes)
            with override_settings(PII_ENCRYPTION_KEY=[Fernet.generate_key().decode(),
                                                       *settings.PII_ENCRYPTION_KEY]):
                return [_rotate(f"key rotation ({rows:,} cases, {files} files of {file_mb:g} MB)", batch,
                                file_bytes, expected=(rows, files)),
                        _rotate("key rotation, second run (nothing to do)", batch, file_bytes, expected=(0, 0))]
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = bench_name
        drop_database(rotate_url)
        shutil.rmtree(media, ignore_errors=True)


def _load(rows: int, files: int, file_bytes: int) -> None:
    from django.core.files.base import ContentFile
    from django.db import connection

    from complaints.models import Attachment, ComplaintCase

    data = loader.people()
    with connection.cursor() as cur:
        loader.insert_cases(cur, rows, data)
    case = ComplaintCase.objects.order_by("pk").first()
    content = os.urandom(file_bytes)
    for n in range(files if case else 0):
        attachment = Attachment(case=case, uploaded_by=data["users"]["agent"], original_name=f"{n}.pdf",
                                content_type="application/pdf", size=file_bytes, sha256="0" * 64)
        attachment.file.save(f"bench-{n}.pdf", ContentFile(content), save=False)
        attachment.save()


def _rotate(name: str, batch: int, file_bytes: int, *, expected: tuple[int, int]) -> Result:
    """`rotate_keys`' two steps, timed apart: the encrypted columns, then the files; `expected`
    is how many rows (at least: every case) and files (exactly) must be re-encrypted."""
    from common.key_rotation import rotate_columns, rotate_files

    def quiet(_line: str) -> None:
        pass

    result = Result("keys", name, 1, target="")
    t = time.perf_counter()
    columns = rotate_columns(batch_size=batch, progress=quiet)
    column_s = time.perf_counter() - t
    t = time.perf_counter()
    stored = rotate_files(batch_size=batch, progress=quiet)
    file_s = time.perf_counter() - t
    result.elapsed = column_s + file_s
    result.latencies.append(result.elapsed * 1000)
    result.extra = {
        "per_second": round(columns.checked / column_s, 1) if column_s else None,  # rows checked/s
        "rows_checked": columns.checked, "rows_rotated": columns.rotated, "columns_s": round(column_s, 2),
        "rows_rotated_per_second": round(columns.rotated / column_s, 1) if column_s else None,
        "files_checked": stored.checked, "files_rotated": stored.rotated, "files_s": round(file_s, 3),
        "files_per_second": round(stored.checked / file_s, 1) if file_s else None,
        "mib_per_second": round(stored.rotated * file_bytes / 2**20 / file_s, 1) if file_s else None,
    }
    if stored.missing_files:
        result.failures.append(f"{len(stored.missing_files)} files missing, e.g. {stored.missing_files[0]}")
    rows, files = expected
    if columns.rotated < rows or (not rows and columns.rotated) or stored.rotated != files:
        result.failures.append(f"{columns.rotated} rows and {stored.rotated} files re-encrypted, "
                               f"expected {rows or 'no'} rows and {files} files")
    return result
