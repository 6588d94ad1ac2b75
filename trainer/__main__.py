"""``python -m trainer``: the ``too-sandy`` command, for when the script is not on PATH.

cli.py runs as ``__main__`` (its last lines), so this entry imports no part of
the app itself, as tests/test_layout.py asks of every module at the top.
"""

import runpy

if __name__ == "__main__":
    runpy.run_module("trainer.cli", run_name="__main__")
