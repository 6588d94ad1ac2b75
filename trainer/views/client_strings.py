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

from ..coaching import phrases as cue_phrases


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
        # Game modes, service awards and the debrief.
        "mode_own_card": _("Own card"),
        "mode_same_card": _("Same card"),
        "mode_duels": _("Duels"),
        "service_awards": _("Service awards"),
        "hint_own_card": _plural(
            "Everyone gets a different absurd complaint and %(n)s minute to write the reply they would give.",
            "Everyone gets a different absurd complaint and %(n)s minutes to write the reply they would give.",
        ),
        "hint_same_card": _plural("The whole room answers one absurd complaint, with %(n)s minute to write.",
                                  "The whole room answers one absurd complaint, with %(n)s minutes to write."),
        "hint_duels": _plural(
            "Players are paired: each pair answers one complaint in %(n)s minute, then the room picks who won.",
            "Players are paired: each pair answers one complaint in %(n)s minutes, then the room picks who won.",
        ),
        "deal_a_card": _("Deal a card for me"),
        "duel_of": _("Duel %(n)s of %(total)s"),
        "side": _("Reply %(letter)s"),
        "award_winners": _("This round's awards"),
        "no_award": _("Nobody was given this award."),
        "no_awards_yet": _("No awards this round."),
        "nobody": _("nobody"),
        "walkover": _("Walk-over"),
        "duel_won": _("Won the duel"),
        "duel_drawn": _("Duel drawn"),
        "debrief": _("Debrief"),
        "back_to_results": _("Back to results"),
        "coach_note": _("Coach's note"),
        "model_answers": _("Model answers from earlier sessions"),
        "pin": _("Pin as a model answer"),
        "pinned": _("✓ Model answer"),
        "nothing_to_debrief": _("No reply won anything this round: talk through the coach's note."),
        "takeaway_kept": _("Takeaway kept with the session."),
        "takeaway_cleared": _("Takeaway cleared."),
        "sound_on": _("Sound on"),
        "sound_off": _("Sound off"),
        "vote_title": _("Vote for the best replies"),
        "awards_title": _("Give your service awards"),
        "duels_title": _("Pick the winner of each duel"),
        "awards_left": _plural("%(n)s of %(max)s award left", "%(n)s of %(max)s awards left", "max"),
        "awards_help": _("Give each award to a different reply. Tap an award again to take it back."),
        "duel_awards_help": _("In each duel, give each award to one side."),
        "duel_n": _("Duel %(n)s"),
        "everyone_answers": _("Everyone answered this complaint:"),
        "you_won_duel": _("You won your duel!"),
        "you_lost_duel": _("The room picked the other reply in your duel."),
        "your_walkover": _("Your opponent sent nothing: the duel is yours."),
        "your_awards": _("Your awards this round"),
        "best_at": _("Best at each award"),
        "who_are_you": _("Who are you in %(team)s?"),
        "pick_your_name": _("Pick your name from the list"),
        "not_on_list": _("I'm not on the list"),
        "storage_full": _("The server can't save: its disk is full or read-only. Phones keep their replies and "
                          "resend them by themselves; the server log says what to free."),
        "storage_back": _("The server saves again."),
        "star": _("☆ Star"),
        "starred": _("★ In the library"),
        "results_hint": _("Look at the projector for the best replies."),
        # A drill of the week on the phone.
        "n_days": _plural("%(n)s day", "%(n)s days"),
        "n_hours": _plural("%(n)s hour", "%(n)s hours"),
        "drill_write_left": _("%(time)s left to write"),
        "drill_vote_left": _("%(time)s left to vote"),
        "drill_write_by": _("Write by %(when)s"),
        "drill_sent": _("Sent. You can change it and send again until %(when)s."),
        "drill_lobby_text": _("Writing opens %(when)s. Come back then: this link keeps your place."),
        "drill_sitting_out_text": _("Your card is on its way. Reload the page in a moment."),
        "drill_results_hint": _("Your trainer shows the best replies at the team meeting."),
        "drill_too_few": _("Fewer than two people wrote a reply, so there was no vote this time."),
        # A drill of two or three cards: each card a tab on the phone, one by one on the projector.
        "card_of": _("Card %(n)s of %(total)s"),
        "card_n": _("Card %(n)s"),
        "next_card": _("Next card"),
        "points_card": _plural("+%(n)s point for this card", "+%(n)s points for this card"),
        "cards_sent": _plural("%(n)s of %(total)s reply sent", "%(n)s of %(total)s replies sent", "total"),
        "cards_voted": _plural("Voted on %(n)s of %(total)s card", "Voted on %(n)s of %(total)s cards", "total"),
        "drill_cards_write": _("Answer every card: each has its own reply box. Tap a card to switch."),
        "drill_no_reply": _("You sent no reply to this card."),
        "drill_now_results": _("Voting has closed: the drill's results are ready."),
        "drill_now_finished": _("The drill is over: here is the final podium."),
        # Service cues on the phone's results: its own reply's, and one line for next time.
        "my_cues": _("What your reply did"),
        "cues_are_hints": _("Hints from phrase rules, not scores: they changed no points."),
        "cues_label": _("Service cues"),
        **{f"cue_{kind}": str(label) for kind, label in cue_phrases.LABELS.items()},
        **{f"cue_advice_{kind}": str(line) for kind, line in cue_phrases.ADVICE.items()},
    }
