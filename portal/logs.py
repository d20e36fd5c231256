"""Log lines a request cannot forge: control characters of what a client sent are escaped, in the portal's own
log and in gunicorn's access and error logs (a path with « %0A » would otherwise start a fake line)."""

import logging
import re

from gunicorn import glogging

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    """`text` with each control character written as its escape (« \\n », « \\x1b »): one line, no terminal codes."""
    return _CONTROL.sub(lambda match: match.group(0).encode("unicode_escape").decode("ascii"), text)


def _escaped(value):
    return escape_control(value) if isinstance(value, str) else value


class EscapeControlFilter(logging.Filter):
    """Escapes the message and its string arguments of every record of the logger it is added to."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _escaped(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _escaped(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_escaped(value) for value in record.args)
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger, with every value of the access log escaped: its path (%(U)s) is URL-decoded, and
    headers (user agent, referer) are the client's words; the error log's messages too."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(EscapeControlFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: _escaped(value) for key, value in atoms.items()}
