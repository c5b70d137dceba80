"""Everything that changes training data, one module per topic: ``catalog`` (publishing,
course requests), ``enrollment`` (enroll, approvals, waitlist), ``sign_in`` (codes, QR
links, sign-in and sign-out), ``attendance`` (marked by hand), ``sheets`` (paper sign-in
sheets) and ``closing`` (closing a class posts its credits to the ledger once).

Each function checks the acting user's permission itself (``by.has_perm``), so pages
and the API refuse the same things with the same Chinese message. The errors they all
raise are defined here; callers import the topic module they need.
"""

from __future__ import annotations

import datetime
import math

from django.utils.translation import gettext as _

from yanxiu.core.errors import DomainError


class TrainingError(DomainError):
    """A refused training action; ``str()`` is the Chinese message shown to the user."""

    code = "training_refused"


class SignInThrottled(TrainingError):
    """Too many wrong sign-in codes: the teacher waits ``retry_after`` (or scans the QR)."""

    code = "sign_in_throttled"
    status = 429

    def __init__(self, retry_after: datetime.timedelta) -> None:
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
        super().__init__(
            _("签到码输错次数过多，请%(minutes)s分钟后再试，或扫描现场屏幕上的二维码签到")
            % {"minutes": minutes}
        )

    def retry_after_seconds(self) -> int:
        return max(1, int(self.retry_after.total_seconds()))
