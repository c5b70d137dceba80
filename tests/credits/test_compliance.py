"""Compliance: a teacher's year under the policy, and roll-ups from school to region."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.credits.factories import certifier, credit, full_year
from tests.factories import SchoolFactory, TeacherFactory, ZoneFactory
from yanxiu.credits.policy import DEFAULT_DOCUMENT, parse_policy
from yanxiu.credits.selectors import (
    early_warning,
    policy_outcome,
    rollup,
    school_compliance,
    teacher_rows,
    teacher_status,
    unit_rows,
)
from yanxiu.credits.services import reverse_entry

pytestmark = pytest.mark.django_db


def rules(**changes):
    doc = {**DEFAULT_DOCUMENT, **changes}
    return parse_policy(doc)


def test_a_teacher_with_every_minimum_passes():
    teacher = TeacherFactory()
    full_year(teacher)
    assert teacher_status(teacher, 2026).passed


def test_a_teacher_missing_online_credits_fails_with_the_gap():
    teacher = TeacherFactory()
    full_year(teacher, centralized=22, online=2)
    status = teacher_status(teacher, 2026)
    assert not status.passed
    assert {line.category: line.gap for line in status.lines}["online"] == Decimal(6)


def test_hours_are_converted_to_credits_per_category():
    teacher = TeacherFactory()
    credit(teacher, 30, category="online", unit="hour")
    policy = rules(hours_per_credit={"centralized": 1, "online": 3, "school_based": 1})
    status = teacher_status(teacher, 2026, rules=policy)
    assert {line.category: line.earned for line in status.lines}["online"] == Decimal(10)


def test_a_cap_limits_what_a_category_counts():
    teacher = TeacherFactory()
    credit(teacher, 40, category="school_based")
    policy = rules(annual={**DEFAULT_DOCUMENT["annual"], "caps": {"school_based": 30}})
    assert teacher_status(teacher, 2026, rules=policy).total == Decimal(30)


def test_a_project_period_needs_its_online_and_offline_hours():
    teacher = TeacherFactory()
    full_year(teacher)
    credit(teacher, 50, category="online", unit="hour", occurred_on=datetime.date(2026, 4, 1))
    credit(teacher, 19, category="school_based", unit="hour", occurred_on=datetime.date(2026, 4, 1))
    period = {
        "name": "网络研修项目",
        "start": "2026-03-01",
        "end": "2026-04-30",
        "unit": "hour",
        "minimums": [
            {"label": "线上", "categories": ["online"], "amount": 50},
            {"label": "线下", "categories": ["centralized", "school_based"], "amount": 20},
        ],
    }
    status = teacher_status(teacher, 2026, rules=rules(periods=[period]))
    assert [(p.earned, p.met) for p in status.periods] == [
        (Decimal(50), True),
        (Decimal(19), False),
    ]
    assert not status.passed


def test_a_cycle_counts_earlier_years_with_its_cap():
    teacher = TeacherFactory()
    for year in range(2022, 2027):
        credit(teacher, 50, category="school_based", unit="hour", year=year)
        credit(teacher, 30, category="online", unit="hour", year=year)
    cycle = {
        "start_year": 2022,
        "years": 5,
        "unit": "hour",
        "total": 360,
        "yearly_minimum": 24,
        "caps": {"school_based": 120},
    }
    policy = rules(annual={"unit": "credit", "total": 0, "minimums": {}}, cycle=cycle)
    status = teacher_status(teacher, 2026, rules=policy)
    assert [line.earned for line in status.cycle] == [Decimal(80), Decimal(270)]
    assert not status.passed


def test_a_school_fails_when_a_fifth_of_teachers_fail():
    school = SchoolFactory()
    teachers = [TeacherFactory(school=school) for _ in range(5)]
    for t in teachers[1:]:
        full_year(t)
    row = school_compliance(school, 2026)
    assert (row.teachers, row.failed, row.failing) == (5, 1, True)


def test_a_school_passes_below_the_threshold():
    school = SchoolFactory()
    teachers = [TeacherFactory(school=school) for _ in range(6)]
    for t in teachers[1:]:
        full_year(t)
    assert not school_compliance(school, 2026).failing


def test_credits_follow_a_teacher_who_moves_school(bureau_admin, zone):
    old, new = SchoolFactory(zone=zone), SchoolFactory(zone=zone)
    teacher = TeacherFactory(school=old)
    full_year(teacher)
    teacher.school = new
    teacher.save()
    rows = {r.unit_id: r for r in unit_rows(bureau_admin, 2026, "school")}
    assert rows[new.pk].passed == 1
    assert old.pk not in rows


def test_region_rows_count_failing_schools(bureau_admin, zone):
    good, bad = SchoolFactory(zone=zone), SchoolFactory(zone=zone)
    full_year(TeacherFactory(school=good))
    TeacherFactory(school=bad)
    [region] = unit_rows(bureau_admin, 2026, "region")
    assert (region.teachers, region.passed, region.schools, region.failing_schools) == (2, 1, 2, 1)


def test_a_school_admin_sees_only_their_school(school_admin, school, other_school):
    TeacherFactory(school=school)
    TeacherFactory(school=other_school)
    rows = teacher_rows(school_admin, 2026)
    assert {r.school_id for r in rows} == {school.pk}


def test_what_if_counts_change_with_the_rules(bureau_admin, zone):
    school = SchoolFactory(zone=zone)
    full_year(TeacherFactory(school=school), online=4, centralized=20)
    current = policy_outcome(zone.region, 2026, rules())
    looser = policy_outcome(
        zone.region, 2026, rules(annual={"unit": "credit", "total": 48, "minimums": {"online": 4}})
    )
    assert (current.teachers_passed, looser.teachers_passed) == (0, 1)


def test_early_warning_lists_teachers_behind_their_pace(bureau_admin, zone):
    school = SchoolFactory(zone=zone)
    slow, on_pace = TeacherFactory(school=school), TeacherFactory(school=school)
    credit(slow, 2)
    full_year(on_pace, centralized=8, online=4, school_based=12)
    warning = early_warning(bureau_admin, 2026, on=datetime.date(2026, 7, 1))
    assert [t.teacher_id for t in warning.teachers] == [slow.pk]


def test_a_reversal_restores_the_previous_status():
    teacher = TeacherFactory()
    full_year(teacher, online=0)
    before = teacher_status(teacher, 2026).passed
    entry = credit(teacher, 8, category="online")
    reverse_entry(entry, by=certifier(), reason="错误")
    assert teacher_status(teacher, 2026).passed == before


def test_the_rollup_adds_up_schools_into_zones_and_the_region(bureau_admin, zone):
    other_zone = ZoneFactory(region=zone.region)
    full_year(TeacherFactory(school=SchoolFactory(zone=zone)))
    TeacherFactory(school=SchoolFactory(zone=other_zone))
    rows = rollup(bureau_admin, 2026)
    assert [(z.unit_id, z.teachers, z.failing_schools) for z in rows.zones] == [
        (zone.pk, 1, 0),
        (other_zone.pk, 1, 1),
    ]
    assert rows.region is not None
    assert (rows.region.teachers, rows.region.passed, len(rows.schools)) == (2, 1, 2)


def test_teacher_rows_of_one_school(bureau_admin, school):
    TeacherFactory(school=school)
    TeacherFactory(school=SchoolFactory(zone=school.zone))
    assert {r.school_id for r in teacher_rows(bureau_admin, 2026, school=school)} == {school.pk}
