"""Sample the server with py-spy while a scenario runs, and summarise.

py-spy's raw output is one collapsed stack a line with a sample count; the
summary lists the functions that were on CPU most (self) and the ones whose
subtree was (total), which is what the note quotes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


class Profiler:
    def __init__(self, pid: int, out: Path, rate: int = 200) -> None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        self.out = out
        self.proc = subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", str(rate),
             "--nonblocking", "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.proc.send_signal(2)  # SIGINT: py-spy writes what it has and exits
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _frame(frame: str) -> str:
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "wt-scale/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where.rsplit(':', 1)[0]})"


def summarise(raw: Path, top: int = 15) -> dict:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")[2:]]  # skip process and thread
        if not frames:
            continue
        samples += n
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    pct = lambda c: round(100 * c / max(samples, 1), 1)  # noqa: E731
    return {
        "samples": samples,
        "self": [(f, pct(c)) for f, c in own.most_common(top)],
        "total": [(f, pct(c)) for f, c in total.most_common(top * 2)],
    }
