"""Local-disk blob store: temp file, fsync, rename, fsync the directory, so a crash never leaves a partial blob."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

_KEY = re.compile(r"[a-z0-9_]{4,128}")


class DiskBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(exist_ok=True)

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError("bad blob key")
        # Fan out into two-level directories so no directory grows huge.
        return self.root / key[:2] / key

    def temp_path(self, suffix: str = "") -> Path:
        """A fresh path on the same filesystem as the store, for engines to write into before put_file."""
        fd, name = tempfile.mkstemp(dir=self.root / "tmp", suffix=suffix)
        os.close(fd)
        return Path(name)

    def purge_temp(self, older_than_s: float | None = None) -> int:
        """Delete temp files left by renders that died (kill -9, power loss): all of them (None: only when no
        render can be running, e.g. at startup under the data-dir lock), or those untouched for `older_than_s`
        (a live render writes to its file continuously). Returns how many were removed."""
        import time

        limit = None if older_than_s is None else time.time() - older_than_s
        removed = 0
        for entry in os.scandir(self.root / "tmp"):
            try:
                if entry.is_file(follow_symlinks=False) and (limit is None or entry.stat().st_mtime < limit):
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                pass  # finished and moved into the store meanwhile
        return removed

    def put_file(self, key: str, source: Path) -> int:
        dest = self._path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        source = Path(source)
        try:
            same_fs = os.stat(source).st_dev == os.stat(dest.parent).st_dev
        except OSError:
            same_fs = False
        if same_fs:
            with open(source, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(source, dest)
        else:
            tmp = self.temp_path()
            shutil.copyfile(source, tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, dest)
        _fsync_dir(dest.parent)
        return dest.stat().st_size

    def put_chunks(self, key: str, chunks: Iterable[bytes]) -> int:
        tmp = self.temp_path()
        try:
            with open(tmp, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            return self.put_file(key, tmp)
        finally:
            if tmp.exists():
                tmp.unlink()

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def iter_range(self, key: str, start: int = 0, end: int | None = None, chunk: int = 1 << 20) -> Iterator[bytes]:
        with self.open(key) as f:
            f.seek(start)
            remaining = None if end is None else max(0, end - start)
            while remaining is None or remaining > 0:
                n = chunk if remaining is None else min(chunk, remaining)
                data = f.read(n)
                if not data:
                    return
                if remaining is not None:
                    remaining -= len(data)
                yield data

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
