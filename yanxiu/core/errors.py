"""One base for every refusal a service makes: ``DomainError(message, code=...)``.

A service raises a subclass with a Chinese ``message`` for the user and a short
snake_case ``code`` for a script; ``status`` says which HTTP answer it deserves
(400 the data or the state forbids it, 403 the caller may not, 404 nothing to
act on, 409 a conflict with what is on record, 429 too many tries, 503 a service
down). The mapping happens once: the API's handler answers ``{"detail", "code"}``
(``yanxiu/api/errors.py``), pages get an error page from
``yanxiu.web.middleware.DomainErrorMiddleware`` unless a form view catches the
error to show it next to the form. A service error never becomes a 500.
"""

from __future__ import annotations

from typing import ClassVar

from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A change or a read the platform refuses; ``str()`` is the Chinese message."""

    code: str = "refused"
    status: ClassVar[int] = 400

    def __init__(self, message: StrOrPromise, *, code: str | None = None) -> None:
        # A lazy message (a module constant) is said in the language active where it is raised.
        self.message = str(message)
        super().__init__(self.message)
        if code is not None:
            self.code = code

    def retry_after_seconds(self) -> int | None:
        """Seconds after which the same call may succeed, or None (no ``Retry-After``)."""
        return None
