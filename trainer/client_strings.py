"""Sentences the browser scripts show, translated on the server.

Pages embed them as a JSON data block (not executable, so the CSP stays
strict); scripts look them up by key and fill %(name)s placeholders.
"""

from flask_babel import gettext as _


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
        "chars": _("%(n)s / %(max)s characters"),
        "vote": _("Vote"),
        "voted": _("✓ Voted"),
        "votes_left": _("%(n)s of %(max)s votes left"),
        "no_ballot": _("No replies to vote on this round. Watch the projector!"),
        "points_round": _("+%(n)s points this round"),
        "total": _("Total: %(score)s points · rank %(rank)s of %(of)s"),
        "final": _("You finished #%(rank)s of %(of)s with %(score)s points"),
        "removed": _("The trainer removed you from this session."),
        "join_failed": _("Could not reach the server. Check the Wi-Fi and try again."),
        "submitted_count": _("%(n)s of %(total)s submitted"),
        "voted_count": _("%(n)s of %(total)s have voted"),
        "players": _("%(n)s players"),
        "one_player": _("1 player"),
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
        "votes": _("%(n)s votes"),
        "one_vote": _("1 vote"),
        "points": _("%(n)s pts"),
        "round_of": _("Round %(n)s of %(total)s"),
        "reply_of": _("Reply %(n)s of %(total)s"),
        "best": _("Best reply"),
        "shared_best": _("Shared best reply"),
        "no_votes": _("No votes this round."),
        "no_replies": _("Nobody sent a reply this round."),
        "by": _("by %(name)s"),
        "next_round_from": _("joins next round"),
        "lobby_title": _("You're in!"),
        "lobby_text": _("Watch the projector: the trainer starts the round soon."),
        "sitting_out_title": _("You're in for the next round"),
        "sitting_out_text": _("A round is under way. You'll get your own card when the next one starts."),
    }
