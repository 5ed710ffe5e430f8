"""Keep credentials out of the server log: the access log prints request lines, and two query parameters are secrets.

`key` is an API key (`?key=` is one of the ways to authenticate) and `upload_id` is the only credential of an upload
URL. A filter on uvicorn's loggers replaces their values with REDACTED before any handler formats the record.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

SECRET_PARAMS = frozenset({"key", "upload_id"})
_PARAM = re.compile(r"([?&;])([^=&;#?\s\"']+)=([^&;#\s\"']*)")
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn")


def redact(text: str) -> str:
    """`text` with the values of secret query parameters replaced; names are compared as the server decodes them
    (`%6Bey=` is `key=`)."""
    if "=" not in text:
        return text
    return _PARAM.sub(_redact_param, text)


def _redact_param(match: re.Match) -> str:
    if unquote_plus(match.group(2)).strip().lower() in SECRET_PARAMS:
        return f"{match.group(1)}{match.group(2)}=REDACTED"
    return match.group(0)


class RedactSecrets(logging.Filter):
    """Rewrites the message and string arguments of a record (uvicorn's access formatter reads the arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Add the filter to uvicorn's loggers (idempotent). Logger filters survive uvicorn's logging dictConfig."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
