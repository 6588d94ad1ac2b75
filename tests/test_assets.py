"""Static files: fingerprinted addresses, a year of caching, gzip on the wire."""

from __future__ import annotations

import gzip
import re

from trainer import paths


def asset_urls(client) -> list[str]:
    html = client.get("/join").get_data(as_text=True)
    return re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)


def test_pages_point_at_fingerprinted_assets(client):
    urls = asset_urls(client)
    assert {u.rsplit("/", 2)[-2] + "/" + u.rsplit("/", 1)[-1] for u in urls} >= {"css/app.css", "js/play.js"}
    assert len({u.split("/")[2] for u in urls}) == 1, "one build id for the whole page"


def test_fingerprinted_assets_are_immutable_and_gzipped(client):
    script = next(u for u in asset_urls(client) if u.endswith("play.js"))
    answer = client.get(script, headers={"Accept-Encoding": "gzip, deflate"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert gzip.decompress(answer.data) == (paths.STATIC / "js/play.js").read_bytes()
    again = client.get(script, headers={"Accept-Encoding": "gzip", "If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_module_imports_stay_inside_the_fingerprinted_folder(client):
    """play.js imports ./common.js, which imports ../vendor/...: same build id."""
    script = next(u for u in asset_urls(client) if u.endswith("play.js"))
    base = script.rsplit("/js/", 1)[0]
    for relative in ("/js/common.js", "/vendor/socket.io/socket.io.esm.min.js"):
        answer = client.get(base + relative)
        assert answer.status_code == 200, relative
        assert "immutable" in answer.headers["Cache-Control"]


def test_unversioned_and_stale_addresses_revalidate(client):
    assert client.get("/static/js/play.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/assets/0000/js/play.js").headers["Cache-Control"] == "no-cache"


def test_no_way_out_of_the_static_folder(client):
    for url in ("/static/../wsgi.py", "/assets/x/../../pyproject.toml", "/static/nothing-here.js"):
        assert client.get(url).status_code == 404, url


def test_pages_are_compressed_too(client):
    page = client.get("/join", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    assert b"join-form" in gzip.decompress(page.data)
