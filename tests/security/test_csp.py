"""The site-wide Content-Security-Policy is enforced, allows no inline script or eval, and
nothing we ship needs either: no handler attributes in templates, API docs from our files."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from yanxiu.settings.base import csp_directives

TEMPLATES = Path(__file__).resolve().parents[2] / "yanxiu"
# onchange=, onsubmit=, onclick= … and htmx's hx-on, all of which run script from markup.
HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_carry_an_enforced_policy(client, db):
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" in response.headers
    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_scripts_may_come_only_from_our_own_origin(client, db):
    policy = _directives(client.get(reverse("login")).headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_the_policy_applies_to_api_answers_too(client, db):
    response = client.get("/api/openapi.json")
    assert (
        "'unsafe-inline'"
        not in _directives(response.headers["Content-Security-Policy"])["script-src"]
    )


def test_media_from_a_bucket_is_allowed_for_media_images_and_pdfs_only():
    policy = csp_directives(["https://oss.example.cn"])
    for directive in ("media-src", "img-src", "object-src"):
        assert "https://oss.example.cn" in policy[directive]
    assert policy["script-src"] == ["'self'"]


def test_no_template_runs_script_from_markup():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in TEMPLATES.rglob("templates/**/*.html")
        for pattern in (HANDLER, INLINE_SCRIPT)
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


def test_the_api_docs_load_swagger_from_our_static_files(client, db):
    body = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr.net" not in body
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert INLINE_SCRIPT.search(body) is None
