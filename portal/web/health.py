"""`/sante`: the version this worker serves and whether the database answers, for a deploy script that checks
that every node agrees (deploy/check_nodes.py) and for a load balancer's health check."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("health", __name__)


@bp.get("/sante")
def health():
    """200 with the served version when the database answers; 503 (same JSON) when it does not."""
    served = current_app.extensions.get("portal_version")
    try:
        with current_app.extensions["portal_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
        database = True
    except SQLAlchemyError:
        database = False
    ok = database and served is not None
    response = jsonify({"etat": "ok" if ok else "en panne", "version": served.id if served else None, "base": database})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
