"""Production entry point of a checkout: the work is trainer/serve/wsgi.py's.

    python wsgi.py              serve on 0.0.0.0:$PORT (default 5000)
    gunicorn -k eventlet -w 1 wsgi:app

trainer/serve/wsgi.py is run by path, not imported, so its async patching comes
before the trainer package (and Flask, and threading) is imported.
"""

import runpy
from pathlib import Path

_entry = runpy.run_path(str(Path(__file__).resolve().parent / "trainer" / "serve" / "wsgi.py"), run_name="trainer_wsgi")
app = _entry["app"]

if __name__ == "__main__":
    _entry["main"]()
