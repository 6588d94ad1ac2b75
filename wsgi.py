"""Production entry point: async patching first, then the app.

    python wsgi.py              serve on 0.0.0.0:$PORT (default 5000)
    gunicorn -k eventlet -w 1 wsgi:app

TRAINER_ASYNC_MODE picks the server: eventlet (default, as the brief names),
gevent, or threading. This is the only module that monkey-patches.
"""

import os

ASYNC_MODE = os.environ.get("TRAINER_ASYNC_MODE", "eventlet")

if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    # psycopg's C wait would block the hub on every PostgreSQL query.
    from trainer.database.green import use_green_wait

    use_green_wait()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

from trainer import create_app  # noqa: E402  (must follow the patching)
from trainer.serve import start_worker  # noqa: E402

app = create_app({"ASYNC_MODE": ASYNC_MODE})
start_worker(app)

if __name__ == "__main__":
    from trainer.serve import serve

    serve(app)
