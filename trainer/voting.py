"""Voting: ballots, votes and their retractions, hiding, and the tallies.

Ballots are recomputed from the session's seed, so a phone that reconnects,
or a restarted server, shows the same replies.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from . import game, presence
from .extensions import db
from .models import GameSession, Player, Reply, Vote
from .rounds import round_replies, seeded_rng
from .sessions import active_player_ids


def votable_replies(session: GameSession, round_no: int) -> dict[int, int]:
    """Reply id → author id for the replies that can receive votes."""
    rows = db.session.execute(
        round_replies(session, round_no)
        .where(Reply.text.is_not(None), ~Reply.hidden)
        .with_only_columns(Reply.id, Reply.player_id)
    ).all()
    return {reply_id: author for reply_id, author in rows}


def round_ballots(session: GameSession, round_no: int) -> dict[int, game.Ballot]:
    """Every voter's ballot, recomputed from the seed: the same after a restart."""
    replies = votable_replies(session, round_no)
    voters = active_player_ids(session, round_no)
    return game.ballots(replies, voters, seeded_rng(session, round_no, "ballot"))


def votes_of(player: Player, session: GameSession, round_no: int) -> list[int]:
    """The player's votes this round; a vote for a reply since hidden is given back."""
    return list(
        db.session.scalars(
            select(Vote.reply_id)
            .join(Reply, Reply.id == Vote.reply_id)
            .where(
                Vote.voter_id == player.id,
                Vote.session_id == session.id,
                Vote.round_no == round_no,
                ~Reply.hidden,
            )
        )
    )


def is_retry(player: Player, reply_id: int, request_id: str | None) -> bool:
    """This exact vote was stored before (its ack was lost on the way back)."""
    if request_id is None:
        return False
    return db.session.scalar(
        select(Vote.id).where(Vote.voter_id == player.id, Vote.reply_id == reply_id, Vote.request_id == request_id)
    ) is not None


def cast_vote(player: Player, session: GameSession, reply_id: int, request_id: str | None = None) -> None:
    if is_retry(player, reply_id, request_id):
        return
    if session.phase != game.Phase.VOTING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    replies = votable_replies(session, session.round_no)
    if reply_id not in replies:
        raise game.RuleError("unknown_reply")
    ballot = round_ballots(session, session.round_no).get(player.id, game.Ballot(()))
    game.check_vote(
        voter_id=player.id,
        reply_id=reply_id,
        reply_author_id=replies[reply_id],
        ballot=ballot,
        votes_cast=votes_of(player, session, session.round_no),
    )
    db.session.add(
        Vote(
            session_id=session.id, round_no=session.round_no, voter_id=player.id,
            reply_id=reply_id, request_id=request_id,
        )
    )
    db.session.commit()


def retract_vote(player: Player, session: GameSession, reply_id: int) -> None:
    """Take a vote back. Taking back a vote that isn't there changes nothing
    and is not an error, so a retried retraction is harmless."""
    if session.phase != game.Phase.VOTING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    db.session.execute(
        delete(Vote).where(
            Vote.voter_id == player.id,
            Vote.reply_id == reply_id,
            Vote.round_no == session.round_no,
            Vote.session_id == session.id,
        )
    )
    db.session.commit()


def voting_progress(session: GameSession) -> tuple[int, int]:
    """(voters who used every vote they have, voters)."""
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


def everyone_voted(session: GameSession) -> bool:
    """Every connected voter has used all their votes (away ones aren't waited for)."""
    ballots = round_ballots(session, session.round_no)
    cast = Counter(
        db.session.scalars(
            select(Vote.voter_id).where(Vote.session_id == session.id, Vote.round_no == session.round_no)
        )
    )
    here = presence.present_ids(session.id)
    waiting = [v for v, b in ballots.items() if v in here and cast.get(v, 0) < b.votes_allowed]
    return not waiting and any(cast.values())


def hide_reply(session: GameSession, reply_id: int, hidden: bool) -> None:
    """The trainer hides a reply: kept in the database, out of sight and out of scoring."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.session_id != session.id or reply.text is None:
        raise game.RuleError("unknown_reply")
    reply.hidden = hidden
    db.session.commit()


def votes_received(session: GameSession, round_no: int | None = None) -> Counter[int]:
    """Votes per visible reply, for one round or the whole session."""
    query = (
        select(Vote.reply_id, func.count(Vote.id))
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Vote.session_id == session.id, ~Reply.hidden)
    )
    if round_no is not None:
        query = query.where(Vote.round_no == round_no)
    return Counter(dict(db.session.execute(query.group_by(Vote.reply_id)).all()))
