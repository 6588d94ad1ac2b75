"""Percentiles and the Markdown table."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear interpolation between closest ranks; None for no samples."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Iterable[float]) -> dict[str, float | int | None]:
    samples = list(values)
    return {
        "n": len(samples),
        "p50": _round(percentile(samples, 50)),
        "p95": _round(percentile(samples, 95)),
        "p99": _round(percentile(samples, 99)),
        "max": _round(max(samples) if samples else None),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def latency_cells(stats: dict) -> str:
    return " / ".join(fmt(stats.get(k)) for k in ("p50", "p95", "p99")) + f" ms (n={stats.get('n', 0):,})"


def table(rows: list[tuple[str, str, str]]) -> str:
    """rows of (measure, value, target/verdict) as a Markdown table."""
    lines = ["| measure | value | target |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)
