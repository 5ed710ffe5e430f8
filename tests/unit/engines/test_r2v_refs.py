"""reference_to_video's image references: a tag naming an image that was not given is refused before rendering;
every image a beat names is on screen in that beat (an end card's image behind its text); every image given
appears somewhere, or the plan says which did not and why; the plan text says how titles are drawn and that a
sequence of shots is multi-shot. Each check renders real output and reads its frames (flat colour images, so
the frame's mean colour says which image is on screen)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from omnireel.engines.base import EngineRequest, MediaInput, SimpleContext
from omnireel.engines.registry import check_model_limits
from omnireel.errors import EngineFailure, InvalidArgument
from omnireel.media.decode import iter_frames
from tests.unit.engines.conftest import image_path
from tests.unit.engines.test_builtin_images import _check_video

COLORS = [(200, 40, 40), (40, 180, 60), (40, 70, 210), (210, 200, 40), (190, 50, 200), (40, 200, 200)]


def _flat(color, seed, w=480, h=270) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = color
    return np.clip(img.astype(int) + rng.integers(-8, 9, (h, w, 1)), 0, 255).astype(np.uint8)


def _media(tmp_path, n):
    paths = [image_path(tmp_path, _flat(c, i), f"ref{i}.png") for i, c in enumerate(COLORS[:n])]
    return tuple(MediaInput("image", p, "image/png") for p in paths)


def _render(run_engine, tmp_path, prompt, n, duration_s):
    req, out, _ = run_engine(task="reference_to_video", prompt=prompt, media=_media(tmp_path, n), duration_s=duration_s)
    _check_video(out, req)
    return out, list(iter_frames(out.video_path))


def _which(frame: np.ndarray, n: int) -> int:
    """The image (0-based) whose colour is nearest the frame's mean colour, measured on the top half (titles and
    their darkening sit low in the frame; the colour's hue survives the grade)."""
    top = frame[: frame.shape[0] // 2].reshape(-1, 3).astype(float)
    m = top.mean(axis=0)
    m = m / max(1.0, m.sum())
    dists = [np.abs(m - np.array(c) / sum(c)).sum() for c in COLORS[:n]]
    return int(np.argmin(dists))


def _shown(frames, n) -> list[int]:
    return [_which(f, n) for f in frames]


# 1. A tag past the images given is refused, with the tag and the count, before anything is rendered.


@pytest.mark.parametrize(
    "task,prompt,n,words",
    [
        ("reference_to_video", "[0-1s] <IMAGE_REF_5> push in [1-2s] pan right [2-3s] static", 3, ("<IMAGE_REF_5>", "3 images")),
        ("reference_to_video", "<IMAGE_REF_0> slow push in", 3, ("<IMAGE_REF_0>", "3 images")),
        ("reference_to_video", "<image_ref_2> then <IMAGE_REF_9>", 1, ("<IMAGE_REF_9>", "1 image was given")),
        ("image_to_video", "<FIRST_FRAME> a closed flower <LAST_FRAME> the flower in bloom", 1, ("<LAST_FRAME>", "1 image")),
    ],
)
def test_reference_past_the_images_is_refused_before_rendering(tmp_path, task, prompt, n, words):
    from omnireel.engines.builtin import BuiltinEngine

    out_path = tmp_path / "never.mp4"
    seen: list = []
    req = EngineRequest(task=task, prompt=prompt, media=_media(tmp_path, n), resolution="360p", duration_s=3)
    with pytest.raises(InvalidArgument) as err:
        BuiltinEngine().run(req, SimpleContext(scratch_dir=tmp_path, on_progress=lambda s, f: seen.append(s)), out_path)
    exc = err.value
    for w in words:
        assert w in exc.message, exc.message
    # The request is wrong: 400 INVALID_ARGUMENT where checked at create, and (as an EngineFailure) a job failure
    # with code invalid_request and rpc code INVALID_ARGUMENT inside a job, never an internal crash that is retried.
    assert exc.http_status == 400 and exc.status == "INVALID_ARGUMENT" and exc.code == "invalid_request"
    assert isinstance(exc, EngineFailure) and exc.rpc_code == 3 and not exc.retryable
    assert not out_path.exists() and "encode" not in seen


# 2. Every image a beat names is shown in that beat; every image given appears somewhere.


def test_end_card_shows_the_image_it_names(run_engine, tmp_path):
    prompt = '[0-1.5s] <IMAGE_REF_2> push in, "Fresh Coffee" [1.5-3s] <IMAGE_REF_1> pan right [3-4.5s] <IMAGE_REF_3> end card "Launch Day"'
    out, frames = _render(run_engine, tmp_path, prompt, 3, 4.5)
    assert 'end card "Launch Day" over image 3' in out.text
    shown = _shown(frames, 3)
    assert shown[20] == 1 and shown[56] == 0
    # The end card's own time (after its dissolve): image 3 behind the text, not a generic backdrop.
    assert all(k == 2 for k in shown[84:]), shown[84:]
    card = frames[-1].reshape(-1, 3).astype(float).mean(axis=0)
    assert card[2] > card[0] + 30 and card[2] > card[1] + 30  # blue image 3 dominates the end card


def test_six_images_six_beats_all_appear(run_engine, tmp_path):
    prompt = "[0-1s] push in [1-2s] pan right [2-3s] static [3-4s] tilt up [4-5s] pull out [5-6s] end card \"Visit Us\""
    out, frames = _render(run_engine, tmp_path, prompt, 6, 6)
    shown = _shown(frames, 6)
    for k in range(5):
        assert shown[k * 24 + 12] == k, (k, shown)  # beat k+1 shows image k+1, in the middle of its second
    assert all(k == 5 for k in shown[132:]), shown[132:]  # image 6 behind the end card
    assert "over image 6" in out.text and "Not shown" not in out.text


def test_unnamed_beats_take_the_images_nobody_named(run_engine, tmp_path):
    # Used to be: beat 2 took image 2 again (i % n) and image 1 never appeared.
    out, frames = _render(run_engine, tmp_path, "[0-1.5s] <IMAGE_REF_2> static [1.5-3s] static [3-4.5s] static", 3, 4.5)
    shown = _shown(frames, 3)
    assert shown[18] == 1 and shown[54] == 0 and shown[90] == 2, shown
    assert "image 2, static; " in out.text and "image 1, static; " in out.text and "image 3, static" in out.text


def test_a_beat_naming_two_images_shows_both(run_engine, tmp_path):
    out, frames = _render(run_engine, tmp_path, "[0-3s] <IMAGE_REF_1> then <IMAGE_REF_2>, static [3-4.5s] <IMAGE_REF_3> static", 3, 4.5)
    shown = _shown(frames, 3)
    assert shown[12] == 0 and shown[54] == 1 and shown[96] == 2, shown
    assert "[0.0-1.5s] image 1" in out.text and "[1.5-3.0s] image 2" in out.text


def test_images_without_room_are_named_in_the_plan(run_engine, tmp_path):
    # 6 images, two 1.5 s beats that name none: splitting a beat would make 0.75 s flashes, so 3-6 are left out,
    # and the plan says so instead of implying all six were used.
    out, frames = _render(run_engine, tmp_path, "[0-1.5s] static [1.5-3s] static", 6, 3)
    shown = _shown(frames, 6)
    assert shown[18] == 0 and shown[54] == 1, shown
    assert "[0.0-1.5s] image 1" in out.text and "[1.5-3.0s] image 2" in out.text
    assert "Not shown: images 3, 4, 5, 6." in out.text


def test_spare_images_split_long_unnamed_beats(run_engine, tmp_path):
    # 4 images, two 3 s beats naming none: each beat shows one image and then a spare one for 1.5 s.
    out, frames = _render(run_engine, tmp_path, "[0-3s] static [3-6s] static", 4, 6)
    shown = _shown(frames, 4)
    assert [shown[18], shown[54], shown[90], shown[126]] == [0, 2, 1, 3], shown
    assert "Not shown" not in out.text
    # A beat the prompt pinned to an image keeps it to itself; what cannot fit is said.
    out, _ = _render(run_engine, tmp_path, "[0-4s] <IMAGE_REF_1> static [4-6s] static", 4, 6)
    assert "[0.0-4.0s] image 1" in out.text and "Not shown: image 4." in out.text


# 3. The plan text says what is drawn.


def test_plan_text_matches_what_is_drawn(run_engine, tmp_path):
    prompt = '[0-1s] <IMAGE_REF_1> push in, "Fresh Coffee" [1-2s] <IMAGE_REF_2> pan right [2-3s] <IMAGE_REF_3> static [3-4s] <IMAGE_REF_4> static'
    out, _ = _render(run_engine, tmp_path, prompt, 4, 4)
    # A beat's title over an image is drawn as a lower third; the plan used to call it "(center)".
    assert '"Fresh Coffee" (lower third)' in out.text
    # Four shots are a multi-shot sequence (it used to say "one continuous shot" for 4-6 shots).
    assert re.search(r"^- Camera: .*; multi-shot$", out.text, re.M), out.text
    assert "one continuous shot" not in out.text
    # The Camera line names the moves the shots use (it used to name one move, the first beat's).
    assert re.search(r"^- Camera: per shot: slow push in, slow pan right, static; multi-shot$", out.text, re.M), out.text
    out, _ = _render(run_engine, tmp_path, 'Upbeat ad, "Open Daily" centered', 3, 4)
    assert re.search(r"^- Camera: .*; multi-shot$", out.text, re.M)
    # No move named: the engine varies them per shot and says so.
    camera = re.search(r"^- Camera: (.*)$", out.text, re.M).group(1)
    assert camera.startswith("per shot: ") and "(chosen by the engine; none named in the prompt)" in camera, camera
    shot_moves = re.findall(r"image \d, ([a-z ]+?)(?:;|$)", re.search(r"Note: Shots: (.*)", out.text).group(1))
    assert len(set(shot_moves)) > 1 and all(m in camera for m in shot_moves), (shot_moves, camera)
    assert '"Open Daily" (end card)' in out.text


# 4. The model limit message names the model's own limit and what to do.


def test_reference_image_limit_message():
    with pytest.raises(InvalidArgument) as err:
        check_model_limits("gemini-omni-1.2-flash", "reference_to_video", None, 7)
    msg = err.value.message
    assert "'gemini-omni-1.2-flash' takes up to 6 reference images" in msg and "has 7" in msg
    assert "remove 1" in msg and "Use gemini-omni-1.2-flash" not in msg and "or use" not in msg
    with pytest.raises(InvalidArgument) as err:
        check_model_limits("gemini-omni-1.1-flash", "reference_to_video", None, 6)
    msg = err.value.message
    assert "takes up to 5 reference images" in msg and "remove 1" in msg and "or use gemini-omni-1.2-flash" in msg
