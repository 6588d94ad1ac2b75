"""A refused change: a code for programs, a sentence for people.

The deck studio and the accounts desk both refuse changes before writing
anything; each feature keeps its own sentences (``decks.messages``,
``accounts.messages``) in a subclass of ``Refusal``, and the edges catch
``Refusal`` to show ``.message`` on the form or the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

from flask_babel import gettext, ngettext


class Plural(NamedTuple):
    """A sentence whose form follows a count in its details (``count``)."""

    singular: str
    plural: str
    count: str = "count"


def render(sentences: Mapping[str, Any], code: str, details: Mapping[str, Any] | None = None) -> str:
    """The sentence for ``code`` in the reader's language, details filled in."""
    template = sentences.get(code)
    if template is None:
        return gettext("Something went wrong. Please try again.")
    if isinstance(template, Plural):
        values = dict(details or {})
        return ngettext(template.singular, template.plural, values.pop(template.count, 0), **values)
    return str(template) % dict(details) if details else str(template)


class Refusal(ValueError):
    """A refused change; nothing was written."""

    sentences: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details

    @property
    def message(self) -> str:
        return render(self.sentences, self.code, self.details)
