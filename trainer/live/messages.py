"""Plain sentences for every rule a person can break, in their language."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext

from ..game import RuleError

_MESSAGES = {
    "unknown_event": lazy_gettext("That action is not available here."),
    "bad_payload": lazy_gettext("That request was not understood. Reload the page and try again."),
    "wrong_phase": lazy_gettext("That can't be done at this point of the game."),
    "wrong_round": lazy_gettext("That round is over; your screen has been brought up to date."),
    "no_rounds_left": lazy_gettext("All rounds have been played."),
    "rounds_left": lazy_gettext("There are rounds left to play."),
    "no_players": lazy_gettext("Nobody has joined yet: wait for at least one player."),
    "unknown_member": lazy_gettext("That name is no longer on the team's list. Pick it again, or type yours."),
    "duels_need_players": lazy_gettext(
        "Duels need at least %(least)s players, or nobody is left to judge a duel. "
        "Wait for more players or choose another game mode."
    ),
    "bad_extension": lazy_gettext("Extra time must be a positive number of seconds."),
    "too_much_time": lazy_gettext("A phase can't run longer than 30 minutes."),
    "already_paused": lazy_gettext("The timer is already paused."),
    "not_paused": lazy_gettext("The timer is not paused."),
    "unknown_code": lazy_gettext("There is no session with that room code. Check the code on the projector."),
    "session_over": lazy_gettext("That session has ended."),
    "name_blank": lazy_gettext("Please enter a name."),
    "name_too_long": lazy_gettext("Names can be at most %(limit)s characters."),
    "name_taken": lazy_gettext("Someone in this session is already called “%(name)s”. Please pick another name."),
    "unknown_player": lazy_gettext("That player is not in this session."),
    "sitting_out": lazy_gettext("You joined during this round; you'll get a card in the next one."),
    "reply_blank": lazy_gettext("Your reply is empty. Write something before you send it."),
    "reply_too_long": lazy_gettext("Replies can be at most %(limit)s characters."),
    "unknown_reply": lazy_gettext("That reply is not part of this round."),
    "own_reply": lazy_gettext("You can't vote for your own reply."),
    "not_on_ballot": lazy_gettext("That reply is not on your ballot."),
    "already_voted": lazy_gettext("You already voted for that reply."),
    "out_of_votes": lazy_gettext("You have used all %(limit)s of your votes. Take one back to vote for another reply."),
    "rephrase": lazy_gettext(
        "This session keeps replies polite, and yours has a word the filter doesn't allow. "
        "Please rephrase it and send it again."
    ),
    "room_locked": lazy_gettext("The trainer has closed this session to new players. Ask them to open it."),
    "slow_down": lazy_gettext("That was a lot of requests at once. Wait a moment and try again."),
    "too_many_joins": lazy_gettext(
        "Too many wrong room codes from this phone or network. Wait a few minutes, then check the code on the "
        "projector."
    ),
    "room_busy": lazy_gettext("A lot of people are joining this room at once. Wait a moment, then tap Join again."),
    "no_cards": lazy_gettext("The chosen decks have no enabled cards."),
    "no_deck": lazy_gettext("Choose at least one deck."),
    "bad_writing_time": lazy_gettext("Writing time must be between %(low)s and %(high)s minutes."),
    "bad_voting_time": lazy_gettext("Voting time must be between %(low)s and %(high)s seconds."),
    "bad_rounds": lazy_gettext("The number of rounds must be between %(low)s and %(high)s."),
    "own_duel": lazy_gettext("You can't vote in a duel you are part of."),
    "duel_voted": lazy_gettext("You already picked a winner in this duel. Take that vote back to change it."),
    "choose_criterion": lazy_gettext("Choose which award you are giving."),
    "unknown_criterion": lazy_gettext("That award is not part of this session."),
    "already_awarded": lazy_gettext("You already gave that award to this reply."),
    "criterion_used": lazy_gettext("You already gave that award. Take it back first to give it to another reply."),
    "reply_has_award": lazy_gettext("This reply already has an award from you: give each award to a different reply."),
    "unknown_mode": lazy_gettext("That game mode does not exist."),
    "unknown_voting": lazy_gettext("That voting style does not exist."),
    "mode_between_rounds": lazy_gettext("The mode can only be changed between rounds."),
    "unknown_card": lazy_gettext("That card is not in this session's decks."),
    "no_matching_cards": lazy_gettext("No enabled card in the chosen decks matches those themes and difficulties."),
    "takeaway_too_long": lazy_gettext("A takeaway can be at most %(limit)s characters."),
    "not_host": lazy_gettext("Only the trainer running this session can do that."),
    "storage_full": lazy_gettext(
        "The server can't save right now. Your reply is kept on this phone and will be sent again by itself."
    ),
    "storage_full_retry": lazy_gettext("The server can't save right now. Nothing was changed; try again in a minute."),
    "not_player": lazy_gettext("Your place in this session was not found. Join again with the room code."),
    # Drills of the week (live/drills.py, game/windows.py).
    "unknown_pace": lazy_gettext("Choose whether the session is live or runs over several days."),
    "drill_closes_in_past": lazy_gettext("Writing has to close later than now. Choose a later date."),
    "drill_window_short": lazy_gettext(
        "Writing and voting each need at least an hour, and voting has to close after writing does."
    ),
    "drill_too_long": lazy_gettext("A drill can run for at most %(days)s days from start to the end of voting."),
    "drill_window_closed": lazy_gettext("That window has already closed."),
    "drill_extend_later": lazy_gettext("Choose a time later than the window's current end."),
    "drill_not_open": lazy_gettext("That window hasn't opened yet."),
    "unknown_time_zone": lazy_gettext("That time zone is not known. Pick one from the list."),
    "drill_writing_closed": lazy_gettext(
        "Writing for this drill has closed, so new people can't join it. Ask your trainer about the next one."
    ),
    "drill_runs_itself": lazy_gettext(
        "This drill moves on by itself at the times set for it. Change them on the drill's page."
    ),
    "not_a_drill": lazy_gettext("This session is live, not a drill."),
    "drill_cards": lazy_gettext("A drill has one to %(most)s cards."),
    "drill_cards_dealt": lazy_gettext(
        "Someone already has these cards on their phone, so they stay as they are for this drill."
    ),
    "drill_cards_twice": lazy_gettext("Choose a different card for each place."),
    "drill_own_cards": lazy_gettext(
        "In an own-card drill each person is dealt their own cards: there is nothing to pick."
    ),
}


def message_for(error: RuleError | str) -> str:
    code = error if isinstance(error, str) else error.code
    details = {} if isinstance(error, str) else error.details
    template = _MESSAGES.get(code)
    if template is None:
        return gettext("Something went wrong. Please try again.")
    return str(template) % details if details else str(template)


def error_answer(error: RuleError | str) -> dict[str, object]:
    code = error if isinstance(error, str) else error.code
    return {"ok": False, "code": code, "error": message_for(error)}
