"""Run under eventlet by test_postgres_green.py: does a slow query stall the hub?

    python tests/pg_probe.py URL green|select|c

``green`` is the app's own wait (use_green_wait), ``select`` psycopg's
plain cooperative one and ``c`` psycopg's default. Starts, as background
tasks of the real app, one that runs ``pg_sleep(1)`` and one that ticks
every 50 ms, and prints the longest gap between ticks. Then runs 50 quick
queries beside a greenlet that counts how often the hub lets it run: how
many times each quick query gave the hub away.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from trainer.database.green import use_green_wait  # noqa: E402

if sys.argv[2] == "green":
    use_green_wait()
elif sys.argv[2] == "select":
    from psycopg import waiting

    waiting.wait = waiting.wait_select

from sqlalchemy import text  # noqa: E402

from trainer import create_app  # noqa: E402
from trainer.extensions import db, socketio  # noqa: E402

app = create_app({"ASYNC_MODE": "eventlet", "SECRET_KEY": "probe", "LOAD_SHIPPED_DECKS": False,
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
ticks: list[float] = []


def slow_query() -> None:
    with app.app_context():
        db.session.execute(text("SELECT pg_sleep(1.0)"))
        db.session.remove()


def ticker() -> None:
    for _ in range(30):
        ticks.append(time.monotonic())
        socketio.sleep(0.05)


with app.app_context():
    db.session.execute(text("SELECT 1"))  # connect before timing anything
    db.session.remove()
tasks = [socketio.start_background_task(ticker), socketio.start_background_task(slow_query)]
# engineio's eventlet join() returns at once for a task that has not run yet.
socketio.sleep(0)
for task in tasks:
    task.join()
gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]

QUICK = 50
turns = 0
done = False


def counter() -> None:
    global turns
    while not done:
        turns += 1
        socketio.sleep(0)


def quick_queries() -> None:
    global done
    with app.app_context():
        for _ in range(QUICK):
            db.session.execute(text("SELECT 1")).scalar()
        db.session.remove()
    done = True


tasks = [socketio.start_background_task(quick_queries), socketio.start_background_task(counter)]
socketio.sleep(0)
for task in tasks:
    task.join()
print(json.dumps({"max_gap": max(gaps), "ticks": len(ticks), "yields_per_quick_query": turns / QUICK}))
