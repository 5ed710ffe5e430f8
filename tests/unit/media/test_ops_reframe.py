"""Where a still sits in the frame (media.ops.reframe): moves across the picture keep the subject in frame even
when no aspect conversion is needed."""

from __future__ import annotations

from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.ops.reframe import choose_layout


def _pan(strength: float) -> list[CameraState]:
    return [camera_at("pan", p / 15, direction="left", strength=strength) for p in range(16)]


def test_same_aspect_pan_that_would_crop_a_wide_subject_does_not_fit():
    wide_case = (64.0, 100.0, 576.0, 260.0)  # 80% of a 640x360 photo's width
    lay = choose_layout((640, 360), (640, 360), subject=wide_case, cams=_pan(1.9), whole_through_move=True)
    assert lay.cover and not lay.subject_fits
    gentle = choose_layout((640, 360), (640, 360), subject=wide_case, cams=_pan(0.0), whole_through_move=True)
    assert gentle.subject_fits


def test_same_aspect_small_subject_or_a_push_in_fits():
    small = (280.0, 120.0, 360.0, 240.0)
    assert choose_layout((640, 360), (640, 360), subject=small, cams=_pan(1.9), whole_through_move=True).subject_fits
    # Moves meant to go closer (a push-in) may crop: the framing is not checked against them.
    wide_case = (64.0, 100.0, 576.0, 260.0)
    push = [camera_at("push_in", p / 15, strength=1.9) for p in range(16)]
    assert choose_layout((640, 360), (640, 360), subject=wide_case, cams=push, whole_through_move=False).subject_fits
