"""Issuing, using and revoking API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.utils import timezone

from yanxiu.api.models import ApiToken
from yanxiu.orgs.models import User

KEY_PREFIX = "yx_"
# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so a fast unsalted hash cannot be brute-forced."""
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; the returned key is never stored and cannot be shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), prefix=key[: len(KEY_PREFIX) + 5]
    )
    return token, key


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_key(key: str) -> User | None:
    """The active owner of a live token with this key, noting when the token was used."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
