"""Attachments are judged by their content: wrong types, macros, encryption and zip bombs are
refused with German messages and nothing is written; ClamAV scans when configured."""

from __future__ import annotations

import io
import shutil
import socket
import struct
import subprocess
import threading
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from needs.models import Need, NeedAttachment
from tests.needs.test_needs import form_data

pytestmark = pytest.mark.django_db

DOCX_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="'
    'application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def zipped(*entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def marked_encrypted(archive: bytes) -> bytes:
    """The archive with the "encrypted" flag set on every entry (local and central headers),
    as a password-protected zip has it."""
    data = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 0x1
            start = data.find(signature, start + 4)
    return bytes(data)


def docx(*extra, types=DOCX_TYPES) -> bytes:
    return zipped(("[Content_Types].xml", types), ("word/document.xml", "<w:document/>"), *extra)


def odf(mimetype: str) -> bytes:
    return zipped(("mimetype", mimetype), ("content.xml", "<office:document-content/>"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(personas, client_for, name: str, content: bytes):
    return client_for(personas["lead32"]).post(
        reverse("need_add"),
        {**form_data(personas["unit32"]), "attachment": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("antrag.docx", docx()),
        ("tabelle.ods", odf("application/vnd.oasis.opendocument.spreadsheet")),
        ("text.odt", odf("application/vnd.oasis.opendocument.text")),
        ("alt.doc", OLE + b"\0" * 500 + "WordDocument".encode("utf-16-le")),
    ],
)
def test_office_files_whose_content_matches_are_taken(personas, client_for, name, content):
    response = upload(personas, client_for, name, content)
    assert response.status_code == 302
    assert Need.objects.get().attachments.get().name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("makro.docm", docx(), "„makro.docm“ enthält Makros (.docm)"),
        ("tabelle.xlsm", b"PK\x03\x04", "„tabelle.xlsm“ enthält Makros (.xlsm)"),
        ("umbenannt.docx", docx(types=DOCM_TYPES), "„umbenannt.docx“ enthält Makros"),
        ("vba.docx", docx(("word/vbaProject.bin", b"\0" * 10)), "„vba.docx“ enthält Makros"),
        ("alt.xls", OLE + "_VBA_PROJECT".encode("utf-16-le"), "„alt.xls“ enthält Makros"),
        (
            "basic.odt",
            zipped(("mimetype", "application/vnd.oasis.opendocument.text"), ("Basic/a.xml", "x")),
            "„basic.odt“ enthält Makros",
        ),
        ("leer.docx", zipped(("word/document.xml", "x")), "passt nicht zur Dateiendung „.docx“"),
        ("folie.pptx", docx(), "passt nicht zur Dateiendung „.pptx“"),
        (
            "tabelle.odt",
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "passt nicht zur Dateiendung „.odt“",
        ),
        ("kaputt.docx", b"PK\x03\x04 kein zip", "ist beschädigt und kann nicht geöffnet werden"),
        ("geheim.docx", marked_encrypted(docx()), "ist verschlüsselt oder kennwortgeschützt"),
        (
            "geheim.doc",
            OLE + "EncryptedPackage".encode("utf-16-le"),
            "ist verschlüsselt oder kennwortgeschützt",
        ),
        (
            "bombe.docx",
            docx(("word/media/null.bin", b"\0" * (60 * 1024 * 1024))),
            "würde entpackt ein Vielfaches seiner Größe belegen",
        ),
    ],
)
def test_macros_wrong_inner_types_encryption_and_zip_bombs_are_refused(
    personas, client_for, media, name, content, message
):
    response = upload(personas, client_for, name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Need.objects.exists() and not NeedAttachment.objects.exists()
    assert not (media / "needs").exists()


def test_download_has_a_fixed_type_and_never_opens_inline(personas, client_for):
    upload(personas, client_for, "antrag.docx", docx())
    attachment = NeedAttachment.objects.get()
    assert attachment.file.name.endswith(".docx") and "antrag" not in attachment.file.name
    response = client_for(personas["lead32"]).get(reverse("need_attachment", args=[attachment.pk]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


class FakeClamd:
    """A clamd on a Unix socket that speaks INSTREAM: finds the EICAR marker, else OK."""

    def __init__(self, path):
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen()
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                stream = connection.makefile("rb")
                assert stream.read(10) == b"zINSTREAM\0"
                data = b""
                while size := struct.unpack("!L", stream.read(4))[0]:
                    data += stream.read(size)
                self.received.append(data)
                found = EICAR in data
                connection.sendall(
                    b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0"
                )

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    server = FakeClamd(tmp_path / "clamd.sock")
    settings.CLAMD_SOCKET = server.path
    yield server
    server.close()


def test_clamav_scans_every_upload_and_refuses_a_find(personas, client_for, media, clamd):
    response = upload(personas, client_for, "virus.pdf", b"%PDF-1.4\n" + EICAR)
    assert response.status_code == 422
    assert (
        "Der Virenscanner hat in „virus.pdf“ Schadsoftware gefunden (Eicar-Test-Signature)."
        in response.content.decode()
    )
    assert not Need.objects.exists() and not (media / "needs").exists()
    response = upload(personas, client_for, "sauber.pdf", b"%PDF-1.4\nsauber")
    assert response.status_code == 302
    assert clamd.received == [b"%PDF-1.4\n" + EICAR, b"%PDF-1.4\nsauber"]


# The real test virus (EICAR) and a signature database that knows only it: clamd starts in
# a second, without the downloads of freshclam (this machine has no internet).
EICAR_FILE = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


@pytest.fixture
def real_clamd(settings, tmp_path):
    """Debian's clamd (package clamav-daemon) on a Unix socket of this test."""
    if not shutil.which(CLAMD):
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "fb15-test.ndb").write_text(f"fb15.Test.Eicar:0:*:{EICAR_FILE.hex()}\n")
    socket_path = tmp_path / "clamd.sock"
    (tmp_path / "clamd.conf").write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {tmp_path / 'db'}\nForeground yes\n"
        f"LogFile {tmp_path / 'clamd.log'}\nTemporaryDirectory {tmp_path}\n"
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(tmp_path / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not socket_path.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert socket_path.exists(), (tmp_path / "clamd.log").read_text()
    settings.CLAMD_SOCKET = str(socket_path)
    yield process
    process.kill()
    process.wait()


def test_a_real_clamd_refuses_the_test_virus_takes_a_clean_file_and_none_once_it_is_down(
    personas, client_for, media, real_clamd
):
    response = upload(personas, client_for, "virus.pdf", b"%PDF-1.4\n" + EICAR_FILE)
    assert response.status_code == 422
    assert (
        "Der Virenscanner hat in „virus.pdf“ Schadsoftware gefunden (fb15.Test.Eicar.UNOFFICIAL)."
        in response.content.decode()
    )
    assert not Need.objects.exists() and not (media / "needs").exists()
    response = upload(personas, client_for, "sauber.pdf", b"%PDF-1.4\nsauber")
    assert response.status_code == 302
    assert NeedAttachment.objects.get().file.read() == b"%PDF-1.4\nsauber"
    # The scanner dies (kill -9): the next file is refused, not taken unchecked.
    real_clamd.kill()
    real_clamd.wait()
    response = upload(personas, client_for, "bericht.pdf", b"%PDF-1.4\nnoch einer")
    assert response.status_code == 422
    assert "„bericht.pdf“ konnte nicht auf Viren geprüft werden" in response.content.decode()
    assert Need.objects.count() == 1


def test_unreachable_scanner_refuses_the_file(personas, client_for, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "kein-clamd.sock")
    response = upload(personas, client_for, "bericht.pdf", b"%PDF-1.4\n")
    assert response.status_code == 422
    assert "„bericht.pdf“ konnte nicht auf Viren geprüft werden" in response.content.decode()
    assert not Need.objects.exists()
