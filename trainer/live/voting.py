"""Voting: ballots, votes and their retractions, hiding, and the tallies.

Ballots are recomputed from the session's seed, so a phone that reconnects,
or a restarted server, shows the same replies.

Votes are kept per round. A live session votes on its current round; a
drill on all its cards (rounds) at once, so a vote's round is its reply's.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from sqlalchemy import delete, func, select

from .. import game
from ..extensions import db
from ..game.modes import Choice, Mode, Voting
from ..models import GameRound, GameSession, Player, Presence, Reply, Vote
from . import presence
from .rounds import round_mode, round_replies, seeded_rng
from .sessions import DRILL, active_player_ids, moderated


def _votable(session: GameSession, round_no: int) -> dict[int, tuple[int, int | None]]:
    rows = db.session.execute(
        round_replies(session, round_no)
        .where(Reply.text.is_not(None), ~Reply.hidden)
        .with_only_columns(Reply.id, Reply.player_id, Reply.duel)
    ).all()
    return {reply_id: (author, duel) for reply_id, author, duel in rows}


class _Voting(NamedTuple):
    replies: dict[int, int]  # votable reply → author
    ballots: dict[int, game.Ballot]
    # Every ballot holds this many votes or awards; None when they differ.
    votes_each: int | None
    untouched: bool  # nobody removed and nothing hidden: every vote counts as cast
    mode: Mode
    style: Voting
    criteria: int
    duel_replies: dict[int, tuple[int, ...]]  # player → every reply of their duel

    @property
    def full(self) -> bool:
        return bool(self.votes_each)


def _derive(session: GameSession, round_no: int, untouched: bool = False) -> _Voting:
    """A round's ballots, from its rows and the seed alone."""
    mode = round_mode(session, round_no)
    style = Voting(session.voting)
    criteria = len(session.criteria or []) if style == Voting.AWARDS else 0
    votable = _votable(session, round_no)
    replies = {reply: author for reply, (author, _duel) in votable.items()}
    voters = active_player_ids(session, round_no)
    duel_replies: dict[int, tuple[int, ...]] = {}
    voter_duel: dict[int, int] = {}
    if mode == Mode.DUELS:
        dealt = db.session.execute(
            select(Reply.player_id, Reply.duel).where(Reply.session_id == session.id, Reply.round_no == round_no)
        ).all()
        voter_duel = {player: duel for player, duel in dealt if duel is not None}
        sides: dict[int, list[int]] = {}
        for reply, (_author, duel) in votable.items():
            sides.setdefault(duel, []).append(reply)
        duel_replies = {player: tuple(sides.get(duel, ())) for player, duel in voter_duel.items()}
    ballots = game.make_ballots(
        mode, style, replies, voters, seeded_rng(session, round_no, "ballot"), criteria=criteria,
        duel_of={reply: duel for reply, (_a, duel) in votable.items()}, voter_duel=voter_duel,
    )
    sizes = {b.votes_allowed for b in ballots.values()}
    each = sizes.pop() if len(sizes) == 1 else None
    return _Voting(replies, ballots, each or None, untouched, mode, style, criteria, duel_replies)


def round_ballots(session: GameSession, round_no: int) -> dict[int, game.Ballot]:
    """Every voter's ballot, recomputed from the seed: the same after a restart."""
    if session.phase == game.Phase.VOTING and round_no in voting_rounds(session):
        return _voting(session, round_no).ballots
    return _derive(session, round_no).ballots


def voting_rounds(session: GameSession) -> range:
    """The rounds voted on now: a live session's current one, every card of a drill."""
    if session.pace == DRILL:
        return range(1, session.rounds_total + 1)
    return range(session.round_no, session.round_no + 1)


def _vote_round(session: GameSession, reply_id: int) -> int:
    """The round a vote on ``reply_id`` counts in: a drill's reply says which of its cards it answers."""
    if session.pace != DRILL:
        return session.round_no
    round_no = db.session.scalar(select(Reply.round_no).where(Reply.id == reply_id, Reply.session_id == session.id))
    if round_no is None:
        raise game.RuleError("unknown_reply")
    return round_no


# (session, code, round) → ((clock version, moderation version), _Voting): one entry per
# round voted on, replaced when its versions move on, so a worker's forty or
# eighty rooms each keep theirs (a cache of 64 keyed by version as well
# evicted rooms' ballots at eighty rooms, and every vote rebuilt them).
_CACHE: OrderedDict[tuple, tuple[tuple[int, int], _Voting]] = OrderedDict()
_CACHE_SIZE = 512


def _voting(session: GameSession, round_no: int | None = None) -> _Voting:
    """This voting phase's replies and ballots, worked out once per process.

    Every vote needs them, and in a room of a thousand rebuilding them is
    most of a vote's cost. While a phase lasts they change only when the
    trainer removes a player or hides a reply, which moves the session's
    ``moderation_version``: it is in the key, so the cache is never stale,
    costs no query, and every worker derives the same ballots from the
    same rows.
    """
    # The code too: ids repeat across databases (a test suite makes many).
    round_no = session.round_no if round_no is None else round_no
    key = (session.id, session.code, round_no)
    versions = (session.clock_version, session.moderation_version)
    found = _CACHE.get(key)
    if found is not None and found[0] == versions:
        _CACHE.move_to_end(key)
        return found[1]
    voting = _derive(session, round_no, untouched=session.moderation_version == 0)
    _CACHE[key] = (versions, voting)
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return voting


def votes_of(player: Player, session: GameSession, round_no: int) -> list[Choice]:
    """The player's votes or awards this round; one for a reply since hidden is given back."""
    rows = db.session.execute(
        select(Vote.reply_id, Vote.criterion)
        .join(Reply, Reply.id == Vote.reply_id)
        .where(
            Vote.voter_id == player.id,
            Vote.session_id == session.id,
            Vote.round_no == round_no,
            ~Reply.hidden,
        )
        .order_by(Vote.id)
    )
    return [Choice(reply, criterion) for reply, criterion in rows]


def choices_payload(choices: list[Choice], awards: bool = False) -> dict[str, list]:
    """What a phone redraws its ballot from: reply ids, and (reply, criterion) pairs for awards."""
    payload: dict[str, list] = {"my_votes": [c.reply_id for c in choices]}
    if awards:
        payload["my_awards"] = [[c.reply_id, c.criterion] for c in choices]
    return payload


def _my_votes(player: Player, session: GameSession, round_no: int) -> tuple[list[Choice], set[tuple[int, str]]]:
    """This round's votes or awards on shown replies, and every (reply, request id)
    the player's votes in the session were sent with: one query for both."""
    return votes_by_voter([player.id]).get(player.id, VotesSoFar()).of_round(round_no)


class VotesSoFar(NamedTuple):
    """A voter's votes in their session: (reply, criterion, round, request id, reply hidden) each."""

    rows: tuple[tuple[int, int, int, str | None, bool], ...] = ()

    def of_round(self, round_no: int) -> tuple[list[Choice], set[tuple[int, str]]]:
        cast: list[Choice] = []
        sent: set[tuple[int, str]] = set()
        for reply, criterion, voted_round, request_id, hidden in self.rows:
            if request_id is not None:
                sent.add((reply, request_id))
            if voted_round == round_no and not hidden:
                cast.append(Choice(reply, criterion))
        return cast, sent


def votes_by_voter(voter_ids: list[int]) -> dict[int, VotesSoFar]:
    """Each voter's votes so far, in the order cast: one query for any number of voters."""
    rows = db.session.execute(
        select(Vote.voter_id, Vote.reply_id, Vote.criterion, Vote.round_no, Vote.request_id, Reply.hidden)
        .join(Reply, Reply.id == Vote.reply_id)
        # A player belongs to one session: by voter alone, the unique index
        # (voter, reply, criterion) finds their few rows. With the session
        # too, SQLite picked the session's index and read every vote cast.
        .where(Vote.voter_id.in_(voter_ids))
        .order_by(Vote.id)
    )
    found: dict[int, list[tuple]] = {}
    for voter, *row in rows:
        found.setdefault(voter, []).append(tuple(row))
    return {voter: VotesSoFar(tuple(each)) for voter, each in found.items()}


def cast_vote(
    player: Player, session: GameSession, reply_id: int, request_id: str | None = None,
    criterion: int | None = None,
) -> list[Choice]:
    """A vote, or (``criterion`` given, in an awards session) an award.

    Returns the player's votes or awards this round, the new one included,
    so the caller need not read them again after the commit. Phones' votes
    go through live/ballot_box.py, many in one transaction; this is the
    same rule for one.
    """
    # Two votes from one phone at once (a double tap on two workers) must not
    # both pass the rules: on PostgreSQL the voter's row is the lock. SQLite
    # has one writer and no await between the check and the insert, so the
    # vote's hot path skips the query there.
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Player.id).where(Player.id == player.id).with_for_update())
    round_no = _vote_round(session, reply_id)
    cast, sent = _my_votes(player, session, round_no)
    mine = apply_vote(player, session, round_no, reply_id, request_id, criterion, cast, sent)
    db.session.commit()
    return mine


def apply_vote(
    player: Player, session: GameSession, round_no: int, reply_id: int, request_id: str | None,
    criterion: int | None, cast: list[Choice], sent: set[tuple[int, str]],
) -> list[Choice]:
    """The rules of a vote on rows already read: adds the vote (not committed), or raises why not.

    ``cast`` is the voter's votes this round and ``sent`` every (reply,
    request id) they voted with; both are updated, so a second vote of the
    same voter in the same batch is checked against the first. Returns the
    voter's votes this round.
    """
    if request_id is not None and (reply_id, request_id) in sent:
        return list(cast)  # this exact vote was stored before (its ack was lost on the way back)
    if session.phase != game.Phase.VOTING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    voting = _voting(session, round_no)
    if voting.style == Voting.AWARDS and criterion is None:
        raise game.RuleError("choose_criterion")
    if reply_id not in voting.replies:
        raise game.RuleError("unknown_reply")
    choice = Choice(reply_id, criterion or 0)
    game.check_choice(
        voting=voting.style,
        criteria=voting.criteria,
        voter_id=player.id,
        choice=choice,
        reply_author_id=voting.replies[reply_id],
        ballot=voting.ballots.get(player.id, game.Ballot(())),
        cast=cast,
        own_duel_replies=voting.duel_replies.get(player.id, ()),
    )
    db.session.add(
        Vote(
            session_id=session.id, round_no=round_no, voter_id=player.id,
            reply_id=reply_id, criterion=choice.criterion, request_id=request_id,
        )
    )
    cast.append(choice)
    if request_id is not None:
        sent.add((reply_id, request_id))
    return list(cast)


def retract_vote(player: Player, session: GameSession, reply_id: int, criterion: int | None = None) -> list[Choice]:
    """Take a vote or an award back; returns what the player still gives this round.

    Taking back one that isn't there changes nothing and is not an error, so
    a retried retraction is harmless."""
    if session.phase != game.Phase.VOTING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    round_no = _vote_round(session, reply_id)
    db.session.execute(
        delete(Vote).where(
            Vote.voter_id == player.id,
            Vote.reply_id == reply_id,
            Vote.criterion == (criterion or 0),
            Vote.round_no == round_no,
            Vote.session_id == session.id,
        )
    )
    # Read inside the transaction (it sees its own delete), not after the commit.
    remaining = votes_of(player, session, round_no)
    db.session.commit()
    return remaining


def _visible_votes(voting: _Voting | None = None):
    """This round's votes on replies still shown (a hidden reply's votes are given back).

    With nothing hidden and nobody removed every vote counts, and the vote
    index alone answers: that is the common case, asked on every vote.
    """
    if voting is not None and voting.untouched:
        return select(Vote.voter_id)
    return select(Vote.voter_id).join(Reply, Reply.id == Vote.reply_id).where(~Reply.hidden)


def _cast_counts(session: GameSession, only_connected: bool = False) -> dict[int, int]:
    query = _visible_votes().where(Vote.session_id == session.id, Vote.round_no == session.round_no)
    if only_connected:
        query = query.where(Vote.voter_id.in_(select(Presence.player_id).where(Presence.session_id == session.id)))
    rows = db.session.execute(query.add_columns(func.count(Vote.id)).group_by(Vote.voter_id))
    return {voter: count for voter, count in rows}


def voting_progress(session: GameSession) -> tuple[int, int]:
    """(voters who used every vote they have, voters)."""
    voting = _voting(session) if session.phase == game.Phase.VOTING else None
    if voting is not None and voting.full:
        # Every ballot allows the same number: the database counts who is
        # done, so a big room doesn't tally every vote on every vote.
        done = _visible_votes(voting).where(Vote.session_id == session.id, Vote.round_no == session.round_no)
        if not voting.untouched:
            done = done.join(Player, Player.id == Vote.voter_id).where(
                ~Player.removed, Player.first_round <= session.round_no
            )
        done = (
            done
            .group_by(Vote.voter_id)
            .having(func.count(Vote.id) >= voting.votes_each)
            .subquery()
        )
        return db.session.scalar(select(func.count()).select_from(done)) or 0, len(voting.ballots)
    ballots = round_ballots(session, session.round_no)
    return game.progress.voters_done(_cast_counts(session), ballots), len(ballots)


def everyone_voted(session: GameSession) -> bool:
    """Every connected voter has used all their votes (away ones aren't waited for).

    Asked after every vote, so it starts with two cheap counts: until the
    round holds as many votes as the connected voters could cast, nobody
    needs to be looked at one by one.
    """
    voting = _voting(session)
    cast_total = db.session.scalar(
        _visible_votes(voting).where(Vote.session_id == session.id, Vote.round_no == session.round_no)
        .with_only_columns(func.count(Vote.id))
    ) or 0
    if cast_total == 0:
        return False
    if voting.full:
        # Every ballot owes the same number of votes: count before looking closer.
        connected_voters = db.session.scalar(
            select(func.count(func.distinct(Presence.player_id)))
            .join(Player, Player.id == Presence.player_id)
            .where(Presence.session_id == session.id, ~Player.removed, Player.first_round <= session.round_no)
        ) or 0
        if not game.progress.could_all_have_voted(cast_total, connected_voters, voting.votes_each):
            return False
    present = presence.present_ids(session.id)
    return game.progress.everyone_voted(_cast_counts(session, only_connected=True), voting.ballots, present)


def hide_reply(session: GameSession, reply_id: int, hidden: bool) -> None:
    """The trainer hides a reply: kept in the database, out of sight and out of scoring."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.session_id != session.id or reply.text is None:
        raise game.RuleError("unknown_reply")
    reply.hidden = hidden
    moderated(session)
    db.session.commit()


def choices_in(session: GameSession, round_no: int | None = None) -> list[tuple[int, Choice]]:
    """(round, choice) for every vote or award on a visible reply."""
    query = (
        select(Vote.round_no, Vote.reply_id, Vote.criterion)
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Vote.session_id == session.id, ~Reply.hidden)
    )
    if round_no is not None:
        query = query.where(Vote.round_no == round_no)
    return [(round_, Choice(reply, criterion)) for round_, reply, criterion in db.session.execute(query)]


def round_modes(session: GameSession) -> dict[int, Mode]:
    """Each played round's mode."""
    rows = db.session.execute(select(GameRound.round_no, GameRound.mode).where(GameRound.session_id == session.id))
    return {round_no: Mode(mode) for round_no, mode in rows}
