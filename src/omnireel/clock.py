"""Wall-clock access in one place, so tests can inject time (expiry, leases)."""

import time
from datetime import datetime, timezone


def now() -> float:
    return time.time()


def rfc3339(ts: float | None) -> str | None:
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
