import datetime

import pytest

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.training.factories import EnrollmentFactory, SessionFactory
from yanxiu.training import selectors
from yanxiu.training.selectors import CalendarEvent

pytestmark = pytest.mark.django_db

JULY = datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)
AUGUST = datetime.datetime(2026, 8, 1, tzinfo=datetime.UTC)


@pytest.fixture
def july_session(course):
    return SessionFactory(course=course, starts_at=JULY + datetime.timedelta(days=5, hours=1))


def titles(events):
    return [e.title for e in events]


def test_a_teachers_calendar_shows_the_sessions_of_their_classes(teacher, july_session):
    EnrollmentFactory(course=july_session.course, teacher=teacher)
    events = selectors.calendar_events(teacher.user, JULY, AUGUST)
    assert titles(events) == [f"{july_session.course.title} · {july_session.title}"]


def test_a_teachers_calendar_leaves_out_classes_they_are_not_in(teacher, july_session):
    assert selectors.calendar_events(teacher.user, JULY, AUGUST) == []


def test_the_school_calendar_shows_classes_its_teachers_attend(school_admin, school, july_session):
    EnrollmentFactory(course=july_session.course, teacher=TeacherFactory(school=school))
    assert len(selectors.calendar_events(school_admin, JULY, AUGUST, "school")) == 1


def test_another_schools_calendar_does_not_show_them(school, july_session):
    EnrollmentFactory(course=july_session.course, teacher=TeacherFactory(school=school))
    admin = UserFactory()
    grant(admin, "school_admin", school=SchoolFactory(zone=school.zone))
    assert selectors.calendar_events(admin, JULY, AUGUST, "school") == []


def test_the_zone_calendar_covers_the_zones_schools(school, july_session):
    EnrollmentFactory(course=july_session.course, teacher=TeacherFactory(school=school))
    neighbour = TeacherFactory(school=SchoolFactory(zone=school.zone), user=UserFactory())
    assert len(selectors.calendar_events(neighbour.user, JULY, AUGUST, "zone")) == 1


def test_the_region_calendar_shows_every_published_class(teacher, july_session):
    assert len(selectors.calendar_events(teacher.user, JULY, AUGUST, "region")) == 1


def test_sessions_outside_the_period_are_left_out(teacher, july_session):
    EnrollmentFactory(course=july_session.course, teacher=teacher)
    assert selectors.calendar_events(teacher.user, AUGUST, AUGUST + datetime.timedelta(30)) == []


def test_another_app_adds_its_events_by_registering_a_provider(teacher, monkeypatch):
    event = CalendarEvent(title="集体备课", starts_at=JULY, ends_at=JULY, kind="校本研训")
    monkeypatch.setattr(selectors, "CALENDAR_PROVIDERS", list(selectors.CALENDAR_PROVIDERS))
    selectors.register_calendar_provider(lambda user, start, end, level, path: [event])
    assert selectors.calendar_events(teacher.user, JULY, AUGUST) == [event]


def test_the_month_page_lists_the_events(client, teacher, july_session):
    EnrollmentFactory(course=july_session.course, teacher=teacher)
    client.force_login(teacher.user)
    page = client.get("/training/calendar/?year=2026&month=7").content.decode()
    assert july_session.title in page
