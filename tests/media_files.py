"""Files people upload, built in code: photos with what a camera writes into them, files that
only pretend to be photos, and the first bytes of videos."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# Where the photo was taken, as a phone writes it: what a re-encoded photo must not keep.
GPS_LATITUDE = (52.0, 31.0, 12.0)

# An executable's first bytes (ELF, 64-bit, little-endian) with whatever follows them.
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"junk" * 200
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 40
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 40


def jpeg(width: int = 640, height: int = 480, *, gps: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if gps:
        where = exif.get_ifd(ExifTags.IFD.GPSInfo)
        where[ExifTags.GPS.GPSLatitudeRef] = "N"
        where[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_with_alpha(width: int = 64, height: int = 48) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 90, 200, 0))
    image.putpixel((1, 1), (0, 90, 200, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_zeros(width: int, height: int) -> bytes:
    """A real black-and-white PNG of `width` x `height` black pixels: huge once decoded, small
    on disk (zeros compress to almost nothing). Compressed a stretch of rows at a time, so
    building it never holds the whole picture."""
    row = b"\x00" * (1 + (width + 7) // 8)  # the filter byte, then one bit a pixel
    stretch = 1000
    packer = zlib.compressobj(9)
    parts = [packer.compress(row * min(stretch, height - n)) for n in range(0, height, stretch)]
    compressed = b"".join(parts) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", compressed)
        + _chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    """Every file under `root`, not the folders a storage made on the way."""
    return sorted(path for path in root.rglob("*") if path.is_file())
