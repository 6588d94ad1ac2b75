"""``python -m trainer``: the ``too-sandy`` command, for when the script is not on PATH."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="python -m trainer")
