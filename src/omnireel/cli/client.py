"""A thin HTTP client for the omnireel API (used by the CLI and by end-to-end tests)."""

from __future__ import annotations

import base64
import json
import mimetypes
import time
from pathlib import Path
from typing import Iterator

import httpx


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class OmnireelClient:
    def __init__(self, base_url: str, api_key: str | None = None, api_version: str = "v1beta", timeout: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.version = api_version
        headers = {"x-goog-api-key": api_key} if api_key else {}
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout, read=None))

    def close(self) -> None:
        self._http.close()

    @staticmethod
    def _check(response: httpx.Response) -> httpx.Response:
        if response.status_code != 200:
            try:
                message = response.json()["error"]["message"]
            except Exception:
                message = response.text[:500]
            raise ApiError(response.status_code, message)
        return response

    def create(self, body: dict) -> dict:
        return self._check(self._http.post(f"/{self.version}/interactions", json=body)).json()

    def get(self, interaction_id: str) -> dict:
        return self._check(self._http.get(f"/{self.version}/interactions/{interaction_id}")).json()

    def events(self, body: dict | None = None, interaction_id: str | None = None,
               last_event_id: str | None = None) -> Iterator[dict]:
        """Stream events of a new interaction (body) or of an existing one (interaction_id, resumable)."""
        if body is not None:
            request = self._http.build_request("POST", f"/{self.version}/interactions", json={**body, "stream": True})
        else:
            params = {"stream": "true"}
            if last_event_id:
                params["last_event_id"] = last_event_id
            request = self._http.build_request("GET", f"/{self.version}/interactions/{interaction_id}", params=params)
        response = self._http.send(request, stream=True)
        try:
            if response.status_code != 200:
                response.read()
                self._check(response)
            data_lines: list[str] = []
            for line in response.iter_lines():
                if line.startswith("data:"):
                    data_lines.append(line[5:].strip())
                elif line == "" and data_lines:
                    payload = "\n".join(data_lines)
                    data_lines = []
                    if payload == "[DONE]":
                        return
                    yield json.loads(payload)
        finally:
            response.close()

    def upload(self, path: Path, mime_type: str | None = None, display_name: str | None = None) -> dict:
        """Resumable upload in 8 MiB chunks; returns the File resource."""
        path = Path(path)
        size = path.stat().st_size
        mime_type = mime_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        start = self._check(self._http.post(
            f"/upload/{self.version}/files",
            headers={"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
                     "X-Goog-Upload-Header-Content-Length": str(size), "X-Goog-Upload-Header-Content-Type": mime_type},
            json={"file": {"display_name": display_name or path.name}},
        ))
        url = start.headers["x-goog-upload-url"]
        chunk_size = 8 * 1024 * 1024
        offset = 0
        with open(path, "rb") as f:
            while True:
                chunk = f.read(chunk_size)
                last = offset + len(chunk) >= size
                command = "upload, finalize" if last else "upload"
                response = self._check(httpx.post(url, content=chunk, timeout=120, headers={
                    "X-Goog-Upload-Command": command, "X-Goog-Upload-Offset": str(offset)}))
                offset += len(chunk)
                if last:
                    return response.json()["file"]

    def download(self, file_ref: str, dest: Path) -> int:
        file_id = file_ref.rsplit("files/", 1)[-1].split(":")[0].split("?")[0]
        written = 0
        with self._http.stream("GET", f"/{self.version}/files/{file_id}:download", params={"alt": "media"}) as r:
            if r.status_code != 200:
                r.read()
                self._check(r)
            with open(dest, "wb") as out:
                for chunk in r.iter_bytes(1 << 20):
                    out.write(chunk)
                    written += len(chunk)
        return written

    def wait(self, interaction_id: str, poll_s: float = 1.0, timeout_s: float = 3600) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            interaction = self.get(interaction_id)
            if interaction["status"] in ("completed", "failed", "cancelled", "incomplete"):
                return interaction
            if time.monotonic() > deadline:
                raise TimeoutError(interaction_id)
            time.sleep(poll_s)


def image_block(path: Path) -> dict:
    mime = mimetypes.guess_type(Path(path).name)[0] or "image/png"
    return {"type": "image", "mime_type": mime, "data": base64.b64encode(Path(path).read_bytes()).decode()}
