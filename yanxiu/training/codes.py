"""Rotating sign-in codes: six digits derived from the session and a 30-second window,
and the signed link behind the organizer's QR code.

The code is an HMAC of the session id and the time window under SECRET_KEY, so
no row is stored per code; the current and the previous window are accepted so
that a teacher who reads the code just before it changes still gets in. Six digits
can be guessed, so typed codes are throttled (services.sign_in.session_for_code); the QR
link carries a signed token instead, which cannot be guessed and so needs no limit.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 30
CODE_DIGITS = 6
LINK_SALT = "yanxiu.training.signin-link"


@dataclass(frozen=True)
class SignInCode:
    code: str
    expires_at: datetime.datetime


def window_of(at: datetime.datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def code_for(session_id: int, window: int) -> str:
    digest = salted_hmac("yanxiu.training.signin", f"{session_id}:{window}").digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def current_code(session_id: int, at: datetime.datetime) -> SignInCode:
    window = window_of(at)
    expires = datetime.datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, tz=datetime.UTC)
    return SignInCode(code=code_for(session_id, window), expires_at=expires)


def code_is_valid(session_id: int, code: str, at: datetime.datetime) -> bool:
    window = window_of(at)
    typed = code.strip()
    return any(hmac.compare_digest(code_for(session_id, w), typed) for w in (window, window - 1))


def link_token(session_id: int, at: datetime.datetime) -> str:
    """The token of the QR link shown now: the session and the window, signed."""
    return signing.dumps([session_id, window_of(at)], salt=LINK_SALT)


def session_of_link(token: str, at: datetime.datetime) -> int | None:
    """The session a QR link signs into, or None when it is forged or too old.

    Like the code on the screen it goes stale (settings.TRAINING_SIGN_IN_LINK_MAX_AGE),
    so that a photo of the QR sent to someone at home soon stops working.
    """
    try:
        session_id, window = signing.loads(token, salt=LINK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(session_id, int) or not isinstance(window, int):
        return None
    age = (window_of(at) - window) * WINDOW_SECONDS
    if not 0 <= age < settings.TRAINING_SIGN_IN_LINK_MAX_AGE.total_seconds():
        return None
    return session_id
