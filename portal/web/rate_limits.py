"""The rate limits of the forms: each request counted per client address and, for a login, per account name,
in the database (shared by workers and instances); over a limit, a 429 that says when to come back.

A login is limited so that nobody can lock an editor out by failing on purpose with their name:
- per address, every name together (`LOGINS_PER_15_MIN`): one machine cannot try many accounts;
- per account *and* address, with a wait that grows: 5 failures a quarter of an hour, then 20 a day;
- per account from every address together (a slow attack spread over many machines): `LOGINS_PER_15_MIN` × 3
  failures an hour, except for a browser where this account has logged in before (a signed « known device »
  cookie): the owner keeps their way in while the name is under attack.
Only failures count against an account: an editor who logs in often is never held.
"""

from datetime import timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import TooManyRequests

from portal.feedback import client_key, count_action, window_wait
from portal.store import get_session


def limit_rate(bucket: str, limit: int, window: timedelta) -> None:
    """Count this request in `bucket` for its address; raise a 429 with Retry-After when it did more than
    `limit` in the current `window`."""
    wait = count_action(get_session(), bucket, client_key(current_app.secret_key, request.remote_addr), limit, window)
    if wait:
        raise TooManyRequests(retry_after=wait)


DEVICE_COOKIE = "portail_appareil"
DEVICE_DAYS = 90


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="appareil-connu")


def _device_names() -> list:
    """The account names this browser's signed cookie holds (within DEVICE_DAYS); none without a valid one."""
    try:
        names = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return names if isinstance(names, list) else []


def known_device(name: str) -> bool:
    """Whether this browser carries the signed cookie of a past login of `name` (within DEVICE_DAYS)."""
    return name.lower() in _device_names()


def remember_device(response: Response, name: str) -> None:
    """After a good login: this browser is known for `name` (the cookie holds the account names, signed)."""
    names = [kept for kept in _device_names() if kept != name.lower()][-4:] + [name.lower()]
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(names),
        max_age=DEVICE_DAYS * 86400,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure,
        httponly=True,
        samesite="Lax",
        path="/editeurs/",
    )


def _login_buckets(name: str) -> list[tuple[str, str, int, timedelta]]:
    """The buckets of a login's failures on `name` from this address: (bucket, client, limit, window)."""
    secret = current_app.secret_key
    account = "nom:" + name.lower()  # hashed: the name field may hold a password typed in the wrong box
    pair = client_key(secret, f"{account}|{client_key(secret, request.remote_addr)}")
    quarter, day = current_app.config.get("LOGIN_FAILURES", (5, 20))
    limits = ((quarter, timedelta(minutes=15)), (day, timedelta(days=1)))
    buckets = [(f"connexion-compte-{n}", pair, limit, window) for n, (limit, window) in enumerate(limits)]
    per_name = current_app.config.get("LOGINS_PER_15_MIN", 10) * 3
    buckets.append(("connexion-nom", client_key(secret, account), per_name, timedelta(hours=1)))
    return buckets


def limit_login(name: str) -> None:
    """Count a login attempt from this address, and refuse it (a 429 with Retry-After) over the address's limit,
    or when the failures on `name` from this address, or from everywhere (unless this browser is known to the
    account), reached theirs. A good login is never counted against the account."""
    per_address = current_app.config.get("LOGINS_PER_15_MIN", 10)
    session = get_session()
    address = client_key(current_app.secret_key, request.remote_addr)
    waits = [count_action(session, "connexion", address, per_address, timedelta(minutes=15))]
    known = known_device(name)
    for bucket, client, limit, window in _login_buckets(name):
        if not (bucket == "connexion-nom" and known):
            waits.append(window_wait(session, bucket, client, limit, window))
    if wait := max(waits):
        raise TooManyRequests(retry_after=wait)


def record_login_failure(name: str) -> None:
    """Count a wrong name or password against `name`, from this address and from everywhere."""
    session = get_session()
    for bucket, client, limit, window in _login_buckets(name):
        count_action(session, bucket, client, limit, window)
