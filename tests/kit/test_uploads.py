"""Uploaded photos and videos checked by what they are, not by their names: a photo is kept
re-encoded without what the camera wrote into it, anything else that is no photo or video is
refused with a reason the sender can act on."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, ImageFile

from kit.uploads import THUMBNAIL_SIDE, Photo, Video, checked_photo, checked_upload, video_type
from tests import media_files

MB = 1024 * 1024
LIMITS = {
    "image_max_bytes": 10 * MB,
    "image_max_pixels": 40_000_000,
    "longest_side": 1600,
    "video_max_bytes": 50 * MB,
}


def checked(data: bytes, size: int | None = None) -> Photo | Video:
    return checked_upload(io.BytesIO(data), len(data) if size is None else size, **LIMITS)


def refusal(data: bytes, size: int | None = None) -> str:
    with pytest.raises(ValidationError) as refused:
        checked(data, size)
    messages = refused.value.message_dict
    assert list(messages) == ["file"]
    return " ".join(messages["file"])


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_photo_is_kept_without_where_it_was_taken() -> None:
    original = media_files.jpeg(2400, 1800, gps=True)
    assert opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's own premise

    photo = checked(original)

    assert isinstance(photo, Photo)
    for data in (photo.data, photo.thumbnail):
        exif = opened(data).getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.Make not in exif


def test_a_photo_is_shrunk_to_the_longest_side_with_a_small_thumbnail() -> None:
    photo = checked(media_files.jpeg(2400, 1800))

    assert isinstance(photo, Photo)
    assert (photo.width, photo.height) == (1600, 1200)
    assert opened(photo.data).size == (1600, 1200)
    assert max(opened(photo.thumbnail).size) <= THUMBNAIL_SIDE
    assert opened(photo.thumbnail).size == (480, 360)
    assert photo.content_type == "image/jpeg"


def test_a_png_with_transparency_becomes_an_rgb_jpeg_on_white() -> None:
    photo = checked(media_files.png_with_alpha())

    assert isinstance(photo, Photo)
    image = opened(photo.data)
    assert (image.format, image.mode) == ("JPEG", "RGB")
    # A transparent pixel is shown over white, not over black.
    pixel = image.getpixel((40, 30))
    assert isinstance(pixel, tuple) and min(pixel) > 240


def test_an_executable_named_photo_jpg_is_refused() -> None:
    message = refusal(media_files.ELF)

    assert "This file is not a photo (JPEG, PNG or WebP) or a video" in message


def test_a_picture_in_a_format_not_taken_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="GIF")

    assert refusal(out.getvalue()) == "Send a photo as JPEG, PNG or WebP."


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding a picture fails the test: a refusal must come from its header alone."""

    def decode(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)


def test_a_photo_above_the_pixel_limit_is_refused_before_it_is_decoded(
    no_decoding: None,
) -> None:
    # 64 million pixels: under Pillow's own bomb limit, over the app's.
    bomb = media_files.png_of_zeros(8000, 8000)
    assert len(bomb) < 100_000

    message = refusal(bomb)

    assert message == "The photo is 8000 x 8000 pixels: at most 40 million pixels are taken."


def test_a_decompression_bomb_is_refused_before_it_is_decoded_naming_the_limit(
    no_decoding: None,
) -> None:
    # 900 million pixels (a gigabyte decoded) in about a hundred kilobytes.
    bomb = media_files.png_of_zeros(30_000, 30_000)
    assert len(bomb) < 200_000

    message = refusal(bomb)

    # Pillow's own ceiling refuses it while opening, before the size reaches the app's check:
    # the message names the app's limit all the same.
    assert message == "The photo has far more than 40 million pixels, the most taken."


def test_a_photo_cut_short_is_refused() -> None:
    whole = media_files.jpeg(800, 600)

    message = refusal(whole[: len(whole) // 2])

    assert message == "The photo could not be read: it may be damaged or cut short."


def test_the_pixel_limit_is_the_callers() -> None:
    with pytest.raises(ValidationError, match="at most 1 million pixels"):
        checked_photo(media_files.jpeg(1200, 900), max_pixels=1_000_000, longest_side=1600)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (media_files.MP4_HEAD, "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 40, "video/quicktime"),
        (media_files.WEBM_HEAD, "video/webm"),
    ],
    ids=["mp4", "quicktime", "webm"],
)
def test_a_video_is_recognised_by_its_first_bytes(head: bytes, kind: str) -> None:
    assert video_type(head) == kind
    assert checked(head, size=5 * MB) == Video(kind)


@pytest.mark.parametrize(
    "head",
    [media_files.ELF, b"\x1a\x45\xdf\xa3" + b"\x00" * 40 + b"matroska", b"ftyp", b""],
    ids=["executable", "matroska-not-webm", "too-short", "empty"],
)
def test_what_is_no_video_is_not_taken_for_one(head: bytes) -> None:
    assert video_type(head) is None


def test_a_video_above_the_size_limit_is_refused_naming_the_limit() -> None:
    message = refusal(media_files.MP4_HEAD, size=51 * MB)

    assert message == "The video is 51 MB: at most 50 MB is taken."


def test_a_photo_above_the_size_limit_is_refused_naming_the_limit() -> None:
    message = refusal(media_files.jpeg(), size=11 * MB)

    assert message == "The file is 11 MB: a photo may be at most 10 MB."


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"") == "The file is empty."


def test_an_iphone_photo_is_not_taken_for_a_video() -> None:
    # HEIC starts with the same `ftyp` box as an MP4 video; its brand says it is a photo.
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 400

    message = refusal(heic)

    assert message.startswith("This is a HEIC or AVIF photo")
    assert "JPEG" in message


def test_audio_in_an_mp4_box_is_not_a_video() -> None:
    m4a = b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom" + b"\x00" * 400

    assert video_type(m4a) is None
