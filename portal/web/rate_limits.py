"""The rate limits of the forms: each request counted per client address and, for a login, per account name,
in the database (shared by workers and instances); over a limit, a 429 that says when to come back."""

from datetime import timedelta

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

from portal.feedback import client_key, count_action
from portal.store import get_session


def limit_rate(bucket: str, limit: int, window: timedelta, name: str | None = None) -> None:
    """Count this request in `bucket`, for its address and, when given, for the account `name`; raise a 429 with
    Retry-After when either did more than `limit` in the current `window`."""
    secret = current_app.secret_key
    clients = [client_key(secret, request.remote_addr)]
    if name is not None:
        clients.append(client_key(secret, "nom:" + name.lower()))  # not the name itself: it may be a password
    session = get_session()
    wait = max(count_action(session, bucket, client, limit, window) for client in clients)
    if wait:
        raise TooManyRequests(retry_after=wait)
