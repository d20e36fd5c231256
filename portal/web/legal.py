"""The pages the law asks for, linked in every footer: « Accessibilité » (RGAA 4.1 statement), « Mentions
légales » (with the licence of the content) and « Données personnelles » (what the portal stores, why, how long).
Who publishes and hosts the portal comes from the settings (LEGAL_SETTINGS); an unset one reads « non renseigné »."""

from flask import Blueprint, Flask, current_app, render_template, request

from portal.config import LEGAL_SETTINGS
from portal.feedback import REASONS
from portal.licence import (
    CODE_LICENCE,
    CONTENT_LICENCE,
    CONTENT_LICENCE_URL,
    LINK_HEADER,
    licence_json,
    third_party_sources,
)
from portal.serving import current_catalog, current_version

bp = Blueprint("legal", __name__)

NOT_SET = "non renseigné"

# The automatic checks the test suite runs on every page type (tests/browser/test_browser_accessibility.py), and
# what they found when this statement was last written: a human audit of the RGAA criteria has not been done.
AXE_RESULT = {
    "date": "6 décembre 2026",
    "outil": "axe-core 4.14 (règles WCAG 2.1 A et AA), dans Chromium",
    "types_de_pages": 35,
    "bloquants": 0,
}


def missing_settings(config) -> list[str]:
    """The legal settings left empty, as warnings for the operator (`portal check`)."""
    return [
        f"réglage : mentions légales : {label} non renseigné (réglez PORTAL_{key} sur le serveur)"
        for key, label in LEGAL_SETTINGS.items()
        if not config.get(key)
    ]


def _legal() -> dict:
    config = current_app.config
    return {key.lower(): config.get(key) or "" for key in LEGAL_SETTINGS} | {"non_renseigne": NOT_SET}


@bp.get("/accessibilite")
def accessibility():
    """The RGAA 4.1 accessibility statement."""
    return render_template("legal/accessibility.html", legal=_legal(), axe=AXE_RESULT, reason=REASONS["accessibilite"])


@bp.get("/mentions-legales")
def notices():
    """Publisher, director of publication, host, contact; the licences of the code and of the content."""
    return render_template(
        "legal/notices.html",
        legal=_legal(),
        content_licence=CONTENT_LICENCE,
        content_licence_url=CONTENT_LICENCE_URL,
        code_licence=CODE_LICENCE,
        third_party_sources=third_party(),
    )


@bp.get("/donnees-personnelles")
def personal_data():
    """What the portal stores about people, why, for how long, on which lawful basis, and the rights."""
    from portal.web.rate_limits import DEVICE_DAYS

    months = current_app.config["REPORT_RETENTION_MONTHS"]
    return render_template("legal/personal_data.html", legal=_legal(), months=months, device_days=DEVICE_DAYS)


def _licence_header(response):
    # Every JSON answer of the API names the licence of its data (RFC 8288 « license » relation).
    if request.path.startswith("/api/"):
        response.headers["Link"] = LINK_HEADER
    return response


def licence() -> dict:
    """The `licence` field of the API's list answers, made once per content version."""
    return current_version().derived("licence", lambda: licence_json(current_catalog()))


def third_party() -> list[dict]:
    """The third-party datasets the served content copies, with their attribution (once per content version)."""
    return current_version().derived("third-party", lambda: third_party_sources(current_catalog()))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(third_party)
    app.after_request(_licence_header)
