"""A fixed fill byte for heap memory while video encoders allocate, so encodes are reproducible.

The encoder stack (x264 through libavcodec and PyAV) reads some heap memory it never wrote: the same frames then
encode to slightly different bitstreams depending on what that memory held before, which varies with the
process's history and with other threads' allocations (measured: 2 to 6 different encodes in 10 runs with a
littered heap on a busy machine, whatever the threading). glibc can fill every block it hands out or takes back
with a fixed byte (mallopt M_PERTURB); with it, one encode in every trial.

The fill costs a memset per allocation and free, so it is on only while some encoder is still allocating: from
before it opens until its buffers have settled (x264 allocates its frame pool over the first few dozen frames,
then reuses it). Several writers may overlap (concurrent jobs): the fill stays on while any of them needs it.
Not glibc (or no libc found): nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

M_PERTURB = -6
FILL_BYTE = 0xA5
# x264 holds at most lookahead + frame threads (1.5 per core by default) + references + B-frames: the window
# covers that with room to spare on any machine.
SETTLE_FRAMES = 64 + 4 * (os.cpu_count() or 1)

_lock = threading.Lock()
_users = 0


def _load_mallopt():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.mallopt
    except (OSError, AttributeError):
        return None


_mallopt = _load_mallopt()


class Fill:
    """Holds the fill on from construction until `release()` (idempotent)."""

    def __init__(self) -> None:
        global _users
        self._held = True
        with _lock:
            if _users == 0 and _mallopt is not None:
                _mallopt(M_PERTURB, FILL_BYTE)
            _users += 1

    def release(self) -> None:
        global _users
        with _lock:
            if not self._held:
                return
            self._held = False
            _users -= 1
            if _users == 0 and _mallopt is not None:
                _mallopt(M_PERTURB, 0)
