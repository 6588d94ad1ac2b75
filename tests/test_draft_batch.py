"""Drafts that arrive together are checked by one query and written by one
transaction, and each phone still gets its own answer."""

from __future__ import annotations

import threading

from sqlalchemy import select

from trainer import game
from trainer.clock import utcnow
from trainer.extensions import db
from trainer.live import drafts, rounds, sessions
from trainer.models import Reply


def test_one_batch_saves_the_good_drafts_and_refuses_each_bad_one_with_its_reason(app, seed, monkeypatch):
    app.config["DRAFT_FLUSH_SECONDS"] = 0.3  # long enough for every thread to join the first batch
    seeded = seed(players=4, rounds_total=2)
    rounds.advance(seeded.game, utcnow())
    ids = [player.id for player, _ in seeded.players]
    sessions.remove_player(seeded.game, ids[3])
    queries = []
    real_check = drafts._own_reply_ids
    monkeypatch.setattr(drafts, "_own_reply_ids", lambda batch: queries.append(len(batch.drafts)) or real_check(batch))

    sent = {
        ids[0]: (1, "We are sorry about the sand"),
        ids[1]: (1, "A towel, on us"),
        ids[2]: (2, "From a round not yet played"),
        ids[3]: (1, "Removed, still typing"),
    }
    answers: dict[int, object] = {}

    def autosave(player_id: int) -> None:
        round_no, text = sent[player_id]
        with app.app_context():
            try:
                drafts.save(player_id, round_no, text, utcnow())
                answers[player_id] = "saved"
            except game.RuleError as refused:
                answers[player_id] = refused.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=autosave, args=(pid,)) for pid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert answers == {ids[0]: "saved", ids[1]: "saved", ids[2]: "wrong_round", ids[3]: "not_player"}
    assert queries == [4], "one check for the whole batch"
    db.session.expire_all()
    stored = dict(db.session.execute(select(Reply.player_id, Reply.draft).where(Reply.round_no == 1)).all())
    assert stored[ids[0]] == "We are sorry about the sand" and stored[ids[1]] == "A towel, on us"
    assert not stored.get(ids[2]), "a refused draft changes nothing"
