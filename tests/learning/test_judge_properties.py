"""Whatever a client sends, the clock never credits more than real time or the video's length."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yanxiu.learning.judge import Heartbeat, Limits, StudyState, UnitTally, judge

DURATION = 300
T0 = 1_795_000_000.0


class Loader:
    def unit(self, unit_id: int) -> UnitTally:
        return UnitTally(duration=DURATION)

    def limits(self) -> Limits:
        return Limits(daily_cap_seconds=4 * 3600, idle_prompt_seconds=120, watched_share=90)

    def day_counted(self, day: str) -> float:
        return 0.0


beats = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=90),  # server seconds since the previous heartbeat
        st.sampled_from([1, 1, 1, 1, 2]),  # unit (mostly the same, sometimes another)
        st.sampled_from(["a", "a", "a", "a", "b"]),  # tab
        st.integers(min_value=-3, max_value=40),  # seq step (may go backwards)
        st.one_of(  # the player moved by this much, or jumped to this position
            st.floats(min_value=-30, max_value=60).map(lambda d: ("by", d)),
            st.floats(min_value=-10, max_value=2 * DURATION).map(lambda p: ("to", p)),
        ),
        st.sampled_from([True, True, True, False]),  # playing
        st.sampled_from([True, True, True, False]),  # visible
        st.sampled_from([1.0, 1.0, 1.0, 0.5, 2.0, 16.0]),  # rate
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(beats)
def test_counted_seconds_never_exceed_wall_time_or_the_video_length(sequence):
    state: StudyState | None = None
    now, seq, position = T0, 0, 0.0
    keys = iter(range(10_000))
    for after, unit, tab, step, (how, move), playing, visible, rate in sequence:
        now += after
        seq += step
        position = position + move if how == "by" else move
        beat = Heartbeat(unit, tab, seq, position, playing, visible, rate)
        state, _verdict = judge(state, beat, now, Loader(), new_key=lambda: f"k{next(keys)}")
    if state is None:
        return
    sessions = [*state.ended, *([state.session] if state.session else [])]
    total = sum(s.counted for s in sessions)
    assert total <= now - T0 + 1e-6
    for s in sessions:
        assert s.counted <= s.last_beat - s.started_at + 1e-6
    for unit_id, tally in state.units.items():
        assert tally.counted <= DURATION + 1e-6
        assert sum(s.counted for s in sessions if s.unit_id == unit_id) <= DURATION + 1e-6
