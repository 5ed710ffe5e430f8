"""OpenCV runs single-threaded while frames render next to a video encoder.

x264 keeps every core busy with its own frame threads, so OpenCV's thread pool cannot make a render finish sooner
there: splitting each resize or blend across the pool only adds hand-off work (measured on a 2-core machine:
a 720p layered-still frame costs 3.4 ms of CPU with OpenCV's pool, 2.5 ms without it, and the clip is done no
later). The thread count is process-wide, so overlapping renders (concurrent jobs) share one refcounted hold,
and the count in force before the first hold comes back after the last.
"""

from __future__ import annotations

import threading

import cv2

_lock = threading.Lock()
_holders = 0
_saved: int | None = None


class SingleThreaded:
    """Context manager: OpenCV single-threaded inside it (while any holder is inside)."""

    def __enter__(self) -> "SingleThreaded":
        global _holders, _saved
        with _lock:
            if _holders == 0:
                _saved = cv2.getNumThreads()
                cv2.setNumThreads(1)
            _holders += 1
        return self

    def __exit__(self, *exc) -> None:
        global _holders, _saved
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                cv2.setNumThreads(_saved)
                _saved = None
