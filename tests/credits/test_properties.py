"""Property tests of the policy engine: totals, reversals, conversion, caps, school rates."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.credits.factories import certifier, credit
from tests.factories import SchoolFactory, TeacherFactory
from yanxiu.credits.models import Category, TeacherYearTotal, Unit
from yanxiu.credits.policy import DEFAULT_DOCUMENT, parse_policy
from yanxiu.credits.selectors import school_compliance, teacher_status
from yanxiu.credits.services import recompute_totals, reverse_entry

amounts = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(60), places=1)
entries = st.lists(
    st.tuples(st.sampled_from(Category.values), amounts, st.sampled_from(Unit.values)),
    max_size=6,
)
policies = st.builds(
    lambda hpc, cap: parse_policy(
        {
            **DEFAULT_DOCUMENT,
            "hours_per_credit": {c: hpc for c in Category.values},
            "annual": {**DEFAULT_DOCUMENT["annual"], "caps": {"school_based": cap}},
        }
    ),
    st.sampled_from([1, 2, 3, 10]),
    st.integers(min_value=24, max_value=60),
)
EXAMPLES = settings(max_examples=25, deadline=None)


def _post(teacher, items):
    return [credit(teacher, amount, category=c, unit=unit) for c, amount, unit in items]


class TestPolicyProperties(TestCase):
    @EXAMPLES
    @given(
        entries, st.sampled_from(Category.values), amounts, st.sampled_from(Unit.values), policies
    )
    def test_adding_an_entry_never_lowers_the_total(self, items, category, amount, unit, rules):
        teacher = TeacherFactory()
        _post(teacher, items)
        before = teacher_status(teacher, 2026, rules=rules)
        credit(teacher, amount, category=category, unit=unit)
        after = teacher_status(teacher, 2026, rules=rules)
        assert after.total >= before.total
        assert after.passed or not before.passed

    @EXAMPLES
    @given(
        entries, st.sampled_from(Category.values), amounts, st.sampled_from(Unit.values), policies
    )
    def test_a_reversal_restores_the_previous_status(self, items, category, amount, unit, rules):
        teacher = TeacherFactory()
        _post(teacher, items)
        before = teacher_status(teacher, 2026, rules=rules)
        entry = credit(teacher, amount, category=category, unit=unit)
        reverse_entry(entry, by=certifier(), reason="更正")
        after = teacher_status(teacher, 2026, rules=rules)
        assert (after.passed, after.total, after.lines) == (
            before.passed,
            before.total,
            before.lines,
        )

    @EXAMPLES
    @given(st.decimals(min_value=1, max_value=500, places=0), st.sampled_from([1, 2, 3, 4, 10]))
    def test_hours_convert_to_credits_by_the_categorys_rate(self, hours, per_credit):
        teacher = TeacherFactory()
        credit(teacher, hours, category="online", unit=Unit.HOUR)
        rules = parse_policy({**DEFAULT_DOCUMENT, "hours_per_credit": {"online": per_credit}})
        [line] = [
            ln for ln in teacher_status(teacher, 2026, rules=rules).lines if ln.category == "online"
        ]
        assert line.earned == (hours / per_credit).quantize(Decimal("0.01"))

    @EXAMPLES
    @given(entries, st.integers(min_value=0, max_value=40))
    def test_a_capped_category_never_counts_more_than_its_cap(self, items, cap):
        teacher = TeacherFactory()
        _post(teacher, items)
        rules = parse_policy(
            {**DEFAULT_DOCUMENT, "annual": {"unit": "credit", "total": 48, "caps": {"online": cap}}}
        )
        [line] = [
            ln for ln in teacher_status(teacher, 2026, rules=rules).lines if ln.category == "online"
        ]
        assert line.earned <= cap

    @EXAMPLES
    @given(st.lists(st.booleans(), min_size=1, max_size=12))
    def test_a_schools_failure_rate_is_failing_teachers_over_teachers(self, passes):
        school = SchoolFactory()
        for passing in passes:
            teacher = TeacherFactory(school=school)
            if passing:
                _post(
                    teacher,
                    [
                        ("centralized", 16, "credit"),
                        ("online", 8, "credit"),
                        ("school_based", 24, "credit"),
                    ],
                )
        row = school_compliance(school, 2026)
        failed = passes.count(False)
        assert (row.teachers, row.failed) == (len(passes), failed)
        assert row.fail_rate == (Decimal(failed) / len(passes)).quantize(Decimal("0.0001"))
        assert row.failing == (Decimal(failed) / len(passes) >= Decimal("0.2"))

    @EXAMPLES
    @given(entries)
    def test_the_kept_summary_equals_a_full_recompute(self, items):
        teacher = TeacherFactory()
        for entry in _post(teacher, items)[::2]:
            reverse_entry(entry, by=certifier(), reason="更正")
        kept = set(TeacherYearTotal.objects.values_list("category", "hours", "credits"))
        recompute_totals(2026)
        rebuilt = set(TeacherYearTotal.objects.values_list("category", "hours", "credits"))
        assert kept == rebuilt
