"""Error pages and JSON errors, in French, for every status the portal can answer."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Demande incomprise", "La demande contient une valeur que le portail ne comprend pas."),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page du portail."),
    405: ("Méthode non permise", "Cette page ne s'utilise pas de cette façon."),
    413: ("Envoi trop volumineux", "Le texte envoyé est trop long."),
    429: (
        "Trop de demandes",
        "Vous avez envoyé beaucoup de demandes en peu de temps : réessayez dans une minute.",
    ),
    500: (
        "Erreur du portail",
        "Le portail a rencontré une erreur. L'équipe en est avertie ; réessayez plus tard.",
    ),
}


class FicheNotFound(str):
    """The 404 description of an unknown fiche id: the words typed, offered to the search box."""


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


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
    elif status == 400 and isinstance(error.description, str) and not error.description.startswith("The "):
        message = error.description  # our own French explanation
    if request.path.startswith("/api/"):
        response = jsonify({"erreur": title, "message": message})
        response.status_code = status
        return response
    return render_template("error.html", title=title, message=message, status=status, query=query), status


def _unexpected_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Erreur inattendue sur %s", request.path)
    return _http_error(_InternalError())


class _InternalError(HTTPException):
    code = 500
    description = ""
