"""Uploaded files through the production STORAGES["default"] (django-storages S3Storage)
against a real S3-compatible server (moto's), with the checksum settings MinIO needs."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from types import ModuleType

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings
from moto.server import ThreadedMotoServer

from tests.production.conftest import production_env

pytestmark = pytest.mark.production

BUCKET = "yanxiu-uploads"


def load_production_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Execute yanxiu/settings/production.py afresh under ``env``, as a server would."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.find_spec("yanxiu.settings.production")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def production_storage(s3_endpoint, monkeypatch):
    settings = load_production_settings(
        production_env(
            YANXIU_S3_BUCKET=BUCKET,
            YANXIU_S3_ENDPOINT_URL=s3_endpoint,
            YANXIU_S3_ACCESS_KEY="test",
            YANXIU_S3_SECRET_KEY="test",
        ),
        monkeypatch,
    )
    with override_settings(STORAGES=settings.STORAGES):
        yield storages["default"]


def test_the_production_default_storage_is_s3(production_storage):
    assert type(production_storage).__name__ == "S3Storage"
    assert production_storage.bucket_name == BUCKET


def test_uploads_send_checksums_only_when_required(production_storage):
    config = production_storage.connection.meta.client.meta.config

    assert config.request_checksum_calculation == "when_required"
    assert config.response_checksum_validation == "when_required"


def test_a_file_saved_through_the_storage_reads_back(production_storage):
    content = "姓名,身份证号\n张三,330302199001020071\n".encode()

    name = production_storage.save("rosters/名册.csv", ContentFile(content))

    with production_storage.open(name) as stored:
        assert stored.read() == content
    assert production_storage.size(name) == len(content)


def test_saving_the_same_name_twice_keeps_both_files(production_storage):
    first = production_storage.save("evidence/证书.pdf", ContentFile(b"%PDF-1 first"))
    second = production_storage.save("evidence/证书.pdf", ContentFile(b"%PDF-1 second"))

    assert first != second
    with production_storage.open(first) as stored:
        assert stored.read() == b"%PDF-1 first"
