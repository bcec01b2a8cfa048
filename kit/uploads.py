"""Checking an uploaded photo or video by what it is, not by its name.

A photo is opened by Pillow, refused above a pixel limit before it is decoded (a decompression
bomb), decoded whole (a truncated or forged file fails here), turned upright from its EXIF
orientation and re-encoded as a fresh JPEG without any of the original's metadata (no GPS, no
camera serial), with a thumbnail. A video is recognised by its container's signature (MP4 or
QuickTime `ftyp`, WebM's EBML header) and its size; it is stored as sent.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85
SNIFF_BYTES = 64


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def seek(self, offset: int, /) -> object: ...


@dataclass(frozen=True)
class Photo:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class Video:
    content_type: str


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


# The major brands of an ISO media file (the `ftyp` box) that are videos a browser plays. The
# same box starts an iPhone's photos (HEIC, AVIF) and audio (M4A): those are not videos.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"M4VH", b"M4VP", b"dash", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"mmp4",
}  # fmt: skip
STILL_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}


def video_type(head: bytes) -> str | None:
    """The video's type from its first bytes, or None when it is no video we take."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4" if brand in MP4_BRANDS else None
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:SNIFF_BYTES]:
        return "video/webm"
    return None


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def checked_photo(data: bytes, *, max_pixels: int, longest_side: int) -> Photo:
    """The photo re-encoded, or a ValidationError on `file` saying what is wrong with it."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between its limit and twice it: a warning is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in PHOTO_FORMATS:
                    raise refuse(_("Send a photo as JPEG, PNG or WebP."))
                width, height = opened.size
                if width * height > max_pixels:
                    raise refuse(
                        _(
                            "The photo is %(width)d x %(height)d pixels: at most %(most)d "
                            "million pixels are taken."
                        )
                        % {"width": width, "height": height, "most": max_pixels // 1_000_000}
                    )
                # A JPEG is decoded straight at a fraction of its size (DCT scaling) when it
                # is far larger than kept: the same picture, at a fraction of the work.
                opened.draft("RGB", (longest_side, longest_side))
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own ceiling (far above ours) refused it before our count: the same refusal.
        raise refuse(
            _("The photo has far more than %(most)d million pixels, the most taken.")
            % {"most": max_pixels // 1_000_000}
        ) from None
    except UnidentifiedImageError:
        raise refuse(
            _("This file is not a photo (JPEG, PNG or WebP) or a video (MP4, QuickTime or WebM).")
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise refuse(_("The photo could not be read: it may be damaged or cut short.")) from None
    if image.mode not in ("RGB", "L"):
        # Transparency over white, as the photo will be seen on a page.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    image.thumbnail((longest_side, longest_side))
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return Photo(_jpeg(image), _jpeg(thumbnail), image.width, image.height)


def checked_upload(
    upload: Readable,
    size: int,
    *,
    image_max_bytes: int,
    image_max_pixels: int,
    longest_side: int,
    video_max_bytes: int,
) -> Photo | Video:
    """A photo (re-encoded) or a video (recognised), or a ValidationError naming `file`."""
    if size <= 0:
        raise refuse(_("The file is empty."))
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in STILL_BRANDS:
        raise refuse(
            _(
                "This is a HEIC or AVIF photo (an iPhone's own format): send it as JPEG "
                "(on an iPhone: Settings, Camera, Formats, Most Compatible; or share it as JPEG)."
            )
        )
    kind = video_type(head)
    if kind is not None:
        if size > video_max_bytes:
            raise refuse(
                _("The video is %(size)s: at most %(most)s is taken.")
                % {"size": megabytes(size), "most": megabytes(video_max_bytes)}
            )
        return Video(kind)
    if size > image_max_bytes:
        raise refuse(
            _("The file is %(size)s: a photo may be at most %(most)s.")
            % {"size": megabytes(size), "most": megabytes(image_max_bytes)}
        )
    return checked_photo(upload.read(), max_pixels=image_max_pixels, longest_side=longest_side)
