"""The edited clip's timeline: which source frame each output frame shows after trims, a speed change and reverse,
and the same mapping for the sound, so picture and sound stay in sync through every time op.

Frames are picked, never blended: slow motion repeats frames, fast motion skips them, exactly as a 24 fps resample
does. Reversed clips need their frames in the opposite order to the decoder's, so they go through a spill file on
disk (a numpy memmap), written once front to back and read back to front: memory stays one frame, whatever the
clip's length.
"""

from __future__ import annotations

import dataclasses
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from scipy import signal

FPS = 24


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Output frame k shows source frame `indices[k]` (24 fps frame numbers of the source)."""

    kept: tuple[tuple[int, int], ...]  # source frame ranges [start, end) kept, in order
    speed: float = 1.0
    reverse: bool = False
    limit: int | None = None  # at most this many output frames (an explicit, shorter duration)

    @property
    def kept_frames(self) -> int:
        return sum(b - a for a, b in self.kept)

    @property
    def frames(self) -> int:
        n = max(1, round(self.kept_frames / self.speed))
        return min(n, self.limit) if self.limit else n

    def indices(self) -> list[int]:
        order = [i for a, b in self.kept for i in range(a, b)]
        if self.reverse:
            order.reverse()
        last = len(order) - 1
        return [order[min(last, int(k * self.speed + 1e-6))] for k in range(self.frames)]


def kept_ranges(total: int, keeps: list[tuple[float, float]], cuts: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Source frame ranges left after `keeps` (None: the whole clip) and `cuts`, both (start_s, end_s) in source
    seconds, rounded to whole frames."""
    mask = np.zeros(total, bool) if keeps else np.ones(total, bool)
    for s, e in keeps:
        mask[_frame(s, total) : _frame(e, total)] = True
    for s, e in cuts:
        mask[_frame(s, total) : _frame(e, total)] = False
    ranges = []
    start = None
    for i, on in enumerate(mask):
        if on and start is None:
            start = i
        elif not on and start is not None:
            ranges.append((start, i))
            start = None
    if start is not None:
        ranges.append((start, total))
    return ranges


def _frame(t: float, total: int) -> int:
    return int(min(total, max(0, round(t * FPS))))


def forward(frames: Iterable[np.ndarray], indices: list[int]) -> Iterator[np.ndarray]:
    """The frames at ascending `indices` (source frame numbers) from a stream of the source's frames, in one pass
    holding one frame. The same array is yielded for a repeated index: callers copy before drawing on it."""
    it = iter(frames)
    pos, current = -1, None
    for want in indices:
        while pos < want:
            current = next(it)
            pos += 1
        yield current


class Spill:
    """Source frames lo..hi written to a memmap in a private directory under `scratch`, read back in any order;
    the file is removed on close. Filling it is a separate step (`fill`) so the caller can report progress and
    honour cancellation while the whole clip is decoded before the first output frame."""

    def __init__(self, lo: int, hi: int, shape: tuple[int, ...], scratch: Path):
        self.lo, self.hi = lo, hi
        self._dir = tempfile.TemporaryDirectory(dir=scratch, prefix="spill-")
        self._store = np.lib.format.open_memmap(Path(self._dir.name) / "frames.npy", mode="w+", dtype=np.uint8,
                                                shape=(hi - lo + 1, *shape))

    def fill(self, frames: Iterable[np.ndarray]) -> Iterator[int]:
        """Write the frames in; yields after each source frame read, so the caller can report progress."""
        for i, f in enumerate(frames):
            if i > self.hi:
                break
            if i >= self.lo:
                self._store[i - self.lo] = f
            yield i
        self._store.flush()

    def read(self, indices: list[int]) -> Iterator[np.ndarray]:
        for i in indices:
            yield np.array(self._store[i - self.lo])

    def close(self) -> None:
        del self._store
        self._dir.cleanup()

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ------------------------------------------------------------------------------------------------------- sound


def retime_audio(audio: np.ndarray, timeline: Timeline, sample_rate: int) -> np.ndarray:
    """The source's sound (2, n) cut, resampled and reversed exactly as the timeline does to the picture, and
    exactly as long as the output (frames / 24 s). Joins between kept ranges dip for 5 ms each side: no click.""" 
    per_frame = sample_rate / FPS
    pieces = []
    for a, b in timeline.kept:
        piece = audio[:, round(a * per_frame) : round(b * per_frame)]
        if pieces and piece.shape[1] and pieces[-1].shape[1]:
            pieces[-1], piece = pieces[-1].copy(), piece.copy()
            _dip(pieces[-1], piece, int(0.005 * sample_rate))
        pieces.append(piece)
    x = np.concatenate(pieces, axis=1) if pieces else np.zeros((2, 0), np.float32)
    if abs(timeline.speed - 1.0) > 1e-9 and x.shape[1]:
        # Resampling changes length and pitch together, as a tape played faster or slower: in sync by design.
        r = Fraction(1.0 / timeline.speed).limit_denominator(64)
        x = signal.resample_poly(x, r.numerator, r.denominator, axis=1).astype(np.float32)
    if timeline.reverse:
        x = x[:, ::-1]
    n = round(timeline.frames * per_frame)
    if x.shape[1] < n:
        x = np.concatenate([x, np.zeros((2, n - x.shape[1]), np.float32)], axis=1)
    return np.ascontiguousarray(x[:, :n], dtype=np.float32)


def _dip(before: np.ndarray, after: np.ndarray, n: int) -> None:
    n = min(n, before.shape[1], after.shape[1])
    if n <= 0:
        return
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    before[:, -n:] *= 1 - ramp
    after[:, :n] *= ramp
