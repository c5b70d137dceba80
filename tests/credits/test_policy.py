"""Policy documents: validation in Chinese, round trip, versions per region and year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import RegionFactory
from yanxiu.credits.policy import DEFAULT_DOCUMENT, PolicyError, parse_policy, policy_terms_for
from yanxiu.credits.services import save_policy


def test_every_problem_of_a_document_is_reported_in_chinese():
    document = {
        "annual": {"total": -1, "minimums": {"physics": 3}},
        "periods": [{"name": "项目", "start": "2026-09-01", "end": "2026-03-01", "minimums": []}],
        "excluded_activity_types": ["dancing"],
    }
    with pytest.raises(PolicyError) as caught:
        parse_policy(document)
    messages = caught.value.messages
    assert any("不能为负数" in m for m in messages)
    assert any("physics" in m and "不存在" in m for m in messages)
    assert any("结束日期早于开始日期" in m for m in messages)
    assert any("活动类型无效" in m for m in messages)


PERIOD = {"name": "项目", "start": "2026-03-01", "end": "2026-12-31", "minimums": []}


def test_a_periods_stages_must_lie_inside_it_one_after_another():
    phases = [
        {"name": "启动", "start": "2026-02-01", "end": "2026-03-31"},
        {"name": "推进", "start": "2026-04-01", "end": "2026-08-31"},
        {"name": "深化", "start": "2026-08-01", "end": "2026-11-30"},
        {"name": "总结", "start": "十二月", "end": "2026-12-31"},
    ]
    with pytest.raises(PolicyError) as caught:
        parse_policy({**DEFAULT_DOCUMENT, "periods": [{**PERIOD, "phases": phases}]})
    assert caught.value.messages == [
        "第1个项目周期.phases[1] 须在项目周期之内，且结束不早于开始",
        "第1个项目周期.phases[3] 须在上一阶段结束之后开始",
        "第1个项目周期.phases[4].start 必须是日期（如 2026-03-01）",
    ]


def test_a_period_with_stages_survives_a_round_trip():
    phases = [
        {"name": "启动", "start": "2026-03-01", "end": "2026-03-31"},
        {"name": "总结", "start": "2026-12-01", "end": "2026-12-31"},
    ]
    rules = parse_policy({**DEFAULT_DOCUMENT, "periods": [{**PERIOD, "phases": phases}]})
    assert [p.name for p in rules.periods[0].phases] == ["启动", "总结"]
    assert parse_policy(rules.to_document()) == rules


def test_a_document_survives_a_round_trip():
    rules = parse_policy({**DEFAULT_DOCUMENT, "hours_per_credit": {"online": "2.5"}})
    assert parse_policy(rules.to_document()) == rules


def test_the_seed_policy_asks_48_credits_with_the_three_minimums():
    rules = parse_policy(DEFAULT_DOCUMENT)
    assert (rules.total, rules.minimums, rules.school_fail_threshold) == (
        Decimal(48),
        {"centralized": Decimal(16), "online": Decimal(8), "school_based": Decimal(24)},
        Decimal("0.2"),
    )


@pytest.mark.django_db
def test_saving_an_edit_adds_a_version_and_the_latest_is_in_force():
    region = RegionFactory()
    save_policy(region, 2026, parse_policy(DEFAULT_DOCUMENT))
    looser = parse_policy({**DEFAULT_DOCUMENT, "annual": {"total": 40}})
    assert save_policy(region, 2026, looser, note="降低").version == 2
    assert policy_terms_for(region.pk, 2026).total == Decimal(40)
