"""What an attachment of a need must be, judged by its content rather than its name.

PDF (`%PDF-`), Office Open XML (a zip whose `[Content_Types].xml` names the document kind),
OpenDocument (a zip whose first entry `mimetype` names it) and the old binary Office formats
(an OLE container). Refused: files with macros (docm/xlsm/pptm…, `vbaProject.bin`, macro
storages, Basic/ scripts in OpenDocument), encrypted files and archives that unpack to far
more than they weigh (zip bombs). With `CLAMD_SOCKET` or `CLAMAV_HOST` set, every accepted
file is also sent to ClamAV (INSTREAM); a scanner that does not answer refuses the file.
"""

from __future__ import annotations

import socket
import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp")
MACRO_EXTENSIONS = ("docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm")
# The type a download is sent as (never guessed from the uploader's name).
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OOXML_MAIN_TYPES = {
    "docx": "wordprocessingml.document.main+xml",
    "xlsx": "spreadsheetml.sheet.main+xml",
    "pptx": "presentationml.presentation.main+xml",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAGIC = {
    "pdf": b"%PDF-",
    **dict.fromkeys(("doc", "xls", "ppt"), OLE_MAGIC),
    **dict.fromkeys(("docx", "xlsx", "pptx", "odt", "ods", "odp"), ZIP_MAGIC),
}
# Streams of an OLE file (names are UTF-16LE in its directory) that hold macros or mark an
# encrypted document (an encrypted docx/xlsx is an OLE file with an EncryptedPackage).
OLE_MACRO_NAMES = tuple(name.encode("utf-16-le") for name in ("_VBA_PROJECT", "Macros", "VBA"))
OLE_ENCRYPTED_NAMES = tuple(n.encode("utf-16-le") for n in ("EncryptedPackage", "EncryptionInfo"))
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 100  # unpacked size / file size
CLAMAV_TIMEOUT = 30
CHUNK = 64 * 1024


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_attachment(upload) -> str:
    """Raise ValidationError (German) unless `upload` is an allowed, macro-free, unencrypted
    file whose content matches its name; return the content type to serve it with."""
    name = upload.name or ""
    extension = extension_of(name)
    if extension in MACRO_EXTENSIONS:
        raise ValidationError(
            _(
                "„%(name)s“ enthält Makros (.%(extension)s); solche Dateien sind nicht erlaubt. "
                "Bitte speichern Sie sie ohne Makros (z. B. als .docx, .xlsx oder PDF)."
            ),
            params={"name": name, "extension": extension},
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _(
                "„%(name)s“ ist keine erlaubte Datei. Erlaubt sind PDF- und Office-Dateien "
                "(%(extensions)s)."
            ),
            params={"name": name, "extensions": ", ".join(ALLOWED_EXTENSIONS)},
        )
    limit_mb = settings.NEED_ATTACHMENT_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("„%(name)s“ ist zu groß: höchstens %(limit)s MB sind erlaubt."),
            params={"name": name, "limit": limit_mb},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(MAGIC[extension]):
        raise _mismatch(name, extension)
    if head.startswith(ZIP_MAGIC):
        _check_zip(upload, name, extension)
    elif head.startswith(OLE_MAGIC):
        _check_ole(upload, name)
    upload.seek(0)
    scan_for_viruses(upload, name)
    upload.seek(0)
    return CONTENT_TYPES[extension]


def _mismatch(name: str, extension: str) -> ValidationError:
    return ValidationError(
        _("Der Inhalt von „%(name)s“ passt nicht zur Dateiendung „.%(extension)s“."),
        params={"name": name, "extension": extension},
    )


def _macros(name: str) -> ValidationError:
    return ValidationError(
        _(
            "„%(name)s“ enthält Makros; solche Dateien sind nicht erlaubt. Bitte speichern "
            "Sie sie ohne Makros."
        ),
        params={"name": name},
    )


def _encrypted(name: str) -> ValidationError:
    return ValidationError(
        _(
            "„%(name)s“ ist verschlüsselt oder kennwortgeschützt und kann nicht geprüft "
            "werden. Bitte laden Sie die Datei ohne Kennwort hoch."
        ),
        params={"name": name},
    )


def _check_ole(upload, name: str) -> None:
    content = upload.read()
    if any(marker in content for marker in OLE_ENCRYPTED_NAMES):
        raise _encrypted(name)
    if any(marker in content for marker in OLE_MACRO_NAMES):
        raise _macros(name)


def _check_zip(upload, name: str, extension: str) -> None:
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            _("„%(name)s“ ist beschädigt und kann nicht geöffnet werden."), params={"name": name}
        ) from None
    unpacked = sum(entry.file_size for entry in entries)
    limit = settings.NEED_ATTACHMENT_MAX_MB * 1024 * 1024 * 10
    if (
        len(entries) > ZIP_MAX_ENTRIES
        or unpacked > limit
        or unpacked > max(upload.size, 1) * ZIP_MAX_RATIO
    ):
        raise ValidationError(
            _(
                "„%(name)s“ würde entpackt ein Vielfaches seiner Größe belegen und wird "
                "deshalb nicht angenommen."
            ),
            params={"name": name},
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise _encrypted(name)
    names = {entry.filename for entry in entries}
    lowered = {entry_name.lower() for entry_name in names}
    if any(
        entry_name.endswith("vbaproject.bin") or entry_name.startswith(("basic/", "scripts/"))
        for entry_name in lowered
    ):
        raise _macros(name)
    try:
        if extension in OOXML_MAIN_TYPES:
            if "[Content_Types].xml" not in names:
                raise _mismatch(name, extension)
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "macroenabled" in content_types.lower():
                raise _macros(name)
            if OOXML_MAIN_TYPES[extension] not in content_types:
                raise _mismatch(name, extension)
        else:
            first = entries[0] if entries else None
            if first is None or first.filename != "mimetype":
                raise _mismatch(name, extension)
            if archive.read(first).decode("ascii", "replace").strip() != CONTENT_TYPES[extension]:
                raise _mismatch(name, extension)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise ValidationError(
            _("„%(name)s“ ist beschädigt und kann nicht geöffnet werden."), params={"name": name}
        ) from None


def _clamav_connection() -> socket.socket | None:
    path = getattr(settings, "CLAMD_SOCKET", "")
    host = getattr(settings, "CLAMAV_HOST", "")
    if path:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(CLAMAV_TIMEOUT)
        connection.connect(path)
        return connection
    if host:
        address, _sep, port = host.rpartition(":")
        return socket.create_connection((address, int(port or 3310)), timeout=CLAMAV_TIMEOUT)
    return None


def scan_for_viruses(upload, name: str) -> None:
    """Send the file to clamd (INSTREAM) when a scanner is configured; refuse it on a find,
    and also when the scanner cannot be reached (a file is never taken unchecked)."""
    try:
        connection = _clamav_connection()
        if connection is None:
            return
        with connection:
            connection.sendall(b"zINSTREAM\0")
            for chunk in iter(lambda: upload.read(CHUNK), b""):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = connection.recv(4096)
                if not part:
                    break
                reply += part
    except OSError:
        reply = b""
    answer = reply.rstrip(b"\0").decode("utf-8", "replace")
    if answer.endswith("FOUND"):
        finding = answer.split(":", 1)[-1].removesuffix("FOUND").strip()
        raise ValidationError(
            _("Der Virenscanner hat in „%(name)s“ Schadsoftware gefunden (%(finding)s)."),
            params={"name": name, "finding": finding},
        )
    if not answer.endswith("OK"):
        raise ValidationError(
            _(
                "„%(name)s“ konnte nicht auf Viren geprüft werden. Bitte versuchen Sie es "
                "später noch einmal."
            ),
            params={"name": name},
        )
