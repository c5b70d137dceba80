"""API test helpers: calling the API with a Bearer token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from yanxiu.api.services import issue_token
from yanxiu.orgs.models import User


class TokenClient:
    """A test client that sends ``Authorization: Bearer <key>`` on every call."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def get(self, path: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, data, headers=self._headers())

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(
            path, body, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            path, body, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_as():
    """``api_as(user)`` is a client calling the API with a fresh token of ``user``."""

    def make(user: User) -> TokenClient:
        _token, key = issue_token(user, name="测试")
        return TokenClient(key)

    return make
