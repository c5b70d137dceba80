"""Reading a user's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yanxiu.notifications.models import Notification
from yanxiu.orgs.models import User


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(user: User) -> QuerySet[Notification, Any]:
    return Notification.objects.filter(recipient=user)
