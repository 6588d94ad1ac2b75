"""Sentences the browser scripts show, translated on the server.

Pages embed them as a JSON data block (not executable, so the CSP stays
strict); scripts look them up by key and fill %(name)s placeholders. A
sentence with a count comes as one form per CLDR plural category of the
page's language ({"one": …, "few": …, "many": …, "other": …, "_count": "n"});
the browser picks one with ``Intl.PluralRules``, which uses the same
categories, so "1 голос, 2 голоса, 5 голосов" needs no download.
"""

from flask_babel import get_locale, get_translations
from flask_babel import gettext as _


def _plural(singular: str, plural: str, count: str = "n") -> dict[str, str]:
    """Every plural form of the page's language, keyed by CLDR category.

    The forms stay unformatted: the browser fills in the real count.
    """
    rule, translations = get_locale().plural_form, get_translations()
    forms: dict[str, str] = {"_count": count}
    for sample in range(200):
        forms.setdefault(rule(sample), translations.ngettext(singular, plural, sample))
    forms.setdefault("other", translations.ngettext(singular, plural, 1000))
    return forms


def client_strings() -> dict[str, str]:
    return {
        "connecting": _("Connecting…"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "connected": _("Connected"),
        "saving": _("Saving…"),
        "saved": _("Draft saved"),
        "saved_here": _("Saved on this phone; it will be sent when the connection is back."),
        "send": _("Send reply"),
        "update": _("Update reply"),
        "sent": _("Sent. You can still edit and send again until time is up."),
        "chars": _plural("%(n)s / %(max)s character", "%(n)s / %(max)s characters", "max"),
        "vote": _("Vote"),
        "voted": _("✓ Voted"),
        "votes_left": _plural("%(n)s of %(max)s vote left", "%(n)s of %(max)s votes left", "max"),
        "no_ballot": _("No replies to vote on this round. Watch the projector!"),
        "points_round": _plural("+%(n)s point this round", "+%(n)s points this round"),
        "total": _plural("Total: %(score)s point · rank %(rank)s of %(of)s",
                         "Total: %(score)s points · rank %(rank)s of %(of)s", "score"),
        "final": _plural("You finished #%(rank)s of %(of)s with %(score)s point",
                         "You finished #%(rank)s of %(of)s with %(score)s points", "score"),
        "removed": _("The trainer removed you from this session."),
        "join_failed": _("Could not reach the server. Check the Wi-Fi and try again."),
        "submitted_count": _("%(n)s of %(total)s submitted"),
        "voted_count": _("%(n)s of %(total)s have voted"),
        "players": _plural("%(n)s player", "%(n)s players"),
        "start": _("Start round 1"),
        "next_round": _("Next round"),
        "podium": _("Final podium"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "paused": _("Paused"),
        "end_writing": _("End writing now"),
        "end_voting": _("End voting now"),
        "remove": _("Remove"),
        "confirm_remove": _("Remove %(name)s?"),
        "votes": _plural("%(n)s vote", "%(n)s votes"),
        "points": _plural("%(n)s point", "%(n)s points"),
        "round_of": _("Round %(n)s of %(total)s"),
        "reply_of": _("Reply %(n)s of %(total)s"),
        "best": _("Best reply"),
        "shared_best": _("Shared best reply"),
        "no_votes": _("No votes this round."),
        "no_replies": _("Nobody sent a reply this round."),
        "by": _("by %(name)s"),
        "next_round_from": _("joins next round"),
        "away": _("away"),
        "lock": _("Lock room"),
        "unlock": _("Unlock room"),
        "hidden": _("Reply hidden: it won't be shown or scored."),
        "shown_again": _("The reply is back."),
        "lobby_title": _("You're in!"),
        "lobby_text": _("Watch the projector: the trainer starts the round soon."),
        "sitting_out_title": _("You're in for the next round"),
        "sitting_out_text": _("A round is under way. You'll get your own card when the next one starts."),
    }
