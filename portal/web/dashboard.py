"""/tableau-de-bord: the anonymous counts for editors and PRITH accounts, as SVG bar charts with their tables, and
as CSV. Behind the editors' login; a territory editor sees the demand for contacts of their territory."""

import csv
import io

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from portal.dashboard import Table, bar_chart, demand_by_departement, demand_table, result_tables, search_miss_table
from portal.serving import current_catalog, current_places
from portal.territory_edits import scope_label, scope_refs
from portal.web.coverage import current_coverage
from portal.web.editors import current_editor, current_scope, is_national

bp = Blueprint("dashboard", __name__, url_prefix="/tableau-de-bord")


@bp.before_request
def _require_editor():
    # The same accounts as the editors' area: an anonymous visitor is sent to log in, then comes back here.
    if current_editor() is None:
        return redirect(url_for("editors.login", suivant=request.full_path.rstrip("?")), code=303)
    return None


@bp.context_processor
def _scope_in_templates() -> dict:
    return {"national_editor": is_national}  # the editors' navigation, as in their area


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def minimum() -> int:
    return max(1, current_app.config.get("DASHBOARD_MIN_COUNT", 5))


def _departements() -> set[str] | None:
    """The départements whose demand the account sees: None for all (national)."""
    if is_national():
        return None
    return {ref.code for ref in scope_refs(current_scope(), current_places()) if ref.kind == "territoires"}


def _tables() -> dict[str, Table]:
    engine, catalog, least = current_app.extensions["portal_engine"], current_catalog(), minimum()
    current_app.extensions["portal_counts"].flush()  # this worker's counts first: the page shows what was just seen
    tables = result_tables(engine, catalog, least)
    demand = demand_table(engine, catalog, current_coverage(), _departements(), least)
    tables += [demand_by_departement(demand, least), demand, search_miss_table(engine, least)]
    return {table.key: table for table in tables}


@bp.get("")
def dashboard_page():
    """Every table, most with a chart beside it."""
    tables = _tables()
    charts = {
        "resultats-par-mois": bar_chart(tables["resultats-par-mois"], keep_order=True),
        "resultats-par-etape": bar_chart(tables["resultats-par-etape"]),
        "resultats-par-statut": bar_chart(tables["resultats-par-statut"]),
        "resultats-par-issue": bar_chart(tables["resultats-par-issue"], label_cell=1),
        "demande-par-departement": bar_chart(tables["demande-par-departement"]),
        "recherches-sans-resultat": bar_chart(tables["recherches-sans-resultat"]),
    }
    return render_template(
        "dashboard/page.html",
        editor=current_editor(),
        tables=tables,
        charts=charts,
        minimum=minimum(),
        territory=scope_label(current_scope(), current_places()),
        national=is_national(),
    )


@bp.get("/<key>.csv")
def table_csv(key: str):
    """One table as CSV (semicolons, UTF-8 with BOM for spreadsheets): the rows below the minimum are not in it."""
    table = _tables().get(key)
    if table is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.exported():
        writer.writerow([*row.cells, row.count])
    headers = {"Content-Disposition": f'attachment; filename="{key}.csv"'}
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)
