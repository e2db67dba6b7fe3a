"""Re-encrypt every encrypted column and file under the newest PII_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand, CommandError

from common.file_crypto import UnreadableFile
from common.key_rotation import rotate_columns, rotate_files


class Command(BaseCommand):
    help = (
        "Re-encrypt all personal-data columns and encrypted files with the newest key in "
        "PII_ENCRYPTION_KEY (and encrypt files stored before encryption). Safe to interrupt and rerun."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, batch_size: int, **options) -> None:
        if not 1 <= batch_size <= 10000:
            raise CommandError("--batch-size must be between 1 and 10000")
        try:
            columns = rotate_columns(batch_size=batch_size, progress=self.stdout.write)
            files = rotate_files(batch_size=batch_size, progress=self.stdout.write)
        except (ValueError, UnreadableFile) as exc:  # a key was dropped before its data was rotated
            raise CommandError(f"{exc}. Put the old key back (after the newest) and run again.") from exc
        self.stdout.write(
            f"Done: {columns.rotated} of {columns.checked} rows and {files.rotated} of {files.checked} "
            "files re-encrypted."
        )
        if files.missing_files:
            self.stderr.write(f"{len(files.missing_files)} files are missing from storage, e.g. {files.missing_files[0]}")
