"""Bytes a phone downloads to reach the join form (and so the writing
screen: the phone is one page that redraws from snapshots over Socket.IO)."""

from __future__ import annotations

import gzip
import re
import urllib.request
from urllib.parse import urljoin

ASSETS = re.compile(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"')
IMPORTS = re.compile(r'(?:import|export)\s*(?:[^"\'`;]*?\sfrom\s*)?["\']([^"\']+\.m?js)["\']')


def fetch(url: str) -> dict:
    """One GET as a browser on plain HTTP would send it (gzip, no br)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        wire = answer.read()
        encoding = answer.headers.get("Content-Encoding", "")
        body = gzip.decompress(wire) if encoding == "gzip" else wire
        return {
            "url": url, "raw": len(body), "wire": len(wire), "gzip": len(gzip.compress(body, 9)),
            "encoding": encoding or "identity", "cache": answer.headers.get("Cache-Control", ""),
            "body": body,
        }


def page_weight(base: str, path: str = "/join") -> dict:
    """Fetch the page and everything it pulls in (CSS, icon, JS module graph)."""
    seen: dict[str, dict] = {}
    queue = [base + path]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        got = seen[url] = fetch(url)
        text = got["body"].decode("utf-8", "replace")
        if url.endswith(path):
            queue += [urljoin(url, ref) for ref in ASSETS.findall(text)]
        elif url.split("?")[0].endswith(".js"):
            queue += [urljoin(url, ref) for ref in IMPORTS.findall(text)]
    files = [{k: v for k, v in f.items() if k != "body"} for f in seen.values()]
    return {
        "files": files,
        "raw": sum(f["raw"] for f in files),
        "wire": sum(f["wire"] for f in files),
        "gzip": sum(f["gzip"] for f in files),
    }
