"""Rotating sign-in codes: six digits derived from the session and a 30-second window.

The code is an HMAC of the session id and the time window under SECRET_KEY, so
no row is stored per code; the current and the previous window are accepted so
that a teacher who reads the code just before it changes still gets in.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 30
CODE_DIGITS = 6


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
