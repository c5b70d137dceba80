"""Documents issued from the credit ledger (transcripts, certificates) and their verification codes.

Each PDF a person takes away is recorded here with a snapshot of the facts it
states, a digest of that snapshot and an unguessable code printed on the paper;
anyone holding the paper can check the code at the public /verify/ page.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yanxiu.orgs.models import Teacher, User
from yanxiu.orgs.scoping import Scope, ScopedQuerySet, path_q


class DocumentKind(models.TextChoices):
    TRANSCRIPT = "transcript", _("学时证明")
    CERTIFICATE = "certificate", _("继续教育合格证书")


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a document's facts: any later edit of them shows."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IssuedDocument(models.Model):
    """A transcript or certificate handed out as PDF (已出具证明), checkable by its code."""

    kind = models.CharField(_("类型"), max_length=16, choices=DocumentKind)
    teacher = models.ForeignKey(
        Teacher, on_delete=models.PROTECT, related_name="issued_documents", verbose_name=_("教师")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # What the paper says, frozen at issue time: verification shows exactly this.
    content = models.JSONField(_("内容"))
    digest = models.CharField(_("内容摘要"), max_length=64)
    code = models.CharField(_("验证码"), max_length=32, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("出具人")
    )
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    revoked = models.BooleanField(_("已作废"), default=False)
    revoked_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("已出具证明")
        verbose_name_plural = _("已出具证明")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["teacher", "year", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} {self.teacher}"

    @classmethod
    def visibility(cls, scope: Scope) -> Q:
        """Documents of teachers in the scope's subtrees, and a teacher's own."""
        q = path_q(scope.read_paths, field="teacher__org_path")
        if scope.teacher_id:
            q |= Q(teacher_id=scope.teacher_id)
        return q

    @property
    def is_intact(self) -> bool:
        """The stored facts still match the digest taken when the paper was issued."""
        return content_digest(self.content) == self.digest

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed: ABCD-EFGH-JKLM-NPQR."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
