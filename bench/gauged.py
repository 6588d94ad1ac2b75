"""``python -m bench.gauged``: wsgi.py as shipped, plus a gauge the soak reads.

Every few seconds the server writes how many greenlets are alive to the file
named by TRAINER_GAUGE_FILE. Nothing else differs from ``python wsgi.py``;
the gauge lives here so the product itself carries no bench hooks.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wsgi  # noqa: E402  (patches first, then builds the app, as in production)

GAUGE_SECONDS = 15


def alive_greenlets() -> int:
    try:
        from greenlet import greenlet
    except ImportError:  # threading mode: the soak counts threads from outside
        return 0
    return sum(1 for item in gc.get_objects() if isinstance(item, greenlet) and not item.dead)


def gauge(path: Path) -> None:
    from trainer.extensions import socketio

    while True:
        figures = {"t": time.time(), "greenlets": alive_greenlets()}
        path.write_text(json.dumps(figures))
        socketio.sleep(GAUGE_SECONDS)


if __name__ == "__main__":
    from trainer.extensions import socketio
    from trainer.serve import serve

    socketio.start_background_task(gauge, Path(os.environ["TRAINER_GAUGE_FILE"]))
    serve(wsgi.app)
