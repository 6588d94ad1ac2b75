"""Deck list, a deck's page, deck details, archive and restore, downloads."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...decks import store as deckstore
from ...decks.files import export_csv, export_json
from ...decks.messages import THEME_LABELS, StudioError
from ...models import Deck
from ..forms import CardForm, DeckForm, PasteForm, UploadForm, show_error, theme_choices
from . import bp
from .common import done, get_or_404


@bp.get("/decks")
def decks():
    return render_template(
        "admin/decks.html", rows=deckstore.deck_rows(), archived=deckstore.deck_rows(archived=True)
    )


@bp.route("/decks/new", methods=["GET", "POST"])
def new_deck():
    form = DeckForm()
    error = None
    if form.validate_on_submit():
        try:
            deck = deckstore.create_deck(form.name.data or "", form.language.data, form.description.data or "",
                                         bool(form.enabled.data))
        except StudioError as refused:
            error = show_error(form, refused)
        else:
            done(_("Deck “%(name)s” created. Now add its cards.", name=deck.name))
            return redirect(url_for("admin.deck", deck_id=deck.id))
    status = 400 if form.errors or error else 200
    return render_template("admin/deck_form.html", form=form, deck=None, error=error), status


def render_deck(deck: Deck, status: int = 200, open_panel: str = "", **forms):
    """The deck page; forms with what was typed (and their errors) when re-shown."""
    theme = request.args.get("theme", "")
    query = request.args.get("q", "")[:200]
    state = request.args.get("state", "")
    return render_template(
        "admin/deck.html",
        deck=deck,
        cards=deckstore.filtered_cards(deck, theme if theme in THEME_LABELS else "", query, state),
        total=len(deck.cards),
        filters={"theme": theme, "q": query, "state": state},
        keep={k: v for k, v in (("theme", theme), ("q", query), ("state", state)) if v},
        theme_filter=theme_choices(blank=_("All themes")),
        theme_labels=THEME_LABELS,
        in_use=deckstore.deck_in_use(deck),
        card_form=forms.get("card_form") or CardForm(formdata=None),
        paste_form=forms.get("paste_form") or PasteForm(formdata=None),
        upload_form=UploadForm(formdata=None),
        paste_problems=forms.get("paste_problems", []),
        open_panel=open_panel or ("card" if not deck.cards else ""),
        error=forms.get("error"),
    ), status


@bp.get("/decks/<int:deck_id>")
def deck(deck_id: int):
    return render_deck(get_or_404(Deck, deck_id))


@bp.route("/decks/<int:deck_id>/edit", methods=["GET", "POST"])
def edit_deck(deck_id: int):
    deck = get_or_404(Deck, deck_id)
    form = DeckForm(obj=deck)
    form.offer_language(deck.language)
    error = None
    if form.validate_on_submit():
        try:
            deckstore.update_deck(deck, form.name.data or "", form.language.data, form.description.data or "",
                                  bool(form.enabled.data))
        except StudioError as refused:
            error = show_error(form, refused)
        else:
            done(_("Deck details saved."))
            return redirect(url_for("admin.deck", deck_id=deck.id))
    status = 400 if form.errors or error else 200
    return render_template("admin/deck_form.html", form=form, deck=deck, error=error), status


@bp.post("/decks/<int:deck_id>/archive")
def archive_deck(deck_id: int):
    deck = get_or_404(Deck, deck_id)
    deckstore.archive_deck(deck)
    done(_("Deck “%(name)s” archived. Trainers no longer see it; restore it from the deck list.", name=deck.name))
    return redirect(url_for("admin.decks"))


@bp.post("/decks/<int:deck_id>/restore")
def restore_deck(deck_id: int):
    deck = get_or_404(Deck, deck_id)
    deckstore.archive_deck(deck, archived=False)
    done(_("Deck “%(name)s” restored.", name=deck.name))
    return redirect(url_for("admin.deck", deck_id=deck.id))


@bp.post("/decks/<int:deck_id>/delete")
def delete_deck(deck_id: int):
    deck = get_or_404(Deck, deck_id)
    try:
        deckstore.delete_deck(deck)
    except StudioError as refused:
        return render_deck(deck, 409, error=refused.message)
    done(_("Deck “%(name)s” deleted.", name=deck.name))
    return redirect(url_for("admin.decks"))


@bp.get("/decks/<int:deck_id>/export.<any(csv, json):kind>")
def export_deck(deck_id: int, kind: str):
    deck = get_or_404(Deck, deck_id)
    meta, cards = deckstore.deck_export(deck)
    if kind == "csv":
        body, mimetype = export_csv(cards), "text/csv; charset=utf-8"
    else:
        body, mimetype = export_json(meta, cards), "application/json"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{deck.slug}.{kind}"',
        "Cache-Control": "no-store",
    })
