"""Records: session reports and exports, teams and members, the library, printable cards.

Every page needs a trainer or an admin signed in. A trainer sees their own
sessions and teams; an admin sees everyone's; players (no account) none.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.access import may_host
from ..coaching.criteria import current_set, in_language
from ..database.ids import row_id
from ..decks import store as deckstore
from ..decks.messages import THEME_LABELS
from ..decks.rules import THEMES
from ..extensions import db
from ..game import RuleError
from ..models import Card, Deck, GameSession, Member, Reply, Star, Team
from ..records import library, reports, retention, teams
from ..records.charts import line_chart
from ..records.exports import csv_bytes
from ..refusals import Refusal
from .host import hosted_session
from .language import NAMES
from .redirects import safe_path

bp = Blueprint("records", __name__)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Anonymous visitors and phones go to the sign-in page."""


def _team(team_id: int) -> Team:
    found = db.session.get(Team, team_id)
    if found is None:
        abort(404)
    if not teams.may_see(current_user, found):
        abort(403)
    return found


def _member(member_id: int) -> Member:
    found = db.session.get(Member, member_id)
    if found is None:
        abort(404)
    _team(found.team_id)
    return found


def _csv(name: str, header, rows) -> Response:
    return Response(csv_bytes(header, rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- session reports -----------------------------------------------------------------


@bp.get("/host/<code>/report")
def report(code: str):
    game = hosted_session(code)
    found = reports.build(game, str(get_locale()))
    roster = teams.roster(db.session.get(Team, game.team_id)) if game.team_id else []
    return render_template("records/report.html", report=found, game=game, roster=roster,
                           theme_labels=THEME_LABELS)


@bp.get("/host/<code>/report.csv")
def report_csv(code: str):
    game = hosted_session(code)
    header, rows = reports.csv_rows(reports.build(game, str(get_locale())))
    return _csv(f"too-sandy-{game.code}.csv", header, rows)


@bp.get("/host/<code>/handout")
def handout(code: str):
    game = hosted_session(code)
    return render_template("records/handout.html", report=reports.build(game, str(get_locale())), game=game,
                           theme_labels=THEME_LABELS)


@bp.route("/host/<code>/delete", methods=["GET", "POST"])
def delete_session(code: str):
    game = hosted_session(code)
    if not current_user.is_admin:
        abort(403)
    if request.method == "POST":
        retention.delete_session(game)
        flash(_("Session %(code)s deleted.", code=code), "ok")
        return redirect(url_for("host.sessions"))
    return render_template("records/delete_session.html", game=game, contents=retention.contents(game))


@bp.post("/host/<code>/players/<int:player_id>/member")
def link_player(code: str, player_id: int):
    game = hosted_session(code)
    raw = request.form.get("member_id", "")
    try:
        if raw == "new":
            teams.add_guest(game, player_id)
        else:
            teams.link_player(game, player_id, row_id(raw))
    except Refusal as refused:
        flash(refused.message, "error")
    return redirect(url_for("records.report", code=code) + f"#player-{player_id}")


@bp.post("/host/<code>/replies/<int:reply_id>/star")
def star_reply(code: str, reply_id: int):
    game = hosted_session(code)
    try:
        if request.form.get("starred", "1") == "1":
            library.star(reply_id, current_user.id, game.id, anonymous=request.form.get("anonymous") == "on")
        else:
            library.unstar(reply_id, game.id)
    except RuleError:
        abort(404)
    return redirect(url_for("records.report", code=code) + f"#reply-{reply_id}")


# --- teams and members ----------------------------------------------------------------


@bp.route("/teams", methods=["GET", "POST"])
def team_list():
    error = None
    if request.method == "POST":
        try:
            made = teams.create_team(current_user.id, request.form.get("name", ""))
        except Refusal as refused:
            error = refused.message
        else:
            flash(_("Team “%(name)s” created.", name=made.name), "ok")
            return redirect(url_for("records.team", team_id=made.id))
    return render_template("records/teams.html", teams=teams.visible_teams(current_user), error=error,
                           name=request.form.get("name", "")), 400 if error else 200


def _chart(progress: teams.Progress, title: str):
    labels = [format_date(line.date, "d MMM") for line in progress.sessions]
    series = [(c, [line.awards[i] for line in progress.sessions]) for i, c in enumerate(progress.criteria)]
    if any(line.votes for line in progress.sessions) or not series:
        series.insert(0, (_("Votes"), [line.votes for line in progress.sessions]))
    return line_chart(title, labels, series), series


@bp.get("/teams/<int:team_id>")
def team(team_id: int):
    found = _team(team_id)
    progress = teams.team_progress(found, str(get_locale()))
    chart, series = _chart(progress, _("Votes and awards the team received, session by session"))
    return render_template("records/team.html", team=found, progress=progress, chart=chart, series=series,
                           absent=teams.not_played_lately(found), last_played=teams.last_played(found),
                           error=None)


@bp.post("/teams/<int:team_id>/members")
def add_member(team_id: int):
    found = _team(team_id)
    try:
        member = teams.add_member(found, request.form.get("name", ""))
    except Refusal as refused:
        flash(refused.message, "error")
    else:
        flash(_("%(name)s added to the roster.", name=member.name), "ok")
    return redirect(url_for("records.team", team_id=team_id))


@bp.get("/members/<int:member_id>")
def member(member_id: int):
    found = _member(member_id)
    progress = teams.member_progress(found, str(get_locale()))
    chart, series = _chart(progress, _("Votes and awards %(name)s received, session by session", name=found.name))
    others = [m for m in teams.roster(found.team) if m.id != found.id]
    return render_template("records/member.html", member=found, progress=progress, chart=chart, series=series,
                           others=others)


@bp.post("/members/<int:member_id>/merge")
def merge_member(member_id: int):
    keep = _member(member_id)
    raw = request.form.get("other", "")
    gone = db.session.get(Member, number) if (number := row_id(raw)) else None
    if gone is None:
        flash(_("Choose the member to merge."), "error")
        return redirect(url_for("records.member", member_id=member_id))
    _team(gone.team_id)
    name = gone.name
    try:
        teams.merge(keep, gone)
    except Refusal as refused:
        flash(refused.message, "error")
    else:
        flash(_("%(gone)s merged into %(kept)s.", gone=name, kept=keep.name), "ok")
    return redirect(url_for("records.member", member_id=member_id))


@bp.post("/members/<int:member_id>/remove")
def remove_member(member_id: int):
    """Off the roster (a name added by mistake, someone who left); their sessions stay, as a guest's."""
    found = _member(member_id)
    name, team_id = found.name, found.team_id
    if request.form.get("confirm") != "on":
        flash(_("Tick the box to confirm."), "error")
        return redirect(url_for("records.member", member_id=member_id))
    teams.remove_member(found)
    flash(_("%(name)s is no longer on the roster; their sessions are kept.", name=name), "ok")
    return redirect(url_for("records.team", team_id=team_id))


@bp.post("/members/<int:member_id>/anonymise")
def anonymise_member(member_id: int):
    found = _member(member_id)
    if not current_user.is_admin:
        abort(403)
    if request.form.get("confirm") != "on":
        flash(_("Tick the box to confirm: the name cannot be brought back."), "error")
        return redirect(url_for("records.member", member_id=member_id))
    teams.anonymise(found)
    flash(_("The member is anonymised: their replies stay, without a name."), "ok")
    return redirect(url_for("records.team", team_id=found.team_id))


# --- the library ------------------------------------------------------------------------


def _filters() -> library.Filters:
    args = request.args

    def number(name: str) -> int | None:
        raw = args.get(name, "")
        return row_id(raw)

    theme = args.get("theme", "")
    language = args.get("language", "")
    return library.Filters(
        q=args.get("q", "")[:200], language=language if language in NAMES else "",
        deck_id=number("deck"), theme=theme if theme in THEMES else "", card_id=number("card"),
        award=number("award"), in_play_only=not current_user.is_admin,
    )


def _award_names() -> list[str]:
    return [c["name"] for c in in_language(current_set(), str(get_locale()))]


@bp.get("/library")
def library_page():
    filters = _filters()
    page = request.args.get("page", "1")
    page = min(row_id(page) or 1, 10**6)
    entries, total = library.search(filters, page)
    decks = select(Deck).order_by(Deck.name)
    decks = db.session.scalars(decks.where(deckstore.IN_PLAY) if filters.in_play_only else decks).all()
    card = db.session.get(Card, filters.card_id) if filters.card_id else None
    if card is not None and filters.in_play_only and not deckstore.in_play(card.deck):
        card = None
    return render_template("records/library.html", entries=entries, total=total, filters=filters, page=page,
                           pages=max(1, -(-total // library.PAGE)), decks=decks, card=card,
                           themes=[(slug, THEME_LABELS[slug]) for slug in THEMES], awards=_award_names(),
                           theme_labels=THEME_LABELS)


@bp.get("/library.csv")
def library_csv():
    entries = library.everything(_filters())
    names = _award_names()
    header = ["date", "session", "deck", "theme", "card", "reply", "author", "language", "votes",
              *(f"award: {n}" for n in names)]
    rows = [[e.date.strftime("%Y-%m-%d"), e.session_code, e.deck, e.theme, e.complaint, e.text,
             e.author or "anonymous", e.language, e.votes, *(e.awards + [0] * 4)[: len(names)]] for e in entries]
    return _csv("too-sandy-library.csv", header, rows)


@bp.get("/library/print")
def library_print():
    return render_template("records/library_print.html", entries=library.everything(_filters()),
                           awards=_award_names(), theme_labels=THEME_LABELS)


@bp.post("/library/<int:star_id>")
def library_entry(star_id: int):
    entry = db.session.get(Star, star_id)
    if entry is None:
        abort(404)
    reply = db.session.get(Reply, entry.reply_id)
    game = db.session.get(GameSession, reply.session_id)
    if not may_host(current_user, game):
        abort(403)
    if request.form.get("remove") == "1":
        library.unstar(entry.reply_id, game.id)
        flash(_("Removed from the library."), "ok")
    else:
        library.set_anonymous(entry, request.form.get("anonymous") == "on")
    return redirect(safe_path(request.form.get("back"), url_for("records.library_page")))


# --- printable cards ----------------------------------------------------------------------


@bp.get("/decks/<int:deck_id>/print")
def print_deck(deck_id: int):
    deck = db.session.get(Deck, deck_id)
    if deck is None or not (current_user.is_admin or deckstore.in_play(deck)):
        abort(404)
    cards = [c for c in deck.cards if c.enabled]
    sheets = [cards[i:i + 8] for i in range(0, len(cards), 8)]
    return render_template("records/print_cards.html", deck=deck, sheets=sheets, cards=cards,
                           theme_labels=THEME_LABELS)

