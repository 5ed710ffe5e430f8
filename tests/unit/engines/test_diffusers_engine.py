"""The diffusers engine end to end on tiny random-weight Wan and LTX checkpoints (built offline, saved to disk, loaded
through the engine's real loading path): exact size, frame count, fps and audio; seeds; progress per denoising step;
cancellation; capabilities."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
import torch
from PIL import Image

from omnireel.config import Settings
from omnireel.engines.base import EngineRequest, MediaInput, SimpleContext
from omnireel.engines.diffusers import generation
from omnireel.engines.diffusers.engine import DiffusersEngine
from omnireel.engines.diffusers.frames import retimed
from omnireel.engines.registry import EngineRegistry
from omnireel.errors import CapabilityMissing, JobCancelled
from tests.diffusers_tiny import save_tiny_ltx, save_tiny_wan, save_tiny_wan_i2v, save_tiny_wan_ti2v
from tests.media_checks import assert_video

# Tiny models, two denoising steps, a 48-pixel short side and at most 9 generated frames: the whole file runs in
# seconds on two cores, and everything around the model (shapes, timing, audio, callbacks) is exercised for real.
TINY = dict(diffusers_steps=2, diffusers_max_resolution=48, diffusers_max_frames=9)


@pytest.fixture(scope="module", autouse=True)
def _few_threads():
    previous = torch.get_num_threads()
    torch.set_num_threads(2)  # the CI box has two shared cores
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("diffusers-checkpoints")
    return {"wan": save_tiny_wan(root / "wan"), "wan_i2v": save_tiny_wan_i2v(root / "wan-i2v"),
            "wan_ti2v": save_tiny_wan_ti2v(root / "wan-ti2v"), "ltx": save_tiny_ltx(root / "ltx")}


def _engine(checkpoint: Path, **overrides) -> DiffusersEngine:
    settings = Settings(diffusers_model=str(checkpoint), default_engine="diffusers", **{**TINY, **overrides})
    _, engine = EngineRegistry.from_settings(settings).resolve("gemini-omni-1.2-flash")
    assert isinstance(engine, DiffusersEngine)
    return engine


@pytest.fixture(scope="module")
def wan(checkpoints) -> DiffusersEngine:
    return _engine(checkpoints["wan"])


def _run(engine, tmp_path, name="out.mp4", progress=None, cancelled=None, **request):
    request.setdefault("task", "text_to_video")
    request.setdefault("prompt", "a red car on the road at night, slow camera pan")
    request.setdefault("resolution", "360p")
    request.setdefault("duration_s", 3)
    req = EngineRequest(**request)
    ctx = SimpleContext(scratch_dir=tmp_path, on_progress=progress, cancelled=cancelled)
    return req, engine.run(req, ctx, tmp_path / name)


def _frames(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


@pytest.mark.parametrize("aspect,size", [("16:9", (640, 360)), ("9:16", (360, 640)), ("1:1", (360, 360))])
def test_text_to_video_has_exact_size_frames_fps_and_audio(wan, tmp_path, aspect, size):
    req, out = _run(wan, tmp_path, aspect_ratio=aspect)
    decoded = assert_video(out.video_path, *size, duration_s=3.0)  # also: H.264, AAC, audio not silent
    assert decoded.frames == req.frame_count == 72
    assert (out.width, out.height, out.fps) == (*size, 24)
    assert "Wan" in out.text and "retimed to 72 frames at 24 fps" in out.text


def test_same_seed_same_frames_other_seed_other_frames(wan, tmp_path):
    _, first = _run(wan, tmp_path, "a.mp4", seed=7)
    _, again = _run(wan, tmp_path, "b.mp4", seed=7)
    _, other = _run(wan, tmp_path, "c.mp4", seed=8)
    a, b, c = _frames(first.video_path), _frames(again.video_path), _frames(other.video_path)
    assert np.array_equal(a, b)
    assert np.abs(a.astype(np.int16) - c.astype(np.int16)).mean() > 2.0


def test_progress_reports_every_denoising_step(checkpoints, tmp_path):
    engine = _engine(checkpoints["wan"], diffusers_steps=3)
    seen: list[tuple[str, float]] = []
    _run(engine, tmp_path, progress=lambda stage, fraction: seen.append((stage, fraction)))
    assert [round(f, 3) for s, f in seen if s == "denoise"] == [0.333, 0.667, 1.0]
    stages = [s for s, _ in seen]
    assert stages.index("load") < stages.index("denoise") < stages.index("encode")


def test_cancel_stops_the_pipeline_mid_run(checkpoints, tmp_path):
    engine = _engine(checkpoints["wan"], diffusers_steps=6)
    steps: list[float] = []

    def on_progress(stage, fraction):
        if stage == "denoise":
            steps.append(fraction)

    with pytest.raises(JobCancelled):
        _run(engine, tmp_path, progress=on_progress, cancelled=lambda: len(steps) >= 2)
    assert len(steps) == 2  # stopped right after the step that saw the cancel, four steps early
    assert not (tmp_path / "out.mp4").exists()
    # The model stays usable: the next job runs to the end.
    _, out = _run(engine, tmp_path, "after.mp4")
    assert_video(out.video_path, 640, 360, duration_s=3.0)


def test_edit_extend_upscale_are_not_offered_and_refused(wan, tmp_path):
    assert wan.tasks() == ("text_to_video",)
    with pytest.raises(CapabilityMissing, match="does not do edit; it does text_to_video"):
        _run(wan, tmp_path, task="edit", source_video=tmp_path / "in.mp4")


def test_negative_prompt_comes_from_the_prompts_exclusions(wan, tmp_path):
    _, out = _run(wan, tmp_path, prompt="a forest in the rain, no people, without text")
    assert "Negative prompt: people, text." in out.text


def test_generated_shape_fits_the_model_grid_and_duration():
    # Wan: /16 pixels, 4k+1 frames at 16 fps; LTX: /32 pixels, 8k+1 frames at 24 fps.
    assert generation.generation_size((1280, 720), 720, 16) == (1280, 720)
    assert generation.generation_size((720, 1280), 480, 16) == (480, 848)
    assert generation.generation_size((1080, 1080), 480, 32) == (480, 480)
    assert generation.frame_count(5.0, 16, 4, 81) == 81
    assert generation.frame_count(3.0, 16, 4, 81) == 49
    assert generation.frame_count(10.0, 16, 4, 81) == 81  # capped: the clip is then spread over 10 s
    assert generation.frame_count(4.0, 24, 8, 161) == 97


def test_text_encoder_reads_the_instruction_and_prompt_without_role_tags():
    request = EngineRequest(task="image_to_video", prompt="<FIRST_FRAME> the dog runs  to <LAST_FRAME>",
                            system_instruction="Cinematic, 35mm.")
    assert generation.text_prompt(request) == "Cinematic, 35mm.\nthe dog runs to"


def test_retiming_blends_between_generated_frames():
    clip = np.stack([np.full((2, 2, 3), v, np.uint8) for v in (0, 100, 200)])
    out = [int(f[0, 0, 0]) for f in retimed(clip, 5)]
    assert out == [0, 50, 100, 150, 200]


def _image(tmp_path: Path, name: str, color, role: str | None = None) -> MediaInput:
    path = tmp_path / name
    Image.new("RGB", (320, 180), color).save(path)
    return MediaInput(kind="image", path=path, mime_type="image/png", role=role)


def test_image_to_video_with_a_wan_i2v_checkpoint(checkpoints, tmp_path):
    engine = _engine(checkpoints["wan_i2v"])
    assert engine.tasks() == ("image_to_video",)  # an I2V transformer cannot start from text alone
    first = _image(tmp_path, "first.png", (200, 40, 40), "first_frame")
    last = _image(tmp_path, "last.png", (40, 40, 200), "last_frame")
    req, out = _run(engine, tmp_path, task="image_to_video", aspect_ratio="16:9", media=(first, last))
    assert assert_video(out.video_path, 640, 360, duration_s=3.0).frames == req.frame_count
    with pytest.raises(CapabilityMissing, match="does not do text_to_video; it does image_to_video"):
        _run(engine, tmp_path, "t2v.mp4")


def test_wan_ti2v_checkpoint_does_both_on_shared_weights_in_their_own_dtypes(checkpoints, tmp_path):
    engine = _engine(checkpoints["wan_ti2v"], diffusers_dtype="bfloat16")
    assert engine.tasks() == ("text_to_video", "image_to_video")
    engine.warm_up()
    model = engine._loader.get()
    # One copy of the weights serves both tasks, in bfloat16, beside the float32 Wan VAE (nothing recast).
    assert model.image.transformer is model.text.transformer
    assert model.text.transformer.dtype == torch.bfloat16 and model.text.vae.dtype == torch.float32
    req, out = _run(engine, tmp_path, task="image_to_video", aspect_ratio="1:1",
                    media=(_image(tmp_path, "start.png", (220, 180, 20)),))
    assert assert_video(out.video_path, 360, 360, duration_s=3.0).frames == req.frame_count
    assert "24 fps" in out.text  # TI2V renders at 24 fps, not Wan 2.1's 16


def test_ltx_checkpoint_does_text_and_image_to_video(checkpoints, tmp_path):
    engine = _engine(checkpoints["ltx"])
    assert engine.tasks() == ("text_to_video", "image_to_video")
    _, out = _run(engine, tmp_path, "t2v.mp4", aspect_ratio="9:16")
    assert_video(out.video_path, 360, 640, duration_s=3.0)
    _, out = _run(engine, tmp_path, "i2v.mp4", task="image_to_video", aspect_ratio="1:1",
                  media=(_image(tmp_path, "start.png", (30, 160, 60)),))
    assert_video(out.video_path, 360, 360, duration_s=3.0)
    with pytest.raises(CapabilityMissing, match="cannot also end on a given last frame"):
        _run(engine, tmp_path, "two.mp4", task="image_to_video",
             media=(_image(tmp_path, "a.png", (0, 0, 0)), _image(tmp_path, "b.png", (255, 255, 255))))


def test_registry_routes_only_when_a_model_is_configured(checkpoints):
    plain = EngineRegistry.from_settings(Settings())
    assert "omnireel-diffusers" not in plain.model_ids()
    both = EngineRegistry.from_settings(Settings(diffusers_model=str(checkpoints["ltx"])))
    assert both.resolve("omnireel-diffusers")[1].name == "diffusers"
    assert both.resolve("gemini-omni-1.2-flash")[1].name == "builtin"  # public ids follow default_engine
    described = {m["id"]: m for m in both.describe()}
    assert described["omnireel-diffusers"]["tasks"] == ["text_to_video", "image_to_video"]
