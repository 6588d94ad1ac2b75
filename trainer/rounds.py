"""What happens in a round: dealing, drafts, submissions, votes, closing.

Functions here load rows, ask ``trainer.game`` for the rules, write the
answer and commit. They return what changed; ``trainer.announce`` tells the
rooms.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from datetime import datetime, timedelta
from random import Random
from typing import NamedTuple

from sqlalchemy import delete, func, select

from . import game
from .extensions import db
from .game import phases
from .models import Card, GameSession, Player, Reply, SessionDeck, Vote
from .sessions import active_player_ids, claim_clock, clock_of, timing_of

REPLY_MAX = 600
# Phones flush their draft when their countdown reaches zero; the deadline
# sweeper waits this long past the deadline so those last words arrive.
WRITING_GRACE = timedelta(seconds=2)


def _rng(session: GameSession, round_no: int, purpose: str) -> Random:
    return Random(f"{session.seed}:{round_no}:{purpose}")


# --- host commands -------------------------------------------------------

def advance(session: GameSession, now: datetime) -> game.Outcome | None:
    """The host's "start"/"next round"/"final podium" button."""
    clock = clock_of(session)
    outcome = phases.advance(clock, timing_of(session), now)
    if outcome.clock.phase == game.Phase.WRITING:
        players = active_player_ids(session, outcome.clock.round_no)
        if not players:
            raise game.RuleError("no_players")
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    if outcome.clock.phase == game.Phase.WRITING:
        deal_round(session, outcome.clock.round_no, players)
    db.session.commit()
    return outcome


def change_timer(session: GameSession, action: str, now: datetime, seconds: int = 60) -> game.Outcome | None:
    clock = clock_of(session)
    if action == "extend":
        outcome = phases.extend(clock, now, seconds)
    elif action == "pause":
        outcome = phases.pause(clock, now)
    else:
        outcome = phases.resume(clock, now)
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    db.session.commit()
    return outcome


def close_phase(session: GameSession, now: datetime) -> game.Outcome | None:
    """End writing or voting now: at the deadline, early, or on the host's word.

    Returns None when someone else closed it first, so only one caller
    announces the change.
    """
    clock = clock_of(session)
    outcome = phases.close_phase(
        clock, timing_of(session), now, any_replies=_any_replies(session, clock.round_no)
    )
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    if clock.phase == game.Phase.WRITING:
        _keep_unsubmitted_drafts(session, clock.round_no)
    db.session.commit()
    return outcome


def close_overdue(session: GameSession, now: datetime) -> game.Outcome | None:
    grace = WRITING_GRACE if session.phase == game.Phase.WRITING else timedelta(0)
    if not clock_of(session).is_overdue(now - grace):
        return None
    return close_phase(session, now)


def deal_round(session: GameSession, round_no: int, player_ids: list[int]) -> None:
    pool = db.session.scalars(
        select(Card.id)
        .join(SessionDeck, SessionDeck.deck_id == Card.deck_id)
        .where(SessionDeck.session_id == session.id, Card.enabled)
    ).all()
    dealt = Counter(
        db.session.scalars(select(Reply.card_id).where(Reply.session_id == session.id))
    )
    counts = {card: dealt.get(card, 0) for card in pool}
    hands = game.deal(player_ids, counts, _rng(session, round_no, "deal"))
    db.session.add_all(
        Reply(session_id=session.id, round_no=round_no, player_id=p, card_id=c)
        for p, c in hands.items()
    )


def _round_replies(session: GameSession, round_no: int):
    return (
        select(Reply)
        .join(Player, Player.id == Reply.player_id)
        .where(Reply.session_id == session.id, Reply.round_no == round_no, ~Player.removed)
    )


def _any_replies(session: GameSession, round_no: int) -> bool:
    replies = db.session.scalars(_round_replies(session, round_no)).all()
    return any((r.text or r.draft).strip() for r in replies)


def _keep_unsubmitted_drafts(session: GameSession, round_no: int) -> None:
    """A draft never submitted still counts as the reply if it is not blank."""
    for reply in db.session.scalars(
        _round_replies(session, round_no).where(Reply.text.is_(None))
    ):
        if reply.draft.strip():
            reply.text = reply.draft.strip()


# --- player actions ------------------------------------------------------

def own_reply(player: Player, session: GameSession, round_no: int) -> Reply:
    if session.phase != game.Phase.WRITING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    if round_no != session.round_no:
        raise game.RuleError("wrong_round")
    reply = db.session.scalar(
        select(Reply).where(
            Reply.session_id == session.id,
            Reply.round_no == round_no,
            Reply.player_id == player.id,
        )
    )
    if reply is None:
        raise game.RuleError("sitting_out")
    return reply


def check_length(text: str) -> None:
    if len(text) > REPLY_MAX:
        raise game.RuleError("reply_too_long", limit=REPLY_MAX)


def save_draft(player: Player, session: GameSession, round_no: int, text: str, now: datetime) -> None:
    check_length(text)
    reply = own_reply(player, session, round_no)
    reply.draft = text
    reply.draft_saved_at = now
    db.session.commit()


def submit(player: Player, session: GameSession, round_no: int, text: str, now: datetime) -> Reply:
    check_length(text)
    if not text.strip():
        raise game.RuleError("reply_blank")
    reply = own_reply(player, session, round_no)
    reply.draft = text
    reply.text = text.strip()
    reply.submitted_at = now
    db.session.commit()
    return reply


def writing_progress(session: GameSession) -> tuple[int, int]:
    """(submitted, dealt) among players still in the session."""
    # Counted by the database: every submit asks, and a big room has
    # a thousand replies that need not become objects each time.
    dealt, submitted = db.session.execute(
        _round_replies(session, session.round_no).with_only_columns(
            func.count(Reply.id), func.count(Reply.submitted_at)
        )
    ).one()
    return submitted, dealt


def everyone_submitted(session: GameSession) -> bool:
    submitted, dealt = writing_progress(session)
    return dealt > 0 and submitted == dealt


# --- voting --------------------------------------------------------------

def votable_replies(session: GameSession, round_no: int) -> dict[int, int]:
    """Reply id → author id for the replies that can receive votes."""
    rows = db.session.execute(
        _round_replies(session, round_no)
        .where(Reply.text.is_not(None))
        .with_only_columns(Reply.id, Reply.player_id)
    ).all()
    return {reply_id: author for reply_id, author in rows}


def round_ballots(session: GameSession, round_no: int) -> dict[int, game.Ballot]:
    """Every voter's ballot, recomputed from the seed: the same after a restart."""
    if session.phase == game.Phase.VOTING and round_no == session.round_no:
        return _voting(session).ballots
    replies = votable_replies(session, round_no)
    voters = active_player_ids(session, round_no)
    return game.ballots(replies, voters, _rng(session, round_no, "ballot"))


# (code, round, clock version, players removed) → _Voting
_VOTING_CACHE: OrderedDict[tuple, _Voting] = OrderedDict()
_VOTING_CACHE_SIZE = 64


class _Voting(NamedTuple):
    replies: dict[int, int]  # votable reply → author
    ballots: dict[int, game.Ballot]
    full: bool  # every ballot offers the full number of votes
    removed: int  # players removed from the session so far


def _voting(session: GameSession) -> _Voting:
    """This voting phase's replies and ballots, worked out once per process.

    Every vote needs them, and in a room of a thousand rebuilding them is
    most of a vote's cost. While a phase lasts they change only when the
    trainer removes a player, so that count is in the key: the cache can
    never be stale, and every worker derives the same ballots from the rows.
    """
    removed = db.session.scalar(
        select(func.count(Player.id)).where(Player.session_id == session.id, Player.removed)
    )
    key = (session.code, session.round_no, session.clock_version, removed)
    found = _VOTING_CACHE.get(key)
    if found is None:
        replies = votable_replies(session, session.round_no)
        voters = active_player_ids(session, session.round_no)
        ballots = game.ballots(replies, voters, _rng(session, session.round_no, "ballot"))
        full = all(b.votes_allowed == game.rules.MAX_VOTES for b in ballots.values())
        found = _Voting(replies, ballots, full, removed)
        _VOTING_CACHE[key] = found
        while len(_VOTING_CACHE) > _VOTING_CACHE_SIZE:
            _VOTING_CACHE.popitem(last=False)
    return found


def votes_of(player: Player, session: GameSession, round_no: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Vote.reply_id).where(
                Vote.voter_id == player.id,
                Vote.session_id == session.id,
                Vote.round_no == round_no,
            )
        )
    )


def cast_vote(player: Player, session: GameSession, reply_id: int) -> None:
    if session.phase != game.Phase.VOTING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    replies, ballots = _voting(session)[:2]
    if reply_id not in replies:
        raise game.RuleError("unknown_reply")
    ballot = ballots.get(player.id, game.Ballot(()))
    game.check_vote(
        voter_id=player.id,
        reply_id=reply_id,
        reply_author_id=replies[reply_id],
        ballot=ballot,
        votes_cast=votes_of(player, session, session.round_no),
    )
    db.session.add(
        Vote(session_id=session.id, round_no=session.round_no, voter_id=player.id, reply_id=reply_id)
    )
    db.session.commit()


def retract_vote(player: Player, session: GameSession, reply_id: int) -> None:
    if session.phase != game.Phase.VOTING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    result = db.session.execute(
        delete(Vote).where(
            Vote.voter_id == player.id,
            Vote.reply_id == reply_id,
            Vote.round_no == session.round_no,
            Vote.session_id == session.id,
        )
    )
    if result.rowcount != 1:
        raise game.RuleError("no_such_vote")
    db.session.commit()


def voting_progress(session: GameSession) -> tuple[int, int]:
    """(voters who used every vote they have, voters)."""
    if session.phase == game.Phase.VOTING and (voting := _voting(session)).full:
        # Then the database can count who is done: each vote asks, and a
        # big room must not fetch and tally every vote cast each time.
        return _full_voters(session, check_players=voting.removed > 0), len(voting.ballots)
    ballots = round_ballots(session, session.round_no)
    cast = Counter(
        db.session.scalars(
            select(Vote.voter_id).where(
                Vote.session_id == session.id, Vote.round_no == session.round_no
            )
        )
    )
    done = sum(cast.get(voter, 0) >= b.votes_allowed for voter, b in ballots.items())
    return done, len(ballots)


def _full_voters(session: GameSession, check_players: bool = True) -> int:
    """Active voters of this round who cast the full number of votes.

    Only voters on a ballot (in the round, not removed) can vote, so while
    nobody was removed the count needs the vote index alone, not players.
    """
    done = select(Vote.voter_id).where(Vote.session_id == session.id, Vote.round_no == session.round_no)
    if check_players:
        done = done.join(Player, Player.id == Vote.voter_id).where(
            ~Player.removed, Player.first_round <= session.round_no
        )
    done = done.group_by(Vote.voter_id).having(func.count() >= game.rules.MAX_VOTES).subquery()
    return db.session.scalar(select(func.count()).select_from(done)) or 0


def everyone_voted(session: GameSession) -> bool:
    done, voters = voting_progress(session)
    return voters > 0 and done == voters


def votes_received(session: GameSession, round_no: int | None = None) -> Counter[int]:
    """Votes per reply, for one round or the whole session (hidden players too)."""
    query = select(Vote.reply_id, func.count(Vote.id)).where(Vote.session_id == session.id)
    if round_no is not None:
        query = query.where(Vote.round_no == round_no)
    return Counter(dict(db.session.execute(query.group_by(Vote.reply_id)).all()))
