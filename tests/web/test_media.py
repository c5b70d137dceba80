"""Uploads on the local disk are served by the application, to signed-in users only."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path
    return default_storage.save("learning/videos/2026/clip.mp4", ContentFile(b"\x00\x00\x00 ftyp"))


def test_a_signed_in_user_gets_the_file(client: Client, stored: str):
    client.force_login(UserFactory())
    response = client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert b"".join(response) == b"\x00\x00\x00 ftyp"


def test_a_visitor_is_sent_to_sign_in(client: Client, stored: str):
    response = client.get(f"/media/{stored}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("path", "status"), [("missing.pdf", 404), ("learning/videos", 404), ("../secret.txt", 400)]
)
def test_a_missing_file_a_folder_or_one_outside_the_media_folder_is_refused(
    client: Client, stored: str, path: str, status: int
):
    client.force_login(UserFactory())
    assert client.get(f"/media/{path}").status_code == status
