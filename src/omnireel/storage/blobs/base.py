"""The BlobStore protocol shared by the disk, memory (tests) and S3 stores."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Protocol


class BlobStore(Protocol):
    def put_file(self, key: str, source: Path) -> int:
        """Atomically store the file at `source` under `key` (moving it when possible); returns the size."""

    def put_chunks(self, key: str, chunks: Iterable[bytes]) -> int:
        """Atomically store streamed bytes under `key`; nothing is visible until every byte is durable."""

    def open(self, key: str) -> BinaryIO:
        """Open the blob for reading (seekable)."""

    def iter_range(self, key: str, start: int = 0, end: int | None = None, chunk: int = 1 << 20) -> Iterator[bytes]:
        """Yield bytes [start, end) of the blob in chunks."""

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the blob; a missing blob is not an error."""

    def local_path(self, key: str) -> Path | None:
        """A local filesystem path for the blob when the store has one (lets decoders seek without copying)."""
