"""An image pasted or dropped into a lesson, made fit to publish.

What the trainer's browser sends is not trusted: the format is what Pillow finds in the
bytes (never the file name), the pixel count is checked before anything is decoded, the
picture is turned the way the camera meant (EXIF orientation) and then stripped of every
piece of metadata (a phone photo's EXIF carries the GPS position of the shop), and it is
made no wider than a lesson shows it.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from trainer.authoring.slugs import slugify
from trainer.content.loader import MAX_MEDIA_BYTES

MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024  # what a trainer may upload; exactly this is accepted
MAX_IMAGE_WIDTH = 1280  # px: wider images are scaled down, narrower ones are never enlarged
# Checked from the header, before decoding: a small file can declare a huge picture (a
# "decompression bomb"). Our own limit, not Pillow's process-wide Image.MAX_IMAGE_PIXELS,
# which other code (certificate PDFs) shares.
MAX_IMAGE_PIXELS = 40_000_000
JPEG_QUALITY = 85
IMAGE_FOLDER = "images"
STEM_MAX_LENGTH = 40
# Pillow's names of the formats accepted; MPO is how Pillow names the JPEG files of phone
# cameras that carry a second picture (depth map, preview): they are JPEG to a browser.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_OPENED_AS = {"MPO": "JPEG"}
_ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_EXIF_ORIENTATION = 0x0112


class ImageRefused(ValueError):
    """The upload cannot be used; `message` tells the trainer what to do instead."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class PreparedImage:
    path: str  # course-relative, e.g. "images/shop-front-1a2b3c4d.jpg"
    data: bytes
    width: int
    height: int
    content_type: str


def prepare_image(data: bytes, filename: str) -> PreparedImage:
    """The image to store in the course for an uploaded file; ImageRefused when it is too
    large, not a PNG/JPEG/WebP/GIF, damaged, or has too many pixels."""
    if len(data) > MAX_IMAGE_UPLOAD_BYTES:
        raise ImageRefused(
            _l(
                "The image is larger than %(mb)s MB: save it smaller (for example resized "
                "for the web) and add it again.",
                mb=MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024),
            )
        )
    image = _decode(data)
    image = _upright(image)
    image = _to_srgb(image)
    lossless = _needs_lossless(image)
    image = image.convert(
        "RGBA" if _has_alpha(image) else "RGB" if lossless else _photo_mode(image)
    )
    image = _fit_width(image)
    output, extension, content_type = _encode(image, lossless)
    if len(output) > MAX_MEDIA_BYTES:
        raise ImageRefused(_too_many_pixels())
    digest = hashlib.sha256(output).hexdigest()[:8]
    path = f"{IMAGE_FOLDER}/{safe_stem(filename)}-{digest}{extension}"
    return PreparedImage(path, output, image.width, image.height, content_type)


def safe_stem(filename: str) -> str:
    """The file name without folders or extension, as lowercase ascii words joined by
    hyphens (Chinese as pinyin): "../门店 照片.JPG" → "men-dian-zhao-pian"."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return slugify(stem, max_length=STEM_MAX_LENGTH, fallback="image")


def _not_an_image():
    return _l("This file is not an image: use PNG, JPEG, WebP or GIF.")


def _too_many_pixels():
    return _l(
        "The image has too many pixels (at most %(mp)s megapixels): resize it and add it again.",
        mp=MAX_IMAGE_PIXELS // 1_000_000,
    )


def _damaged():
    return _l(
        "The image is damaged or incomplete: open it, save it again as PNG or JPEG, and add "
        "it again."
    )


def _decode(data: bytes) -> Image.Image:
    """The first frame, decoded, after the checks that need only the header."""
    try:
        # formats=: only these decoders ever see the bytes (no PDF, EPS, SVG, ICO, …).
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:  # Pillow's own, far higher, limit
        raise ImageRefused(_too_many_pixels()) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused(_damaged() if _looks_like_image(data) else _not_an_image()) from exc
    if _OPENED_AS.get(image.format, image.format) not in ACCEPTED_FORMATS:
        raise ImageRefused(_not_an_image())
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_IMAGE_PIXELS:
        raise ImageRefused(_too_many_pixels())
    if not _whole(image.format, data):
        raise ImageRefused(_damaged())
    _draft_for_width(image)
    try:
        # An animated GIF, PNG or WebP keeps its first frame only: a lesson image is a
        # still picture (a moving one belongs in a video).
        image.seek(0)
        image.load()
    except Image.DecompressionBombError as exc:
        raise ImageRefused(_too_many_pixels()) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise ImageRefused(_damaged()) from exc
    return image


def _whole(image_format: str, data: bytes) -> bool:
    """Does the file hold its whole first picture? WeasyPrint sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES (for certificates), under which Image.load fills a cut-off picture
    with grey instead of failing, so the end of the picture is looked for here."""
    if image_format == "PNG":
        return data.rfind(b"IEND") > data.find(b"IDAT") > 0
    if image_format in ("JPEG", "MPO"):
        return _jpeg_scan_ends(data)
    # GIF and WebP: Pillow's incremental parser decodes them itself and says when the data
    # stops early, whatever the global flag.
    parser = ImageFile.Parser()
    try:
        parser.feed(data)
        parser.close()
    except (OSError, SyntaxError, ValueError, EOFError, IndexError):
        return False
    return True


def _jpeg_scan_ends(data: bytes) -> bool:
    """Walk the JPEG's segments (skipping APPn blocks, whose EXIF thumbnail is a JPEG of its
    own) to the first scan; the picture is whole when an end-of-image marker follows. Inside
    scan data a 0xFF byte is always followed by 0x00 or a restart marker, so 0xFFD9 there is
    the real end. Bytes after it (phones append motion-photo video) do not matter."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan
            return data.find(b"\xff\xd9", position) != -1
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return False


def _looks_like_image(data: bytes) -> bool:
    """Starts as a PNG, JPEG, GIF or WebP file does (then it is damaged, not something else)."""
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:  # unreadable EXIF: the picture is used as it is stored
        return 1


def _draft_for_width(image: Image.Image) -> None:
    """A large JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is still at least
    as wide as the lesson shows it: a 40-megapixel photo then never sits whole in memory."""
    if image.format not in ("JPEG", "MPO"):
        return
    width, height = image.size
    shown_width = height if _orientation(image) in _ROTATED_ORIENTATIONS else width
    if shown_width <= MAX_IMAGE_WIDTH:
        return
    scale = MAX_IMAGE_WIDTH / shown_width
    image.draft(image.mode, (math.ceil(width * scale), math.ceil(height * scale)))


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a damaged EXIF block must not refuse good pixels
        return image.copy()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours from an embedded ICC profile (phones shoot in Display P3) converted to sRGB,
    since the profile itself is dropped with the other metadata."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, srgb, outputMode=mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unusable profile: the numbers are taken as sRGB


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _needs_lossless(image: Image.Image) -> bool:
    """Transparency, or few colours (palette images: GIFs, drawings, 1-bit scans), stay
    PNG; everything else is taken for a photo and becomes JPEG."""
    return _has_alpha(image) or image.mode in ("P", "1")


def _photo_mode(image: Image.Image) -> str:
    return "L" if image.mode == "L" else "RGB"


def _fit_width(image: Image.Image) -> Image.Image:
    if image.width <= MAX_IMAGE_WIDTH:
        return image
    height = max(1, round(image.height * MAX_IMAGE_WIDTH / image.width))
    return image.resize((MAX_IMAGE_WIDTH, height), Image.Resampling.LANCZOS)


def _encode(image: Image.Image, lossless: bool) -> tuple[bytes, str, str]:
    image.info = {}  # no EXIF, GPS, ICC, comments, text chunks or DPI from the upload
    buffer = io.BytesIO()
    if lossless:
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), ".png", "image/png"
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue(), ".jpg", "image/jpeg"
