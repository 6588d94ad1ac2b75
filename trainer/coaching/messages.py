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
    # Service cue phrases (coaching/phrases.py); the codes are cues.PhraseError's.
    "phrase_blank": _l("Type a phrase to add."),
    "phrase_long": _l("A phrase can be at most 200 characters."),
    "phrase_syntax": _l(
        "That phrase can't be matched: check its marks (* | # = ... ^ !) and that it has at least one word."
    ),
    "phrase_break": _l("A phrase can't span the end of a sentence or a word such as “but”: split it into two phrases."),
    "phrase_there": _l("That phrase is already in the list."),
    "phrase_missing": _l("That phrase is not in the list: reload the page to see the list as it is now."),
    "unknown_cue": _l("Pick one of the cues listed."),
    "unknown_language": _l("Pick one of the languages listed."),
}


class CoachingError(Refusal):
    sentences = SENTENCES
