"""Builtin text_to_video as motion design: every title layout reads back exactly at 16:9 and 9:16, the environment
follows the scene words, the camera moves the picture, and photoreal prompts give a labelled storyboard."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.media.helpers import frame_at, needs_tesseract, ocr

LAYOUT_PROMPTS = {
    "hero": 'Title card over a neon city at night: "Night Market 2077"',
    "lower_third": 'Kinetic typography over the ocean at noon, "Nov 28 - Free Entry" as a lower third',
    "stacked": 'Minimal motion graphics, "Fresh Ideas Every Morning"',
    "end_card": 'Motion graphics in deep space. [0-3s] end card "orbit.fm"',
}


@needs_tesseract
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("layout", list(LAYOUT_PROMPTS))
def test_every_layout_reads_back_exactly(run_engine, layout, aspect):
    prompt = LAYOUT_PROMPTS[layout]
    req, out, _ = run_engine(task="text_to_video", prompt=prompt, aspect_ratio=aspect)
    assert "ANIMATIC" not in out.text
    assert f"as {layout.replace('_', ' ')}" in out.text, out.text
    text = prompt.split('"')[1]
    # 1.5 s and the last frame: well after the entrance, and the last title holds to the end.
    for i in (36, req.frame_count - 1):
        assert ocr(frame_at(out.video_path, i)) == text


def _frame(run_engine, prompt, i=2, **kw):
    req, out, _ = run_engine(task="text_to_video", prompt=prompt, **kw)
    return frame_at(out.video_path, i).astype(np.float32), out


def test_environment_follows_the_scene(run_engine):
    # Frame 2: before any title, so only the environment is on screen.
    city, out_city = _frame(run_engine, "Kinetic typography over a neon city skyline at night")
    ocean, out_ocean = _frame(run_engine, "Title card over the ocean at noon")
    space, out_space = _frame(run_engine, "Motion graphics in deep space with stars")
    assert "city environment" in out_city.text and "ocean environment" in out_ocean.text
    assert "space environment" in out_space.text
    assert ocean.mean() > city.mean() + 40, "a noon ocean is far brighter than a city at night"
    assert ocean[..., 2].mean() > ocean[..., 0].mean() + 40, "sea and sky are blue"
    # A skyline: the bottom half (buildings) has lit windows, hard detail a gradient does not have.
    assert np.abs(np.diff(city[city.shape[0] // 2 :], axis=1)).mean() > np.abs(np.diff(ocean[: ocean.shape[0] // 3], axis=1)).mean() * 3
    assert np.abs(city - space).mean() > 8


def test_camera_moves_the_picture(run_engine):
    req, out, _ = run_engine(task="text_to_video", prompt="Abstract flowing gradient background, slow pan left")
    a = frame_at(out.video_path, 3).astype(np.float32)
    b = frame_at(out.video_path, 60).astype(np.float32)
    assert np.abs(a - b).mean() > 4, "the environment must move over the shot"


def test_same_seed_same_motion_design(run_engine):
    kw = dict(task="text_to_video", prompt='Synthwave retro grid, "Level Up"', seed=11)
    a = frame_at(run_engine(**kw)[1].video_path, 40)
    b = frame_at(run_engine(**kw)[1].video_path, 40)
    c = frame_at(run_engine(**{**kw, "seed": 12})[1].video_path, 40)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@needs_tesseract
def test_animatic_is_a_labelled_storyboard_with_the_exact_text(run_engine):
    prompt = 'A chef plating a dish in a busy kitchen, slow push in, "Taste The Season"'
    req, out, _ = run_engine(task="text_to_video", prompt=prompt, resolution="720p")
    assert "ANIMATIC" in out.text and "storyboard" in out.text
    for i in (10, 60):
        frame = frame_at(out.video_path, i)
        corner = frame[: frame.shape[0] // 10, : frame.shape[1] // 3]
        yellow = (corner[..., 0] > 200) & (corner[..., 1] > 170) & (corner[..., 2] < 90)
        assert yellow.sum() > 100, "the ANIMATIC label is on every frame"
    assert ocr(frame_at(out.video_path, 60)) == "Taste The Season"


def test_drawable_places_are_motion_design_not_animatic(run_engine):
    _, out, _ = run_engine(task="text_to_video", prompt='Neon city night, "Night Market"')
    assert "ANIMATIC" not in out.text and "city environment" in out.text
