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
_CONTENT_TYPES = "[Content_Types].xml"
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # stream names are UTF-16 in OLE


def check_zip(path: str, data: bytes, kind: str) -> None:
    """Refuse a zip that is corrupt, truncated or inflates past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):  # "zip file version 25.5"
        raise InputError(path, f"is not a readable {kind} file (corrupt or truncated zip)",
                         "open it in its application and save it again") from None
    with archive:
        members = archive.infolist()
        declared = sum(m.file_size for m in members)
        if len(members) > MAX_ZIP_MEMBERS or declared > MAX_UNZIPPED_BYTES:
            raise InputError(path, f"unpacks to {declared} bytes in {len(members)} parts, over the limits of "
                             f"{MAX_UNZIPPED_BYTES} bytes and {MAX_ZIP_MEMBERS} parts (a zip bomb, or a report "
                             "padded with media)", "save the report without embedded media and try again")
        parsed = _xml_parts(archive, members)
        xml = sum(m.file_size for m in members if m.filename in parsed)
    if xml > MAX_XML_BYTES:
        raise InputError(path, f"holds {xml} bytes of XML, over the limit of {MAX_XML_BYTES} bytes "
                         "(a document this large is a bomb, or many reports in one)",
                         "split the report, or raise AUDITOR_MAX_XML_BYTES if it is genuine")


def _xml_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """The members a parser will read as XML: by the content type the package gives each part (a
    part's name can be anything, so a document part named ``image1.png`` still counts); a member
    with no content type counts as XML."""
    from defusedxml import ElementTree

    types = next((m for m in members if m.filename == _CONTENT_TYPES), None)
    if types is None or types.file_size > _MAX_CONTENT_TYPES_BYTES:
        return {m.filename for m in members}
    try:
        root = ElementTree.fromstring(archive.read(types), forbid_dtd=True)
    except Exception:  # noqa: BLE001 - corrupt, or a DTD: every member counts, the parser will refuse it
        return {m.filename for m in members}
    by_extension, by_name = {}, {}
    for node in root:
        tag, kind = node.tag.rsplit("}", 1)[-1], node.get("ContentType", "").lower()
        if tag == "Default":
            by_extension[node.get("Extension", "").lower()] = kind
        elif tag == "Override":
            by_name[node.get("PartName", "").lstrip("/")] = kind
    xml = set()
    for member in members:
        name = member.filename
        kind = by_name.get(name) or by_extension.get(name.rsplit(".", 1)[-1].lower() if "." in name else "")
        if kind is None or "xml" in kind:
            xml.add(name)
    return xml


def refuse_encrypted(path: str, data: bytes) -> None:
    """Raise if ``data`` is a password-protected Office file."""
    if data.startswith(OLE_MAGIC) and _ENCRYPTED_PACKAGE in data:
        raise InputError(path, "is a password-protected Office file",
                         "remove the password (File > Info > Protect) and save a copy, then audit that")
