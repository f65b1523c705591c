"""Documents in an S3-compatible bucket (moto's server, a separate process over real HTTP)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import boto3
import pytest

from imigrasi.applications.documents import read_decrypted
from imigrasi.applications.tests.conftest import make

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("S3 server did not start")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_documents_go_to_the_bucket_as_ciphertext(s3_server, settings, catalog, applicant):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="ap-southeast-3",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(
        Bucket="imigrasi-docs", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "imigrasi-docs",
                "endpoint_url": s3_server,
                "region_name": "ap-southeast-3",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    application = make("in_review", account=applicant.email)
    document = application.documents.first()
    stored = client.get_object(Bucket="imigrasi-docs", Key=document.storage_name)["Body"].read()
    assert stored.startswith(b"IMD1") and b"IHDR" not in stored
    assert read_decrypted(document).startswith(b"\x89PNG")
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="imigrasi-docs")["Contents"]]
    assert len(keys) == application.documents.count()
