"""A course as a zip of its files, laid out as content/courses/<slug>/ is: export and import.

An uploaded zip is not trusted: every entry's path must stay inside the course, links are
refused, the number of files and the unpacked size are checked against the archive's own
declaration before anything is read, and reading stops at what was declared (a zip bomb
lies about it). Junk that zip tools and operating systems add is dropped without a word.
"""

from __future__ import annotations

import io
import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from trainer.content.loader import MAX_MEDIA_BYTES, MEDIA_EXTENSIONS, is_ignored_file

MAX_ARCHIVE_FILES = 500
MAX_ARCHIVE_BYTES = 300 * 1024 * 1024  # all files unpacked, as the archive declares them
# 1980-01-01, the earliest a zip can say: the same files always give the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Already compressed: stored as they are rather than deflated again for nothing.
_STORED_SUFFIXES = MEDIA_EXTENSIONS - {".svg", ".wav"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_UTF8_NAME_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_JUNK_FOLDERS = {"__MACOSX"}  # macOS Finder's resource forks beside every file
_NAME_SHOWN = 120  # characters of an entry's name quoted in a message


class ArchiveRefused(ValueError):
    """The upload cannot be imported; `message` tells the trainer what to do instead."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def course_zip(slug: str, files: Mapping[str, bytes]) -> bytes:
    """A zip with each file as `<slug>/<path>`, in path order, with fixed dates and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            if _unsafe(path) or not path or path.endswith("/"):
                raise ValueError(f"not a course file path: {path!r}")
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=ZIP_DATE)
            info.create_system = 3  # unix, whatever this server runs: the mode below counts
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
            stored = suffix in _STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()


def files_from_zip(data: bytes) -> dict[str, bytes]:
    """{course-relative posix path: content} of an uploaded course zip, with a single
    top-level folder (e.g. the course's slug) taken away; ArchiveRefused when it cannot be
    imported as it is."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRefused(
            _l("This file is not a zip archive: zip the course folder and upload the .zip file.")
        ) from exc
    with archive:
        entries = _entries(archive)
        if not entries:
            raise ArchiveRefused(
                _l(
                    "The archive has no files: zip the course folder (course.md, lessons/, …) "
                    "and upload it again."
                )
            )
        if len(entries) > MAX_ARCHIVE_FILES:
            raise ArchiveRefused(
                _l(
                    "The archive has more than %(num)s files: upload only the course folder.",
                    num=MAX_ARCHIVE_FILES,
                )
            )
        if sum(info.file_size for _path, info in entries) > MAX_ARCHIVE_BYTES:
            raise ArchiveRefused(
                _l(
                    "The archive unpacks to more than %(mb)s MB: keep long videos on a video "
                    "platform and link to them from the lesson.",
                    mb=MAX_ARCHIVE_BYTES // (1024 * 1024),
                )
            )
        paths = _without_top_folder([path for path, _info in entries])
        return {
            path: _read(archive, info, name)
            for path, (name, info) in zip(paths, entries, strict=True)
        }


def _entries(archive: zipfile.ZipFile) -> list[tuple[str, zipfile.ZipInfo]]:
    """(path, info) of each file to import, checked, in the archive's order."""
    entries: list[tuple[str, zipfile.ZipInfo]] = []
    seen: set[str] = set()
    for info in archive.infolist():
        name = _decoded_name(info)
        if _unsafe(name):
            raise ArchiveRefused(
                _l(
                    "The archive has paths outside the course (%(name)s): zip the course "
                    "folder itself and upload it again.",
                    name=_shown(name),
                )
            )
        path = "/".join(part for part in name.split("/") if part not in ("", "."))
        if not path or info.is_dir():
            continue
        if path.split("/", 1)[0] in _JUNK_FOLDERS or is_ignored_file(path):
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveRefused(
                _l(
                    "The archive contains a link (%(name)s): a course carries its own files. "
                    "Put the file itself in the folder and zip it again.",
                    name=_shown(name),
                )
            )
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise ArchiveRefused(
                _l("The archive is password-protected: zip the course folder without a password.")
            )
        if path in seen:
            raise ArchiveRefused(
                _l(
                    "%(name)s is in the archive twice: zip the course folder again.",
                    name=_shown(path),
                )
            )
        if info.file_size > MAX_MEDIA_BYTES:
            raise ArchiveRefused(
                _l(
                    "%(name)s is larger than %(mb)s MB: keep long videos on a video platform "
                    "and link to them from the lesson.",
                    name=_shown(path),
                    mb=MAX_MEDIA_BYTES // (1024 * 1024),
                )
            )
        seen.add(path)
        entries.append((path, info))
    return entries


def _decoded_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker meant it. Without the UTF-8 flag, zipfile reads names
    as cp437; zips made on Chinese Windows hold GBK there, and some tools UTF-8 unflagged."""
    name = info.filename
    if info.flag_bits & _UTF8_NAME_FLAG:
        return name
    raw = info.orig_filename.encode("cp437")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _unsafe(name: str) -> bool:
    """Absolute, with a drive letter, with backslashes (a Windows path separator, which
    zipfile leaves alone on Linux) or a .. segment: could land outside the course."""
    return (
        name.startswith("/")
        or "\\" in name
        or "\0" in name
        or bool(_DRIVE.match(name))
        or ".." in name.split("/")
    )


def _without_top_folder(paths: list[str]) -> list[str]:
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        return [path.split("/", 1)[1] for path in paths]
    return paths


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    try:
        with archive.open(info) as entry:
            content = entry.read(info.file_size + 1)
    except (
        zipfile.BadZipFile,  # CRC mismatch, header not matching the directory
        zlib.error,
        lzma.LZMAError,
        OSError,  # bzip2
        EOFError,
        NotImplementedError,  # a compression method zipfile does not know
        RuntimeError,  # encrypted
        ValueError,
    ) as exc:
        raise _damaged(name) from exc
    # More than declared is a zip bomb (zipfile stops at the declared size, this is a second
    # guard); less is an archive whose directory does not match its contents.
    if len(content) != info.file_size:
        raise _damaged(name)
    return content


def _damaged(name: str) -> ArchiveRefused:
    return ArchiveRefused(
        _l(
            "The archive is damaged (%(name)s cannot be read): zip the course folder again and "
            "upload it.",
            name=_shown(name),
        )
    )


def _shown(name: str) -> str:
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 1] + "…"
