"""Photos and videos in an S3-compatible store through django-storages, as production may keep
them: a real S3 server on loopback (moto's, over HTTP), the app's own storage settings pointed
at it, and a photo stored, served under the access rules, and removed with its row."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image

from exercises.media import store_media
from exercises.models import Exercise, ExerciseMedia
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "planner-media"
KEYS = {"aws_access_key_id": "planner", "aws_secret_access_key": "planner-secret"}


@pytest.fixture
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS).create_bucket(
            Bucket=BUCKET
        )
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def media_in_s3(settings: Any, s3_server: str) -> Any:
    """The storage settings planner/settings.py builds when MEDIA_S3_BUCKET is set."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("phone.jpg", out.getvalue(), content_type="image/jpeg")


def keys_in_bucket(s3: Any) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_a_photo_is_stored_in_the_bucket_served_to_its_viewers_and_removed_with_its_row(
    media_in_s3: Any,
) -> None:
    exercise = factories.clamshells()
    stored = store_media(exercise=exercise, owner=None, upload=photo())

    assert keys_in_bucket(media_in_s3) == {stored.file.name, stored.thumbnail.name}
    runner = factories.person("nina")
    client = Client()
    client.force_login(runner)
    response = client.get(f"/media/{stored.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    served = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert Image.open(io.BytesIO(served)).size == (800, 600)

    stored.delete()  # outside a transaction: the removal runs at once

    assert keys_in_bucket(media_in_s3) == set()
    assert not ExerciseMedia.objects.exists()


def test_a_refused_upload_leaves_nothing_in_the_bucket(media_in_s3: Any) -> None:
    exercise: Exercise = factories.clamshells()
    fake = SimpleUploadedFile("photo.jpg", b"\x7fELF" + b"\x00" * 400)

    with pytest.raises(Exception, match="not a photo"):
        store_media(exercise=exercise, owner=User.objects.create(username="theo"), upload=fake)

    assert keys_in_bucket(media_in_s3) == set()
