"""A course as a zip: export gives the same bytes for the same files; import takes only
what stays inside the course, and refuses bombs, links and too much."""

import io
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from trainer.authoring import archive
from trainer.authoring.archive import ArchiveRefused, course_zip, files_from_zip
from trainer.content import load_course
from trainer.content.loader import is_ignored_file

ROOT = Path(__file__).resolve().parents[3]
COURSE = {
    "course.md": b"---\ntitle: x\n---\n# Reception\n",
    "lessons/01-greeting.md": "# 问候\n\n您好！\n".encode(),
    "images/shop-front-1a2b3c4d.jpg": bytes(range(256)) * 4,
    "media/门店照片.png": b"\x89PNG\r\n\x1a\n...",
    "empty.txt": b"",
}
OUTSIDE = "paths outside the course"


def make_zip(entries, *, utf8_flag=True) -> bytes:
    """A zip of (name, content) or (ZipInfo, content); a name ending in / is a folder."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names, on purpose
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name, content in entries:
                zipped.writestr(name, content)
    return buffer.getvalue()


def make_zip_with_raw_names(names: dict[str, bytes], contents: dict[str, bytes]) -> bytes:
    """A zip whose names are the given bytes with no UTF-8 flag, as zip tools on Chinese
    Windows write them: ascii placeholders of the same length are swapped for the bytes."""
    placeholders = {}
    entries = []
    for index, (name, raw) in enumerate(names.items()):
        placeholder = f"{index:02d}".ljust(len(raw), "_").encode()
        assert len(placeholder) == len(raw)
        placeholders[placeholder] = raw
        entries.append((placeholder.decode(), contents[name]))
    data = make_zip(entries)
    for placeholder, raw in placeholders.items():
        assert data.count(placeholder) == 2  # local header and central directory
        data = data.replace(placeholder, raw)
    return data


def refusal(data: bytes) -> str:
    with pytest.raises(ArchiveRefused) as refused:
        files_from_zip(data)
    return str(refused.value.message)


# -- export ------------------------------------------------------------------------------


def test_course_zip_lays_the_files_under_the_slug_sorted():
    with zipfile.ZipFile(io.BytesIO(course_zip("reception", COURSE))) as zipped:
        assert zipped.namelist() == [
            "reception/course.md",
            "reception/empty.txt",
            "reception/images/shop-front-1a2b3c4d.jpg",
            "reception/lessons/01-greeting.md",
            "reception/media/门店照片.png",
        ]
        for info in zipped.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert stat.S_ISREG(info.external_attr >> 16)
        compression = {info.filename: info.compress_type for info in zipped.infolist()}
        assert compression["reception/course.md"] == zipfile.ZIP_DEFLATED
        assert compression["reception/images/shop-front-1a2b3c4d.jpg"] == zipfile.ZIP_STORED
        assert zipped.read("reception/media/门店照片.png") == COURSE["media/门店照片.png"]


def test_the_same_files_give_the_same_bytes():
    first = course_zip("reception", COURSE)
    reversed_order = dict(reversed(list(COURSE.items())))
    assert course_zip("reception", reversed_order) == first
    assert course_zip("reception", {**COURSE, "empty.txt": b"x"}) != first


@pytest.mark.parametrize("path", ["../x.md", "/etc/passwd", "a\\b.md", "", "lessons/"])
def test_course_zip_will_not_write_a_path_outside_the_course(path):
    with pytest.raises(ValueError):
        course_zip("reception", {path: b"x"})


# -- round trips -------------------------------------------------------------------------


def test_round_trip():
    assert files_from_zip(course_zip("reception", COURSE)) == COURSE


def course_files(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not is_ignored_file(relative):
            files[relative] = path.read_bytes()
    return files


@pytest.mark.parametrize("slug", ["sales-seven-steps", "reception-sop"])
def test_a_real_course_round_trips_and_still_loads(slug, tmp_path):
    files = course_files(ROOT / "content" / "courses" / slug)
    assert "course.md" in files and any(path.startswith("lessons/") for path in files)
    imported = files_from_zip(course_zip(slug, files))
    assert imported == files
    folder = tmp_path / slug
    for path, content in imported.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    course, problems = load_course(folder)
    assert course is not None, [problem for problem in problems if problem.is_error]


# -- layout ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["course.md", "lessons/01-a.md"], ["course.md", "lessons/01-a.md"]),
        (["slug/course.md", "slug/lessons/01-a.md"], ["course.md", "lessons/01-a.md"]),
        (["slug/", "slug/lessons/", "slug/course.md"], ["course.md"]),  # folders skipped
        (["slug/course.md"], ["course.md"]),
        (["a/course.md", "b/course.md"], ["a/course.md", "b/course.md"]),  # two folders
        (["slug/course.md", "notes.txt"], ["notes.txt", "slug/course.md"]),
        (["./course.md", "./lessons/01-a.md"], ["course.md", "lessons/01-a.md"]),
        (["slug//course.md", "slug/./quiz.md"], ["course.md", "quiz.md"]),
        (["a..b.md"], ["a..b.md"]),  # dots in a name are not a .. segment
        # junk dropped before the top folder is looked for
        (
            [
                "slug/course.md",
                "__MACOSX/slug/._course.md",
                "slug/.DS_Store",
                "slug/lessons/01-a.md~",
                "slug/lessons/01-a.md.bak",
                "slug/Thumbs.db",
                "slug/.git/config",
                "slug/#quiz.md#",
                ".DS_Store",
            ],
            ["course.md"],
        ),
    ],
)
def test_layouts(names, expected):
    files = files_from_zip(
        make_zip([(name, b"" if name.endswith("/") else name) for name in names])
    )
    assert sorted(files) == expected


# -- names from Chinese Windows ----------------------------------------------------------


def test_gbk_names_without_the_utf8_flag_are_read_as_chinese():
    names = {
        "前台接待/course.md": "前台接待/course.md".encode("gbk"),
        "前台接待/media/门店照片.png": "前台接待/media/门店照片.png".encode("gbk"),
        "前台接待/media/淺色.png": "前台接待/media/淺色.png".encode("gbk"),  # a \ byte in GBK
    }
    assert b"\\" in "淺".encode("gbk")
    contents = {name: name.encode() for name in names}
    data = make_zip_with_raw_names(names, contents)
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:  # what zipfile alone makes of them
        assert not any(info.flag_bits & 0x800 for info in zipped.infolist())
        assert "门店照片" not in " ".join(zipped.namelist())
    assert files_from_zip(data) == {
        "course.md": "前台接待/course.md".encode(),
        "media/门店照片.png": "前台接待/media/门店照片.png".encode(),
        "media/淺色.png": "前台接待/media/淺色.png".encode(),
    }


def test_utf8_names_without_the_flag_are_read_as_utf8():
    names = {"slug/media/门店.png": "slug/media/门店.png".encode()}
    data = make_zip_with_raw_names(names, {"slug/media/门店.png": b"x"})
    assert files_from_zip(data) == {"media/门店.png": b"x"}


def test_names_in_neither_utf8_nor_gbk_are_kept_as_zipfile_reads_them():
    names = {"x": b"\x80\xff.md"}  # invalid in both
    data = make_zip_with_raw_names(names, {"x": b"x"})
    assert files_from_zip(data) == {b"\x80\xff.md".decode("cp437"): b"x"}


# -- refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"course.md",
        b"PK\x03\x04 not really",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        make_zip([("course.md", b"x")])[:-10],  # cut: no end of central directory
    ],
)
def test_not_a_zip(data):
    assert "not a zip archive" in refusal(data)


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../course.md",
        "slug/../../course.md",
        "slug/lessons/../course.md",  # stays inside, still refused: no .. at all
        "lessons\\01-a.md",
        "..\\..\\windows\\system.ini",
        "C:/course.md",
        "c:course.md",
        "slug/..",
        "../",
    ],
)
def test_paths_outside_the_course_are_refused_by_name(name):
    message = refusal(make_zip([("slug/course.md", b"x"), (name, b"x")]))
    assert OUTSIDE in message
    assert name in message


def test_symlink_entries_are_refused():
    link = zipfile.ZipInfo("slug/media/photo.png")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    message = refusal(make_zip([("slug/course.md", b"x"), (link, "/etc/passwd")]))
    assert "link" in message
    assert "slug/media/photo.png" in message


def test_an_executable_file_is_just_a_file():
    script = zipfile.ZipInfo("slug/run.sh")
    script.create_system = 3
    script.external_attr = (stat.S_IFREG | 0o755) << 16
    assert files_from_zip(make_zip([("slug/course.md", b"x"), (script, b"#!")])) == {
        "course.md": b"x",
        "run.sh": b"#!",
    }


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [("slug/", b""), ("slug/lessons/", b"")],
        [("__MACOSX/._x", b"x"), (".DS_Store", b"x"), ("slug/Thumbs.db", b"x")],
    ],
)
def test_a_zip_without_files_is_refused(entries):
    assert "no files" in refusal(make_zip(entries))


@pytest.mark.parametrize(("count", "accepted"), [(499, True), (500, True), (501, False)])
def test_at_most_500_files(count, accepted):
    entries = [(f"slug/media/{number:03d}.svg", b"<svg/>") for number in range(count)]
    entries += [(f"__MACOSX/slug/media/._{number:03d}.svg", b"") for number in range(20)]
    data = make_zip(entries)
    if accepted:
        assert len(files_from_zip(data)) == count
    else:
        assert "more than 500 files" in refusal(data)


def test_the_limits():
    assert archive.MAX_ARCHIVE_FILES == 500
    assert archive.MAX_ARCHIVE_BYTES == 300 * 1024 * 1024


@pytest.mark.parametrize(("limit", "accepted"), [(1001, True), (1000, True), (999, False)])
def test_declared_size_is_checked_before_anything_is_read(monkeypatch, limit, accepted):
    data = make_zip([("slug/course.md", b"x" * 600), ("slug/quiz.md", b"y" * 400)])
    monkeypatch.setattr(archive, "MAX_ARCHIVE_BYTES", limit)
    if accepted:
        assert len(files_from_zip(data)) == 2
        return

    def no_reading(*args, **kwargs):
        raise AssertionError("read before the size was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    assert "unpacks to more than" in refusal(data)


def patch_sizes(data: bytes, *, uncompressed: int | None = None, flags: int | None = None):
    """The one entry's declared size or flags, changed in both headers."""
    data = bytearray(data)
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    if uncompressed is not None:
        struct.pack_into("<I", data, local + 22, uncompressed)
        struct.pack_into("<I", data, central + 24, uncompressed)
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)
    return bytes(data)


def test_a_zip_bomb_that_lies_about_its_size_is_read_no_further_than_declared():
    data = patch_sizes(make_zip([("course.md", b"A" * 5_000_000)]), uncompressed=100)
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert zipped.infolist()[0].file_size == 100
    assert "damaged" in refusal(data)


@pytest.mark.parametrize(("extra", "too_large"), [(0, False), (1, True)])
def test_a_single_file_declared_over_the_media_limit_is_refused(extra, too_large):
    declared = 100 * 1024 * 1024 + extra
    message = refusal(patch_sizes(make_zip([("media/film.mp4", b"x")]), uncompressed=declared))
    # At the limit the entry is read, and found to hold less than it declares.
    assert ("film.mp4 is larger than 100 MB" in message) == too_large
    assert ("damaged" in message) == (not too_large)


def test_a_password_protected_zip_is_refused():
    data = patch_sizes(make_zip([("course.md", b"x")]), flags=0x1)
    assert "password" in refusal(data)


def test_a_corrupt_entry_is_refused_naming_it():
    data = make_zip([("slug/course.md", b"hello " * 1000)])
    start = data.find(b"PK\x03\x04") + 30 + len("slug/course.md")
    broken = data[:start] + bytes(b ^ 0xFF for b in data[start : start + 20]) + data[start + 20 :]
    message = refusal(broken)
    assert "damaged" in message and "slug/course.md" in message


@pytest.mark.parametrize(
    "names",
    [
        ["slug/course.md", "slug/course.md"],
        ["course.md", "./course.md"],
    ],
)
def test_the_same_path_twice_is_refused(names):
    assert "twice" in refusal(make_zip([(name, b"x") for name in names]))
