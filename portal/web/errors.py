"""Error pages and JSON errors, in French, for every status the portal can answer."""

import math

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from portal.logs import EscapeControlFilter

MESSAGES = {
    400: ("Demande incomprise", "La demande contient une valeur que le portail ne comprend pas."),
    403: ("Accès refusé", "Votre compte ne permet pas d'ouvrir cette page."),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page du portail."),
    405: ("Méthode non permise", "Cette page ne s'utilise pas de cette façon."),
    409: ("Conflit", "La page a changé entre-temps : rechargez-la."),
    413: ("Envoi trop volumineux", "Le texte envoyé est trop long."),
    429: ("Trop de demandes", "Vous avez envoyé beaucoup de demandes en peu de temps : réessayez {wait}."),
    500: (
        "Erreur du portail",
        "Le portail a rencontré une erreur. L'équipe en est avertie ; réessayez plus tard.",
    ),
}


class FicheNotFound(str):
    """The 404 description of an unknown fiche id: the words typed, offered to the search box."""


# A 429 without its own delay (every limit of the portal gives one) still tells when to come back.
DEFAULT_RETRY_AFTER = 60


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.logger.addFilter(EscapeControlFilter())  # a path or a value with a line break cannot forge a log line


def wait_text(seconds: int) -> str:
    """« dans 40 secondes », « dans 12 minutes », « dans 2 heures »."""
    if seconds < 60:
        return f"dans {seconds} seconde{'s' if seconds > 1 else ''}"
    if seconds < 2 * 3600:
        minutes = math.ceil(seconds / 60)
        return f"dans {minutes} minute{'s' if minutes > 1 else ''}"
    return f"dans {math.ceil(seconds / 3600)} heures"


def _http_error(error: HTTPException):
    status = error.code or 500
    title, message = MESSAGES.get(status, (error.name, "La demande n'a pas pu aboutir."))
    query = ""
    if status == 404 and isinstance(error.description, FicheNotFound):
        title, message = (
            "Fiche introuvable",
            "Aucune fiche ne porte cet identifiant. Elle a peut-être été renommée : cherchez-la par son nom.",
        )
        query = str(error.description)
    elif isinstance(error, SecurityError):  # a Host header that TRUSTED_HOSTS does not list
        message = "Le portail ne répond pas sous ce nom d'hôte : vérifiez l'adresse."
        if not request.path.startswith("/api/"):
            # No page template: without a trusted host, Flask has no URL adapter to build the page's links.
            return message, status, {"Content-Type": "text/plain; charset=utf-8"}
    elif status in (400, 403, 404, 409) and _own(error):
        message = error.description  # our own French explanation
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    if status == 429:
        retry_after = getattr(error, "retry_after", None)
        seconds = retry_after if isinstance(retry_after, int) and retry_after > 0 else DEFAULT_RETRY_AFTER
        headers["Retry-After"] = str(seconds)
        message = message.format(wait=wait_text(seconds))
    if request.path.startswith("/api/"):
        response = jsonify({"erreur": title, "message": message})
        response.status_code = status
        response.headers.update(headers)
        return response
    page = render_template("error.html", title=title, message=message, status=status, query=query)
    return page, status, headers


def _own(error: HTTPException) -> bool:
    """A French explanation the portal gave with abort(), not Werkzeug's English default."""
    description = error.description
    return isinstance(description, str) and description != type(error).description and bool(description)


def _unexpected_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Erreur inattendue sur %s", request.path)
    return _http_error(_InternalError())


class _InternalError(HTTPException):
    code = 500
    description = ""
