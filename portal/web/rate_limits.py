"""The rate limits of the forms: each request counted per client address and, for a login, per account name,
in the database (shared by workers and instances); over a limit, a 429 that says when to come back.

A login is limited so that nobody can lock an editor out by failing on purpose with their name:
- per address, every name together (`LOGINS_PER_15_MIN`): one machine cannot try many accounts;
- per account *and* address, with a wait that grows: 5 attempts a quarter of an hour, then 20 a day;
- per account from every address together (a slow attack spread over many machines): `LOGINS_PER_15_MIN` × 3
  an hour, except for a browser where this account has logged in before (a signed « known device » cookie):
  the owner keeps their way in while the name is under attack.
"""

from datetime import timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import TooManyRequests

from portal.feedback import client_key, count_action
from portal.store import get_session


def limit_rate(bucket: str, limit: int, window: timedelta) -> None:
    """Count this request in `bucket` for its address; raise a 429 with Retry-After when it did more than
    `limit` in the current `window`."""
    wait = count_action(get_session(), bucket, client_key(current_app.secret_key, request.remote_addr), limit, window)
    if wait:
        raise TooManyRequests(retry_after=wait)


DEVICE_COOKIE = "portail_appareil"
DEVICE_DAYS = 90
_PAIR_LIMITS = ((5, timedelta(minutes=15)), (20, timedelta(days=1)))


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="appareil-connu")


def known_device(name: str) -> bool:
    """Whether this browser carries the signed cookie of a past login of `name` (within DEVICE_DAYS)."""
    try:
        names = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return isinstance(names, list) and name.lower() in names


def remember_device(response: Response, name: str) -> None:
    """After a good login: this browser is known for `name` (the cookie holds the account names, signed)."""
    try:
        names = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        names = []
    names = [kept for kept in names if kept != name.lower()][-4:] + [name.lower()]
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(names),
        max_age=DEVICE_DAYS * 86400,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure,
        httponly=True,
        samesite="Lax",
        path="/editeurs/",
    )


def limit_login(name: str) -> None:
    """Count a login attempt on `name` from this address; a 429 (with Retry-After) over any of the limits."""
    per_address = current_app.config.get("LOGINS_PER_15_MIN", 10)
    secret, session = current_app.secret_key, get_session()
    address = request.remote_addr
    account = "nom:" + name.lower()  # hashed: the name field may hold a password typed in the wrong box
    counts = [count_action(session, "connexion", client_key(secret, address), per_address, timedelta(minutes=15))]
    pair = client_key(secret, f"{account}|{client_key(secret, address)}")
    for number, (limit, window) in enumerate(_PAIR_LIMITS):
        counts.append(count_action(session, f"connexion-compte-{number}", pair, limit, window))
    if not known_device(name):
        counts.append(
            count_action(session, "connexion-nom", client_key(secret, account), per_address * 3, timedelta(hours=1))
        )
    if wait := max(counts):
        raise TooManyRequests(retry_after=wait)
