"""Flask-WTF forms: CSRF on every one, labels translated.

Fields only carry what was typed; the rules live in trainer.decks.rules and
trainer.accounts.users, and a refusal from there is put on the field it concerns
(``show_error``), so every way in (web, file, CLI) refuses the same things.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from ..accounts.messages import ROLE_LABELS
from ..decks.messages import THEME_LABELS, studio_message
from ..decks.rules import THEMES
from ..refusals import Refusal


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGES = [("en", _l("English")), ("ru", _l("Russian")), ("uk", _l("Ukrainian")), ("el", _l("Greek"))]
DIFFICULTIES = [("1", _l("1 · easy")), ("2", _l("2 · medium")), ("3", _l("3 · hard"))]


def theme_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """(slug, label) pairs: the slug is stored, the label ("Call centre") shown."""
    choices = [(slug, str(THEME_LABELS[slug])) for slug in THEMES]
    return [("", blank), *choices] if blank else choices


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class SetupForm(FlaskForm):
    username = StringField(_l("User name"), render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password (at least 8 characters)"), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Password again"), render_kw={"autocomplete": "new-password"})


class NewUserForm(SetupForm):
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS.items()), default="trainer")


class EditUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS.items()))
    password = PasswordField(_l("New password (leave empty to keep the current one)"),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), render_kw={"autocomplete": "new-password"})


class DeckForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 120})
    language = SelectField(_l("Language"), choices=_choices(LANGUAGES), default="en")
    description = TextAreaField(_l("Description (shown when a trainer picks decks)"), render_kw={"rows": 3})
    enabled = BooleanField(_l("Enabled: trainers can deal from this deck"), default=True)

    def offer_language(self, code: str) -> None:
        """Keep a deck's language selectable even when it is not one of the four."""
        if code and code not in [choice.value for choice in self.language.choices]:
            self.language.choices = [*self.language.choices, SelectChoice(code, code)]


class CardForm(FlaskForm):
    complaint = TextAreaField(_l("Complaint (up to 280 characters)"), render_kw={"rows": 3, "maxlength": 280})
    theme = SelectField(_l("Theme"), choices=_choices(theme_choices()), default="other")
    difficulty = SelectField(_l("Difficulty"), choices=_choices(DIFFICULTIES), default="1")
    coach_note = TextAreaField(_l("Coach note (up to 500 characters)"), render_kw={"rows": 3, "maxlength": 500})
    enabled = BooleanField(_l("Enabled: this card can be dealt"), default=True)

    def fields(self) -> dict:
        return {
            "complaint": self.complaint.data or "", "theme": self.theme.data, "difficulty": self.difficulty.data,
            "coach_note": self.coach_note.data or "", "enabled": bool(self.enabled.data),
        }


class PasteForm(FlaskForm):
    # Named apart from CardForm's fields: both forms sit on the deck page, and ids must be unique.
    lines = TextAreaField(_l("Complaints, one a line"), render_kw={"rows": 8})
    paste_theme = SelectField(_l("Theme for all of them"), choices=_choices(theme_choices()), default="other")
    paste_difficulty = SelectField(_l("Difficulty for all of them"), choices=_choices(DIFFICULTIES), default="1")
    skip_invalid = BooleanField(_l("Skip the lines with problems and add the rest"))


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or JSON file (up to 2 MB)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     render_kw={"accept": ".csv,.json,.txt,text/csv,application/json"})
    deck_name = StringField(_l("Deck name (leave empty to use the one in the file, or the file's name)"),
                            render_kw={"maxlength": 120})


class ConfirmImportForm(FlaskForm):
    skip_invalid = BooleanField(_l("Skip the rows with problems and import the rest"))


# Which field a refusal belongs on; anything else is shown above the form.
_FIELD_OF = {
    "complaint_blank": "complaint", "complaint_too_long": "complaint", "duplicate_in_deck": "complaint",
    "coach_note_too_long": "coach_note", "unknown_theme": "theme", "bad_difficulty": "difficulty",
    "deck_name_blank": "name", "deck_name_too_long": "name", "deck_name_taken": "name",
    "bad_language": "language", "description_too_long": "description",
    "username_blank": "username", "username_bad": "username", "username_taken": "username",
    "password_short": "password", "password_long": "password", "passwords_differ": "confirm",
    "bad_role": "role",
}


def show_error(form: FlaskForm, error: Refusal) -> str | None:
    """Put each problem on its field; returns what belongs to no field."""
    problems = getattr(error, "problems", None) or [error]
    leftover = []
    for problem in problems:
        message = problem.message if isinstance(problem, Refusal) else studio_message(problem.code, problem.details)
        field = getattr(form, _FIELD_OF.get(problem.code, ""), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            leftover.append(message)
    return " ".join(leftover) or None
