"""The one entry module of a serving process: async patching first, then the app.

    too-sandy serve                          runs this file in a fresh interpreter
    python wsgi.py                           (a checkout) runs it by path
    gunicorn -k eventlet -w 1 wsgi:app       (a checkout; trainer.serve.wsgi:app when installed)

TRAINER_ASYNC_MODE picks the server: eventlet (default, as the brief names),
gevent, or threading. This is the only module that monkey-patches, and it
must run before anything imports the trainer package: run as a file, not
imported (gunicorn's workers patch before they import it).
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
from trainer.serve import serve, start_worker  # noqa: E402

app = create_app({"ASYNC_MODE": ASYNC_MODE})
start_worker(app)


def main() -> None:
    serve(app)


if __name__ == "__main__":
    main()
