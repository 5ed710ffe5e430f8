"""edit: classical, exact edits of a source video from an instruction.

The instruction becomes an edit plan (media.prompt.edit_plan: typed ops with their time ranges and regions); the
source is decoded as a stream of I420 frames at 24 fps and each output frame is the source frame the timeline
picks (trims, speed, reverse), refitted when the format changes, with only the plan's ops drawn on it (looks,
fades, mirrored, exact text). Everything the instruction does not touch goes to the encoder as decoded, re-encoded
at a higher quality than generated clips. The sound follows the picture through every time op. Requests that need
understanding of the pixels ("make the violin invisible") fail with CapabilityMissing before anything is decoded.

Format: the output keeps the source's pixel size (rounded down to even) and its duration unless the request set
them explicitly (options["explicit_format"]) or the instruction asks ("make it vertical", "cut the first second").
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from omnireel.engines.base import MAX_DURATION_S, RESOLUTIONS, EngineContext, EngineOutput, EngineRequest, frame_size
from omnireel.engines.builtin import common
from omnireel.engines.builtin.source_format import explicit_fields
from omnireel.errors import CapabilityMissing, InvalidMedia
from omnireel.media.glyphs import refuse_undrawable_text
from omnireel.media.ops import grade, sound_edit, timing, video_source
from omnireel.media.ops.overlay import TextItem, TextOverlays
from omnireel.media.ops.refit import Refit, plan_refit
from omnireel.media.prompt.edit_ops import EditPlan, describe_edit, op_words
from omnireel.media.prompt.edit_plan import parse_edit

FPS = 24
SAMPLE_RATE = 48000
EDIT_CRF = 16  # generated clips use 23; an edit re-encodes pixels it promises to keep, so it loses less
MIN_OUTPUT_FRAMES = FPS  # one second
_SHORT_SIDE = {"360p": 360, "720p": 720, "1080p": 1080, "4k": 2160}
_LEVELS = {"black": (16, 128), "white": (235, 128)}  # I420 luma and chroma of black and white


@dataclasses.dataclass
class _Resolved:
    """The plan against this source: the timeline, the output size and every op's range in seconds."""

    timeline: timing.Timeline
    size: tuple[int, int]
    refit: Refit | None
    lines: list[str]
    looks: list[tuple[str, float, float, float]]  # look, amount, start, end
    fades: list[tuple[str, str, float, float]]  # direction, colour, start, end
    texts: list[TextItem]
    flips: list[str]
    gains: list[tuple[float, float, float]]  # start, end, gain on the source's sound
    sound_fades: list[tuple[str, float, float]]
    bed: tuple[str, str] | None  # (replace | add, mood)
    notes: list[str]

    @property
    def duration_s(self) -> float:
        return self.timeline.frames / FPS


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    if request.source_video is None:
        raise InvalidMedia("An edit needs a source video: the previous interaction's output or an uploaded video.")
    plan = parse_edit(request.prompt)  # refusals come before any decoding
    refuse_undrawable_text(plan.texts, "edit")
    src = request.source_video
    info = video_source.inspect(src)
    explicit = explicit_fields(request)
    r = _resolve(plan, info, request, explicit, src)
    width, height = r.size
    n = r.timeline.frames
    overlays = TextOverlays(r.texts, width, height, r.duration_s) if r.texts else None
    rng = common.request_rng(request, "edit-audio")
    sound = functools.partial(_sound, src, info, r, rng)
    out_request = dataclasses.replace(request, duration_s=n / FPS, fps=FPS)
    indices = r.timeline.indices()
    with contextlib.ExitStack() as stack:
        source = _source_frames(src, info, indices, ctx, stack)
        frames = (_render(f, k, r, overlays) for k, f in enumerate(source))
        common.encode(out_request, ctx, output_path, frames, sound, stage="edit", opencv_pool=False,
                      size=(width, height), crf=EDIT_CRF)
    source_words = (f"{info.width}x{info.height}, {_secs(info.duration_s)} s at 24 fps, "
                    + ("with sound" if info.has_audio else "no sound"))
    if (info.width, info.height) != info.decoded_size:
        source_words += f" (decoded {info.decoded_size[0]}x{info.decoded_size[1]}; rounded down to even)"
    text = describe_edit(plan, r.lines, source=source_words,
                         output=f"{width}x{height}, 24 fps, {_secs(r.duration_s)} s, H.264 + AAC", notes=r.notes,
                         refitted=r.refit is not None)
    return EngineOutput(video_path=output_path, text=text, width=width, height=height, duration_s=n / FPS,
                        fps=FPS, has_audio=True)


def _secs(t: float) -> str:
    return f"{round(t, 2):g}"


# ------------------------------------------------------------------------------------------------ resolving


def _resolve(plan: EditPlan, info: video_source.SourceInfo, request: EngineRequest, explicit: set,
             src: Path) -> _Resolved:
    lines: list[str] = []
    notes: list[str] = []
    timeline = _timeline(plan, info, request, explicit, lines)
    size, refit = _geometry(plan, info, request, explicit, src)
    if refit is not None:
        asked = f"Aspect {plan.aspect}" if plan.aspect else "Frame (the requested format)"
        lines.append(f"{asked}: {refit.words()}")
    elif plan.of("aspect") and len(plan.ops) == len(plan.of("aspect")):
        raise CapabilityMissing(f"The source is already {plan.aspect}; the instruction asks for no other change, so "
                                "there is nothing to edit.")
    d = timeline.frames / FPS
    r = _Resolved(timeline, size, refit, lines, [], [], [], [], [], [], None, notes)
    for op in plan.ops:
        k = op.kind
        if k in ("trim", "speed", "reverse", "aspect"):
            if k in ("speed", "reverse"):
                lines.append(op_words(op))
            continue
        if k == "flip":
            r.flips.append(op.axis)
            lines.append(op_words(op))
            continue
        if k == "audio" and op.action in ("replace", "add"):
            r.bed = (op.action, op.mood)
            lines.append(op_words(op))
            continue
        what = f'the text "{op.text}"' if k == "text" else f"'{op.phrase}'"
        s, e = op.span.resolve(d, what=what)
        lines.append(op_words(op, s, e))
        if k == "text":
            r.texts.append(TextItem(op.text, op.role, op.position, s, e, op.scale, op.color))
        elif k == "look":
            r.looks.append((op.look, op.amount, s, e))
        elif k == "fade":
            r.fades.append((op.direction, op.color, s, e))
            r.sound_fades.append((op.direction, s, e))
        elif op.action == "mute":
            r.gains.append((s, e, 0.0))
            if "music" in op.phrase:
                notes.append("The builtin engine cannot separate music from other sounds, so the whole sound "
                             "track was muted.")
        elif op.action == "volume":
            r.gains.append((s, e, 10 ** (op.gain_db / 20)))
        else:
            r.sound_fades.append((op.action[5:], s, e))
    if not info.has_audio and r.bed is None:
        notes.append("The source has no sound, so the output's sound track is silent.")
    if r.texts:
        notes.append("On-screen text is drawn exactly as quoted.")
    timed = r.texts or r.looks or r.fades or r.gains or r.sound_fades
    if timed and (plan.of("trim") or plan.speed != 1.0 or plan.reverse):
        notes.append("Times of text, looks, fades and sound levels are on the edited clip (after trims, speed and "
                     "reverse); trims are on the source.")
    return r


def _timeline(plan: EditPlan, info: video_source.SourceInfo, request: EngineRequest, explicit: set,
              lines: list[str]) -> timing.Timeline:
    d = info.duration_s
    keeps, cuts = [], []
    for op in plan.of("trim"):
        if op.span.kind in ("first", "last", "for") and op.span.a > d + 0.5 / FPS:
            # Cutting more than there is removes everything; keeping more than there is would need new footage.
            advice = ("Cut less than the whole clip." if op.mode == "cut" else
                      "An edit cannot make a clip longer; use the extend task to add time.")
            raise CapabilityMissing(
                f"'{op.phrase}' asks for {op.span.a:g} s, but the source is only {_secs(d)} s long. {advice}")
        s, e = op.span.resolve(d, what=f"'{op.phrase}'")
        (keeps if op.mode == "keep" else cuts).append((s, e))
        lines.append(op_words(op, s, e))
    kept = timing.kept_ranges(info.frames, keeps, cuts)
    if not kept:
        raise CapabilityMissing("The trims in the instruction leave nothing of the clip; keep some of it.")
    timeline = timing.Timeline(tuple(kept), plan.speed, plan.reverse)
    natural = timeline.frames
    if "duration_s" in explicit:
        want = round(request.duration_s * FPS)
        if want > natural + 1:
            raise CapabilityMissing(
                f"The request asks for {request.duration_s:g} s, but the edited clip is {_secs(natural / FPS)} s "
                "long. An edit cannot make a clip longer; use the extend task to add time.")
        timeline = dataclasses.replace(timeline, limit=want)
    # The model's own limit when create passed it (gemini-omni-1.1-flash makes at most 10 s), else the service's.
    limit = float(request.options.get("max_duration_s") or MAX_DURATION_S)
    if timeline.frames > limit * FPS:
        slow = " (slow motion makes it longer)" if plan.speed < 1 else ""
        model = request.options.get("model")
        whose = f" on {model}" if model else ""
        raise CapabilityMissing(
            f"The edited clip would be {_secs(timeline.frames / FPS)} s long{slow}; outputs{whose} are at most "
            f"{limit:g} s. Cut part of the clip first (e.g. 'keep only the first 6 seconds').")
    if timeline.frames < MIN_OUTPUT_FRAMES:
        raise CapabilityMissing(
            f"The edited clip would be {_secs(timeline.frames / FPS)} s long; an edit keeps at least 1 s.")
    return timeline


def _tier(width: int, height: int) -> str:
    """The resolution name whose short side is nearest the source's."""
    short = min(width, height)
    return min(RESOLUTIONS, key=lambda r: abs(_SHORT_SIDE[r] - short))


def _geometry(plan: EditPlan, info: video_source.SourceInfo, request: EngineRequest, explicit: set,
              src: Path) -> tuple[tuple[int, int], Refit | None]:
    w, h = info.width, info.height
    aspect = plan.aspect
    if "aspect_ratio" in explicit:
        if aspect and aspect != request.aspect_ratio:
            raise CapabilityMissing(
                f"The instruction asks for {aspect} but the request's aspect_ratio is {request.aspect_ratio}; ask "
                "for one.")
        aspect = request.aspect_ratio
    resolution = request.resolution if "resolution" in explicit else None
    if aspect:
        aw, ah = frame_size(aspect, "360p")
        if abs((w / h) / (aw / ah) - 1) < 0.02 and not resolution:
            size = (w, h)  # already this shape: nothing to reframe
        else:
            size = frame_size(aspect, resolution or _tier(w, h))
    elif resolution:
        short = _SHORT_SIDE[resolution]
        long = round(short * max(w, h) / min(w, h))
        long -= long % 2
        size = (long, short) if w >= h else (short, long)
    else:
        size = (w, h)
    if size == (w, h):
        return size, None
    changes_shape = abs((w / h) / (size[0] / size[1]) - 1) >= 0.02
    samples = video_source.sample_rgb(src, info) if changes_shape else []
    return size, plan_refit((w, h), size, samples)


# ------------------------------------------------------------------------------------------------ rendering


def _source_frames(src: Path, info: video_source.SourceInfo, indices: list[int], ctx: EngineContext,
                   stack: contextlib.ExitStack) -> Iterator[np.ndarray]:
    """The source frames in output order. Out-of-order timelines (reverse) are spilled to disk first, reporting
    progress (also the cancellation point) while the clip is decoded."""
    frames = video_source.frames_i420(src, info)
    if all(a <= b for a, b in zip(indices, indices[1:])):
        return timing.forward(frames, indices)
    lo, hi = min(indices), max(indices)
    spill = stack.enter_context(timing.Spill(lo, hi, (info.height * 3 // 2, info.width), ctx.scratch_dir))
    ctx.progress("decode", 0.0)
    for i in spill.fill(frames):
        if i % common.PROGRESS_EVERY == 0:
            ctx.progress("decode", (i + 1) / (hi + 1))
    ctx.progress("decode", 1.0)
    return spill.read(indices)


def _render(frame: np.ndarray, k: int, r: _Resolved, overlays: TextOverlays | None) -> np.ndarray:
    """Output frame k: the picked source frame with the ops active at its time drawn on it. A frame no op touches
    is returned as decoded (the same array: frames may repeat, so anything drawn goes on a copy)."""
    t = k / FPS
    looks = [lk for lk in r.looks if lk[2] <= t < lk[3]]
    fades = [_fade_level(f, t) for f in r.fades]
    fades = [(colour, p) for colour, p in fades if p < 1.0]
    text = overlays is not None and overlays.active(t)
    if r.refit is None and not (looks or fades or text or r.flips):
        return frame
    out = r.refit.apply(frame) if r.refit is not None else frame.copy()
    if out is frame:
        out = frame.copy()
    for axis in r.flips:
        y, u, v = grade.planes(out)
        for p in (y, u, v):
            p[...] = (p[:, ::-1] if axis == "horizontal" else p[::-1]).copy()
    for look, amount, _, _ in looks:
        grade.apply(out, look, amount)
    if text:
        overlays.apply(out, t)
    for colour, p in fades:
        _fade(out, colour, p)
    return out


def _fade_level(fade: tuple[str, str, float, float], t: float) -> tuple[str, float]:
    """(colour, how much of the picture shows) for a fade at time t: a fade in shows nothing at its start (and
    before it), a fade out nothing on its last frame (and after it)."""
    direction, colour, s, e = fade
    span = max(1.0 / FPS, e - s)
    if direction == "in":
        p = (t - s) / span
    else:
        p = 1.0 - (t + 1.0 / FPS - s) / span
    return colour, float(np.clip(p, 0.0, 1.0))


def _fade(frame: np.ndarray, colour: str, p: float) -> None:
    y, u, v = grade.planes(frame)
    luma, chroma = _LEVELS[colour]
    cv2.addWeighted(y, p, y, 0.0, luma * (1.0 - p), dst=y)
    cv2.addWeighted(u, p, u, 0.0, chroma * (1.0 - p), dst=u)
    cv2.addWeighted(v, p, v, 0.0, chroma * (1.0 - p), dst=v)


def _sound(src: Path, info: video_source.SourceInfo, r: _Resolved, rng: np.random.Generator) -> np.ndarray:
    """The output's sound: the source's, through the timeline, then levels, a new bed, fades. Runs on the
    encoder's audio thread."""
    n = round(r.timeline.frames * SAMPLE_RATE / FPS)
    audio = video_source.read_audio(src, info.audio_samples) if info.has_audio else None
    x = timing.retime_audio(audio, r.timeline, SAMPLE_RATE) if audio is not None else np.zeros((2, n), np.float32)
    if r.gains:
        x = x * sound_edit.gain_envelope(n, SAMPLE_RATE, r.gains)
    if r.bed is not None:
        action, mood = r.bed
        bed = sound_edit.music_bed(mood, n / SAMPLE_RATE, rng, SAMPLE_RATE)[:, :n]
        x = bed if action == "replace" else sound_edit.mix_under(x, bed, SAMPLE_RATE)
    x = sound_edit.safe_gain(np.ascontiguousarray(x, dtype=np.float32), SAMPLE_RATE)
    if r.sound_fades:
        x = x * sound_edit.fade_envelope(n, SAMPLE_RATE, r.sound_fades)
    return x.astype(np.float32)
