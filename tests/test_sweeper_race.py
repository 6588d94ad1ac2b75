"""Two workers' sweepers see the same deadline pass: one closes, one announces."""

from __future__ import annotations

from socket_helpers import ack, events, start_round

from trainer.extensions import db
from trainer.live import rounds
from trainer.models import GameSession


def test_two_workers_racing_on_one_deadline_close_it_once(app, seed, sockets, fake_clock):
    seeded = seed(players=2, writing_minutes=1)
    host = sockets.host(seeded)
    phone = sockets.phone(seeded.tokens[0])
    start_round(host)
    ack(phone, "/play", "draft", {"round": 1, "text": "a reply the deadline keeps"})
    events(host, "/host")
    now = fake_clock.advance(seconds=65)
    game_id = seeded.game.id
    # Each app context has its own database session, as each worker would:
    # both read the session before either writes.
    with app.app_context():
        first = db.session.get(GameSession, game_id)
        assert first.phase == "writing"
        version = first.clock_version
        with app.app_context():
            second = db.session.get(GameSession, game_id)
            assert second.clock_version == first.clock_version
            won_second = rounds.close_overdue(second, now)
            db.session.remove()
        won_first = rounds.close_overdue(first, now)
        db.session.remove()
    assert (won_first is None) != (won_second is None), "exactly one worker closes the phase"
    db.session.expire_all()
    game = db.session.get(GameSession, game_id)
    assert (game.phase, game.clock_version) == ("voting", version + 1)
    assert events(host, "/host", "snapshot") == [], "the loser announces nothing"
