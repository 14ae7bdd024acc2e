"""What a batch reads: the reports under a folder, or inside a .zip extracted safely.

A .zip is extracted into a private temporary folder, member by member, and only report files:

- names that are absolute, carry a drive letter or climb out with ``..`` are refused (zip slip);
  symbolic links, encrypted members and nested archives are not extracted;
- names without the UTF-8 flag are decoded as GB18030 when they are not plain ASCII (zips made on
  Chinese Windows), so ``绩效自评报告.docx`` keeps its name;
- sizes are counted while inflating, not taken from the zip's directory: a member larger than
  ``max_member_bytes``, a member inflating more than ``max_ratio`` times its compressed size
  (beyond 1 MB), or an archive above ``max_total_bytes`` or ``max_members`` is refused.

A refused member is not silently dropped: it becomes a failed report of the batch with the
reason, so the summary shows it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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


def open_input(spec: str | os.PathLike[str], exclude: Path | None = None,
               max_member_bytes: int = MAX_MEMBER_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES,
               max_members: int = MAX_MEMBERS) -> BatchInput:
    """The reports under folder ``spec`` (recursively; ``exclude``, e.g. OUTDIR, left out), or in
    zip file ``spec``. Raises InputError when ``spec`` is neither."""
    path = Path(spec)
    if path.is_dir():
        return BatchInput(root=path, sources=scan_folder(path, exclude))
    if path.is_file() and path.suffix.lower() not in REPORT_SUFFIXES and zipfile.is_zipfile(path):
        return extract_zip(path, max_member_bytes=max_member_bytes, max_total_bytes=max_total_bytes,
                           max_members=max_members)
    if not path.exists():
        raise InputError(str(path), "no such folder or file", "give a folder of reports or a .zip")
    raise InputError(str(path), "is neither a folder nor a .zip archive",
                     "to audit a single report use `auditor audit FILE`")


def scan_folder(root: Path, exclude: Path | None = None) -> list[Source]:
    root_resolved = root.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    found: list[Source] = []
    for dirpath, dirnames, filenames in os.walk(root_resolved):  # symlinked folders are not followed
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and (excluded is None or (here / d).resolve() != excluded))
        for name in sorted(filenames):
            if not is_report_name(name):
                continue
            full = here / name
            try:
                info = full.stat()
            except OSError:
                continue  # a dangling link
            if not stat.S_ISREG(info.st_mode):
                continue
            key = full.relative_to(root_resolved).as_posix()
            found.append(Source(key=unicodedata.normalize("NFC", key), path=full, size=info.st_size))
    return found


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: Chinese Windows zips store GBK without a flag."""
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def safe_key(name: str) -> str | None:
    """The member's relative POSIX path, or None when it would leave the extraction folder."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return unicodedata.normalize("NFC", "/".join(parts))


def extract_zip(archive_path: Path, *, max_member_bytes: int = MAX_MEMBER_BYTES,
                max_total_bytes: int = MAX_TOTAL_BYTES, max_members: int = MAX_MEMBERS,
                max_ratio: int = MAX_RATIO) -> BatchInput:
    tmp = tempfile.TemporaryDirectory(prefix="auditor-batch-")
    out_root = Path(tmp.name).resolve()
    batch = BatchInput(root=archive_path, _tmp=tmp)
    total = 0
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise InputError(str(archive_path), f"holds {len(members)} files, over the limit of {max_members}",
                                 "split the archive")
            for info in members:
                if info.is_dir():
                    continue
                name = member_name(info)
                key = safe_key(name)
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
                if (out_root / key).exists():
                    batch.refused[key] = "a second member with the same name; not extracted"
                    continue
                if info.file_size > max_member_bytes:
                    batch.refused[key] = f"{info.file_size} bytes unpacked, over the limit of {max_member_bytes}"
                    continue
                target = (out_root / key).resolve()
                if out_root not in target.parents:
                    batch.refused[key] = "unsafe path in the archive; not extracted"
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
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
    except zipfile.BadZipFile as exc:
        batch.close()
        raise InputError(str(archive_path), f"is not a readable zip ({exc})", "download it again") from None
    except BaseException:
        batch.close()
        raise
    return batch


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
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            if info.is_dir() or safe_key(member_name(info)) != key or info.flag_bits & 0x1:
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                return None
            target = into / PurePosixPath(key).name
            try:
                _copy_member(archive, info, target, max_member_bytes)
            except _TooLarge:
                target.unlink(missing_ok=True)
                return None
            return target
    return None
