"""The windows of a multi-day drill: when writing opens and closes, and when voting closes.

A drill is a session with another pace: the same phases as live, but each
timed phase lasts until a date rather than a few minutes. Voting opens when
writing closes. Times are naive UTC, as the database stores them; a trainer
types wall-clock times in their own time zone, and ``to_utc`` says which
instant such a time means, daylight-saving changes included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import RuleError

# A window shorter than this is a live session, not a drill.
SHORTEST = timedelta(hours=1)
# From opening to the end of voting: a drill is about a week, at most a month.
LONGEST = timedelta(days=31)
# The default writing window ends on the first Thursday noon at least this far off.
DEFAULT_LEAD = timedelta(hours=24)
THURSDAY, NOON = 3, 12


class Stage(StrEnum):
    BEFORE = "before"  # writing opens later
    WRITING = "writing"
    VOTING = "voting"
    OVER = "over"


class Window(StrEnum):
    WRITING = "writing"
    VOTING = "voting"


@dataclass(frozen=True)
class Windows:
    writing_opens: datetime
    writing_closes: datetime
    voting_closes: datetime

    def stage(self, now: datetime) -> Stage:
        """Where the drill is at ``now``: each window includes its start, not its end."""
        if now < self.writing_opens:
            return Stage.BEFORE
        if now < self.writing_closes:
            return Stage.WRITING
        if now < self.voting_closes:
            return Stage.VOTING
        return Stage.OVER

    def deadline(self, stage: Stage) -> datetime | None:
        """When ``stage`` ends: what the session's clock counts down to."""
        return {
            Stage.BEFORE: self.writing_opens,
            Stage.WRITING: self.writing_closes,
            Stage.VOTING: self.voting_closes,
        }.get(stage)

    def closes(self, window: Window) -> datetime:
        return self.writing_closes if window == Window.WRITING else self.voting_closes


def check(windows: Windows, now: datetime) -> Windows:
    """The windows a trainer set up, or RuleError saying what is wrong with them."""
    if windows.writing_closes <= now:
        raise RuleError("drill_closes_in_past")
    if windows.writing_closes - windows.writing_opens < SHORTEST:
        raise RuleError("drill_window_short")
    if windows.voting_closes - windows.writing_closes < SHORTEST:
        raise RuleError("drill_window_short")
    if windows.voting_closes - min(windows.writing_opens, now) > LONGEST:
        raise RuleError("drill_too_long", days=LONGEST.days)
    return windows


def extend(windows: Windows, window: Window, until: datetime, now: datetime) -> Windows:
    """Move a window's end later. A closed window stays closed.

    Writing extended past the end of voting pushes voting on by as much, so
    the room keeps the voting time it had.
    """
    stage = windows.stage(now)
    if stage == Stage.OVER or (window == Window.WRITING and stage == Stage.VOTING):
        raise RuleError("drill_window_closed")
    if until <= windows.closes(window) or until <= now:
        raise RuleError("drill_extend_later")
    if window == Window.VOTING:
        changed = replace(windows, voting_closes=until)
    else:
        voting = windows.voting_closes - windows.writing_closes
        changed = replace(windows, writing_closes=until, voting_closes=max(windows.voting_closes, until + voting))
    if changed.voting_closes - min(changed.writing_opens, now) > LONGEST:
        raise RuleError("drill_too_long", days=LONGEST.days)
    return changed


def close_early(windows: Windows, window: Window, now: datetime) -> Windows:
    """End the open window now (the trainer's "close writing/voting now")."""
    stage = windows.stage(now)
    if window == Window.WRITING:
        if stage == Stage.BEFORE:
            # Writing that never opened can't close; move nothing.
            raise RuleError("drill_not_open")
        if stage != Stage.WRITING:
            raise RuleError("drill_window_closed")
        return replace(windows, writing_closes=now)
    if stage != Stage.VOTING:
        raise RuleError("drill_window_closed" if stage == Stage.OVER else "drill_not_open")
    return replace(windows, voting_closes=now)


# --- cards -----------------------------------------------------------------

# A drill asks each person for one to three replies (its rounds): more is a live session's job.
MOST_CARDS = 3


def check_cards(cards: int) -> int:
    """How many cards a drill answers, or RuleError when it is not one to three."""
    if not 1 <= cards <= MOST_CARDS:
        raise RuleError("drill_cards", most=MOST_CARDS)
    return cards


def next_shown(shown: int, cards: int) -> int | None:
    """After a drill's results for card ``shown`` the projector shows the next card's; None: the podium."""
    return shown + 1 if shown < cards else None


# --- time zones -----------------------------------------------------------

def zone(name: str | None) -> ZoneInfo:
    """The named IANA zone; RuleError for a name that isn't one."""
    if not name or name not in zone_names():
        raise RuleError("unknown_time_zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError("unknown_time_zone") from None


_ZONES: frozenset[str] | None = None


def zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def to_utc(wall: datetime, where: ZoneInfo) -> datetime:
    """The instant a wall-clock time in ``where`` names, as naive UTC.

    A time the clocks skip (02:30 on a spring-forward night) means the
    moment as long after the change as it was meant after the hour before
    (03:30); a time they pass twice (autumn) means its first occurrence.
    """
    first = wall.replace(tzinfo=where, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(where).replace(tzinfo=None) != wall:
        # Skipped: the earlier offset read through the gap lands after it.
        later = wall.replace(tzinfo=where, fold=1).astimezone(UTC)
        instant = max(instant, later)
    return instant.replace(tzinfo=None)


def to_local(instant: datetime, where: ZoneInfo) -> datetime:
    """A stored naive-UTC instant as a wall-clock time in ``where`` (aware)."""
    return instant.replace(tzinfo=UTC).astimezone(where)


def defaults(now: datetime, where: ZoneInfo) -> Windows:
    """Writing from now to the first Thursday noon a day or more away, voting until Friday noon."""
    local = to_local(now, where).replace(tzinfo=None)
    day = local.date()
    while True:
        if day.weekday() == THURSDAY:
            closes = to_utc(datetime(day.year, day.month, day.day, NOON), where)
            if closes - now >= DEFAULT_LEAD:
                break
        day += timedelta(days=1)
    friday = day + timedelta(days=1)
    return Windows(now, closes, to_utc(datetime(friday.year, friday.month, friday.day, NOON), where))


def days_hours(left: timedelta) -> tuple[int, int]:
    """Time left as whole days and hours, the hours rounded up: 1 day 0 hours is never shown for 23:30."""
    if left <= timedelta(0):
        return 0, 0
    hours = -(-left // timedelta(hours=1))
    return hours // 24, hours % 24
