"""Checks on Office containers made before any parser touches them.

A .docx/.xlsx is a zip: its directory declares each member's uncompressed size, and Python's
zipfile never inflates a member past its declared size, so checking the declared sizes bounds the
memory a parser can use (a zip bomb is refused before it is opened). A password-protected
.docx/.xlsx is not a zip at all but an OLE compound file holding an ``EncryptedPackage`` stream.
"""

from __future__ import annotations

import io
import zipfile

from auditor.errors import InputError

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all members together, as declared in the zip directory
MAX_ZIP_MEMBERS = 10_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # stream names are UTF-16 in OLE


def check_zip(path: str, data: bytes, kind: str) -> None:
    """Refuse a zip that is corrupt, truncated or inflates past the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(path, f"is not a readable {kind} file (corrupt or truncated zip)",
                         "open it in its application and save it again") from None
    declared = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or declared > MAX_UNZIPPED_BYTES:
        raise InputError(path, f"unpacks to {declared} bytes in {len(members)} parts, over the limit of "
                         f"{MAX_UNZIPPED_BYTES} bytes (a zip bomb, or a report padded with media)",
                         "save the report without embedded media and try again")


def refuse_encrypted(path: str, data: bytes) -> None:
    """Raise if ``data`` is a password-protected Office file."""
    if data.startswith(OLE_MAGIC) and _ENCRYPTED_PACKAGE in data:
        raise InputError(path, "is a password-protected Office file",
                         "remove the password (File > Info > Protect) and save a copy, then audit that")
