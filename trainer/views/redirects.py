"""Where a page may send someone next: only ever a path on this site.

Every ``next`` and ``back`` a request carries goes through ``safe_path``.
Browsers drop tabs and newlines from a URL and read a backslash as a slash,
so ``/\\t/evil.example/x`` is ``//evil.example/x`` to them: another site.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_path(target: object, default: str) -> str:
    """``target`` if it is a path on this site (``/host/ABC?x=1``), else ``default``."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
