import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yanxiu.orgs import idnumbers

areas = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)  # \d would take any Unicode digit
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
