"""Images pasted into a lesson: checked by their bytes, turned upright, stripped of
metadata, no wider than a lesson shows them."""

import hashlib
import io
import random
import re
import struct
import zlib
from pathlib import PurePosixPath

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from trainer.authoring import images
from trainer.authoring.images import ImageRefused, prepare_image
from trainer.content.loader import MEDIA_EXTENSIONS, is_ignored_file

RED, BLUE = (255, 0, 0), (0, 0, 255)
PATH = re.compile(r"^images/[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{8}\.(?:jpg|png)$")
NOT_AN_IMAGE = "not an image: use PNG, JPEG, WebP or GIF"
TOO_MANY_PIXELS = "too many pixels"
DAMAGED = "damaged or incomplete"


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def solid(size, fmt="JPEG", mode="RGB", color=RED, **params) -> bytes:
    return encode(Image.new(mode, size, color), fmt, **params)


def noisy(size, fmt="JPEG") -> bytes:
    """Pixels that do not compress: truncating the file loses picture data."""
    width, height = size
    pixels = random.Random(24).randbytes(width * height * 3)
    return encode(Image.frombytes("RGB", size, pixels), fmt)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height but holds almost nothing (a decompression bomb's
    shape: a few bytes in the upload, gigabytes once decoded)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\0" * (width + 1))  # one row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def reopened(prepared) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    return image


def refusal(data: bytes, filename: str = "x.png") -> str:
    with pytest.raises(ImageRefused) as refused:
        prepare_image(data, filename)
    return str(refused.value.message)


# -- width -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1281, 100), (1280, 100)),  # one over: scaled, 100 * 1280 / 1281 rounds to 100
        ((1280, 100), (1280, 100)),  # at the limit: as it is
        ((1279, 100), (1279, 100)),
        ((2560, 1440), (1280, 720)),  # aspect ratio kept
        ((4000, 3000), (1280, 960)),  # a phone photo (decoded at a reduced scale first)
        ((300, 5000), (300, 5000)),  # tall and narrow: never enlarged
        ((10, 10), (10, 10)),
        ((1, 1), (1, 1)),
    ],
)
def test_width_is_at_most_1280(size, expected):
    prepared = prepare_image(solid(size), "photo.jpg")
    assert (prepared.width, prepared.height) == expected
    assert reopened(prepared).size == expected


def test_the_width_limit_is_1280():
    assert images.MAX_IMAGE_WIDTH == 1280


def test_a_wide_png_with_transparency_is_scaled_too():
    prepared = prepare_image(solid((2000, 500), "PNG", "RGBA", (0, 0, 0, 0)), "logo.png")
    assert (prepared.width, prepared.height) == (1280, 320)


# -- orientation and metadata ------------------------------------------------------------


def photo_with_exif(orientation: int, size=(200, 100), **params) -> bytes:
    """Left half red, right half blue, as stored; EXIF orientation and a GPS position."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (31.0, 14.0, 0.0)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 0.0)
    return encode(image, "JPEG", exif=exif, quality=95, **params)


def test_the_test_photo_really_carries_gps():
    image = Image.open(io.BytesIO(photo_with_exif(6)))
    assert image.getexif()[0x0112] == 6
    assert image.getexif().get_ifd(0x8825)[1] == "N"


def test_exif_orientation_6_is_applied_and_exif_is_gone():
    prepared = prepare_image(photo_with_exif(6), "shop.jpg")
    # Orientation 6: turn 90° clockwise to show it; the stored left (red) becomes the top.
    assert (prepared.width, prepared.height) == (100, 200)
    image = reopened(prepared)
    assert image.size == (100, 200)
    top, bottom = image.getpixel((50, 20)), image.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert "exif" not in image.info
    assert len(image.getexif()) == 0
    assert b"PhoneMaker" not in prepared.data
    assert b"Exif" not in prepared.data


def test_orientation_is_applied_before_the_width_limit():
    # Stored 4000 x 3000, shown 3000 x 4000: the shown width is what is limited.
    prepared = prepare_image(photo_with_exif(6, size=(4000, 3000)), "shop.jpg")
    assert (prepared.width, prepared.height) == (1280, 1707)  # 4000 * 1280 / 3000 = 1706.7


def test_png_text_and_colour_profile_are_stripped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = solid((50, 50), "PNG", "RGBA", (1, 2, 3, 128), pnginfo=info, icc_profile=srgb)
    assert b"secret location" in data  # the test input does carry them
    prepared = prepare_image(data, "x.png")
    image = reopened(prepared)
    assert b"secret location" not in prepared.data
    assert "icc_profile" not in image.info
    assert "Comment" not in image.info


def test_a_photo_with_a_colour_profile_is_kept_as_jpeg_without_the_profile():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    prepared = prepare_image(solid((50, 50), icc_profile=srgb), "x.jpg")
    assert prepared.content_type == "image/jpeg"
    assert "icc_profile" not in reopened(prepared).info


# -- output format ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "mode"),
    [
        (solid((40, 30)), "image/jpeg", "RGB"),  # photo
        (solid((40, 30), "WEBP"), "image/jpeg", "RGB"),
        (solid((40, 30), "PNG"), "image/jpeg", "RGB"),  # no transparency: a photo
        (solid((40, 30), "PNG", "L", 128), "image/jpeg", "L"),  # greyscale photo
        (solid((40, 30), "JPEG", "CMYK", (0, 255, 255, 0)), "image/jpeg", "RGB"),
        (solid((40, 30), "PNG", "RGBA", (255, 0, 0, 100)), "image/png", "RGBA"),
        (solid((40, 30), "PNG", "LA", (100, 50)), "image/png", "RGBA"),
        (solid((40, 30), "WEBP", "RGBA", (255, 0, 0, 100)), "image/png", "RGBA"),
        (solid((40, 30), "GIF", "P", 3), "image/png", "RGB"),  # palette
        (solid((40, 30), "PNG", "1", 1), "image/png", "RGB"),
        (solid((40, 30), "GIF", "P", 0, transparency=0), "image/png", "RGBA"),
    ],
)
def test_alpha_and_palettes_give_png_photos_give_jpeg(data, content_type, mode):
    prepared = prepare_image(data, "upload")
    assert prepared.content_type == content_type
    image = reopened(prepared)
    assert image.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    assert image.mode == mode
    assert prepared.path.endswith({"image/jpeg": ".jpg", "image/png": ".png"}[content_type])


def test_transparency_survives():
    prepared = prepare_image(solid((10, 10), "PNG", "RGBA", (255, 0, 0, 0)), "x.png")
    assert reopened(prepared).getpixel((5, 5))[3] == 0


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("P", (20, 20), color) for color in (1, 2)]
    for frame, rgb in zip(frames, (RED, BLUE), strict=True):
        frame.putpalette([0, 0, 0, *RED, *BLUE] + [0, 0, 0] * 253)
        assert frame.convert("RGB").getpixel((0, 0)) == rgb
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    image = reopened(prepare_image(data, "blink.gif"))
    assert image.format == "PNG"
    assert image.convert("RGB").getpixel((10, 10)) == RED
    assert getattr(image, "n_frames", 1) == 1


# -- upload size -------------------------------------------------------------------------


TEN_MB = 10 * 1024 * 1024


def test_the_upload_limit_is_10_mb():
    assert images.MAX_IMAGE_UPLOAD_BYTES == TEN_MB


@pytest.mark.parametrize(
    ("size", "accepted"), [(TEN_MB - 1, True), (TEN_MB, True), (TEN_MB + 1, False)]
)
def test_10_mb_upload_boundary(size, accepted):
    # A JPEG decoder stops at the end-of-image marker: padding makes a real image of any size.
    data = solid((20, 20))
    data += b"\0" * (size - len(data))
    assert len(data) == size
    if accepted:
        assert prepare_image(data, "big.jpg").width == 20
    else:
        assert "larger than 10 MB" in refusal(data, "big.jpg")


@pytest.mark.parametrize(("extra", "accepted"), [(-1, True), (0, True), (1, False)])
def test_upload_boundary_follows_the_constant(monkeypatch, extra, accepted):
    data = solid((20, 20), "PNG")
    monkeypatch.setattr(images, "MAX_IMAGE_UPLOAD_BYTES", len(data) - extra)
    if accepted:
        prepare_image(data, "x.png")
    else:
        with pytest.raises(ImageRefused):
            prepare_image(data, "x.png")


# -- not images, damaged images, bombs ---------------------------------------------------


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"Just some notes, not a picture.\n", "notes.png"),
        (SVG, "drawing.svg"),
        (SVG, "drawing.png"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "photo.jpg"),
        (b"", "empty.png"),
        (solid((10, 10), "BMP"), "real-bitmap.png"),  # an image, but not one of the four
        (solid((10, 10), "TIFF"), "scan.jpg"),
        (solid((10, 10), "ICO"), "favicon.png"),
    ],
)
def test_what_is_not_png_jpeg_webp_or_gif_is_refused(data, filename):
    assert NOT_AN_IMAGE in refusal(data, filename)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
@pytest.mark.parametrize("kept", [0.5, 0.9])
@pytest.mark.parametrize("load_truncated", [False, True])
def test_a_truncated_image_is_refused(fmt, kept, load_truncated, monkeypatch):
    # True: as in the running app, where importing WeasyPrint sets Pillow's global flag.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    data = noisy((300, 200), fmt)
    prepare_image(data, "whole")  # the whole file is fine
    assert DAMAGED in refusal(data[: int(len(data) * kept)], "cut")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
        b"GIF89a",
        b"RIFF\0\0\0\0WEBPVP8 ",
        noisy((40, 40), "PNG")[:40],  # cut inside the header
    ],
)
def test_the_start_of_an_image_only_is_damaged_not_foreign(data):
    assert DAMAGED in refusal(data)


def test_a_bomb_like_image_is_refused_before_decoding():
    data = png_header_only(10_000, 10_000)  # 100 megapixels in a few hundred bytes
    assert len(data) < 1000
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's own, process-wide, warning
        message = refusal(data, "bomb.png")
    assert TOO_MANY_PIXELS in message
    assert "40 megapixels" in message


def test_a_bomb_beyond_pillows_own_limit_gets_the_same_refusal():
    assert TOO_MANY_PIXELS in refusal(png_header_only(30_000, 30_000), "bomb.png")


def test_a_real_solid_10000_square_is_refused():
    data = solid((10_000, 10_000), "PNG", "1", 1)  # 1-bit: small to make and to upload
    with pytest.warns(Image.DecompressionBombWarning):
        assert TOO_MANY_PIXELS in refusal(data, "solid.png")


@pytest.mark.parametrize(("size", "accepted"), [((100, 100), True), ((101, 100), False)])
def test_pixel_limit_boundary(monkeypatch, size, accepted):
    monkeypatch.setattr(images, "MAX_IMAGE_PIXELS", 100 * 100)
    data = solid(size, "PNG")
    if accepted:
        assert prepare_image(data, "x.png").width == size[0]
    else:
        assert TOO_MANY_PIXELS in refusal(data)


def test_the_pixel_limit_is_40_megapixels_and_pillows_global_is_left_alone():
    assert images.MAX_IMAGE_PIXELS == 40_000_000
    # Just over: 6325 x 6325 = 40,005,625 pixels, declared only.
    assert TOO_MANY_PIXELS in refusal(png_header_only(6325, 6325))
    assert Image.MAX_IMAGE_PIXELS != images.MAX_IMAGE_PIXELS


# -- paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "stem"),
    [
        ("../../etc/passwd.png", "passwd"),
        ("门店照片.JPG", "men-dian-zhao-pian"),
        ("", "image"),
        ("C:\\Users\\王\\Desktop\\Shop Front.jpeg", "shop-front"),
        (".hidden.png", "hidden"),
        ("...", "image"),
        ("照片", "zhao-pian"),
        ("IMG_2041.HEIC.jpg", "img-2041-heic"),
        ("!!!.png", "image"),
        ("a" * 100 + ".png", "a" * 40),
        ("/", "image"),
    ],
)
def test_unsafe_filenames_give_safe_paths(filename, stem):
    prepared = prepare_image(solid((20, 10)), filename)
    assert PATH.match(prepared.path), prepared.path
    digest = hashlib.sha256(prepared.data).hexdigest()[:8]
    assert prepared.path == f"images/{stem}-{digest}.jpg"
    # A path a course may hold and serve.
    assert not is_ignored_file(prepared.path)
    assert PurePosixPath(prepared.path).suffix in MEDIA_EXTENSIONS


def test_the_same_upload_gives_the_same_path_and_bytes():
    first = prepare_image(photo_with_exif(6), "a.jpg")
    second = prepare_image(photo_with_exif(6), "a.jpg")
    assert first == second
    other = prepare_image(solid((20, 10), color=BLUE), "a.jpg")
    assert other.path != first.path


def test_a_photo_with_a_motion_video_after_its_picture_is_taken(monkeypatch):
    """Phones append a short video after the JPEG's end marker (motion photos): the picture is
    whole, so it is taken, under WeasyPrint's global flag too."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = noisy((300, 200), "JPEG") + b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    prepared = prepare_image(data, "motion.jpg")
    assert (prepared.width, prepared.height) == (300, 200)
