"""The ledger: append-only, one live credit per teacher and source, reversals, the summary."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from tests.credits.factories import certifier, credit
from tests.factories import SchoolFactory, TeacherFactory
from yanxiu.credits.models import CreditEntry, LedgerIsAppendOnly, TeacherYearTotal
from yanxiu.credits.policy import DEFAULT_DOCUMENT
from yanxiu.credits.services import (
    CreditError,
    DuplicateCredit,
    ExcludedActivity,
    post_credit,
    recompute_totals,
    reverse_entry,
)
from yanxiu.orgs.models import Teacher

pytestmark = pytest.mark.django_db


def total(teacher: Teacher, category: str = "centralized") -> TeacherYearTotal:
    return TeacherYearTotal.objects.get(teacher=teacher, year=2026, category=category)


def test_an_entry_cannot_be_changed():
    entry = credit()
    entry.amount = Decimal(99)
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()


def test_an_entry_cannot_be_deleted():
    entry = credit()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()


def test_the_ledger_refuses_bulk_updates_and_deletes():
    credit()
    with pytest.raises(LedgerIsAppendOnly):
        CreditEntry.objects.update(amount=1)
    with pytest.raises(LedgerIsAppendOnly):
        CreditEntry.objects.all().delete()


def test_a_second_credit_for_the_same_source_is_refused_not_doubled():
    teacher = TeacherFactory()
    source = SchoolFactory()
    credit(teacher, source=source)
    with pytest.raises(DuplicateCredit, match="不能重复登记"):
        credit(teacher, source=source)
    assert total(teacher).credits == Decimal(8)


def test_the_same_source_may_credit_two_teachers():
    source = SchoolFactory()
    credit(source=source)
    credit(source=source)
    assert CreditEntry.objects.count() == 2


def test_a_reversed_source_may_be_posted_again():
    teacher = TeacherFactory()
    source = SchoolFactory()
    reverse_entry(credit(teacher, source=source), by=certifier(), reason="录错了")
    credit(teacher, 6, source=source)
    assert total(teacher).credits == Decimal(6)


def test_a_reversal_cancels_the_amount_and_keeps_the_original():
    teacher = TeacherFactory()
    entry = credit(teacher)
    reversal = reverse_entry(entry, by=certifier(), reason="重复登记")
    assert reversal.amount == Decimal(-8)
    assert reversal.reverses == entry
    assert CreditEntry.objects.filter(teacher=teacher).count() == 2
    assert total(teacher).credits == 0


def test_an_entry_is_reversed_only_once():
    entry = credit()
    reverse_entry(entry, by=certifier(), reason="错误")
    with pytest.raises(CreditError, match="已经冲销"):
        reverse_entry(entry, by=certifier(), reason="再次")


def test_a_reversal_needs_a_reason():
    with pytest.raises(CreditError, match="原因"):
        reverse_entry(credit(), by=certifier(), reason=" ")


def test_a_manual_entry_needs_a_reason():
    with pytest.raises(CreditError, match="说明"):
        credit(reason="")


def test_an_activity_the_policy_excludes_is_refused():
    with pytest.raises(ExcludedActivity, match="政治学习"):
        post_credit(
            teacher=TeacherFactory(),
            year=2026,
            category="school_based",
            amount=Decimal(2),
            unit="hour",
            source=None,
            certified_by=certifier(),
            occurred_on=datetime.date(2026, 3, 1),
            reason="学习",
            activity_type="political_study",
        )


def test_the_seed_policy_excludes_meetings_political_study_and_recreation():
    assert set(DEFAULT_DOCUMENT["excluded_activity_types"]) == {
        "routine_meeting",
        "political_study",
        "recreation",
    }


def test_the_entry_records_who_certified_it_and_when():
    entry = credit()
    assert entry.certified_by.username == "certifier"
    assert entry.certified_at is not None


def test_hours_and_credits_are_summed_apart():
    teacher = TeacherFactory()
    credit(teacher, 3, unit="hour")
    credit(teacher, 2, unit="credit")
    assert (total(teacher).hours, total(teacher).credits) == (Decimal(3), Decimal(2))


def test_recompute_rebuilds_the_summary_from_the_ledger():
    teacher = TeacherFactory()
    credit(teacher, 3)
    reverse_entry(credit(teacher, 5, category="online"), by=certifier(), reason="错")
    TeacherYearTotal.objects.all().delete()
    assert recompute_totals(2026) == 2
    assert total(teacher).credits == Decimal(3)
    assert total(teacher, "online").credits == 0


def test_after_a_first_build_the_summary_keeps_its_key():
    teacher = TeacherFactory()
    credit(teacher, 3)
    TeacherYearTotal.objects.all().delete()
    assert recompute_totals(2026) == 1  # PostgreSQL: built with the key set aside
    credit(teacher, 2, unit="credit")  # an upsert on (teacher, year, category)
    assert total(teacher).credits == Decimal(5)
    with pytest.raises(IntegrityError):
        TeacherYearTotal.objects.create(teacher=teacher, year=2026, category="centralized")


def test_recompute_writes_only_the_rows_that_differ_from_the_ledger():
    kept, wrong, stray = TeacherFactory(), TeacherFactory(), TeacherFactory()
    credit(kept, 3)
    credit(wrong, 4, unit="hour")
    assert recompute_totals(2026) == 0  # the postings kept the summary in step
    TeacherYearTotal.objects.filter(teacher=wrong).update(hours=Decimal(9))
    TeacherYearTotal.objects.create(teacher=stray, year=2026, category="online", credits=1)
    TeacherYearTotal.objects.create(teacher=stray, year=2025, category="online", credits=1)

    assert recompute_totals(2026) == 2  # one corrected, one deleted
    assert total(wrong).hours == Decimal(4)
    assert total(kept).credits == Decimal(3)
    assert not TeacherYearTotal.objects.filter(teacher=stray, year=2026).exists()
    assert TeacherYearTotal.objects.filter(teacher=stray, year=2025).exists()  # other years


def test_the_database_refuses_a_double_posting_that_slips_past_the_check(monkeypatch):
    from yanxiu.credits import services

    # Two concurrent postings both see no live entry; the constraint must still keep one.
    monkeypatch.setattr(services, "_next_generation", lambda *args: 0)
    teacher = TeacherFactory()
    source = SchoolFactory()
    credit(teacher, source=source)
    with pytest.raises(DuplicateCredit):
        credit(teacher, source=source)
    assert total(teacher).credits == Decimal(8)
