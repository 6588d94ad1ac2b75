"""Sentences for refused coaching changes, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..refusals import Refusal

SENTENCES = {
    "criteria_count": _l("Keep between 1 and 4 criteria."),
    "criterion_blank": _l("Criterion %(number)s needs a name and a definition in at least one language."),
    "criterion_half": _l("Criterion %(number)s needs both a name and a definition in %(language)s."),
    "criterion_name_long": _l("Criterion names can be at most %(limit)s characters."),
    "criterion_definition_long": _l("Definitions can be at most %(limit)s characters."),
    "preset_name_blank": _l("Give the preset a name."),
    "preset_name_long": _l("Preset names can be at most %(limit)s characters."),
}


class CoachingError(Refusal):
    sentences = SENTENCES
