"""Random identifiers: lowercase alphanumerics only, because the SDK parses file ids with `[a-z0-9]+`."""

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits


def new_id(length: int = 16) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def interaction_id() -> str:
    # "v1_" mirrors the hosted API's ids; the rest is random.
    return "v1_" + new_id(20)


def file_id() -> str:
    return new_id(16)


def token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)
