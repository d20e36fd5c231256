"""Live preview: reload content on change; in dev mode, broken content gives a French page of its problems."""

from flask import Blueprint, Flask, current_app, jsonify, render_template, request

from portal.serving import ContentWatcher, content_problems

bp = Blueprint("dev", __name__, url_prefix="/dev")

# Endpoints that answer even when the content is broken: the page needs its stylesheet and script.
_ALWAYS = {"static", "dev.state"}


def dev_fingerprint() -> str:
    """The fingerprint of the content files as last loaded: each preview page carries the one it was made
    from, and reloads itself as soon as /dev/etat gives another (static/js/portal.js)."""
    return current_app.extensions["portal_watcher"].fingerprint


@bp.get("/etat")
def state():
    """The content state as JSON; the preview page polls it and reloads itself when it changes."""
    served = current_app.extensions.get("portal_version")
    return jsonify(
        {
            "empreinte": dev_fingerprint(),
            "version": served.catalog.version if served else None,
            "problemes": sum(1 for p in content_problems(current_app) if p.severity == "erreur"),
        }
    )


def _watch_in_background():
    current_app.extensions["portal_watcher"].run_in_background()


def _watch():
    current_app.extensions["portal_watcher"].poll()
    if request.endpoint in _ALWAYS:
        return None
    problems = content_problems(current_app)
    if not problems:
        return None
    errors = [p for p in problems if p.severity == "erreur"]
    warnings = [p for p in problems if p.severity != "erreur"]
    page = render_template("dev/problems.html", errors=errors, warnings=warnings)
    return page, 503, {"Cache-Control": "no-store", "Retry-After": "2"}


def init_app(app: Flask) -> None:
    """Dev mode (PORTAL_DEV=1 or `portal serve --dev`) looks at the files before every request; production, if
    PORTAL_RELOAD_SECONDS is set, in a thread of each worker, every N seconds, outside requests. Called before
    the content is first loaded: a file saved during the start is then seen at the next look."""
    interval = 0.0 if app.config.get("DEV") else float(app.config.get("RELOAD_SECONDS") or 0)
    if not app.config.get("DEV") and interval <= 0:
        return
    app.extensions["portal_watcher"] = ContentWatcher(app, interval)
    if not app.config.get("DEV"):
        app.before_request(_watch_in_background)
        return
    app.before_request(_watch)  # registered before the version is pinned: the request sees the new one
    app.jinja_env.auto_reload = True  # a template edited during the preview shows at the next page too
    app.jinja_env.globals["dev_fingerprint"] = dev_fingerprint
    app.register_blueprint(bp)
