"""Sending notifications: one row per recipient, and an e-mail where the user has an address."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from yanxiu.notifications.models import Notification
from yanxiu.orgs.models import User


def notify(recipients: Iterable[User], title: str, *, body: str = "", url: str = "") -> int:
    """Tell each distinct recipient; returns how many were told.

    Mail failures never undo the in-app notification: the platform is the record,
    mail only a reminder.
    """
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    Notification.objects.bulk_create(
        Notification(recipient=u, title=title, body=body, url=url) for u in people.values()
    )
    mails = [
        (title, f"{body}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in people.values()
        if u.email
    ]
    if mails:
        send_mass_mail(mails, fail_silently=True)
    return len(people)


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
