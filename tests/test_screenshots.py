"""`make screenshots` works: the script's session, played for one language into a
temporary folder, leaves every picture the docs use, each a valid WebP of the
size the docs expect (the projector at 1280×720, the phone 360 px wide)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.live, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_screenshot_script_plays_a_greek_session(tmp_path):
    from PIL import Image

    script = load_script()
    out = tmp_path / "pictures"
    saved = script.take(out, ["el"], tmp_path / "server")

    expected = {out / "el" / f"{name}.webp" for name in script.PICTURES} | {out / "overview.webp"}
    assert set(saved) == expected
    for name, (width, height) in script.PICTURES.items():
        with Image.open(out / "el" / f"{name}.webp") as picture:
            picture.load()  # decodes the whole file: a truncated one fails here
            assert picture.format == "WEBP", name
            if width:
                assert picture.width == width, f"{name}: {picture.size}"
            if height:
                assert picture.height == height, f"{name}: {picture.size}"
            else:
                assert picture.height >= script.PHONE["height"] or not width, f"{name}: {picture.size}"
            assert picture.width >= 300 and picture.height >= 300, f"{name}: {picture.size}"
    with Image.open(out / "overview.webp") as overview:
        overview.load()
        assert overview.size == (1280 + 32 + 360, 720)
