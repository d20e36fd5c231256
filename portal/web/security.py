"""Security headers on every response, hardened session cookies, and the optional reverse-proxy fix."""

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import proxy_count

# Only the portal's own files: no inline script or style, no eval, no plugin, no framing, forms post home.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# One page only, the editors' trees (/editeurs/arbres), also allows inline styles. Mermaid, which draws the
# trees, writes a <style> element and style="" attributes into every SVG it makes, and has no setting to do
# otherwise: under the strict policy the shapes come out black and unreadable. Scripts stay 'self' only; the
# page is behind the editors' login; its text comes from the reviewed YAML, escaped by Jinja and sanitised by
# Mermaid (securityLevel "strict"); CSS alone cannot run code, and img-src/connect-src keep it from reaching
# another site.
CONTENT_SECURITY_POLICY_INLINE_STYLES = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Walks in the URL are generic situations, but a place (lieu=) is still nobody else's business.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

HSTS = "max-age=31536000"


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with `Secure` also whenever the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def add_security_headers(response: Response) -> Response:
    """Set the portal's security headers (a view may have set a stricter one: it is kept)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Headers on every response, cookie flags, and ProxyFix when PORTAL_PROXIES says how many proxies to trust."""
    app.session_interface = PortalSessionInterface()
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.after_request(add_security_headers)
    proxies = proxy_count(app.config.get("PROXIES"))
    if proxies is None:
        raise SystemExit(
            f"PORTAL_PROXIES doit être un nombre de proxys (0, 1, 2…), pas « {app.config.get('PROXIES')} »."
        )
    if proxies:
        # Trusting X-Forwarded-* from anyone would let a client claim TLS or another host: only behind proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
