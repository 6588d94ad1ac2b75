"""Run under eventlet by test_postgres_green.py: does a slow query stall the hub?

    python tests/pg_probe.py URL green|c

Starts, as background tasks of the real app, one that runs ``pg_sleep(1)``
and one that ticks every 50 ms, and prints the longest gap between ticks.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from trainer.database.green import use_green_wait  # noqa: E402

if sys.argv[2] == "green":
    use_green_wait()

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
print(json.dumps({"max_gap": max(gaps), "ticks": len(ticks)}))
