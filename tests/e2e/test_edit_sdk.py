"""Editing through the official SDK against a real server: a stateful edit of the previous turn's video
(previous_interaction_id), an edit of a video uploaded through the Files API, and an edit that needs understanding
of the pixels, refused plainly. Every output is decoded and measured."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from omnireel.media.decode import iter_frames
from omnireel.media.encode import VideoWriter
from tests.conftest import sdk_client
from tests.media_checks import assert_video
from tests.unit.media.helpers import needs_tesseract, ocr

MODEL = "gemini-omni-flash-preview"


def _save(interaction, path):
    assert interaction.status == "completed", interaction.errors
    path.write_bytes(base64.b64decode(interaction.output_video.data))
    return path


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.fixture(scope="module")
def first_turn(server, tmp_path_factory):
    client = sdk_client(server)
    first = client.interactions.create(
        model=MODEL, input="Neon city skyline at night, slow push in.",
        response_format={"type": "video", "resolution": "360p", "duration": "3s"},
    )
    return first, _save(first, tmp_path_factory.mktemp("edit-e2e") / "first.mp4")


@needs_tesseract
def test_stateful_caption_edit_keeps_everything_else(server, first_turn, tmp_path):
    first, first_path = first_turn
    client = sdk_client(server)
    second = client.interactions.create(
        model=MODEL, previous_interaction_id=first.id,
        input="Add the caption 'HELLO WORLD' at the bottom. Keep everything else the same.",
    )
    assert second.previous_interaction_id == first.id
    path = _save(second, tmp_path / "second.mp4")
    assert_video(path, 640, 360, duration_s=3.0)
    before, after = list(iter_frames(first_path)), list(iter_frames(path))
    assert len(before) == len(after) == 72
    assert ocr(after[36]) == "HELLO WORLD"
    for a, b in zip(before[::6], after[::6]):
        assert _psnr(a[:180], b[:180]) > 38  # the top half is the first turn's picture
    assert 'Caption "HELLO WORLD" at the bottom' in second.output_text


def test_uploaded_video_edit_keeps_its_size_and_duration(server, tmp_path):
    # An odd format on purpose: 30 fps, 2.5 s, 400x224, with a tone; the edit keeps size and duration exactly.
    src = tmp_path / "upload.mp4"
    with VideoWriter(src, 400, 224, fps=30) as vw:
        t = np.arange(120000) / 48000
        vw.write_audio(np.stack([0.3 * np.sin(2 * np.pi * 330 * t)] * 2).astype(np.float32))
        for i in range(75):
            frame = np.zeros((224, 400, 3), np.uint8)
            frame[..., 0] = 200
            frame[..., 1] = np.linspace(0, 255, 400, dtype=np.uint8)[None, :]
            frame[40:120, 5 * i : 5 * i + 60] = (20, 180, 240)
            vw.write_frame(frame)
    client = sdk_client(server)
    uploaded = client.files.upload(file=str(src), config={"mime_type": "video/mp4"})
    assert uploaded.state.name == "ACTIVE"
    edited = client.interactions.create(model=MODEL, input=[
        {"type": "video", "uri": uploaded.uri, "mime_type": "video/mp4"},
        {"type": "text", "text": "Make it black and white"},
    ])
    path = _save(edited, tmp_path / "edited.mp4")
    assert_video(path, 400, 224, duration_s=2.5)
    frames = list(iter_frames(path))
    for f in frames[::10]:
        assert np.abs(f.astype(int) - f.mean(axis=2, keepdims=True)).max() <= 2  # no colour left
    assert "black and white" in edited.output_text


def test_object_edit_fails_with_capability_missing(server, first_turn):
    first, _ = first_turn
    client = sdk_client(server)
    edited = client.interactions.create(model=MODEL, previous_interaction_id=first.id,
                                        input="Remove the person from the video and keep the rest.")
    assert edited.status == "failed"
    assert edited.errors and edited.errors[0].code == "capability_missing"
    assert "remove the person from the video" in edited.errors[0].message
    assert edited.output_video is None
