"""Teams, their rosters, and how each member does over the weeks.

A session run for a team lets phones pick their name from its roster; the
player row then points at the member, and every later page reads a
member's history through those players. Guests are linked to a member
afterwards in the report, two members who are one person are merged, and
an admin can anonymise a member (their replies stay, unnamed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..coaching.criteria import in_language
from ..extensions import db
from ..game import RuleError
from ..live.names import NAME_MAX, clean_name, name_key
from ..models import Card, GameSession, Member, Player, Reply, Team, User, Vote
from . import cues as cue_records
from .messages import RecordsError

TEAM_NAME_MAX = 80
# A member who has not played for this long is "not played lately" on the team's page.
LATELY = timedelta(days=28)


def visible_teams(user: User) -> list[Team]:
    """A trainer's own teams; an admin sees every team."""
    query = select(Team).order_by(Team.name)
    if not user.is_admin:
        query = query.where(Team.owner_id == user.id)
    return list(db.session.scalars(query))


def may_see(user: User, team: Team | None) -> bool:
    return team is not None and (user.is_admin or team.owner_id == user.id)


def create_team(owner_id: int, raw_name: str) -> Team:
    name = " ".join(raw_name.split())
    if not name:
        raise RecordsError("team_name_blank")
    if len(name) > TEAM_NAME_MAX:
        raise RecordsError("team_name_long", limit=TEAM_NAME_MAX)
    if db.session.scalar(select(Team.id).where(Team.owner_id == owner_id, Team.name == name)):
        raise RecordsError("team_name_taken", name=name)
    team = Team(owner_id=owner_id, name=name)
    db.session.add(team)
    db.session.commit()
    return team


def _member_name(raw: str) -> str:
    try:
        return clean_name(raw)
    except RuleError as broken:
        if broken.code == "name_too_long":
            raise RecordsError("member_name_long", limit=NAME_MAX) from None
        raise RecordsError("member_name_blank") from None


def add_member(team: Team, raw_name: str) -> Member:
    name = _member_name(raw_name)
    member = Member(team_id=team.id, name=name, name_key=name_key(name))
    db.session.add(member)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RecordsError("member_name_taken", name=name) from None
    return member


def find_member(team: Team, raw_name: str) -> Member | None:
    """The roster's member with this name (however it is spelled), if any."""
    try:
        name = _member_name(raw_name)
    except RecordsError:
        return None
    return db.session.scalar(
        select(Member).where(Member.team_id == team.id, Member.name_key == name_key(name), ~Member.anonymised)
    )


def add_guest(session: GameSession, player_id: int) -> Member:
    """The trainer puts a guest of the session on the team's roster, under the name they played with."""
    if session.team_id is None:
        raise RecordsError("no_team")
    player = db.session.get(Player, player_id)
    if player is None or player.session_id != session.id or player.removed:
        raise RecordsError("not_a_player")
    team = db.session.get(Team, session.team_id)
    member = find_member(team, player.name) or add_member(team, player.name)
    link_player(session, player_id, member.id)
    return member


def remove_member(member: Member) -> None:
    """Off the roster: their sessions stay, their players become guests again (names kept)."""
    db.session.execute(update(Player).where(Player.member_id == member.id).values(member_id=None))
    db.session.delete(member)
    db.session.commit()


def roster(team: Team) -> list[Member]:
    return [m for m in team.members if not m.anonymised]


def link_player(session: GameSession, player_id: int, member_id: int | None) -> Player:
    """The trainer says who a guest was (or that they were nobody on the roster)."""
    if session.team_id is None:
        raise RecordsError("no_team")
    player = db.session.get(Player, player_id)
    if player is None or player.session_id != session.id:
        raise RecordsError("not_a_player")
    if member_id is not None:
        member = db.session.get(Member, member_id)
        if member is None or member.team_id != session.team_id:
            raise RecordsError("not_a_player")
    player.member_id = member_id
    db.session.commit()
    return player


def merge(keep: Member, gone: Member) -> Member:
    """Two members who are one person: ``gone``'s sessions become ``keep``'s, and ``gone`` goes."""
    if keep.id == gone.id:
        raise RecordsError("member_same")
    if keep.team_id != gone.team_id:
        raise RecordsError("member_other_team")
    db.session.execute(update(Player).where(Player.member_id == gone.id).values(member_id=keep.id))
    db.session.delete(gone)
    db.session.commit()
    return keep


def anonymise(member: Member) -> None:
    """The person's name goes everywhere (roster, players, reports); their replies stay."""
    member.anonymised = True
    member.name = "—"
    member.name_key = None
    db.session.execute(
        update(Player).where(Player.member_id == member.id).values(name="—")
    )
    db.session.commit()


# --- progress ------------------------------------------------------------------


@dataclass
class SessionLine:
    """One session of one member (or a whole team): what they wrote and received."""

    session_id: int
    code: str
    date: datetime
    replies: int = 0
    votes: int = 0
    awards: list[int] = field(default_factory=list)


@dataclass
class Progress:
    criteria: list[str]
    sessions: list[SessionLine]
    best: list[dict[str, Any]]
    # Service cues over their replies (a member's page): how many were read for cues, and
    # how many carried each cue or flag. Hints, never scores.
    cues_read: int = 0
    cue_counts: Counter[str] = field(default_factory=Counter)

    @property
    def cue_rows(self) -> list[tuple[cue_records.Chip, int, int]]:
        """(cue, replies that carried it, percent of those read), every cue then every flag."""
        found = cue_records.chips({"cues": list(cue_records.rules.CUES), "flags": list(cue_records.rules.FLAGS)})
        return [(chip, self.cue_counts[chip.kind], round(100 * self.cue_counts[chip.kind] / self.cues_read))
                for chip in found] if self.cues_read else []

    @property
    def replies(self) -> int:
        return sum(s.replies for s in self.sessions)

    @property
    def votes(self) -> int:
        return sum(s.votes for s in self.sessions)

    @property
    def awards(self) -> list[int]:
        return [sum(s.awards[i] for s in self.sessions if i < len(s.awards)) for i in range(len(self.criteria))]


def _criteria_names(sessions: list[GameSession], language: str | None) -> list[str]:
    """The award names to chart: the newest awards session's set, in the reader's language."""
    for session in sorted(sessions, key=lambda s: s.created_at, reverse=True):
        if session.voting == "awards" and session.criteria:
            return [c["name"] for c in in_language(session.criteria, language, session.language)]
    return []


def progress(player_filter, language: str | None = None, best: int = 5, with_cues: bool = False) -> Progress:
    """Sessions, replies, votes and awards over time for the players that ``player_filter`` selects."""
    players = select(Player.id).where(player_filter).scalar_subquery()
    sessions = list(db.session.scalars(
        select(GameSession).where(GameSession.id.in_(select(Player.session_id).where(player_filter)))
        .order_by(GameSession.created_at, GameSession.id)
    ))
    names = _criteria_names(sessions, language)
    lines = {s.id: SessionLine(s.id, s.code, s.created_at, awards=[0] * len(names)) for s in sessions}
    for session_id, n in db.session.execute(
        select(Reply.session_id, func.count(Reply.id))
        .where(Reply.player_id.in_(players), Reply.text.is_not(None), ~Reply.hidden).group_by(Reply.session_id)
    ):
        lines[session_id].replies = n
    awards_session = {s.id for s in sessions if s.voting == "awards"}
    got: Counter[int] = Counter()
    for session_id, reply_id, criterion, n in db.session.execute(
        select(Vote.session_id, Vote.reply_id, Vote.criterion, func.count(Vote.id))
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Reply.player_id.in_(players), ~Reply.hidden)
        .group_by(Vote.session_id, Vote.reply_id, Vote.criterion)
    ):
        got[reply_id] += n
        line = lines[session_id]
        if session_id in awards_session:
            if criterion < len(line.awards):
                line.awards[criterion] += n
        else:
            line.votes += n
    top = [rid for rid, _ in got.most_common(best)]
    rows = {r.id: (r, c) for r, c in db.session.execute(
        select(Reply, Card).join(Card, Card.id == Reply.card_id).where(Reply.id.in_(top))
    )} if top else {}
    best_replies = [
        {"id": rid, "text": rows[rid][0].text, "complaint": rows[rid][1].complaint, "received": got[rid]}
        for rid in top if rid in rows
    ]
    found = Progress(names, list(lines.values()), best_replies)
    if with_cues:
        # Stored when each reply was sent: nothing is matched again here.
        found.cues_read, found.cue_counts = cue_records.counts(db.session.scalars(
            select(Reply.cues).join(GameSession, GameSession.id == Reply.session_id)
            .where(Reply.player_id.in_(players), Reply.text.is_not(None), ~Reply.hidden,
                   Reply.cues.is_not(None), GameSession.cues_enabled)
        ))
    return found


def member_progress(member: Member, language: str | None = None) -> Progress:
    return progress(Player.member_id == member.id, language, with_cues=True)


def team_progress(team: Team, language: str | None = None) -> Progress:
    return progress(Player.member_id.in_(select(Member.id).where(Member.team_id == team.id)), language)


def last_played(team: Team) -> dict[int, datetime]:
    """Member id → when they last played (members who never did are left out)."""
    rows = db.session.execute(
        select(Player.member_id, func.max(GameSession.created_at))
        .join(GameSession, GameSession.id == Player.session_id)
        .where(Player.member_id.in_(select(Member.id).where(Member.team_id == team.id)))
        .group_by(Player.member_id)
    )
    return dict(rows.all())


def not_played_lately(team: Team, now: datetime | None = None) -> list[tuple[Member, datetime | None]]:
    """Members who have not played for LATELY (or never), longest absent first."""
    now = now or utcnow()
    seen = last_played(team)
    absent = [(m, seen.get(m.id)) for m in roster(team) if seen.get(m.id) is None or now - seen[m.id] > LATELY]
    return sorted(absent, key=lambda pair: (pair[1] is not None, pair[1] or now, pair[0].name.casefold()))
