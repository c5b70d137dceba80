import datetime
import random

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from yanxiu.demo import orgs as demo
from yanxiu.orgs import idnumbers

provinces = st.sampled_from(sorted(idnumbers.PROVINCES))
not_provinces = st.integers(0, 99).filter(lambda p: p not in idnumbers.PROVINCES)
# A leading 9 marks a foreigner's number, whose province follows it.
not_resident_provinces = not_provinces.filter(lambda p: p < 90)
digits = st.from_regex(r"[0-9]{4}", fullmatch=True)  # \d would take any Unicode digit
areas = st.builds(lambda province, rest: f"{province}{rest}", provinces, digits)
births = st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(areas, births, sequences)
def test_composed_numbers_are_accepted(area, born, sequence):
    number = idnumbers.compose(area, born, sequence)
    assert idnumbers.normalize(number) == number
    assert idnumbers.birth_date(number) == born


@given(areas, births, sequences, st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_one_changed_digit_is_rejected(area, born, sequence, position, shift):
    number = idnumbers.compose(area, born, sequence)
    changed = str((int(number[position]) + shift) % 10)
    tampered = number[:position] + changed + number[position + 1 :]
    with pytest.raises(idnumbers.InvalidIdNumber):
        idnumbers.normalize(tampered)


def test_a_number_with_non_ascii_digits_is_refused_with_a_reason():
    valid = idnumbers.compose("330302", datetime.date(1985, 3, 14), 77)
    with pytest.raises(idnumbers.InvalidIdNumber, match="只能包含数字"):
        idnumbers.normalize("²" + valid[1:])


@given(not_resident_provinces, digits, births, sequences)
def test_a_province_part_that_is_no_province_is_refused(province, rest, born, sequence):
    number = idnumbers.compose(f"{province:02d}{rest}", born, sequence)
    with pytest.raises(idnumbers.InvalidIdNumber, match="省份代码"):
        idnumbers.normalize(number)


@given(areas, st.integers(1, 3650), sequences)
def test_a_birth_date_in_the_future_is_refused(area, days_ahead, sequence):
    born = timezone.localdate() + datetime.timedelta(days=days_ahead)
    with pytest.raises(idnumbers.InvalidIdNumber, match="晚于今天"):
        idnumbers.normalize(idnumbers.compose(area, born, sequence))


def test_a_birth_date_of_today_is_accepted():
    number = idnumbers.compose("330302", timezone.localdate(), 1)
    assert idnumbers.normalize(number) == number


nationalities = st.from_regex(r"[0-9]{3}", fullmatch=True)


@given(provinces, nationalities, births, sequences)
def test_a_foreigners_permanent_residence_number_is_accepted(province, nationality, born, sequence):
    number = idnumbers.compose(f"9{province}{nationality}", born, sequence)
    assert idnumbers.normalize(number) == number
    assert idnumbers.birth_date(number) == born
    assert idnumbers.province_code(number) == province


@given(not_provinces, nationalities, births, sequences)
def test_a_foreigners_number_needs_a_real_province_after_the_9(
    province, nationality, born, sequence
):
    number = idnumbers.compose(f"9{province:02d}{nationality}", born, sequence)
    with pytest.raises(idnumbers.InvalidIdNumber, match="省份代码"):
        idnumbers.normalize(number)


TODAY = datetime.date(2026, 6, 1)


@given(st.integers(18, 70), st.integers(0, 364))
def test_a_serving_teachers_age_raises_no_doubt(age, days_past_birthday):
    born = TODAY.replace(year=TODAY.year - age) - datetime.timedelta(days=days_past_birthday)
    assert idnumbers.age_warning(idnumbers.compose("330302", born, 1), today=TODAY) is None


@given(st.one_of(st.integers(0, 17), st.integers(71, 110)))
def test_an_age_unlikely_for_a_teacher_is_warned_not_refused(age):
    born = TODAY.replace(year=TODAY.year - age)
    number = idnumbers.compose("330302", born, 1)
    assert idnumbers.normalize(number, today=TODAY) == number
    assert f"{age}岁" in (idnumbers.age_warning(number, today=TODAY) or "")


def test_excels_mangled_number_is_refused_with_a_reason():
    with pytest.raises(idnumbers.InvalidIdNumber, match="Excel"):
        idnumbers.normalize("3.30302198503E+17")


def test_the_demo_regions_fictional_county_codes_stay_valid():
    born = datetime.date(1985, 3, 14)
    for area in (demo.REGION_CODE, *demo.AREA_CODES):
        number = idnumbers.compose(area, born, 7)
        assert idnumbers.normalize(number) == number


def test_3000_generated_numbers_pass_only_with_a_real_area_and_a_past_birth():
    """Held against an independent rule: no 000000/999999 area and no future birth passes."""
    rng = random.Random(10)
    today = timezone.localdate()
    accepted = refused = 0
    for _ in range(3000):
        area = rng.choice(["000000", "999999", "330302", "110101", "820000"])
        born = today + datetime.timedelta(days=rng.randint(-30000, 1200))
        number = idnumbers.compose(area, born, rng.randint(0, 999))
        valid = area not in ("000000", "999999") and born <= today
        try:
            idnumbers.normalize(number)
        except idnumbers.InvalidIdNumber:
            refused += 1
            assert not valid, number
        else:
            accepted += 1
            assert valid, number
    assert accepted > 0
    assert refused > 0
