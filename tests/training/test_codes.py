import datetime

from hypothesis import given
from hypothesis import strategies as st

from yanxiu.training import codes

NOON = datetime.datetime(2026, 9, 1, 4, 0, 10, tzinfo=datetime.UTC)


def test_the_code_shown_now_is_accepted_now():
    assert codes.code_is_valid(7, codes.current_code(7, NOON).code, NOON)


def test_the_previous_code_is_still_accepted_for_one_window():
    shown = codes.current_code(7, NOON).code
    assert codes.code_is_valid(7, shown, NOON + datetime.timedelta(seconds=codes.WINDOW_SECONDS))


def test_a_code_two_windows_old_has_expired():
    shown = codes.current_code(7, NOON).code
    later = NOON + datetime.timedelta(seconds=2 * codes.WINDOW_SECONDS)
    assert not codes.code_is_valid(7, shown, later)


def test_the_code_expires_at_the_end_of_its_window():
    assert codes.current_code(7, NOON).expires_at == datetime.datetime(
        2026, 9, 1, 4, 0, 30, tzinfo=datetime.UTC
    )


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=10**8))
def test_codes_are_six_digits(session_id, window):
    code = codes.code_for(session_id, window)
    assert len(code) == 6
    assert code.isdigit()


def test_another_sessions_code_is_refused():
    assert not codes.code_is_valid(8, codes.current_code(7, NOON).code, NOON)
