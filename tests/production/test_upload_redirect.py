"""In production a file download is a 302 to a short-lived signed URL of the bucket, which
answers with the type and disposition the application chose (moto's S3 server)."""

from __future__ import annotations

import time
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.production.test_storage import production_storage, s3_endpoint  # noqa: F401
from yanxiu.imports.models import ImportJob
from yanxiu.roster.importer import RosterImport

pytestmark = [pytest.mark.production, pytest.mark.django_db]

ROSTER = "姓名,身份证号\n张三,330302199001020071\n".encode()


@pytest.fixture
def signed_redirect(production_storage, settings):  # noqa: F811
    settings.UPLOAD_URL_EXPIRY_SECONDS = 300
    owner = UserFactory()
    job = ImportJob(kind=RosterImport.kind, created_by=owner)
    job.file.save("教师名册.csv", ContentFile(ROSTER))
    client = Client()
    client.force_login(owner)
    return client.get(reverse("roster:file", args=[job.pk]))


def test_a_download_redirects_to_a_signed_url_that_expires(signed_redirect):
    assert signed_redirect.status_code == 302
    query = parse_qs(urlsplit(signed_redirect["Location"]).query)
    # boto3 signs this endpoint with query-string SigV2: an absolute expiry time.
    assert 290 <= int(query["Expires"][0]) - time.time() <= 300
    assert "Signature" in query


def test_the_bucket_answers_as_an_attachment_of_the_stated_type(signed_redirect):
    with urllib.request.urlopen(signed_redirect["Location"]) as answer:
        assert answer.read() == ROSTER
        assert answer.headers["Content-Type"] == "application/octet-stream"
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        assert "%E6%95%99%E5%B8%88%E5%90%8D%E5%86%8C.csv" in answer.headers["Content-Disposition"]
