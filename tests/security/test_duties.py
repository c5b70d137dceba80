"""Separation of duties, bounded amounts and double submits (issue #9, item 7)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.conftest import login
from tests.credit_imports.test_import_credits import HEADER, row
from tests.factories import TeacherFactory, UserFactory, grant
from tests.imports.files import table_file, temporary_media  # noqa: F401
from tests.projects.conftest import BEFORE_START
from tests.projects.factories import SchoolProjectFactory
from tests.training.factories import CourseFactory, EnrollmentFactory
from yanxiu.core.duties import SelfReviewRefused, ensure_not_self
from yanxiu.credit_imports.importer import CreditImport
from yanxiu.credits.models import CreditEntry
from yanxiu.credits.services import CreditError, certify_manual_entry
from yanxiu.imports.engine import ImportFailed, commit_import, preview_import
from yanxiu.imports.models import ImportJob
from yanxiu.orgs.models import School, Teacher, User
from yanxiu.projects.models import ProjectState, SchoolProject
from yanxiu.projects.services import NotAllowed, approve_project, certify_project, submit_project
from yanxiu.training.models import EnrollmentStatus
from yanxiu.training.services import TrainingError
from yanxiu.training.services.enrollment import approve_enrollment, reject_enrollment

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="SQLite runs one writer at a time; the race needs PostgreSQL"
)
KEY = "k" * 32

pytestmark = pytest.mark.django_db


def entry_form(teacher: Teacher, **fields: str) -> dict[str, object]:
    return {
        "teacher": teacher.pk,
        "year": 2026,
        "category": "online",
        "amount": "4",
        "unit": "credit",
        "occurred_on": "2026-05-02",
        "activity_type": "",
        "reason": "外出参加省级培训",
        "idempotency_key": KEY,
        **fields,
    }


def manual_entry(teacher: Teacher, by: User, key: str = KEY, amount: str = "4") -> CreditEntry:
    return certify_manual_entry(
        teacher=teacher,
        year=2026,
        category="online",
        amount=Decimal(amount),
        unit="credit",
        occurred_on=datetime.date(2026, 5, 2),
        reason="外出参加省级培训",
        by=by,
        idempotency_key=key,
    )


# --- the guard ----------------------------------------------------------------------------


def test_the_guard_refuses_the_actor_deciding_about_themselves(teacher):
    with pytest.raises(SelfReviewRefused, match="认定学时涉及您本人"):
        ensure_not_self(teacher.user, teacher.user_id, "认定学时")


def test_the_guard_lets_another_person_decide(teacher, center_staff):
    ensure_not_self(center_staff, [teacher.user_id, None], "认定学时")


# --- manual entries -----------------------------------------------------------------------


def test_nobody_certifies_a_manual_entry_to_themselves(client, staff_teacher):
    response = login(client, staff_teacher.user).post(
        reverse("credits:entry_create"), entry_form(staff_teacher)
    )
    assert response.status_code == 200
    assert "认定学时涉及您本人" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_another_staff_member_certifies_the_staff_teachers_entry(
    client, staff_teacher, center_staff
):
    response = login(client, center_staff).post(
        reverse("credits:entry_create"), entry_form(staff_teacher)
    )
    assert response.status_code == 302
    assert CreditEntry.objects.get().teacher == staff_teacher


def test_an_amount_above_the_policys_bound_is_refused(client, teacher, center_staff):
    response = login(client, center_staff).post(
        reverse("credits:entry_create"), entry_form(teacher, amount="999999.99")
    )
    assert "单条记录最多 48.00 学分" in response.content.decode()
    assert not CreditEntry.objects.exists()


def test_an_amount_at_the_policys_bound_is_certified(teacher, center_staff):
    assert manual_entry(teacher, center_staff, amount="48").amount == Decimal(48)


def test_the_bound_follows_the_unit_of_the_entry(teacher, center_staff):
    with pytest.raises(CreditError, match=r"最多 48\.00 学时"):
        certify_manual_entry(
            teacher=teacher,
            year=2026,
            category="online",
            amount=Decimal("48.5"),
            unit="hour",
            occurred_on=datetime.date(2026, 5, 2),
            reason="省级培训",
            by=center_staff,
        )


def test_the_same_form_submitted_twice_certifies_one_entry(client, teacher, center_staff):
    login(client, center_staff)
    first = client.post(reverse("credits:entry_create"), entry_form(teacher))
    second = client.post(reverse("credits:entry_create"), entry_form(teacher))
    assert CreditEntry.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_two_different_forms_certify_two_entries(teacher, center_staff):
    manual_entry(teacher, center_staff, key="a" * 32)
    manual_entry(teacher, center_staff, key="b" * 32)
    assert CreditEntry.objects.count() == 2


def test_every_rendered_form_carries_a_fresh_key(client, center_staff):
    login(client, center_staff)
    pages = [client.get(reverse("credits:entry_create")).content.decode() for _ in range(2)]
    keys = [page.split('name="idempotency_key" value="')[1].split('"')[0] for page in pages]
    assert len(keys[0]) >= 32
    assert keys[0] != keys[1]


def run_together(count: int, action: Callable[[], object]) -> list[object]:
    """Run ``action`` in ``count`` threads released at once, each with its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(action())
        except Exception as exc:  # the test looks at what each thread met
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_submissions_of_one_form_certify_one_entry(school, center_staff):
    teacher = TeacherFactory(school=school)
    results = run_together(8, lambda: manual_entry(teacher, center_staff).pk)
    assert CreditEntry.objects.count() == 1
    assert set(results) == {CreditEntry.objects.get().pk}


# --- credit imports -----------------------------------------------------------------------


@pytest.mark.usefixtures("temporary_media")
def test_an_import_row_for_the_importers_own_record_is_rejected(staff_teacher, teacher):
    upload = table_file(HEADER, [row(staff_teacher), row(teacher)], name="学时")
    job = preview_import(CreditImport(by=staff_teacher.user), upload, by=staff_teacher.user)
    (error,) = job.errors()
    assert (error.row_number, error.column) == (2, "身份证号")
    assert "涉及您本人" in error.message
    assert job.valid_rows == 1


@pytest.mark.usefixtures("temporary_media")
def test_an_import_row_above_the_policys_bound_is_rejected(teacher, center_staff):
    upload = table_file(HEADER, [row(teacher, 数量="999999.99")], name="学时")
    job = preview_import(CreditImport(by=center_staff), upload, by=center_staff)
    (error,) = job.errors()
    assert (error.column, error.message) == (
        "数量",
        "单条记录最多 48.00 学分（依据本年度学时政策），请核对数量",
    )


@pytest.mark.usefixtures("temporary_media")
def test_committing_an_import_twice_posts_its_rows_once(teacher, center_staff):
    upload = table_file(HEADER, [row(teacher)], name="学时")
    job = preview_import(CreditImport(by=center_staff), upload, by=center_staff)
    commit_import(job, CreditImport(by=center_staff))
    with pytest.raises(ImportFailed, match="已处理"):
        commit_import(ImportJob.objects.get(pk=job.pk), CreditImport(by=center_staff))
    assert CreditEntry.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("temporary_media")
def test_simultaneous_commits_of_one_import_post_its_rows_once(school, center_staff):
    teachers = [TeacherFactory(school=school) for _ in range(3)]
    upload = table_file(HEADER, [row(t) for t in teachers], name="学时")
    job = preview_import(CreditImport(by=center_staff), upload, by=center_staff)
    results = run_together(
        4, lambda: commit_import(ImportJob.objects.get(pk=job.pk), CreditImport(by=center_staff))
    )
    assert CreditEntry.objects.count() == 3
    assert sum(isinstance(r, ImportJob) for r in results) == 1


# --- enrolments and projects ----------------------------------------------------------------


def test_staff_cannot_admit_their_own_enrollment(staff_teacher):
    course = CourseFactory(region=staff_teacher.region)
    enrollment = EnrollmentFactory(
        course=course, teacher=staff_teacher, status=EnrollmentStatus.PENDING_CENTER
    )
    with pytest.raises(TrainingError, match="审核该报名涉及您本人"):
        approve_enrollment(enrollment, by=staff_teacher.user)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PENDING_CENTER


def test_staff_cannot_reject_their_own_enrollment(staff_teacher):
    course = CourseFactory(region=staff_teacher.region)
    enrollment = EnrollmentFactory(
        course=course, teacher=staff_teacher, status=EnrollmentStatus.PENDING_CENTER
    )
    with pytest.raises(TrainingError, match="涉及您本人"):
        reject_enrollment(enrollment, by=staff_teacher.user, reason="名额已满")


def test_staff_admit_a_colleagues_enrollment(staff_teacher, center_staff):
    course = CourseFactory(region=staff_teacher.region)
    enrollment = EnrollmentFactory(
        course=course, teacher=staff_teacher, status=EnrollmentStatus.PENDING_CENTER
    )
    assert approve_enrollment(enrollment, by=center_staff).status == EnrollmentStatus.APPROVED


@pytest.fixture
def dual_admin(school) -> User:
    """A school admin who also works for the training center_staff."""
    user = UserFactory(username="dual")
    grant(user, "school_admin", school=school)
    grant(user, "center_staff", region=school.region)
    return user


def submitted_by(user: User, school: School, participants: list[Teacher]) -> SchoolProject:
    project = SchoolProjectFactory(school=school, created_by=user, participants=participants)
    return submit_project(project, by=user, today=BEFORE_START)


def test_whoever_submitted_a_project_cannot_approve_it(dual_admin, school, teacher):
    project = submitted_by(dual_admin, school, [teacher])
    with pytest.raises(NotAllowed, match="涉及您本人"):
        approve_project(project, by=dual_admin)


def test_a_participant_cannot_approve_the_project(school_admin, staff_teacher, school):
    project = submitted_by(school_admin, school, [staff_teacher])
    with pytest.raises(NotAllowed, match="涉及您本人"):
        approve_project(project, by=staff_teacher.user)


def test_a_participant_cannot_certify_the_project(school_admin, staff_teacher, school):
    project = SchoolProjectFactory(
        school=school,
        created_by=school_admin,
        participants=[staff_teacher],
        state=ProjectState.EVIDENCE_SUBMITTED,
    )
    with pytest.raises(NotAllowed, match="认定涉及您本人"):
        certify_project(project, by=staff_teacher.user, grade="good")


def test_other_center_staff_approve_the_project(school_admin, staff_teacher, school, center_staff):
    project = submitted_by(school_admin, school, [staff_teacher])
    assert approve_project(project, by=center_staff).state == ProjectState.APPROVED
