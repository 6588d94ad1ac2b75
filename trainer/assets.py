"""Static files for a room of phones: fingerprinted, cached for a year, gzipped once.

``url_for('static', filename=...)`` builds ``/assets/<build>/<filename>``,
where ``<build>`` is a hash of everything under static/. The page's ES
modules import each other by relative paths, so they stay inside the same
fingerprinted folder, and a browser may keep every file for a year
(``immutable``): a new release has a new build id and so new addresses.
``/static/<filename>`` still answers, with ``no-cache`` (revalidated by ETag).

Each file is read and gzipped once per process, not once per phone: a
thousand phones joining at once would otherwise compress the Socket.IO
client a thousand times. Pages and JSON are compressed by Flask-Compress.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request
from flask_compress import Compress
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
compress = Compress()


@dataclass(frozen=True)
class _Asset:
    mtime: float
    raw: bytes
    gz: bytes
    mimetype: str
    etag: str


def build_id(folder: Path) -> str:
    """A short hash of every file's name and content under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Assets:
    def __init__(self, app: Flask) -> None:
        self.folder = Path(app.static_folder or "")
        self.build = build_id(self.folder)
        self.cache: dict[str, _Asset] = {}
        compress.init_app(app)
        app.view_functions["static"] = self.serve
        app.add_url_rule("/assets/<build>/<path:filename>", endpoint="static")
        app.url_defaults(self._add_build)

    def _add_build(self, endpoint: str, values: dict) -> None:
        if endpoint == "static":
            values.setdefault("build", self.build)

    def _load(self, filename: str) -> _Asset:
        path = safe_join(str(self.folder), filename)
        if path is None or not os.path.isfile(path):
            abort(404)
        mtime = os.stat(path).st_mtime
        found = self.cache.get(filename)
        if found is None or found.mtime != mtime:
            raw = Path(path).read_bytes()
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            found = self.cache[filename] = _Asset(
                mtime, raw, gzip.compress(raw, 9, mtime=0), mimetype, hashlib.sha256(raw).hexdigest()[:16]
            )
        return found

    def serve(self, filename: str, build: str | None = None) -> Response:
        asset = self._load(filename)
        zipped = "gzip" in request.headers.get("Accept-Encoding", "") and len(asset.gz) < len(asset.raw)
        response = Response(asset.gz if zipped else asset.raw, mimetype=asset.mimetype)
        response.vary.add("Accept-Encoding")
        if zipped:
            response.headers["Content-Encoding"] = "gzip"
        response.set_etag(asset.etag + ("-gz" if zipped else ""))
        if build == self.build:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)


def init_app(app: Flask) -> Assets:
    return Assets(app)
