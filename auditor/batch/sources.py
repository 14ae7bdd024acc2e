"""What a batch reads: the reports under a folder, or inside a .zip extracted safely.

A .zip is extracted into a private temporary folder, member by member, and only report files:

- names that are absolute, carry a drive letter or climb out with ``..`` are refused (zip slip);
  symbolic links, encrypted members and nested archives are not extracted;
- names without the UTF-8 flag are decoded as UTF-8 when they are valid UTF-8, else as GB18030
  (zips made on Chinese Windows), unless an Info-ZIP Unicode path field gives the name; a name
  flagged UTF-8 that is not is read the same way instead of failing the whole archive;
- each member is extracted under a numbered name of its own (``000001.docx``), never under its
  member name, so a member named like a folder, a name over 255 bytes or a path over the system's
  limit cannot fail the extraction; its name in the archive is only its key;
- sizes are counted while inflating, not taken from the zip's directory: a member larger than
  ``max_member_bytes``, a member inflating more than ``max_ratio`` times its compressed size
  (beyond 1 MB), or an archive above ``max_total_bytes`` or ``max_members`` is refused.

A refused member is not silently dropped: it becomes a failed report of the batch with the
reason, so the summary shows it.

Every report gets a unique key that stays the same from run to run: its path relative to the
input (a folder) or its member name (a .zip), POSIX separators, NFC. A file name that is not UTF-8
(GBK names left by unzipping a Chinese Windows archive) is decoded as GB18030, or shown with
``\\xNN`` escapes; two reports whose names meet in the same key (duplicate members, names that
differ only in Unicode normalisation) are told apart as ``name (2).txt`` in input order.
Symbolic links in a folder are skipped, never followed: a link could carry a private file from
elsewhere into a shareable page.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from auditor.errors import InputError

REPORT_SUFFIXES = frozenset({".txt", ".docx", ".doc", ".pdf", ".xls", ".xlsx", ".html", ".htm"})
ARCHIVE_SUFFIXES = frozenset({".zip", ".rar", ".7z", ".tar", ".gz", ".tgz"})

MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_MEMBERS = 100_000
MAX_RATIO = 200
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """One report of the batch: its key (path relative to the input, POSIX), where to read it,
    its size and SHA-256 (filled in when the batch is planned)."""

    key: str
    path: Path
    size: int
    sha256: str | None = None


@dataclass
class BatchInput:
    """The reports of one batch input, and the members refused (key -> reason)."""

    root: Path
    sources: list[Source] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # key -> why it was left out (not a failure)
    _tmp: tempfile.TemporaryDirectory | None = None

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> BatchInput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_report_name(name: str) -> bool:
    base = PurePosixPath(name).name
    if not base or base.startswith((".", "~$")):
        return False
    return PurePosixPath(base).suffix.lower() in REPORT_SUFFIXES


def input_kind(spec: str | os.PathLike[str]) -> str:
    """``folder`` or ``zip``; raises InputError when ``spec`` is neither (checked before OUTDIR
    is created, so a mistyped INPUT leaves nothing behind)."""
    path = Path(spec)
    if path.is_dir():
        return "folder"
    if path.is_file() and path.suffix.lower() not in REPORT_SUFFIXES and zipfile.is_zipfile(path):
        return "zip"
    if not path.exists():
        raise InputError(str(path), "no such folder or file", "give a folder of reports or a .zip")
    raise InputError(str(path), "is neither a folder nor a .zip archive",
                     "to audit a single report use `auditor audit FILE`")


def open_input(spec: str | os.PathLike[str], exclude: Path | None = None,
               max_member_bytes: int = MAX_MEMBER_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES,
               max_members: int = MAX_MEMBERS, workdir: Path | None = None) -> BatchInput:
    """The reports under folder ``spec`` (recursively; ``exclude``, e.g. OUTDIR, left out), or in
    zip file ``spec`` (extracted under ``workdir``, default the system's temporary folder).
    Raises InputError when ``spec`` is neither."""
    path = Path(spec)
    if input_kind(path) == "folder":
        batch = BatchInput(root=path)
        batch.sources = scan_folder(path, exclude, skipped=batch.skipped)
        return batch
    return extract_zip(path, max_member_bytes=max_member_bytes, max_total_bytes=max_total_bytes,
                       max_members=max_members, workdir=workdir)


def name_from_bytes(raw: bytes) -> str:
    """A file name's bytes as text: UTF-8, else GB18030 (GBK names), else UTF-8 with escapes."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="backslashreplace")


def unique_keys(keys: list[str]) -> list[str]:
    """``keys`` (NFC) made unique, in order: a repeat becomes ``stem (2).suffix``, ``(3)``, …"""
    taken = set(keys)
    seen: set[str] = set()
    out = []
    for key in keys:
        if key in seen:
            path = PurePosixPath(key)
            n = 2
            while True:
                candidate = str(path.with_name(f"{path.stem} ({n}){path.suffix}"))
                if candidate not in taken:
                    break
                n += 1
            taken.add(candidate)
            key = candidate
        seen.add(key)
        out.append(key)
    return out


def scan_folder(root: Path, exclude: Path | None = None, skipped: dict[str, str] | None = None) -> list[Source]:
    """The report files under ``root``; symbolic links are not followed (recorded in ``skipped``)."""
    root_resolved = root.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    found: list[tuple[str, Path, int]] = []
    skipped = {} if skipped is None else skipped

    def key_of(full: Path) -> str:
        parts = [name_from_bytes(os.fsencode(p)) for p in full.relative_to(root_resolved).parts]
        return unicodedata.normalize("NFC", "/".join(parts))

    for dirpath, dirnames, filenames in os.walk(root_resolved):  # symlinked folders are not followed
        here = Path(dirpath)
        for d in list(dirnames):
            if not d.startswith(".") and (here / d).is_symlink():
                skipped[key_of(here / d)] = "a symbolic link to a folder; not followed"
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and (excluded is None or (here / d).resolve() != excluded))
        for name in sorted(filenames):
            if not is_report_name(name):
                continue
            full = here / name
            try:
                info = full.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode):
                skipped[key_of(full)] = "a symbolic link; not followed (copy the file itself into the folder)"
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            found.append((key_of(full), full, info.st_size))
    keys = unique_keys([k for k, _, _ in found])
    return [Source(key=key, path=full, size=size) for key, (_, full, size) in zip(keys, found)]


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: an Info-ZIP Unicode path field if it has one, else
    UTF-8 when flagged or valid, else GB18030 (Chinese Windows zips store GBK without a flag)."""
    name = info.filename
    unicode_path = _unicode_path_field(info)
    if unicode_path is not None:
        return unicode_path
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    return name_from_bytes(raw)


def _unicode_path_field(info: zipfile.ZipInfo) -> str | None:
    """The UTF-8 name of extra field 0x7075, when it is there and belongs to this name (its CRC)."""
    extra = info.extra or b""
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        body = extra[i + 4:i + 4 + size]
        i += 4 + size
        if tag != 0x7075 or len(body) < 5 or body[0] != 1:
            continue
        try:
            raw = info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
            if struct.unpack_from("<L", body, 1)[0] == zlib.crc32(raw):
                return body[5:].decode("utf-8")
        except (UnicodeError, struct.error):
            return None
    return None


def safe_key(name: str) -> str | None:
    """The member's relative POSIX path, or None when it would leave the extraction folder."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return unicodedata.normalize("NFC", "/".join(parts))


EXTRACT_PREFIX = ".auditor-extract-"  # hidden: never scanned as input


def open_zip(archive_path: Path) -> zipfile.ZipFile:
    """The archive, even when a member's name is flagged UTF-8 but is not (zipfile would refuse
    the whole archive): such names are read as if unflagged, see :class:`_UnflaggedNames`."""
    try:
        return zipfile.ZipFile(archive_path)
    except UnicodeDecodeError:
        return zipfile.ZipFile(_UnflaggedNames(archive_path))


def _members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str, str | None]]:
    """(member, name, key) for every file member in archive order; key None: unsafe name. Keys are
    unique (see :func:`unique_keys`), so the same archive always gives the same keys."""
    planned = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = member_name(info)
        planned.append((info, name, safe_key(name)))
    keys = iter(unique_keys([k for _, _, k in planned if k is not None]))
    return [(info, name, next(keys) if key is not None else None) for info, name, key in planned]


def extract_zip(archive_path: Path, *, max_member_bytes: int = MAX_MEMBER_BYTES,
                max_total_bytes: int = MAX_TOTAL_BYTES, max_members: int = MAX_MEMBERS,
                max_ratio: int = MAX_RATIO, workdir: Path | None = None) -> BatchInput:
    tmp = tempfile.TemporaryDirectory(prefix=EXTRACT_PREFIX, dir=workdir)
    out_root = Path(tmp.name).resolve()
    batch = BatchInput(root=archive_path, _tmp=tmp)
    total = 0
    try:
        with open_zip(archive_path) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise InputError(str(archive_path), f"holds {len(members)} files, over the limit of {max_members}",
                                 "split the archive")
            for number, (info, name, key) in enumerate(_members(archive), 1):
                if key is None:
                    batch.refused[name] = "unsafe path in the archive (absolute or climbing out with ..); not extracted"
                    continue
                base = PurePosixPath(key).name
                if key.startswith("__MACOSX/") or base.startswith((".", "~$")):
                    continue
                suffix = PurePosixPath(key).suffix.lower()
                if suffix in ARCHIVE_SUFFIXES:
                    batch.refused[key] = "an archive inside the archive; not opened (extract it and audit the folder)"
                    continue
                if suffix not in REPORT_SUFFIXES:
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    batch.refused[key] = "a symbolic link in the archive; not extracted"
                    continue
                if info.flag_bits & 0x1:
                    batch.refused[key] = "encrypted in the archive; extract it with its password and audit the folder"
                    continue
                if info.file_size > max_member_bytes:
                    batch.refused[key] = f"{info.file_size} bytes unpacked, over the limit of {max_member_bytes}"
                    continue
                # Its own short name, whatever the member is called (the key is only a label).
                target = out_root / f"{number:06d}{suffix}"
                limit = min(max_member_bytes, max_total_bytes - total)
                if info.compress_size and info.file_size > _CHUNK:
                    limit = min(limit, max(_CHUNK, info.compress_size * max_ratio))
                try:
                    size, digest = _copy_member(archive, info, target, limit)
                except _TooLarge:
                    target.unlink(missing_ok=True)
                    if total + limit >= max_total_bytes:
                        raise InputError(str(archive_path), f"unpacks to more than {max_total_bytes} bytes",
                                         "split the archive (or it is a zip bomb)") from None
                    batch.refused[key] = f"inflates past {limit} bytes (a zip bomb?); not extracted"
                    continue
                except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                    target.unlink(missing_ok=True)
                    batch.refused[key] = f"cannot be extracted ({exc})"
                    continue
                total += size
                batch.sources.append(Source(key=key, path=target, size=size, sha256=digest))
    except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
        batch.close()
        raise InputError(str(archive_path), f"is not a readable zip ({exc})", "download it again") from None
    except BaseException:
        batch.close()
        raise
    return batch


class _UnflaggedNames(io.RawIOBase):
    """A zip file read with the UTF-8 flag cleared on the members whose name is not UTF-8 (in the
    central directory and in their local headers); everything else is read as it is."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.name = str(path)
        self._file = open(path, "rb")
        self._patches: dict[int, int] = {}
        try:
            self._find_patches()
        except (OSError, struct.error, TypeError, IndexError):
            pass  # zipfile will say what is wrong with it

    def _find_patches(self) -> None:
        end = zipfile._EndRecData(self._file)  # noqa: SLF001 - the same reading zipfile does
        if not end:
            return
        size_cd, offset_cd = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # noqa: SLF001
        concat = end[zipfile._ECD_LOCATION] - size_cd - offset_cd  # noqa: SLF001
        if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # noqa: SLF001
            concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
        self._file.seek(concat + offset_cd)
        directory = self._file.read(size_cd)
        at = 0
        while at + 46 <= len(directory):
            flags, = struct.unpack_from("<H", directory, at + 8)
            name_len, extra_len, comment_len = struct.unpack_from("<3H", directory, at + 28)
            local, = struct.unpack_from("<L", directory, at + 42)
            name = directory[at + 46:at + 46 + name_len]
            if flags & 0x800:
                try:
                    name.decode("utf-8")
                except UnicodeDecodeError:
                    self._patches[concat + offset_cd + at + 9] = (flags >> 8) & ~0x08
                    if local != 0xFFFFFFFF:
                        self._file.seek(concat + local + 6)
                        local_flags, = struct.unpack("<H", self._file.read(2))
                        self._patches[concat + local + 7] = (local_flags >> 8) & ~0x08
            at += 46 + name_len + extra_len + comment_len

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def read(self, size: int = -1) -> bytes:
        start = self._file.tell()
        data = self._file.read(size)
        hits = [(pos, byte) for pos, byte in self._patches.items() if start <= pos < start + len(data)]
        if not hits:
            return data
        patched = bytearray(data)
        for pos, byte in hits:
            patched[pos - start] = byte
        return bytes(patched)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


class _TooLarge(Exception):
    pass


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with archive.open(info) as src, open(target, "wb") as dst:
        while True:
            chunk = src.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            digest.update(chunk)
            dst.write(chunk)
    return size, digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_member(archive_path: Path, key: str, into: Path, max_member_bytes: int = MAX_MEMBER_BYTES) -> Path | None:
    """Extract the one member whose key is ``key`` into folder ``into`` (for re-rendering a page)."""
    with open_zip(archive_path) as archive:
        for info, _, member_key in _members(archive):
            if member_key != key or info.flag_bits & 0x1:
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                return None
            target = into / f"report{PurePosixPath(key).suffix.lower()}"
            try:
                _copy_member(archive, info, target, max_member_bytes)
            except (_TooLarge, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
                target.unlink(missing_ok=True)
                return None
            return target
    return None
