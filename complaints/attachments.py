"""Case attachments: checked on content, size-limited, stored outside the web root, on the timeline.

The type is decided by the file's bytes (magic numbers, the zip structure of Office files, a
strict text decode), never by its name or the client's Content-Type; a name whose extension
claims another type is refused too, so what users download is what its name says. Files are
stored encrypted (common.file_crypto) under MEDIA_ROOT with a random name and served only through
a view that checks the case is visible to the user and logs the download.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from common.exceptions import ActionNotPermitted, DomainError, NotFound, ValidationFailed
from common.file_crypto import UnreadableFile
from complaints.choices import EventKind
from complaints.models import Attachment, AttachmentDownload
from complaints.selectors import case_get_for
from complaints.services import case_event_record

logger = logging.getLogger(__name__)

HEAD_BYTES = 64
TEXT_EXTENSIONS = (".txt", ".csv")
# C0 controls other than tab, line feed, form feed and carriage return mark a binary file.
_TEXT_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\f\r") | {"\x7f"}


class AttachmentTooLarge(DomainError):
    """The file exceeds ATTACHMENT_MAX_BYTES (the API answers 413)."""

    code = "too_large"


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", (".pdf",))
PNG = FileType("png", "image/png", (".png",))
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("gif", "image/gif", (".gif",))
WAV = FileType("wav", "audio/wav", (".wav",))
MP3 = FileType("mp3", "audio/mpeg", (".mp3",))
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
TEXT_UTF8 = FileType("text", "text/plain; charset=utf-8", TEXT_EXTENSIONS)
# Exports from Chinese desktop software are often GBK, which GB18030 decodes.
TEXT_GB18030 = FileType("text", "text/plain; charset=gb18030", TEXT_EXTENSIONS)

ALLOWED_DESCRIPTION = "PDF, PNG, JPEG, GIF, WAV, MP3, DOCX, XLSX, TXT, CSV"


# -- content detection ------------------------------------------------------------------------


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header (an MP3 without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0b1111) and sample_rate != 0b11


def _office_type(file: IO[bytes]) -> FileType | None:
    """DOCX or XLSX by the package's parts; macro-enabled or malformed packages are refused."""
    try:
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError):
        return None
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _decodes_as_text(file: UploadedFile, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    file.seek(0)
    try:
        for chunk in file.chunks():
            if not _TEXT_CONTROLS.isdisjoint(decoder.decode(chunk)):
                return False
        return _TEXT_CONTROLS.isdisjoint(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


def _text_type(file: UploadedFile) -> FileType | None:
    if _decodes_as_text(file, "utf-8-sig"):
        return TEXT_UTF8
    if _decodes_as_text(file, "gb18030"):
        return TEXT_GB18030
    return None


_SIGNATURES: list[tuple[Callable[[bytes], bool], FileType]] = [
    (lambda h: h.startswith(b"%PDF-"), PDF),
    (lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), PNG),
    (lambda h: h.startswith(b"\xff\xd8\xff"), JPEG),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), GIF),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE", WAV),
    (lambda h: h.startswith(b"ID3") or _is_mpeg_audio_frame(h), MP3),
]


def detect_type(file: UploadedFile) -> FileType | None:
    """The allowed type the file's content is, or None."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    for matches, file_type in _SIGNATURES:
        if matches(head):
            return file_type
    if head.startswith(b"PK\x03\x04"):
        office = _office_type(file)
        file.seek(0)
        return office
    return _text_type(file)


def clean_file_name(name: str) -> str:
    """The user's file name without directories, control or bidirectional-override characters,
    or the trailing dots and spaces that Windows drops."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf"))
    return cleaned.strip().rstrip(". ")


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    return (stem, "." + extension.lower()) if dot else (name, "")


# -- service ----------------------------------------------------------------------------------


def attachment_add(*, case_id: int, actor, file: UploadedFile | None) -> Attachment:
    """Store an uploaded file on a case and put it on the case timeline.

    Refusals in order: case not visible → NotFound; actor may not work the case →
    ActionNotPermitted; no file or empty → ValidationFailed; above ATTACHMENT_MAX_BYTES →
    AttachmentTooLarge; content not an allowed type, or a name claiming another type →
    ValidationFailed (attr `file`). The file is written before the transaction and removed
    again if the transaction fails.
    """
    case = case_get_for(actor=actor, case_id=case_id)
    if not actor.has_perm("complaints.add_attachment", case):
        raise ActionNotPermitted(_("You may not add attachments to this case."))
    if file is None or not isinstance(file, UploadedFile):
        raise ValidationFailed.single("file", "required", _("Upload a file in the field “file”."))
    if not file.size:
        raise ValidationFailed.single("file", "empty", _("The uploaded file is empty."))
    limit = settings.ATTACHMENT_MAX_BYTES
    if file.size > limit:
        raise AttachmentTooLarge(
            _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}
        )

    file_type = detect_type(file)
    if file_type is None:
        raise ValidationFailed.single(
            "file",
            "invalid_type",
            _("This type of file is not allowed. Allowed types: %(types)s.") % {"types": ALLOWED_DESCRIPTION},
        )
    stem, extension = _split_extension(clean_file_name(file.name or ""))
    if extension and extension not in file_type.extensions:
        raise ValidationFailed.single(
            "file",
            "type_mismatch",
            _("The file name ends in “%(extension)s” but the content is %(type)s.")
            % {"extension": extension[:20], "type": file_type.code.upper()},
        )
    extension = extension or file_type.extensions[0]
    name = (stem or "attachment")[: 255 - len(extension)] + extension

    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)

    attachment = Attachment(
        case=case,
        uploaded_by=actor,
        original_name=name,
        content_type=file_type.content_type,
        size=file.size,
        sha256=digest.hexdigest(),
    )
    # A random stored name: the user's name never becomes a path on disk.
    attachment.file.save(f"{uuid.uuid4().hex}{file_type.extensions[0]}", file, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            case_event_record(
                case=case,
                kind=EventKind.ATTACHMENT,
                actor=actor,
                summary=_("Attachment added: %(name)s") % {"name": name},
                data={
                    "attachment_id": attachment.pk,
                    "name": name,
                    "content_type": file_type.content_type,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                },
            )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    logger.info(
        "attachment added",
        extra={"case_id": case.pk, "attachment_id": attachment.pk, "type": file_type.code, "size": attachment.size},
    )
    return attachment


# -- selectors --------------------------------------------------------------------------------


def attachment_list_for(*, actor, case_id: int) -> QuerySet[Attachment]:
    """Attachments of a case the actor may see (NotFound otherwise), oldest first."""
    return attachment_list(case=case_get_for(actor=actor, case_id=case_id))


def attachment_list(*, case) -> QuerySet[Attachment]:
    """`attachment_list_for` of a case the caller has already read through a `*_for` selector."""
    return Attachment.objects.filter(case=case).select_related("uploaded_by").order_by("id")


def attachment_get_for(*, actor, case_id: int, attachment_id: int) -> Attachment:
    """One attachment of a case the actor may see; NotFound for anything else."""
    attachment = attachment_list_for(actor=actor, case_id=case_id).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."))
    return attachment


def attachment_download(*, actor, case_id: int, attachment_id: int) -> tuple[Attachment, IO[bytes]]:
    """Open an attachment of a case the actor may see, for download, and log the download.

    NotFound if the case or attachment is not visible, or the file is missing or cannot be
    decrypted (the error log says which); nothing is logged as downloaded then.
    """
    attachment = attachment_get_for(actor=actor, case_id=case_id, attachment_id=attachment_id)
    try:
        content = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        logger.error("attachment file missing", extra={"attachment_id": attachment.pk})
        raise NotFound(_("The file of this attachment is missing.")) from None
    except UnreadableFile:
        logger.error("attachment file cannot be decrypted", extra={"attachment_id": attachment.pk})
        raise NotFound(_("The file of this attachment cannot be read.")) from None
    AttachmentDownload.objects.create(attachment=attachment, user=actor)
    logger.info("attachment downloaded", extra={"attachment_id": attachment.pk, "user_id": actor.pk})
    return attachment, content
