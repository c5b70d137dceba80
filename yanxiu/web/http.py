"""Request types for views that require a logged-in user."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from yanxiu.orgs.models import User


class AuthedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real user."""

    user: User
    htmx: HtmxDetails
