"""A drill's pages for its trainer: who has written and voted, its windows, its poster.

Routes on the host blueprint (same sign-in and ownership rules as the
projector). Times are typed and shown in the drill's time zone.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton, format_time
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..clock import utcnow
from ..database.ids import row_id
from ..extensions import db
from ..game import Phase, RuleError
from ..game.windows import Window, Windows, to_local, to_utc, zone, zone_names
from ..live import announce, drills, voting
from ..live.messages import message_for
from ..live.sessions import remove_player, session_pool
from ..models import Card, GameSession, Reply
from .host import bp, default_windows, hosted_session, join_root, join_url
from .language import speak

INPUT_FORMAT = "%Y-%m-%dT%H:%M"
# The cards a trainer can pick from, as on the projector's same-card picker.
PICKER_CARDS = 300


def parse_local(value: str | None, where) -> datetime | None:
    """A datetime-local field's value, as the naive-UTC instant it names in ``where``."""
    try:
        return to_utc(datetime.strptime((value or "").strip(), INPUT_FORMAT), where)
    except (ValueError, OverflowError):  # not a time, or one at the edge of the calendar
        return None


def local_input(instant: datetime | None, time_zone: str | None) -> str:
    """A stored instant as a datetime-local field's value in the drill's zone."""
    if instant is None:
        return ""
    return to_local(instant, zone(time_zone)).strftime(INPUT_FORMAT)


@bp.app_template_filter("drill_when")
def drill_when(instant: datetime | None, time_zone: str | None) -> str:
    """A drill's time as a person reads it: "Thu, 26 Nov, 12:00" in the page's language and the drill's zone."""
    if instant is None:
        return ""
    try:
        local = to_local(instant, zone(time_zone))
    except RuleError:
        local = to_local(instant, zone("UTC"))
    locale = str(get_locale())
    return f"{format_skeleton('MMMEd', local, locale=locale)}, {format_time(local, 'short', locale=locale)}"


def drill_state(game: GameSession) -> str:
    """Where a drill is, in a few words: for the sessions list and the drill's page."""
    phase = Phase(game.phase)
    if phase == Phase.LOBBY:
        return _("Opens %(when)s", when=drill_when(game.writing_opens_at, game.time_zone))
    if phase == Phase.WRITING:
        return _("Writing until %(when)s", when=drill_when(game.writing_closes_at, game.time_zone))
    if phase == Phase.VOTING:
        return _("Voting until %(when)s", when=drill_when(game.voting_closes_at, game.time_zone))
    return _("Finished")


bp.add_app_template_global(drill_state, "drill_state")


def _drill(code: str) -> GameSession:
    game = hosted_session(code)
    if not drills.is_drill(game):
        abort(404)
    return game


def _back(game: GameSession):
    return redirect(url_for("host.drill", code=game.code))


@bp.get("/<code>/drill")
def drill(code: str):
    game = _drill(code)
    people = drills.who_has_done_what(game)
    # Texts only once writing has closed: before that, names only.
    replies = []
    if game.phase not in (Phase.LOBBY, Phase.WRITING):
        replies = db.session.scalars(
            db.select(Reply).where(Reply.session_id == game.id, Reply.text.is_not(None))
            .order_by(Reply.round_no, Reply.id)
        ).all()
    cards, pool = [], []
    if game.mode != "own_card":
        # Everyone's cards, dealt now if need be (the poster shows the same); the trainer
        # may choose others from the decks until somebody has them on their phone.
        cards = [db.session.get(Card, card_id) for card_id in drills.drill_cards(game)]
        db.session.commit()
        if not drills.cards_in_hand(game):
            pool = db.session.execute(
                session_pool(game).add_columns(Card.complaint).order_by(Card.complaint).limit(PICKER_CARDS)
            ).all()
    return render_template(
        "host_drill.html", game=game, people=people, replies=replies, join_url=join_url(game.code),
        cards=cards, pool=pool,
        writing_until=local_input(game.writing_closes_at, game.time_zone),
        voting_until=local_input(game.voting_closes_at, game.time_zone),
        too_few=drills.too_few_replies(game),
    )


@bp.post("/<code>/drill/cards")
def pick_drill_cards(code: str):
    game = _drill(code)
    picks = [row_id(request.form.get(f"card_{n}")) for n in range(1, game.rounds_total + 1)]
    try:
        drills.pick_cards(game, [card for card in picks if card])
    except RuleError as refused:
        flash(message_for(refused), "error")
    else:
        flash(_("The drill's cards are chosen. The poster shows them."), "ok")
    return _back(game)


@bp.post("/<code>/drill/extend")
def extend_drill(code: str):
    game = _drill(code)
    window = request.form.get("window")
    until = parse_local(request.form.get("until"), zone(game.time_zone))
    if window not in set(Window) or until is None:
        flash(_("Choose a date and time to extend the window to."), "error")
        return _back(game)
    try:
        if drills.extend(game, Window(window), until, utcnow()):
            announce.phase_changed(game)
            flash(_("The window now closes %(when)s.", when=drill_when(until, game.time_zone)), "ok")
        else:
            flash(_("The drill moved on meanwhile. Look again and retry."), "error")
    except RuleError as refused:
        flash(message_for(refused), "error")
    return _back(game)


@bp.post("/<code>/drill/close")
def close_drill_window(code: str):
    game = _drill(code)
    window = request.form.get("window")
    if window not in set(Window):
        abort(400)
    try:
        outcome = drills.close_early(game, Window(window), utcnow())
    except RuleError as refused:
        flash(message_for(refused), "error")
        return _back(game)
    if outcome is not None:
        announce.announce(game, outcome.announce)
        flash(_("Writing is closed; voting is open.") if window == Window.WRITING
              else _("Voting is closed; the results are ready."), "ok")
    return _back(game)


@bp.post("/<code>/drill/replies/<int:reply_id>/hide")
def hide_drill_reply(code: str, reply_id: int):
    game = _drill(code)
    try:
        voting.hide_reply(game, reply_id, request.form.get("hidden") == "1")
    except RuleError as refused:
        flash(message_for(refused), "error")
        return _back(game)
    announce.phase_changed(game)
    return _back(game)


@bp.post("/<code>/drill/players/<int:player_id>/remove")
def remove_drill_player(code: str, player_id: int):
    game = _drill(code)
    try:
        player = remove_player(game, player_id)
    except RuleError as refused:
        flash(message_for(refused), "error")
        return _back(game)
    announce.player_removed(game, player)
    if game.phase == Phase.VOTING:
        announce.phase_changed(game)  # the ballots without them
    flash(_("%(name)s was removed from the drill.", name=player.name), "ok")
    return _back(game)


@bp.get("/<code>/poster")
def poster(code: str):
    """The printable poster, in the session's language."""
    game = _drill(code)
    speak(game.language)
    cards = []
    if game.mode != "own_card":
        cards = [db.session.get(Card, card_id) for card_id in drills.drill_cards(game)]
        db.session.commit()  # cards dealt now are the drill's from now on
    paper = "letter" if request.args.get("paper") == "letter" else "a4"
    return render_template("host_poster.html", game=game, cards=cards, join_url=join_url(game.code),
                           join_page=f"{join_root()}/join", paper=paper, windows=Windows(
                               game.writing_opens_at, game.writing_closes_at, game.voting_closes_at))


def drill_zone_hint(time_zone: str, cards: int | None = None) -> str:
    """How a drill's times and duels work; said of one drill when ``cards`` is known, else of drills in general."""
    if cards == 1:
        return _("Times are in the time zone %(zone)s. Voting opens when writing closes. A drill has one card; "
                 "duels are paired among those who wrote when writing closes.", zone=time_zone)
    return _("Times are in the time zone %(zone)s. Voting opens when writing closes. In duels, those who "
             "answered a card are paired for it when writing closes.", zone=time_zone)


bp.add_app_template_global(drill_zone_hint, "drill_zone_hint")


@bp.get("/drill-defaults")
def drill_defaults():
    """The new-session form's drill times in the browser's own time zone."""
    time_zone = request.args.get("tz", "")
    if time_zone not in zone_names():
        abort(404)
    return {"time_zone": time_zone, "hint": drill_zone_hint(time_zone), **default_windows(time_zone)}
