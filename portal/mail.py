"""Mail sent by the portal: the invitation of a territory editor, through the SMTP server of the settings (none:
the link is only shown on screen and by `portal editeur inviter`, to be passed on by hand)."""

import smtplib
import ssl
from email.message import EmailMessage


class MailError(Exception):
    """The mail could not be sent; the message is French."""


def smtp_configured(config: dict) -> bool:
    return bool(config.get("SMTP_HOST"))


def send_invitation(config: dict, to: str, link: str, territory: str, days: int) -> None:
    """Send the one-time `link` to `to`. Nothing of it is stored: neither the address nor the link."""
    message = EmailMessage()
    message["Subject"] = "Invitation : tenir les contacts du portail PDP"
    message["From"] = config.get("SMTP_FROM") or "portail-pdp@localhost"
    message["To"] = to
    message.set_content(
        "Bonjour,\n\n"
        f"Vous êtes invité·e à tenir les contacts du maintien en emploi du territoire : {territory}, dans l'espace "
        "éditeurs du portail PDP.\n\n"
        f"Pour créer votre compte, ouvrez ce lien (valable {days} jours, une seule fois) :\n{link}\n\n"
        "Si vous n'attendiez pas cette invitation, ignorez ce message.\n"
    )
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    try:
        with smtplib.SMTP(host, port, timeout=20) as server:
            if config.get("SMTP_STARTTLS"):
                server.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"le courriel n'a pas pu être envoyé par {host}:{port} ({error})") from None
