"""How long sessions are kept: off by default; the sweeper deletes older ones."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...records import retention
from ...records.messages import RecordsError
from ...refusals import Refusal
from . import bp
from .common import done


@bp.route("/retention", methods=["GET", "POST"])
def retention_setting():
    error = None
    typed = request.form.get("days", "").strip()
    if request.method == "POST":
        try:
            if typed and (not typed.isascii() or not typed.isdigit() or len(typed) > 6):
                raise RecordsError("retention_range")
            retention.set_retention_days(int(typed) if typed else None)
        except Refusal as refused:
            error = refused.message
        else:
            days = retention.retention_days()
            done(_("Sessions are now kept for %(days)s days.", days=days) if days
                 else _("Sessions are now kept until an admin deletes them."))
            return redirect(url_for("admin.retention_setting"))
    else:
        days = retention.retention_days()
        typed = str(days) if days else ""
    return render_template("admin/retention.html", days=typed, error=error), 400 if error else 200
