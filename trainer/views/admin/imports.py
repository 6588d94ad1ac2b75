"""Importing a file: upload, preview every row, then confirm (or cancel).

Nothing is written before the confirmation; the upload waits in the
database (trainer.decks.imports) between the two.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...database.ids import row_id
from ...decks import imports as deckimport
from ...decks.files import CSV_COLUMNS, MAX_FILE_BYTES, DeckFileRefused
from ...decks.messages import THEME_LABELS, StudioError, problem_text, studio_message
from ...models import Deck
from ..forms import ConfirmImportForm, UploadForm
from . import bp
from .common import done, get_or_404

PREVIEW_PAGE = 100


def _target_deck() -> Deck | None:
    deck_id = request.args.get("deck", "")
    return get_or_404(Deck, number) if (number := row_id(deck_id)) else None


@bp.route("/imports/new", methods=["GET", "POST"])
def new_import():
    deck = _target_deck()
    form = UploadForm()
    error = None
    if form.validate_on_submit():
        data = form.file.data.stream.read(MAX_FILE_BYTES + 1)
        try:
            upload = deckimport.stage_upload(
                current_user, form.file.data.filename or "deck", data, deck, form.deck_name.data or ""
            )
        except DeckFileRefused as refused:
            error = studio_message(refused.code, refused.details)
        else:
            return redirect(url_for("admin.import_preview", upload_id=upload.id))
    status = 400 if form.errors or error else 200
    return render_template("admin/import_new.html", form=form, deck=deck, error=error, columns=CSV_COLUMNS), status


def _upload_or_gone(upload_id: str):
    upload = deckimport.find_upload(upload_id, current_user)
    if upload is None:
        abort(404, studio_message("upload_gone"))
    return upload


@bp.route("/imports/<upload_id>", methods=["GET", "POST"])
def import_preview(upload_id: str):
    upload = _upload_or_gone(upload_id)
    form = ConfirmImportForm()
    error = None
    if form.validate_on_submit():
        try:
            deck, added = deckimport.confirm_upload(upload, bool(form.skip_invalid.data))
        except StudioError as refused:
            error = refused.message
        else:
            done(ngettext("%(num)s card imported into “%(name)s”.", "%(num)s cards imported into “%(name)s”.",
                          added, name=deck.name))
            return redirect(url_for("admin.deck", deck_id=deck.id))
    plan = deckimport.plan_upload(upload)
    # A long file is shown a page at a time: the page of its refused rows and of its cards.
    pages = max(1, -(-max(len(plan.bad), len(plan.good)) // PREVIEW_PAGE))
    page = min(row_id(request.args.get("page", "1")) or 1, pages)
    first = (page - 1) * PREVIEW_PAGE
    return render_template(
        "admin/import_preview.html", upload=upload, plan=plan, form=form, error=error,
        bad_rows=[(row, problem_text(row.problems)) for row in plan.bad[first:first + PREVIEW_PAGE]],
        theme_labels=THEME_LABELS, page=page, pages=pages, first=first, page_size=PREVIEW_PAGE,
    ), 400 if error else 200


@bp.post("/imports/<upload_id>/cancel")
def cancel_import(upload_id: str):
    upload = _upload_or_gone(upload_id)
    deck_id = upload.deck_id
    deckimport.discard_upload(upload)
    done(_("Import cancelled; nothing was changed."))
    return redirect(url_for("admin.deck", deck_id=deck_id) if deck_id else url_for("admin.decks"))
