"""Plain sentences for the deck studio: file and row problems, editor
refusals. Codes come from ``decks.rules``, ``decks.files``, ``decks.store``
and ``decks.imports``."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext

from ..refusals import Plural, Refusal, render

THEME_LABELS = {
    "tourism": lazy_gettext("Tourism"),
    "hotel": lazy_gettext("Hotel"),
    "restaurant": lazy_gettext("Restaurant"),
    "airline": lazy_gettext("Airline"),
    "retail": lazy_gettext("Retail"),
    "delivery": lazy_gettext("Delivery"),
    "call_centre": lazy_gettext("Call centre"),
    "b2b": lazy_gettext("B2B"),
    "other": lazy_gettext("Other"),
}

_MESSAGES = {
    # whole files
    "too_big": lazy_gettext("The file is over %(limit_mb)s MB. Split it into smaller files."),
    "too_many_cards": lazy_gettext("The file has more than %(limit)s cards. Split it into smaller files."),
    "too_deep": lazy_gettext("The file is not a deck: its lists and objects are nested far deeper than a deck's."),
    "not_utf8": lazy_gettext(
        "The file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving; "
        "in LibreOffice choose the “Unicode (UTF-8)” character set."),
    "not_deck_file": lazy_gettext(
        "“%(filename)s” is not a CSV or JSON file. Save the spreadsheet as CSV (UTF-8) and upload that."),
    "empty_file": lazy_gettext("The file is empty."),
    "no_cards": lazy_gettext("The file has no cards in it."),
    "no_complaint_column": lazy_gettext(
        "The file has no “complaint” column. The first row must name the columns: "
        "complaint, coach_note, theme, difficulty, enabled (found: %(columns)s)."),
    "bad_csv": lazy_gettext("The CSV file is broken near line %(line)s (%(reason)s)."),
    "bad_json": lazy_gettext("The JSON file is broken at line %(line)s, column %(column)s."),
    "wrong_format": lazy_gettext("This JSON file is not a Too Sandy deck (it needs \"format\": \"%(expected)s\")."),
    "no_cards_list": lazy_gettext("This deck file has no list of cards."),
    "deck_name_blank": lazy_gettext("Please give the deck a name."),
    "deck_name_too_long": lazy_gettext("Deck names can be at most %(limit)s characters."),
    "bad_slug": lazy_gettext("The deck's slug “%(slug)s” may use only lower-case letters, digits and dashes."),
    "bad_language": lazy_gettext("“%(language)s” is not a language code (like en, ru, uk or el)."),
    "description_too_long": lazy_gettext("Descriptions can be at most %(limit)s characters."),
    # rows and cards
    "complaint_blank": lazy_gettext("The complaint is empty."),
    "complaint_too_long": lazy_gettext("The complaint is %(length)s characters long; the limit is %(limit)s."),
    "coach_note_too_long": lazy_gettext("The coach note is %(length)s characters long; the limit is %(limit)s."),
    "unknown_theme": lazy_gettext("“%(theme)s” is not a theme. Use one of: %(themes)s."),
    "bad_difficulty": lazy_gettext("Difficulty must be 1, 2 or 3, not “%(value)s”."),
    "bad_enabled": lazy_gettext("“enabled” must be yes or no, not “%(value)s”."),
    "bad_field_type": lazy_gettext("“%(field)s” must be text."),
    "not_a_card": lazy_gettext("Card %(number)s is not a card (it must be an object with a complaint)."),
    "extra_cells": lazy_gettext(
        "This row has more cells than the header; put text that contains commas in quotes."),
    "duplicate_in_file": lazy_gettext("Same complaint as line %(line)s of this file."),
    "duplicate_in_deck": lazy_gettext("This deck already has that complaint, as card %(number)s: “%(complaint)s”"),
    # the editor
    "deck_name_taken": lazy_gettext("There is already a deck called “%(name)s”. Pick another name."),
    "deck_in_use": lazy_gettext(
        "Sessions were dealt from this deck, so it can't be deleted. Archive it instead: "
        "it leaves the lists and their history keeps it."),
    "card_in_use": lazy_gettext(
        "This card was dealt in a session, so it can't be deleted. Disable it instead: "
        "it won't be dealt again and the session's history keeps it."),
    "upload_gone": lazy_gettext("That upload has expired or was already imported. Upload the file again."),
    "has_bad_rows": Plural(
        "Nothing was imported: %(num)s row has a problem. Fix it in the file and upload it again, "
        "or choose to skip it.",
        "Nothing was imported: %(num)s rows have problems. Fix them in the file and upload it again, "
        "or choose to skip them."),
    "nothing_to_import": lazy_gettext("There are no cards left to import."),
}


def studio_message(code: str, details: dict[str, Any] | None = None) -> str:
    if details and "themes" in details:
        # People read "call centre" and "B2B"; an import accepts those too.
        details = {**details, "themes": ", ".join(str(label) for label in THEME_LABELS.values())}
    return render(_MESSAGES, code, details)


def problem_text(problems) -> str:
    """All of a row's problems in one line."""
    return " ".join(studio_message(p.code, p.details) for p in problems)


class StudioError(Refusal):
    """A refused change to decks or cards; nothing was written."""

    sentences = _MESSAGES

    @property
    def message(self) -> str:
        return studio_message(self.code, self.details)
