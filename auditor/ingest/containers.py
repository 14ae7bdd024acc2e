"""Checks on Office containers made before any parser touches them.

A .docx/.xlsx is a zip: its directory declares each member's uncompressed size, and Python's
zipfile never inflates a member past its declared size, so checking the declared sizes bounds the
memory a parser can use (a zip bomb is refused before it is opened). The XML parts are limited
apart, and more tightly, because a parsed XML tree takes 10 to 40 times the XML's size in memory
(media only take their own). A password-protected .docx/.xlsx is not a zip at all but an OLE
compound file holding an ``EncryptedPackage`` stream.

The limits can be changed by environment variables (SECURITY.md): AUDITOR_MAX_UNZIPPED_BYTES,
AUDITOR_MAX_XML_BYTES, AUDITOR_MAX_ZIP_MEMBERS.
"""

from __future__ import annotations

import io
import os
import zipfile

from auditor.errors import InputError

MAX_UNZIPPED_BYTES = int(os.environ.get("AUDITOR_MAX_UNZIPPED_BYTES") or 200 * 1024 * 1024)  # all members, declared
MAX_XML_BYTES = int(os.environ.get("AUDITOR_MAX_XML_BYTES") or 32 * 1024 * 1024)  # XML parts together, declared
MAX_ZIP_MEMBERS = int(os.environ.get("AUDITOR_MAX_ZIP_MEMBERS") or 10_000)
_XML_SUFFIXES = (".xml", ".rels", ".vml")

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
    xml = sum(m.file_size for m in members if m.filename.lower().endswith(_XML_SUFFIXES))
    if xml > MAX_XML_BYTES:
        raise InputError(path, f"holds {xml} bytes of XML, over the limit of {MAX_XML_BYTES} bytes "
                         "(a document this large is a bomb, or many reports in one)",
                         "split the report, or raise AUDITOR_MAX_XML_BYTES if it is genuine")


def refuse_encrypted(path: str, data: bytes) -> None:
    """Raise if ``data`` is a password-protected Office file."""
    if data.startswith(OLE_MAGIC) and _ENCRYPTED_PACKAGE in data:
        raise InputError(path, "is a password-protected Office file",
                         "remove the password (File > Info > Protect) and save a copy, then audit that")
