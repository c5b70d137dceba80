import pytest
from django.core.management import call_command

from tests.factories import TeacherFactory
from yanxiu.credits.models import CreditEntry, TeacherYearTotal
from yanxiu.demo.credits import DEMO_REASON

pytestmark = pytest.mark.django_db


def test_demo_credits_give_teachers_a_year_of_entries_and_totals(school, center_staff):
    TeacherFactory.create_batch(20, school=school)
    call_command("demo_credits", year=2025)
    entries = CreditEntry.objects.filter(year=2025)
    assert entries.count() > 20 * 5
    assert set(entries.values_list("reason", flat=True)) == {DEMO_REASON}
    assert TeacherYearTotal.objects.filter(year=2025).exists()


def test_demo_credits_run_twice_add_nothing(school, center_staff):
    TeacherFactory.create_batch(5, school=school)
    call_command("demo_credits", year=2025)
    before = CreditEntry.objects.count()
    call_command("demo_credits", year=2025)
    assert CreditEntry.objects.count() == before
