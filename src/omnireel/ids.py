"""Random identifiers: lowercase alphanumerics only, because the SDK parses file ids with `[a-z0-9]+`.

Public ids carry at least 128 bits of randomness (26 base-36 characters are 134 bits) so they cannot be guessed.
Lookups never check an id's length: ids issued before they grew (16 or 20 characters) keep working.
"""

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits
RANDOM_CHARS = 26  # 26 * log2(36) = 134 bits


def new_id(length: int = RANDOM_CHARS) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def interaction_id() -> str:
    # "v1_" mirrors the hosted API's ids; the rest is random.
    return "v1_" + new_id()


def file_id() -> str:
    return new_id()


def token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)
