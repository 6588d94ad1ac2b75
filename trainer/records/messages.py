"""Sentences for refused changes to records, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..refusals import Refusal

SENTENCES = {
    "team_name_blank": _l("Give the team a name."),
    "team_name_long": _l("Team names can be at most %(limit)s characters."),
    "team_name_taken": _l("You already have a team called “%(name)s”."),
    "member_name_blank": _l("Type the member's name."),
    "member_name_long": _l("Names can be at most %(limit)s characters."),
    "member_name_taken": _l("“%(name)s” is already on this team's roster."),
    "member_same": _l("Choose two different members to merge."),
    "member_other_team": _l("Only members of the same team can be merged."),
    "not_a_player": _l("That player is not in this session."),
    "no_team": _l("This session was not run for a team."),
    "retention_range": _l("Keep sessions for 1 to 3,650 days, or leave it off."),
}


class RecordsError(Refusal):
    sentences = SENTENCES
