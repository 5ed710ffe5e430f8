"""OpenCV's thread count while light renders share the cores with x264 (media.opencv_threads)."""

from __future__ import annotations

import threading

import cv2

from omnireel.media.opencv_threads import SingleThreaded


def test_holds_nest_and_the_previous_count_comes_back_after_the_last():
    before = cv2.getNumThreads()
    cv2.setNumThreads(3)
    try:
        with SingleThreaded():
            assert cv2.getNumThreads() == 1
            with SingleThreaded():
                assert cv2.getNumThreads() == 1
            assert cv2.getNumThreads() == 1  # the outer hold is still on
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(before)


def test_overlapping_holds_from_threads_restore_once_all_have_left():
    before = cv2.getNumThreads()
    cv2.setNumThreads(2)
    inside, release = threading.Barrier(3), threading.Event()

    def job():
        with SingleThreaded():
            inside.wait()
            release.wait()

    workers = [threading.Thread(target=job) for _ in range(2)]
    try:
        for w in workers:
            w.start()
        inside.wait()
        assert cv2.getNumThreads() == 1
        release.set()
        for w in workers:
            w.join()
        assert cv2.getNumThreads() == 2
    finally:
        release.set()
        cv2.setNumThreads(before)
