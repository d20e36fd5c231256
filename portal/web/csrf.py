"""CSRF protection for the portal's forms: a random token kept in the session, echoed by each form."""

import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's token (created on first use); templates put it in a hidden field."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check_csrf() -> None:
    """Refuse an unsafe request whose form does not carry the session's token."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    expected = session.get(FIELD)
    sent = request.form.get(FIELD, "")
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a typed « é » was a 500).
    if not expected or not hmac.compare_digest(str(expected).encode(), sent.encode("utf-8", "replace")):
        abort(
            400,
            description="Le formulaire a expiré ou ne vient pas du portail : rechargez la page, puis envoyez-le "
            "de nouveau.",
        )
