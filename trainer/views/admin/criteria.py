"""The service criteria an awards session votes on: an admin edits the set.

Sessions keep the set they were created with, so a change here reaches the
next session, never one already under way.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...coaching import criteria as store
from ...coaching import cues
from ...coaching import phrases as cue_phrases
from ...game.modes import MAX_CRITERIA
from ...refusals import Refusal
from . import bp
from .common import done

FIELDS = ("name", "definition")


def _posted() -> list[dict[str, dict[str, str]]]:
    """The form's slots as criteria; a slot left blank in every language is no criterion."""
    slots = []
    for slot in range(MAX_CRITERIA):
        texts = {
            lang: {f: request.form.get(f"c{slot}-{lang}-{f}", "") for f in FIELDS} for lang in store.LANGUAGES
        }
        if any(v.strip() for entry in texts.values() for v in entry.values()):
            slots.append(texts)
    return slots


def _padded(found: list[dict[str, dict[str, str]]]) -> list[dict[str, dict[str, str]]]:
    """Always MAX_CRITERIA slots on the page, the empty ones to add a criterion in."""
    return [*found, *({} for _ in range(MAX_CRITERIA - len(found)))][:MAX_CRITERIA]


@bp.route("/criteria", methods=["GET", "POST"])
def criteria():
    error = None
    shown = store.current_set()
    if request.method == "POST":
        shown = _posted()
        try:
            store.save_set(shown)
        except Refusal as refused:
            error = refused.message
        else:
            done(_("Service criteria saved. New sessions vote on them; sessions already created keep theirs."))
            return redirect(url_for("admin.criteria"))
    return render_template(
        "admin/criteria.html", slots=_padded(shown), languages=store.LANGUAGES, error=error,
        limits={"name": store.NAME_MAX, "definition": store.DEFINITION_MAX},
    ), 400 if error else 200


@bp.post("/criteria/reset")
def reset_criteria():
    store.reset_set()
    done(_("The shipped service criteria are back."))
    return redirect(url_for("admin.criteria"))


# --- service cue phrases ------------------------------------------------------------


@bp.route("/criteria/cues", methods=["GET", "POST"])
def cue_phrases_page():
    """Each language's cue phrases: the shipped ones, an admin's additions, less removals."""
    language = request.values.get("language", "en")
    if language not in cues.LANGUAGES:
        language = "en"
    error, typed = None, {"kind": "", "phrase": ""}
    if request.method == "POST":
        kind, phrase = request.form.get("kind", ""), request.form.get("phrase", "")
        try:
            if request.form.get("action") == "remove":
                cue_phrases.remove_phrase(language, kind, phrase)
                done(_("Phrase removed. The change applies to replies sent from now on."))
            else:
                cue_phrases.add_phrase(language, kind, phrase)
                done(_("Phrase added. The change applies to replies sent from now on."))
        except Refusal as refused:
            error, typed = refused.message, {"kind": kind, "phrase": phrase}  # nothing typed is lost
        else:
            return redirect(url_for("admin.cue_phrases_page", language=language) + f"#cue-{kind}")
    added, removed = cue_phrases.changes(language)
    return render_template(
        "admin/cue_phrases.html", language=language, languages=store.LANGUAGES, kinds=cues.KINDS,
        flags=cues.FLAGS, labels=cue_phrases.LABELS, phrases=cue_phrases.shown_phrases(language),
        added=added, removed=removed, error=error, typed=typed,
    ), 400 if error else 200
