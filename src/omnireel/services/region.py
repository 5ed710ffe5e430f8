"""Regional limits: what the hosted model does not offer in some regions is refused here too, as an explicit
403 region_restricted that says what is limited and what is still possible, never as a generic failure.

In the EEA, Switzerland and the UK (the seed's limits): uploaded videos cannot be edited, extended or upscaled
(videos generated here can), and images that depict minors cannot be uploaded or edited. Images are not classified
by their pixels, so the second limit applies where the request's own words say its image shows a child.

A tenant's region is set by the operator (`omnireel keys region TENANT CODE`); tenants without one take the
server's OMNIREEL_REGION; with neither, no regional limit applies.
"""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from omnireel.errors import InvalidArgument, NotFound, RegionRestricted
from omnireel.storage.tables import tenants

# EU member states, the other EEA states (Iceland, Liechtenstein, Norway), Switzerland and the UK.
LIMITED = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO CH GB".split()
)
_ALIASES = {"UK": "GB", "EL": "GR"}  # common spellings that are not ISO codes
_CODE = re.compile(r"[A-Z]{2}")
_SOURCE_TASKS = ("edit", "extend", "upscale")
# Words that say an image shows a child. Matched on whole words of the request's text.
_MINOR = re.compile(
    r"\b(?:child|children|kid|kids|baby|babies|toddlers?|infants?|newborns?|sons?|daughters?|boys?|girls?|teens?|"
    r"teenagers?|minors?|schoolboys?|schoolgirls?|schoolchildren|preschoolers?|grandsons?|granddaughters?|"
    r"grandchild|grandchildren|little ones)\b",
    re.IGNORECASE,
)


def normalise(code: str) -> str:
    """An ISO 3166-1 alpha-2 code from user input ("de", "UK"), or InvalidArgument."""
    c = _ALIASES.get(code.strip().upper(), code.strip().upper())
    if not _CODE.fullmatch(c):
        raise InvalidArgument(f"'{code}' is not a two-letter country code (ISO 3166-1 alpha-2, e.g. DE, FR, GB, US).")
    return c


def set_region(db: Engine, tenant_id: str, code: str | None) -> None:
    """Set (or with None clear) a tenant's region."""
    value = normalise(code) if code else None
    with db.begin() as conn:
        if conn.execute(update(tenants).where(tenants.c.id == tenant_id).values(region=value)).rowcount == 0:
            raise NotFound(f"Tenant '{tenant_id}' not found.")


def region_of(db: Engine, tenant_id: str, default: str = "") -> str:
    """The tenant's region, else `default` (the server's); "" when neither is set."""
    with db.connect() as conn:
        own = conn.execute(select(tenants.c.region).where(tenants.c.id == tenant_id)).scalar()
    return own or (normalise(default) if default else "")


def check(region: str, *, task: str, uploaded_videos: int, images: int, text: str) -> None:
    """RegionRestricted when the request asks for something not offered in `region`."""
    if region not in LIMITED:
        return
    if task in _SOURCE_TASKS and uploaded_videos:
        raise RegionRestricted(
            f"Editing, extending or upscaling uploaded videos is not available in the EEA, Switzerland and the UK "
            f"(this account's region: {region}). Videos generated here can be: continue from their interaction "
            "with previous_interaction_id."
        )
    if images:
        m = _MINOR.search(text or "")
        if m:
            raise RegionRestricted(
                f"Images that depict minors cannot be uploaded or edited in the EEA, Switzerland and the UK (this "
                f"account's region: {region}); this request describes its image as showing a child "
                f"('{m.group(0)}'). Use an image without children, or generate the scene from text alone."
            )
