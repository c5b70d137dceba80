"""gunicorn serving the production profile on PostgreSQL: probes, secure cookies, static files."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlencode

import pytest

from tests.production.conftest import ROOT, Site

pytestmark = pytest.mark.production

PASSWORD = "pass-Yanxiu-2026"
HTTPS = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    def cookies(self) -> dict[str, str]:
        """Set-Cookie lines by cookie name."""
        return {line.split("=", 1)[0]: line for line in self.headers.get_all("Set-Cookie") or []}


@dataclass(frozen=True)
class Server:
    port: int

    def fetch(
        self,
        path: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: str | None = None,
    ) -> Answer:
        """One request, redirects not followed (so that redirects can be asserted)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[Server]:
    site.manage("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.cn")
    site.manage(
        "shell",
        "-c",
        f"from yanxiu.orgs.models import User; u = User.objects.get(username='ops'); "
        f"u.set_password('{PASSWORD}'); u.save()",
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "yanxiu.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Server(port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if running.fetch("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, f"gunicorn exited:\n{process.stdout.read()}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz within 30 s"
            time.sleep(0.2)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_health_probe_answers_over_plain_http(server):
    answer = server.fetch("/healthz")

    assert answer.status == 200
    assert json.loads(answer.body)["status"] == "ok"


def test_plain_http_pages_redirect_to_https(server):
    answer = server.fetch("/accounts/login/")

    assert answer.status == 301
    assert answer.headers["Location"].startswith("https://")


def test_the_login_page_sets_a_secure_csrf_cookie(server):
    answer = server.fetch("/accounts/login/", headers=HTTPS)

    assert answer.status == 200
    assert "登录".encode() in answer.body
    assert "; Secure" in answer.cookies()["csrftoken"]


def test_logging_in_sets_a_secure_http_only_session_cookie(server):
    page = server.fetch("/accounts/login/", headers=HTTPS)
    csrf_cookie = page.cookies()["csrftoken"].split(";", 1)[0].split("=", 1)[1]
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert form_token is not None
    origin = f"https://127.0.0.1:{server.port}"

    answer = server.fetch(
        "/accounts/login/",
        method="POST",
        headers={
            **HTTPS,
            "Host": f"127.0.0.1:{server.port}",
            "Origin": origin,
            "Referer": f"{origin}/accounts/login/",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {
                "username": "ops",
                "password": PASSWORD,
                "csrfmiddlewaretoken": form_token.group(1).decode(),
            }
        ),
    )

    assert answer.status == 302
    session = answer.cookies()["sessionid"]
    assert "; Secure" in session
    assert "; HttpOnly" in session


def test_hashed_static_files_are_served_with_a_far_future_cache_header(server, site):
    manifest = json.loads((site.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["web/app.css"]
    assert hashed != "web/app.css"

    answer = server.fetch(f"/static/{hashed}", headers={**HTTPS, "Accept-Encoding": "gzip"})

    assert answer.status == 200
    cache = answer.headers["Cache-Control"]
    assert "max-age=315360000" in cache
    assert "immutable" in cache
    assert answer.headers["Content-Encoding"] == "gzip"


def test_the_api_document_is_served_in_production(server):
    answer = server.fetch("/api/openapi.json", headers=HTTPS)

    assert answer.status == 200
    assert "/api/orgs/teachers" in json.loads(answer.body)["paths"]


def test_an_api_token_from_the_command_line_works_in_production(server, site):
    key = site.manage("create_api_token", "ops", "--name", "巡检").strip()

    answer = server.fetch("/api/orgs/me", headers={**HTTPS, "Authorization": f"Bearer {key}"})

    assert answer.status == 200
    assert json.loads(answer.body)["username"] == "ops"
