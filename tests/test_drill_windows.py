"""The drill's windows as pure rules: open, closed, extended, closed early, in time zones across DST."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.game import RuleError
from trainer.game.windows import (
    LONGEST,
    Stage,
    Window,
    Windows,
    check,
    close_early,
    days_hours,
    defaults,
    extend,
    to_local,
    to_utc,
    zone,
)

ZONES = ["Europe/Kyiv", "Europe/Athens", "Europe/Moscow", "America/New_York", "Australia/Sydney",
         "Asia/Kolkata", "UTC", "Pacific/Chatham"]
KYIV = ZoneInfo("Europe/Kyiv")
START = datetime(2026, 1, 1)

instants = st.datetimes(min_value=START, max_value=datetime(2028, 12, 31))
hours = st.integers(min_value=1, max_value=24 * 10)


@st.composite
def drill_windows(draw):
    opens = draw(instants)
    writing = timedelta(hours=draw(hours))
    voting = timedelta(hours=draw(hours))
    return Windows(opens, opens + writing, opens + writing + voting)


@given(drill_windows(), st.integers(min_value=-24 * 30, max_value=24 * 30))
def test_the_stage_follows_the_windows_in_order(windows, offset_hours):
    now = windows.writing_opens + timedelta(hours=offset_hours)
    stage = windows.stage(now)
    order = list(Stage)
    later = windows.stage(now + timedelta(hours=1))
    assert order.index(later) >= order.index(stage)
    if stage in (Stage.BEFORE, Stage.WRITING, Stage.VOTING):
        assert windows.deadline(stage) > now
    assert windows.deadline(Stage.OVER) is None


def test_each_window_holds_its_start_not_its_end():
    w = Windows(START, START + timedelta(days=3), START + timedelta(days=4))
    assert w.stage(START - timedelta(seconds=1)) == Stage.BEFORE
    assert w.stage(START) == Stage.WRITING
    assert w.stage(w.writing_closes) == Stage.VOTING
    assert w.stage(w.voting_closes) == Stage.OVER


@given(drill_windows(), hours, st.sampled_from(list(Window)), st.integers(min_value=0, max_value=24 * 20))
def test_extending_moves_only_later_and_never_reopens(windows, extra_hours, window, at_hours):
    now = windows.writing_opens + timedelta(hours=at_hours)
    until = windows.closes(window) + timedelta(hours=extra_hours)
    stage = windows.stage(now)
    closed = stage == Stage.OVER or (window == Window.WRITING and stage == Stage.VOTING)
    try:
        changed = extend(windows, window, until, now)
    except RuleError as refused:
        assert closed or until <= now or refused.code == "drill_too_long"
        return
    assert not closed
    assert changed.closes(window) == until
    assert changed.writing_opens == windows.writing_opens
    # Voting never shrinks, and never ends before writing does.
    assert changed.voting_closes >= windows.voting_closes
    assert changed.voting_closes - changed.writing_closes >= min(
        windows.voting_closes - windows.writing_closes, changed.voting_closes - changed.writing_closes)
    assert changed.writing_closes < changed.voting_closes
    assert changed.stage(now) == stage


def test_an_extension_to_an_earlier_time_or_a_closed_window_is_refused():
    w = Windows(START, START + timedelta(days=3), START + timedelta(days=4))
    with pytest.raises(RuleError, match="drill_extend_later"):
        extend(w, Window.WRITING, START + timedelta(days=2), START)
    with pytest.raises(RuleError, match="drill_window_closed"):
        extend(w, Window.WRITING, START + timedelta(days=9), START + timedelta(days=3, hours=1))
    with pytest.raises(RuleError, match="drill_too_long"):
        extend(w, Window.VOTING, START + LONGEST + timedelta(days=1), START)
    # Writing to past the end of voting: voting keeps its day.
    pushed = extend(w, Window.WRITING, START + timedelta(days=5), START)
    assert pushed.voting_closes == START + timedelta(days=6)


@given(drill_windows(), st.sampled_from(list(Window)), st.integers(min_value=-48, max_value=24 * 20))
def test_closing_early_ends_the_open_window_now(windows, window, at_hours):
    now = windows.writing_opens + timedelta(hours=at_hours)
    stage = windows.stage(now)
    try:
        changed = close_early(windows, window, now)
    except RuleError:
        assert stage.value != window.value
        return
    assert stage.value == window.value
    assert changed.closes(window) == now
    assert changed.stage(now) == (Stage.VOTING if window == Window.WRITING else Stage.OVER)
    # Voting still ends when it was going to: closing writing early gives the room more time to vote.
    assert changed.voting_closes == (windows.voting_closes if window == Window.WRITING else now)


def test_check_refuses_windows_in_the_past_too_short_or_too_long():
    now = START
    check(Windows(now, now + timedelta(days=3), now + timedelta(days=4)), now)
    for broken, code in (
        (Windows(now - timedelta(days=3), now - timedelta(days=1), now + timedelta(days=1)), "drill_closes_in_past"),
        (Windows(now, now + timedelta(minutes=30), now + timedelta(days=1)), "drill_window_short"),
        (Windows(now, now + timedelta(days=1), now + timedelta(days=1, minutes=5)), "drill_window_short"),
        (Windows(now, now + timedelta(days=20), now + timedelta(days=40)), "drill_too_long"),
    ):
        with pytest.raises(RuleError, match=code):
            check(broken, now)


# --- time zones -------------------------------------------------------------

@given(instants, st.sampled_from(ZONES))
def test_an_instant_read_as_local_time_names_the_same_instant(instant, name):
    where = zone(name)
    local = to_local(instant, where)
    if local.fold:
        return  # the second pass of an autumn hour names its first occurrence, on purpose
    assert to_utc(local.replace(tzinfo=None), where) == instant


@given(st.datetimes(min_value=START, max_value=datetime(2028, 12, 31)), st.sampled_from(ZONES))
def test_a_wall_time_maps_to_itself_unless_the_clocks_skip_it(wall, name):
    where = zone(name)
    wall = wall.replace(second=0, microsecond=0)
    back = to_local(to_utc(wall, where), where).replace(tzinfo=None)
    if back != wall:
        # Only inside a spring-forward gap, and then moved on by the gap's length (an hour, or Chatham's).
        assert timedelta(0) < back - wall <= timedelta(hours=1)


def test_a_dst_change_between_the_windows():
    # Kyiv springs forward on 29 March 2026 at 03:00 (EET +2 → EEST +3).
    opens = to_utc(datetime(2026, 3, 27, 9, 0), KYIV)
    closes = to_utc(datetime(2026, 3, 30, 12, 0), KYIV)
    assert opens == datetime(2026, 3, 27, 7, 0)
    assert closes == datetime(2026, 3, 30, 9, 0)
    # Three wall-clock days of noon-to-noon-ish, an hour shorter in real time.
    assert closes - opens == timedelta(days=3, hours=2)
    # 03:30 that night never happens on a Kyiv clock: it means 04:30 summer time.
    assert to_local(to_utc(datetime(2026, 3, 29, 3, 30), KYIV), KYIV).hour == 4
    # 03:30 on 25 October happens twice: the first one (still summer time).
    assert to_utc(datetime(2026, 10, 25, 3, 30), KYIV) == datetime(2026, 10, 25, 0, 30)


@given(instants, st.sampled_from(ZONES))
def test_the_defaults_are_thursday_noon_then_friday_noon_local(now, name):
    where = zone(name)
    windows = defaults(now, where)
    closes, voting = to_local(windows.writing_closes, where), to_local(windows.voting_closes, where)
    assert (closes.weekday(), closes.hour, closes.minute) == (3, 12, 0)
    assert (voting.weekday(), voting.hour, voting.minute) == (4, 12, 0)
    assert voting.date() - closes.date() == timedelta(days=1)
    assert timedelta(hours=24) <= windows.writing_closes - now < timedelta(days=8, hours=1)
    assert windows.writing_opens == now
    check(windows, now)


def test_the_defaults_across_the_autumn_change():
    # Athens falls back on Sunday 25 October 2026; set up the drill on Saturday.
    athens = zone("Europe/Athens")
    windows = defaults(to_utc(datetime(2026, 10, 24, 10, 0), athens), athens)
    assert windows.writing_closes == datetime(2026, 10, 29, 10, 0)  # noon at +2 (winter time)
    assert windows.voting_closes - windows.writing_closes == timedelta(days=1)


def test_an_unknown_zone_is_refused():
    for name in ("", "Mars/Olympus", "../etc/passwd", None):
        with pytest.raises(RuleError, match="unknown_time_zone"):
            zone(name)


@given(st.integers(min_value=0, max_value=60 * 24 * 40))
def test_days_and_hours_left_round_up_the_hours(minutes):
    days, hrs = days_hours(timedelta(minutes=minutes))
    total = days * 24 + hrs
    assert 0 <= hrs < 24
    assert total * 60 >= minutes > (total - 1) * 60 or minutes == total == 0


# --- one to three cards --------------------------------------------------------

@given(st.integers(min_value=-5, max_value=10))
def test_a_drill_has_one_to_three_cards(cards):
    from trainer.game.windows import MOST_CARDS, check_cards

    if 1 <= cards <= MOST_CARDS:
        assert check_cards(cards) == cards
    else:
        with pytest.raises(RuleError, match="drill_cards"):
            check_cards(cards)


@given(st.integers(min_value=1, max_value=3))
def test_the_projector_steps_through_every_card_then_the_podium(cards):
    from trainer.game.windows import next_shown

    shown, seen = 1, [1]
    while (shown := next_shown(shown, cards)) is not None:
        seen.append(shown)
    assert seen == list(range(1, cards + 1))
