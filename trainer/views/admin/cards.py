"""Cards: add one, paste many, edit, enable or disable, delete."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...decks import store as deckstore
from ...decks.messages import StudioError, problem_text
from ...extensions import db
from ...models import Card, Deck
from ..forms import CardForm, PasteForm, show_error
from . import bp
from .common import done, get_or_404
from .decks import render_deck


def _back_to(deck: Deck, anchor: str = ""):
    """Back to the deck page with the filters the admin had set."""
    args = {k: v for k, v in request.args.items() if k in ("theme", "q", "state") and v}
    return redirect(url_for("admin.deck", deck_id=deck.id, **args) + anchor)


@bp.post("/decks/<int:deck_id>/cards")
def add_card(deck_id: int):
    deck = get_or_404(Deck, deck_id)
    form = CardForm()
    if form.validate_on_submit():
        try:
            card = deckstore.add_card(deck, **form.fields())
        except StudioError as refused:
            return render_deck(deck, 400, "card", card_form=form, error=show_error(form, refused))
        done(_("Card %(number)s added.", number=deckstore.card_number(card)))
        return _back_to(deck, "#add-card")
    return render_deck(deck, 400, "card", card_form=form)


@bp.post("/decks/<int:deck_id>/paste")
def paste_cards(deck_id: int):
    deck = get_or_404(Deck, deck_id)
    form = PasteForm()
    if not form.validate_on_submit():
        return render_deck(deck, 400, "paste", paste_form=form)
    rows = deckstore.plan_paste(deck, form.lines.data or "", form.paste_theme.data, form.paste_difficulty.data)
    good = [row for row in rows if row.card is not None]
    bad = [(row.line, row.text, problem_text(row.problems)) for row in rows if row.card is None]
    if not rows:
        form.lines.errors = [_("Paste at least one complaint.")]
    elif bad and not form.skip_invalid.data:
        form.lines.errors = [ngettext(
            "Nothing was added: %(num)s line has a problem. Fix it, or tick “Skip the lines with problems”.",
            "Nothing was added: %(num)s lines have problems. Fix them, or tick “Skip the lines with problems”.",
            len(bad))]
    elif not good:
        form.lines.errors = [_("None of the lines can be added.")]
    if form.lines.errors:
        return render_deck(deck, 400, "paste", paste_form=form, paste_problems=bad)
    added = deckstore.add_rows(deck, good)
    db.session.commit()
    message = ngettext("%(num)s card added.", "%(num)s cards added.", added)
    if bad:
        message += " " + ngettext("%(num)s line skipped.", "%(num)s lines skipped.", len(bad))
    done(message)
    return _back_to(deck, "#cards")


@bp.route("/cards/<int:card_id>/edit", methods=["GET", "POST"])
def edit_card(card_id: int):
    card = get_or_404(Card, card_id)
    form = CardForm(obj=card, difficulty=str(card.difficulty))
    error = None
    if form.validate_on_submit():
        try:
            deckstore.update_card(card, **form.fields())
        except StudioError as refused:
            error = show_error(form, refused)
        else:
            done(_("Card %(number)s saved.", number=deckstore.card_number(card)))
            return _back_to(card.deck, f"#card-{card.id}")
    status = 400 if form.errors or error else 200
    return render_template("admin/card_form.html", form=form, card=card, number=deckstore.card_number(card),
                           error=error), status


@bp.post("/cards/<int:card_id>/enabled")
def toggle_card(card_id: int):
    card = get_or_404(Card, card_id)
    deckstore.set_card_enabled(card, request.form.get("enabled") == "1")
    number = deckstore.card_number(card)
    done(_("Card %(number)s enabled.", number=number) if card.enabled
         else _("Card %(number)s disabled: it won't be dealt.", number=number))
    return _back_to(card.deck, f"#card-{card.id}")


@bp.post("/cards/<int:card_id>/delete")
def delete_card(card_id: int):
    card = get_or_404(Card, card_id)
    deck, number = card.deck, deckstore.card_number(card)
    try:
        deckstore.delete_card(card)
    except StudioError as refused:
        return render_deck(deck, 409, error=refused.message)
    done(_("Card %(number)s deleted.", number=number))
    return _back_to(deck, "#cards")
