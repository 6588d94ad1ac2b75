"""Every sentence a person reads is marked for translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from live import ROOT

METHOD_MAP = [("trainer/**.py", "python"), ("templates/**.html", "jinja2")]


def extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords={**DEFAULT_KEYWORDS, "lazy_gettext": None}
    ):
        found.update(message if isinstance(message, tuple) else (message,))
    return found


def test_user_facing_strings_are_extractable():
    messages = extracted()
    for sentence in (
        "Join the game",
        "Your reply",
        "Vote for the best replies",
        "Writing time (minutes)",
        "Final podium",
        "Someone in this session is already called “%(name)s”. Please pick another name.",
        "Connection lost. Reconnecting…",
        "%(n)s of %(total)s submitted",
    ):
        assert sentence in messages


def test_templates_have_no_bare_sentences():
    """Text between tags is either a Jinja expression or markup, never raw English."""
    for template in Path(ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        html = re.sub(r"{[{%#].*?[}%#]}", "", html, flags=re.S)
        html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
        for text in re.findall(r">([^<]+)<", html):
            words = re.findall(r"[A-Za-z]{3,}", text)
            allowed = {"Too", "Sandy"}
            assert not set(words) - allowed, f"{template.name}: untranslated text {text.strip()!r}"
