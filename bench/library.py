"""``python -m bench.library --replies 100000``: the best-replies library at size.

Fills a database (a new SQLite file, or ``--database-url``, fresh or reused)
with that many starred replies — in English, Russian, Ukrainian and Greek,
spread over sessions and the shipped decks' cards — builds the full-text
index the way the app does (FTS5 on SQLite, a tsvector per language on
PostgreSQL), then times the library's own search (``trainer.records.library``:
the page of 50 and the count) for a handful of queries and filters. Beside
each figure it prints the floor: the same database answering a lookup of
50 rows by primary key, so a slow machine shows as slow everywhere.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select, text

WORDS = {
    "en": "sorry sand towel beach refund voucher manager fix tomorrow breakfast window noise fish sea "
          "quiet room upgrade apology promise clean help smile wait".split(),
    "ru": "извините песок полотенце пляж возврат ваучер менеджер исправим завтра завтрак окно шум рыба "
          "море тихий номер улучшение извинение обещаем уберём поможем".split(),
    "uk": "вибачте пісок рушник пляж повернення ваучер менеджер виправимо завтра сніданок вікно шум риба "
          "море тихий номер покращення вибачення обіцяємо приберемо допоможемо".split(),
    "el": "συγγνώμη άμμος πετσέτα παραλία επιστροφή κουπόνι διευθυντής διορθώσουμε αύριο πρωινό παράθυρο "
          "θόρυβος ψάρι θάλασσα ήσυχο δωμάτιο αναβάθμιση υπόσχεση καθαρίσουμε βοηθήσουμε".split(),
}
QUERIES = [
    ("a common word", {"q": "sorry"}),
    ("a rare pair", {"q": "towel tomorrow"}),
    ("a prefix", {"q": "refu"}),
    ("Russian", {"q": "полотенце"}),
    ("Greek", {"q": "πετσέτα"}),
    ("words + language filter", {"q": "sand", "language": "en"}),
    ("a theme, no words", {"theme": "hotel"}),
    ("everything (newest page)", {}),
]


def fill(app, replies: int, per_session: int = 1000) -> float:
    """Insert the rows in bulk and build the index; returns seconds taken."""
    from trainer.database import search
    from trainer.extensions import db
    from trainer.models import Card, GameSession, Player, Reply, Star

    started = time.perf_counter()
    rng = random.Random(7)
    with app.app_context():
        have = db.session.scalar(select(func.count(Star.id))) or 0
        if have >= replies:
            return 0.0
        cards = db.session.execute(select(Card.id)).scalars().all()
        sessions_needed = -(-(replies - have) // per_session)
        conn = db.session.connection()
        base = db.session.scalar(select(func.coalesce(func.max(GameSession.id), 0)))
        for s in range(sessions_needed):
            sid = base + s + 1
            conn.execute(insert(GameSession).values(
                id=sid, code=f"B{sid:07d}"[:12], language="en", seed=sid, writing_seconds=300, voting_seconds=90,
                rounds_total=1, phase="finished", round_no=1, clock_version=1, locked=False, profanity_filter=False,
                mode="own_card", voting="votes", criteria=[], themes=[], difficulties=[]))
            count = min(per_session, replies - have - s * per_session)
            langs = [rng.choice(list(WORDS)) for _ in range(count)]
            players = [{"session_id": sid, "name": f"P{i}", "name_key": f"p{i}", "token_hash": f"{sid}-{i}",
                        "first_round": 1, "removed": False, "language": langs[i]} for i in range(count)]
            conn.execute(insert(Player), players)
            ids = conn.execute(select(Player.id).where(Player.session_id == sid).order_by(Player.id)).scalars().all()
            rows = []
            for i, pid in enumerate(ids):
                words = WORDS[langs[i]]
                rows.append({"session_id": sid, "round_no": 1, "player_id": pid, "card_id": rng.choice(cards),
                             "draft": "", "text": " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))),
                             "hidden": False})
            conn.execute(insert(Reply), rows)
            reply_ids = conn.execute(select(Reply.id, Player.language).join(Player, Player.id == Reply.player_id)
                                     .where(Reply.session_id == sid)).all()
            conn.execute(insert(Star), [{"reply_id": r, "anonymous": False, "language": lang} for r, lang in reply_ids])
        # The index in bulk, from the same text the app indexes one entry at a time.
        if conn.dialect.name == "sqlite":
            conn.execute(text(
                f"INSERT INTO {search.FTS_TABLE}(rowid, body) SELECT star.id, reply.text || char(10) || card.complaint "
                "FROM star JOIN reply ON reply.id = star.reply_id JOIN card ON card.id = reply.card_id "
                f"WHERE star.id NOT IN (SELECT rowid FROM {search.FTS_TABLE})"))
        else:
            cases = " ".join(f"WHEN '{lang}' THEN '{cfg}'" for lang, cfg in search.CONFIGS.items())
            conn.execute(text(
                f"UPDATE star SET search = to_tsvector((CASE star.language {cases} ELSE 'simple' END)::regconfig, "
                "reply.text || ' ' || card.complaint) FROM reply JOIN card ON card.id = reply.card_id "
                "WHERE reply.id = star.reply_id AND star.search IS NULL"))
            conn.execute(text("ANALYZE star"))
        db.session.commit()
    return time.perf_counter() - started


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm the caches once, as a running server would be
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.library", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from trainer import create_app
    from trainer.extensions import db
    from trainer.models import Star
    from trainer.records import library

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'library.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "ASYNC_MODE": "threading"})
    filled = fill(app, args.replies)
    with app.app_context():
        total = db.session.scalar(select(func.count(Star.id)))
        dialect = db.engine.dialect.name
        floor = timed(lambda: db.session.execute(
            select(Star).where(Star.id.in_(list(range(1, 51))))).all(), args.repeat)
        print(f"Library search, {total:,} starred replies on {dialect} (filled in {filled:.1f} s); "
              f"median / slowest of {args.repeat}, target < 300 ms\n")
        print("| query | matches | search ms (median / max) | floor ms | |")
        print("| --- | --- | --- | --- | --- |")
        for label, raw in QUERIES:
            filters = library.Filters(**raw)
            found = library.search(filters)[1]
            median, worst = timed(lambda f=filters: library.search(f), args.repeat)
            verdict = "✓" if worst < 300 else "✗"
            print(f"| {label} | {found:,} | {median:.1f} / {worst:.1f} | {floor[0]:.1f} | {verdict} |")
        db.session.remove()


if __name__ == "__main__":
    main()
