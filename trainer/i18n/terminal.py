"""What the command line says, in the terminal's language: help text that is
translated when it is shown (it is written at import, before any app or
terminal is known), and Click's own words on a help page.

The language is the one LC_ALL, LC_MESSAGES or LANG asks for, as
views.language reads it for the commands' messages; no app is needed.
"""

from __future__ import annotations

import functools
import gettext
import os

import click
from babel.support import NullTranslations, Translations
from flask_babel.speaklater import LazyString

from .. import paths
from ..config import DEFAULTS
from . import catalogs


def terminal_language() -> str | None:
    """The language the terminal asks for, if Too Sandy speaks it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in DEFAULTS["LANGUAGES"] else None
    return None


def _compiled() -> bool:
    try:
        catalogs.ensure_compiled()
    except catalogs.CatalogsNotWritable:
        return False  # help in English; starting the app will say what to run
    return True


@functools.cache
def _catalog(language: str) -> NullTranslations:
    _compiled()
    return Translations.load(str(paths.TRANSLATIONS), [language])


def _in_terminal_language(text: str) -> str:
    language = terminal_language()
    return text if language in (None, "en") else _catalog(language).gettext(text)


def help_text(text: str) -> LazyString:
    """Help for a command or option, translated when it is shown (cli.py calls it ``_l``)."""
    return LazyString(_in_terminal_language, text)


_l = help_text  # the name `make translations` extracts


class HelpOption(click.Option):
    """An option whose help is translated when shown (click keeps a plain copy of it)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.help_source = kwargs.get("help")

    def get_help_record(self, ctx: click.Context):
        if self.help_source is not None:
            self.help = str(self.help_source)
        return super().get_help_record(ctx)


option = functools.partial(click.option, cls=HelpOption)

# Click's own words on a help page. Click looks them up through gettext's default domain,
# "messages", which speak_clicks_words binds to our catalogs; listed so `make translations` keeps them.
CLICK_WORDS = (_l("Usage:"), _l("Options"), _l("Commands"), _l("Show this message and exit."),
               _l("default: {default}"))


def speak_clicks_words() -> None:
    if _compiled():
        gettext.bindtextdomain("messages", str(paths.TRANSLATIONS))
