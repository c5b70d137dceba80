"""The audit log records a model's own columns; its middleware names the signed-in user on
changes, and reads nothing otherwise."""

import importlib

from auditlog.models import LogEntry
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests.conftest import login
from tests.factories import TeacherFactory, UserFactory, ZoneFactory
from yanxiu.core.audit import LazyActorAuditlogMiddleware
from yanxiu.orgs.models import User, Zone


def _request(client: Client, user: User | None) -> HttpRequest:
    """A request as the session and auth middleware leave it, signed in as ``user``."""
    request = RequestFactory().get("/")
    if user is not None:
        login(client, user)
        request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    AuthenticationMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def _renaming(zone: Zone):
    def view(_: HttpRequest) -> HttpResponse:
        zone.name = f"{zone.name}（改）"
        zone.save()
        return HttpResponse()

    return view


def test_a_change_is_logged_with_the_signed_in_user_as_actor(client, db):
    user = UserFactory()
    zone = ZoneFactory()
    LazyActorAuditlogMiddleware(_renaming(zone))(_request(client, user))
    assert LogEntry.objects.get_for_object(zone).latest("timestamp").actor == user


def test_an_anonymous_change_is_logged_without_actor(client, db):
    zone = ZoneFactory()
    LazyActorAuditlogMiddleware(_renaming(zone))(_request(client, None))
    assert LogEntry.objects.get_for_object(zone).latest("timestamp").actor is None


def test_a_request_that_changes_nothing_reads_neither_session_nor_user(
    client, db, django_assert_num_queries
):
    request = _request(client, UserFactory())
    with django_assert_num_queries(0):
        LazyActorAuditlogMiddleware(lambda r: HttpResponse())(request)


def test_a_new_teacher_is_logged_with_its_columns_not_its_reverse_relations(db):
    teacher = TeacherFactory()
    changes = LogEntry.objects.get_for_object(teacher).get().changes
    assert {"name", "school", "stage"} <= changes.keys()
    assert not {"year_totals", "credit_entries", "enrollments", "id_number_hash"} & changes.keys()


def test_the_migration_drops_reverse_relations_from_entries_logged_before(db):
    from django.apps import apps

    teacher = TeacherFactory()
    entry = LogEntry.objects.get_for_object(teacher).get()
    entry.changes = {**entry.changes, "year_totals": ["None", "credits.TeacherYearTotal.None"]}
    entry.save()
    migration = importlib.import_module(
        "yanxiu.orgs.migrations.0005_audit_without_reverse_relations"
    )
    migration.drop_reverse_relations(apps, None)
    entry.refresh_from_db()
    assert "year_totals" not in entry.changes
    assert entry.changes_display_dict  # renders: no related model's key to parse
