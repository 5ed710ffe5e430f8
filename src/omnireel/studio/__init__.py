"""The Studio: a static browser UI served at /studio that is only a client of the public HTTP API.

The files carry no data and need no key; everything the page shows it fetches itself with the user's key, so this
module adds nothing but GET (and HEAD) routes for a fixed set of packaged files, each answered with a strict
Content-Security-Policy (no inline code, no third-party origins, no framing).
"""

from __future__ import annotations

import hashlib
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

PREFIX = "/studio"

CSP = ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # Revalidate every time (cheap with the ETag): a server upgrade must never pair a new page with old scripts.
    "Cache-Control": "no-cache",
}

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def _load_assets() -> dict[str, tuple[bytes, str, str]]:
    """name -> (bytes, content type, etag) for every packaged static file of a known type."""
    assets = {}
    for entry in resources.files(__name__).joinpath("static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if not entry.is_file() or suffix not in CONTENT_TYPES:
            continue
        body = entry.read_bytes()
        assets[entry.name] = (body, CONTENT_TYPES[suffix], '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    return assets


def _handler(body: bytes, content_type: str, etag: str):
    async def serve(request: Request) -> Response:
        headers = {**SECURITY_HEADERS, "ETag": etag}
        if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=content_type, headers=headers)

    return serve


def mount(app) -> None:
    """Add GET routes for /studio (the page) and /studio/<asset> for each packaged file."""
    assets = _load_assets()
    page = _handler(*assets["index.html"])
    # Both spellings serve the page itself (no redirect); it refers to its assets by absolute path.
    for path in (PREFIX, PREFIX + "/", PREFIX + "/index.html"):
        app.add_route(path, page, methods=["GET", "HEAD"], include_in_schema=False)
    for name, asset in assets.items():
        if name != "index.html":
            app.add_route(f"{PREFIX}/{name}", _handler(*asset), methods=["GET", "HEAD"], include_in_schema=False)
