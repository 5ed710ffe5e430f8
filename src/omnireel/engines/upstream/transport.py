"""HTTP to the upstream: JSON calls with bounded retries, the Files API resumable upload, and streamed downloads.

The key goes only to the configured base URL, in the `x-goog-api-key` header (never a query string, so it cannot
reach an access log). Upload chunks go to the URL the upstream returned and, like the SDK's, carry no key.
Retries cover 408, 429, 5xx and network errors (what the SDK retries, wire spec §4.2), wait between attempts with
exponential backoff or the upstream's Retry-After, and stay responsive to cancellation while they wait.
"""

from __future__ import annotations

import logging
import random
import re
import time
from pathlib import Path
from typing import Callable

import httpx

from omnireel.config import Settings
from omnireel.engines.base import EngineContext
from omnireel.engines.upstream.failures import UpstreamBadOutput, UpstreamUnavailable, from_http_error

log = logging.getLogger("omnireel.engines.upstream")

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504}) | frozenset(range(505, 600))
UPLOAD_CHUNK = 8 * 1024 * 1024  # the granularity Google advertises and the SDK uses
MAX_RETRY_AFTER_S = 60.0
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def backoff_s(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (0-based): 0.5, 1, 2, 4, then 8 at most, minus up to 25 % jitter."""
    return min(0.5 * 2**attempt, 8.0) * (1 - 0.25 * random.random())


def retry_after_s(response: httpx.Response) -> float | None:
    """The wait the upstream asked for (`retry-after-ms` or `Retry-After` in seconds), capped; None if absent."""
    for header, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = response.headers.get(header)
        try:
            value = float(raw) * scale if raw is not None else 0.0
        except ValueError:
            continue  # an HTTP-date: fall back to our own backoff
        if value > 0:
            return min(value, MAX_RETRY_AFTER_S)
    return None


def checked_id(value, what: str) -> str:
    """An id from an upstream answer, safe to put into a URL path."""
    if isinstance(value, str) and _SAFE_ID.fullmatch(value):
        return value
    raise UpstreamBadOutput(f"The upstream service answered without a usable {what} id.")


class UpstreamClient:
    """One engine run's connection to the upstream; close it when done."""

    def __init__(self, settings: Settings, ctx: EngineContext):
        self._ctx = ctx
        self._root = settings.upstream_base_url.rstrip("/")
        self._version = settings.upstream_api_version.strip("/")
        self._retries = max(0, settings.upstream_max_retries)
        timeout = httpx.Timeout(settings.upstream_request_timeout_s)
        self._http = httpx.Client(timeout=timeout, headers={"x-goog-api-key": settings.upstream_api_key.strip()},
                                  follow_redirects=False)
        self._chunks = httpx.Client(timeout=timeout, follow_redirects=False)  # keyless, for upload URLs

    def close(self) -> None:
        self._http.close()
        self._chunks.close()

    def url(self, path: str, *, upload: bool = False) -> str:
        return f"{self._root}/{'upload/' if upload else ''}{self._version}/{path}"

    # -- the retry loop ------------------------------------------------------------------------------------------
    def send(self, method: str, url: str, action: str, *, keyless: bool = False, stream_to: Path | None = None,
             on_bytes: Callable[[int], None] | None = None, **kwargs) -> httpx.Response:
        """Send with retries; return a 2xx response (already read, or streamed into `stream_to`), raise the mapped
        failure for any other answer. `action` completes "when asked to …" in messages."""
        client = self._chunks if keyless else self._http
        for attempt in range(self._retries + 1):
            self._ctx.check_cancelled()
            wait = None
            try:
                if stream_to is None:
                    response = client.request(method, url, **kwargs)
                else:
                    response = self._stream(client, method, url, stream_to, on_bytes, **kwargs)
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError:
                problem = "could not be reached"
            else:
                if response.is_success:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise from_http_error(response.status_code, _json_or_none(response), action)
                problem = f"answered HTTP {response.status_code}"
                wait = retry_after_s(response)
            if attempt == self._retries:
                raise UpstreamUnavailable(f"The upstream service {problem} when asked to {action}, "
                                          f"{attempt + 1} times in a row.")
            wait = backoff_s(attempt) if wait is None else wait
            log.info("upstream %s when asked to %s; retrying in %.1f s", problem, action, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")

    def _stream(self, client, method, url, dest: Path, on_bytes, **kwargs) -> httpx.Response:
        with client.stream(method, url, **kwargs) as response:
            if not response.is_success:
                response.read()
                return response
            received = 0
            with open(dest, "wb") as out:
                for chunk in response.iter_bytes(1 << 20):
                    out.write(chunk)
                    received += len(chunk)
                    if on_bytes:
                        on_bytes(received)
            return response

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._ctx.check_cancelled()
            time.sleep(min(0.1, left))

    def json(self, method: str, url: str, action: str, **kwargs) -> dict:
        response = self.send(method, url, action, **kwargs)
        body = _json_or_none(response)
        if not isinstance(body, dict):
            raise UpstreamBadOutput(f"The upstream service answered with something other than JSON when asked to "
                                    f"{action}.")
        return body

    # -- interactions --------------------------------------------------------------------------------------------
    def create(self, body: dict, idempotency_key: str) -> dict:
        # The idempotency key makes our own retries of this POST safe on servers that honour it (omnireel does).
        return self.json("POST", self.url("interactions"), "create the interaction", json=body,
                         headers={"Idempotency-Key": idempotency_key})

    def get(self, interaction_id: str) -> dict:
        return self.json("GET", self.url(f"interactions/{interaction_id}"), "report on the interaction",
                         params={"stream": "false"})

    def cancel(self, interaction_id: str) -> None:
        """Best effort, one attempt: we are stopping anyway, and a failed cancel must not hide why."""
        try:
            response = self._http.post(self.url(f"interactions/{interaction_id}/cancel"), timeout=10.0)
            log.info("cancelled upstream interaction %s: HTTP %d", interaction_id, response.status_code)
        except httpx.HTTPError:
            log.warning("could not cancel upstream interaction %s", interaction_id)

    # -- files ---------------------------------------------------------------------------------------------------
    def upload(self, path: Path, mime_type: str, on_bytes: Callable[[int], None]) -> dict:
        """Upload `path` with the resumable protocol (wire spec §5.2); returns the upstream File resource."""
        size = path.stat().st_size
        start = self.send(
            "POST", self.url("files", upload=True), "start an upload",
            json={"file": {"display_name": path.name, "mime_type": mime_type, "size_bytes": size}},
            headers={"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
                     "X-Goog-Upload-Header-Content-Length": str(size),
                     "X-Goog-Upload-Header-Content-Type": mime_type})
        upload_url = start.headers.get("x-goog-upload-url")
        if not upload_url or not upload_url.startswith(("https://", "http://")):
            raise UpstreamBadOutput("The upstream service started an upload without giving an upload URL.")
        offset = 0
        with open(path, "rb") as f:
            while True:
                chunk = f.read(UPLOAD_CHUNK)
                last = offset + len(chunk) >= size
                response = self.send(
                    "POST", upload_url, "store an upload chunk", keyless=True, content=chunk,
                    headers={"X-Goog-Upload-Command": "upload, finalize" if last else "upload",
                             "X-Goog-Upload-Offset": str(offset)})
                offset += len(chunk)
                on_bytes(offset)
                state = response.headers.get("x-goog-upload-status", "")
                if last:
                    break
                if state != "active":
                    raise UpstreamBadOutput("The upstream service ended an upload before all of it was sent.")
        body = _json_or_none(response)
        if state != "final" or not isinstance(body, dict) or not isinstance(body.get("file"), dict):
            raise UpstreamBadOutput("The upstream service did not confirm the upload.")
        return body["file"]

    def wait_until_active(self, file: dict, deadline: float, poll_s: float) -> dict:
        """Google processes uploaded videos before they can be used (state PROCESSING); wait for ACTIVE."""
        file_id = checked_id(str(file.get("name", "")).removeprefix("files/"), "file")
        while str(file.get("state") or "ACTIVE").upper() not in ("ACTIVE", "STATE_UNSPECIFIED"):
            if str(file.get("state")).upper() == "FAILED":
                raise UpstreamBadOutput("The upstream service could not process the uploaded video.")
            if time.monotonic() > deadline:
                raise UpstreamUnavailable("The upstream service took too long to process the uploaded video.")
            self._sleep(poll_s)
            file = self.json("GET", self.url(f"files/{file_id}"), "report on an uploaded file")
        return file

    def delete_file(self, name: str) -> None:
        try:
            self._http.delete(self.url(f"files/{checked_id(name.removeprefix('files/'), 'file')}"), timeout=10.0)
        except (httpx.HTTPError, UpstreamBadOutput):
            log.info("could not delete an uploaded file upstream; it expires there on its own")

    def download(self, file_id: str, dest: Path, on_bytes: Callable[[int], None]) -> None:
        # Always from our configured base, whatever host the URI named: the key must never go anywhere else.
        self.send("GET", self.url(f"files/{file_id}:download"), "download the video", stream_to=dest,
                  on_bytes=on_bytes, params={"alt": "media"})


def _json_or_none(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return None
