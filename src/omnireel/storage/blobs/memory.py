"""In-memory blob store: the test twin of DiskBlobStore."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator


class MemoryBlobStore:
    def __init__(self):
        self._blobs: dict[str, bytes] = {}

    def temp_path(self, suffix: str = "") -> Path:
        return Path(tempfile.mkstemp(suffix=suffix)[1])

    def purge_temp(self, older_than_s: float | None = None) -> int:
        return 0  # temp paths here are the system's; nothing of the store's own is left behind

    def put_file(self, key: str, source: Path) -> int:
        data = Path(source).read_bytes()
        self._blobs[key] = data
        Path(source).unlink(missing_ok=True)
        return len(data)

    def put_chunks(self, key: str, chunks: Iterable[bytes]) -> int:
        data = b"".join(chunks)
        self._blobs[key] = data
        return len(data)

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self._blobs[key])

    def iter_range(self, key: str, start: int = 0, end: int | None = None, chunk: int = 1 << 20) -> Iterator[bytes]:
        data = self._blobs[key][start:end]
        for i in range(0, len(data), chunk):
            yield data[i : i + chunk]

    def size(self, key: str) -> int:
        return len(self._blobs[key])

    def exists(self, key: str) -> bool:
        return key in self._blobs

    def delete(self, key: str) -> None:
        self._blobs.pop(key, None)

    def local_path(self, key: str) -> Path | None:
        return None
