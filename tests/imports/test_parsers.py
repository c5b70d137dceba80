import datetime

import pytest

from yanxiu.imports.parsers import (
    CellError,
    choice_parser,
    parse_bool,
    parse_count,
    parse_date,
    parse_list,
    parse_year,
)
from yanxiu.orgs.models import Title


@pytest.mark.parametrize(
    "text", ["1985-03-14", "1985/3/14", "1985.3.14", "1985年3月14日", "19850314"]
)
def test_dates_in_common_chinese_spellings_are_read(text):
    assert parse_date(text) == datetime.date(1985, 3, 14)


def test_a_date_that_does_not_exist_is_refused():
    with pytest.raises(CellError, match="日期不存在"):
        parse_date("1985-02-30")


@pytest.mark.parametrize("text", ["2010", "2010年", "2010-09-01", "2010.0", "2010年9月"])
def test_years_are_read_from_years_and_dates(text):
    assert parse_year(text) == 2010


def test_a_year_in_the_future_is_refused():
    with pytest.raises(CellError, match="年份应在"):
        parse_year("2999")


def test_counts_accept_a_year_suffix():
    assert parse_count("12年") == 12


@pytest.mark.parametrize(
    ("text", "value"), [("是", True), ("否", False), ("Y", True), ("0", False)]
)
def test_yes_and_no(text, value):
    assert parse_bool(text) is value


def test_lists_split_on_chinese_and_western_separators():
    assert parse_list("语文、数学,英语；科学 语文") == ["语文", "数学", "英语", "科学"]


def test_choices_accept_the_chinese_label_and_the_stored_value():
    parse = choice_parser(Title)
    assert (parse("一级教师"), parse("first")) == ("first", "first")


def test_an_unknown_choice_lists_the_allowed_labels():
    with pytest.raises(CellError, match="可选：正高级教师、高级教师"):
        choice_parser(Title)("特级")
