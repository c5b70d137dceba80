"""A paper sign-in sheet is no oracle for guessing the ID numbers of a class's learners.

Which row matched which learner tells whether a typed number is right, so an organizer
who does not manage the region's roster may try only a few numbers of nobody admitted.
"""

import datetime

import pytest

from tests.factories import TeacherFactory, UserFactory
from tests.training.factories import CourseFactory, EnrollmentFactory, SessionFactory
from tests.training.sheets import import_sheet
from yanxiu.orgs import idnumbers
from yanxiu.training.models import Attendance
from yanxiu.training.services import TrainingError

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 3, 14)


@pytest.fixture(autouse=True)
def _few_guesses(settings):
    settings.TRAINING_SHEET_UNKNOWN_IDS = 3


@pytest.fixture
def learner(school):
    return TeacherFactory(school=school, id_number=idnumbers.compose("330302", BIRTH, 10))


@pytest.fixture
def organizer(school):
    """A teacher who organizes a class: no roster rights anywhere."""
    return TeacherFactory(school=school, user=UserFactory(username="organizer")).user


def class_session(learner, organizer):
    session = SessionFactory(course=CourseFactory(region=learner.region, organizer=organizer))
    EnrollmentFactory(course=session.course, teacher=learner)
    return session


def sheet(learner, guesses: int) -> bytes:
    rows = [f"{learner.name},{idnumbers.compose('330302', BIRTH, 10)}"]
    rows += [f"某人,{idnumbers.compose('330302', BIRTH, 20 + n)}" for n in range(guesses)]
    return ("姓名,身份证号\n" + "\n".join(rows) + "\n").encode()


def test_an_organizer_may_try_a_few_numbers_of_nobody_admitted(learner, organizer):
    session = class_session(learner, organizer)
    report = import_sheet(session, by=organizer, name="签到.csv", content=sheet(learner, 3))
    assert report.marked == 1


def test_an_organizer_is_refused_a_sheet_of_guessed_numbers(learner, organizer):
    session = class_session(learner, organizer)
    with pytest.raises(TrainingError, match="身份证号过多"):
        import_sheet(session, by=organizer, name="签到.csv", content=sheet(learner, 4))
    assert not Attendance.objects.filter(session=session).exists()


def test_the_guesses_add_up_over_several_sheets(learner, organizer):
    session = class_session(learner, organizer)
    import_sheet(session, by=organizer, name="1.csv", content=sheet(learner, 2))
    with pytest.raises(TrainingError, match="身份证号过多"):
        import_sheet(session, by=organizer, name="2.csv", content=sheet(learner, 2))


def test_the_refusal_does_not_say_which_number_was_wrong(learner, organizer):
    session = class_session(learner, organizer)
    with pytest.raises(TrainingError) as refused:
        import_sheet(session, by=organizer, name="签到.csv", content=sheet(learner, 4))
    assert learner.name not in str(refused.value)
    assert "*" not in str(refused.value)


def test_the_training_center_imports_a_sheet_with_many_strangers(learner, organizer, center_staff):
    session = class_session(learner, organizer)
    report = import_sheet(session, by=center_staff, name="签到.csv", content=sheet(learner, 10))
    assert report.marked == 1
