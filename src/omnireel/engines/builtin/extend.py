"""extend: the source video (the previous turn's output or an uploaded file), then a few seconds more. Without a
generative model the extension is the clip's last frame animated as a still: the camera motion of the clip's last
second carried on and eased to rest (media.ops.global_motion, media.ops.continuation), or, where the clip ends at
rest, a slow push-in (or the move the prompt names). The seam is invisible: the extension starts from the last
frame, one step of the clip's own motion on. Quoted text is drawn over the extension as titles; the soundtrack
carries on from the source's audio (media.ops.audio_continuation).

What it cannot do is make something new happen ("then the dog jumps over the fence"): that is refused by name.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import re
from pathlib import Path

import cv2
import numpy as np

from omnireel.engines.base import ASPECT_RATIOS, EngineContext, EngineOutput, EngineRequest, frame_size
from omnireel.engines.builtin import common
from omnireel.engines.builtin.i2v import move_states
from omnireel.engines.builtin.titles import KineticTitles, image_accent, image_cards
from omnireel.engines.builtin.source_format import TIERS, aspect_of, explicit_fields, secs as _secs
from omnireel.errors import CapabilityMissing
from omnireel.media.audio.soundtrack import soundtrack
from omnireel.media.glyphs import refuse_undrawable_text
from omnireel.media.ops import audio_continuation, continuation
from omnireel.media.ops.global_motion import STILL_PX, STILL_ZOOM, Velocity, clip_velocity, work_gray
from omnireel.media.ops.refit import plan_refit
from omnireel.media.ops.video_source import SAMPLE_RATE, SourceInfo, frames_i420, inspect, read_audio, sample_rgb
from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import CameraMove, ShotPlan

DEFAULT_EXTENSION_S = 5.0
MIN_EXTENSION_S, MAX_EXTENSION_S = 3.0, 10.0
MAX_TOTAL_S = 40.0
END_CARD_S = 2.5  # an "end on the title ..." card owns this much of the extension's end

# Nouns of prompts that describe the shot rather than something happening in it.
_META = {
    "camera", "shot", "shots", "clip", "video", "scene", "frame", "view", "picture", "image", "footage", "it", "this",
    "music", "soundtrack", "sound", "audio", "title", "titles", "text", "words", "card", "caption", "logo", "ending",
    "end", "motion", "move", "movement", "pan", "zoom", "push", "light", "lighting", "mood", "colour", "colours",
    "color", "colors", "grade", "look", "tone", "fade", "screen", "everything", "extension", "lens", "focus",
}
# Verbs a subject-less action may start with and still only be about the camera, the cut or the titles.
_CAMERA_VERBS = {
    "drift", "drifts", "drifting", "pan", "pans", "panning", "move", "moves", "moving", "glide", "glides", "gliding",
    "settle", "settles", "settling", "continue", "continues", "continuing", "keep", "keeps", "keeping", "hold",
    "holds", "holding", "linger", "lingers", "lingering", "zoom", "zooms", "zooming", "push", "pushes", "pushing",
    "pull", "pulls", "pulling", "tilt", "tilts", "tilting", "track", "tracks", "tracking", "ease", "eases", "easing",
    "slow", "slows", "slowing", "fade", "fades", "fading", "end", "ends", "ending", "rest", "rests", "resting", "stay",
    "stays", "staying", "float", "floats", "floating", "dolly", "dollies", "dollying", "crane", "cranes", "orbit",
    "orbits", "orbiting", "go", "goes", "going", "carry", "carries", "carrying", "close", "closes", "closing",
    "appear", "appears", "appearing", "reveal", "reveals", "revealing", "show", "shows", "showing", "come", "comes",
}
_DET = r"(?:the|a|an|his|her|their|its|our|my|some|two|three|that|this)"
_THEN = re.compile(rf"\b(?:then|afterwards|after that|next|suddenly|as|while|until|when)\s*,?\s+{_DET}\s+([a-z'-]+)[^.;,!?]*", re.I)
_CAUSE = re.compile(rf"\b(?:make|makes|have|has|let|lets|get|gets)\s+{_DET}\s+([a-z'-]+)\s+[a-z'-]+[^.;,!?]*", re.I)
# 'title 'SEE YOU SOON'': a single-quoted span right after a word that introduces text is a title too.
_SINGLE_QUOTED_TITLE = re.compile(
    r"(\b(?:title|titles|card|text|words|caption|headline|tagline|slogan|reads|says|saying|reading)\b[\s:]*)"
    r"'([^'\n]{1,120})'(?!\w)", re.I)


def with_double_quotes(prompt: str) -> str:
    """The prompt with single-quoted titles ("end on the title 'SEE YOU SOON'") in double quotes, which is how
    the prompt parser finds exact on-screen text (plain single quotes double as apostrophes)."""
    return _SINGLE_QUOTED_TITLE.sub(lambda m: f'{m.group(1)}"{m.group(2)}"', prompt or "")


def new_action(plan: ShotPlan) -> str | None:
    """The phrase of the prompt that asks for something new to happen in the picture, or None when the prompt
    only describes the camera, the mood, the sound or titles."""
    if plan.content_changes:
        return plan.content_changes[0]
    unquoted = re.sub(r'"[^"]*"|“[^”]*”', " ", plan.prompt)
    for rx in (_THEN, _CAUSE):
        for m in rx.finditer(unquoted):
            if m.group(1).lower() not in _META:
                return m.group(0).strip()
    if plan.action:
        subject = re.findall(r"[a-z'-]+", (plan.subject or "").lower())
        if subject and not set(subject) & _META:
            return f"{plan.subject} {plan.action}"
        first = re.findall(r"[a-z'-]+", plan.action.lower())[:1]
        if not subject and first and first[0] not in _CAMERA_VERBS:
            return plan.action
    return None


def refuse_new_action(plan: ShotPlan) -> None:
    phrase = new_action(plan)
    if phrase:
        raise CapabilityMissing(
            f"The builtin engine extends a clip by continuing the camera over its last frame (the clip's own motion "
            f"carried on and eased to rest, or a slow push-in), with titles and a soundtrack; it cannot make "
            f"anything new happen in the picture (asked: '{phrase}'). Leave that out to get a camera continuation, "
            "or send it to the upstream engine (model omnireel-upstream: Google's hosted model, available when this "
            "server is configured with OMNIREEL_UPSTREAM_API_KEY) for an extension with new action."
        )


_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split())}
_N = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_UNIT = r"(?:seconds?|secs?|s)\b"
# "extend it by 3 seconds", "for 4 more seconds", "add three more seconds", "another 5 s", "6 extra seconds"
# ... and "make it 4 seconds longer" (a follow-up that omits the task is read as extend from that too).
_ASKED_LENGTH = re.compile(
    r"\b(?:by|for|add(?:ing)?|another|extra|additional)\s+" + _N + r"\s*(?:(?:more|extra|additional)\s+)?" + _UNIT
    + r"|\b" + _N + r"\s*(?:more|extra|additional)\s+" + _UNIT
    + r"|\b" + _N + r"[\s-]*" + _UNIT + r"\s+longer\b", re.I)


def extension_seconds(request: EngineRequest) -> float:
    """The length to add: response_format.duration when set, else the length the prompt asks for ("extend it by
    3 seconds"), else DEFAULT_EXTENSION_S."""
    explicit = float(request.duration_s) if "duration_s" in explicit_fields(request) else None
    return asked_extension(request.prompt, explicit)


def asked_extension(prompt: str, explicit_s: float | None) -> float:
    """extension_seconds from the text alone, so the create service can refuse a length out of range with a 400
    before any job runs (it raises CapabilityMissing, which create turns into InvalidArgument, same words)."""
    if explicit_s is not None:
        s, where = float(explicit_s), "response_format.duration is the length added"
    else:
        m = _ASKED_LENGTH.search(prompt or "")
        if m is None:
            return DEFAULT_EXTENSION_S
        word = next(g for g in m.groups() if g).lower()
        s, where = float(_NUMBER_WORDS.get(word, word)), f"as the prompt asks: '{m.group(0).strip()}'"
    if not MIN_EXTENSION_S - 1e-9 <= s <= MAX_EXTENSION_S + 1e-9:
        raise CapabilityMissing(
            f"extend adds {MIN_EXTENSION_S:g} to {MAX_EXTENSION_S:g} seconds to a clip ({where}); {s:g} s was asked "
            "for."
        )
    return s


def check_total(source_s: float, seconds: float, fps: float = 24) -> None:
    """An extended clip is at most MAX_TOTAL_S long (the hosted model's limit); refused naming what fits."""
    total = round(source_s * fps) + round(seconds * fps)
    if total / fps > MAX_TOTAL_S + 0.5 / fps:
        room = math.floor(MAX_TOTAL_S - source_s + 1e-6)
        advice = (f"Ask for an extension of at most {room:g} s, or trim the source." if room >= MIN_EXTENSION_S else
                  f"Even the shortest extension ({MIN_EXTENSION_S:g} s) does not fit: trim the source to at most "
                  f"{MAX_TOTAL_S - MIN_EXTENSION_S:g} s first.")
        raise CapabilityMissing(
            f"An extended clip is at most {MAX_TOTAL_S:g} s long; the source is {source_s:.1f} s and the "
            f"extension {seconds:g} s ({total / fps:.1f} s in all). {advice}"
        )


def output_size(clip: SourceInfo, request: EngineRequest) -> tuple[int, int]:
    """The source's size (rounded down to even) unless the aspect ratio or resolution was asked for: then the
    tier size, the unasked one taken from the source (nearest named aspect, nearest tier)."""
    explicit = explicit_fields(request)
    if not explicit & {"aspect_ratio", "resolution"}:
        return clip.width - clip.width % 2, clip.height - clip.height % 2
    aspect = request.aspect_ratio if "aspect_ratio" in explicit else aspect_of(clip.width, clip.height) or min(
        ASPECT_RATIOS, key=lambda a: abs(math.log((clip.width / clip.height) / _ratio(a))))
    resolution = request.resolution if "resolution" in explicit else min(
        TIERS, key=lambda t: abs(math.log(clip.short_side / TIERS[t])))
    return frame_size(aspect, resolution)


def _ratio(aspect: str) -> float:
    w, h = frame_size(aspect, "720p")
    return w / h


def _titles(plan: ShotPlan, seconds: float, size: tuple[int, int], rng: np.random.Generator) -> KineticTitles:
    """The prompt's quoted text as kinetic titles over the extension; "end on the title ..." (or an end card)
    makes the last one an end card."""
    low = plan.prompt.lower()
    ends_on = plan.texts and re.search(r"\b(?:end|ends|ending|close|closes|closing|finish|finishes)\s+(?:on|with)\b|"
                                       r"\bend\s*card\b|\bfinal (?:title|card)\b", low)
    if ends_on:
        rest = dataclasses.replace(plan, texts=plan.texts[:-1])
        reserve = min(END_CARD_S, seconds * 0.6)
        cards = image_cards(rest, seconds, rng, reserve_end_s=reserve, end_text=plan.texts[-1].text)
    else:
        cards = image_cards(plan, seconds, rng)
    return KineticTitles(cards, *size, accent=image_accent(plan))


class _EndCardBackdrop:
    """Under an end card the picture defocuses and dims (a rack focus out): the clip's last frame often carries
    its own titles, and an end card drawn over sharp text would not read. The blurred still is made once and
    moved by the same camera."""

    DEFOCUS = 0.85  # blend towards the blurred, dimmed picture at full presence
    DIM = 0.6

    def __init__(self, still: np.ndarray, titles: KineticTitles):
        self.cards = [k for k in titles.track.titles if k.card.layout == "end_card"]
        self.soft = None
        if self.cards:
            sigma = 0.012 * max(still.shape[:2])
            self.soft = (cv2.GaussianBlur(still, (0, 0), sigma) * self.DIM).astype(np.uint8)

    def apply(self, frame: np.ndarray, layout, cam, t: float) -> np.ndarray:
        if self.soft is None:
            return frame
        w = self.DEFOCUS * max(k.presence(t) for k in self.cards)
        if w <= 0.002:
            return frame
        return cv2.addWeighted(frame, 1.0 - w, continuation.render(self.soft, layout, cam), w, 0.0)


def _camera(velocity: Velocity, move: CameraMove, explicit: bool, n: int, size: tuple[int, int], fps: int, seed: int) -> continuation.Continuation:
    """The extension's cameras: the clip's motion continued when it moves, else the prompt's move from rest
    (a slow push-in by default)."""
    w, h = size
    if velocity.moving:
        return continuation.continue_motion(velocity, n, w, h)
    if explicit and move.kind in ("pan", "tilt", "static"):
        return continuation.move_from_rest(move.kind, move.direction, n, w, h)
    push = CameraMove("push_in", speed=move.speed if explicit and move.kind == "push_in" else "slow")
    cams = move_states(push, n + 1, fps, seed, 1.0)[1:]
    return continuation.Continuation(cams, "push_in", end_zoom=cams[-1].zoom if cams else 1.0)


def run(request: EngineRequest, ctx: EngineContext, output_path: Path) -> EngineOutput:
    if request.source_video is None:
        raise CapabilityMissing("extend needs a source video: pass previous_interaction_id or a video input.")
    seconds = extension_seconds(request)
    prompt = with_double_quotes(request.prompt)
    plan = parse(prompt, duration_s=seconds)
    refuse_undrawable_text(plan.texts, "extend")
    refuse_new_action(plan)
    clip = inspect(request.source_video)
    fps = clip.fps
    n_ext = round(seconds * fps)
    total = clip.frames + n_ext
    check_total(clip.frames / fps, seconds, fps)
    width, height = size = output_size(clip, request)
    # The source keeps its pixels when the size does not change; otherwise it is reframed as an edit would be
    # (cropped around its subject when that fits, else fitted whole), never stretched.
    reshaped = abs((clip.width / clip.height) / (width / height) - 1) >= 0.02
    fit = plan_refit((clip.width, clip.height), size, sample_rgb(clip.path, clip) if reshaped else [])
    titles = _titles(plan, n_ext / fps, size, common.request_rng(request, "titles"))
    n_src_audio = round(clip.frames * SAMPLE_RATE / fps)
    n_ext_audio = round(total * SAMPLE_RATE / fps) - n_src_audio
    audio_rng = common.request_rng(request, "audio")
    joined: dict = {}

    def audio() -> np.ndarray:
        source = read_audio(clip.path, n_src_audio) if clip.has_audio else None

        def bed(s: float) -> np.ndarray:
            pre = s - n_ext / fps  # the bed starts this much before the seam (under the crossfade)
            return soundtrack(plan, s, audio_rng, cues=tuple(c + pre for c in titles.cues))

        result = audio_continuation.join(source, n_src_audio, n_ext_audio, SAMPLE_RATE, bed,
                                         bed_required=bool(plan.dialogue))
        joined["audio"] = result
        return result.samples

    state: dict = {}

    def frames():
        ring: collections.deque = collections.deque(maxlen=fps + 1)  # the last second: fps steps
        last = None
        for f in frames_i420(clip.path, clip):
            g = fit.apply(f)
            ring.append(work_gray(g[:height]))  # the luma plane
            last = g
            yield g
        still = cv2.cvtColor(last, cv2.COLOR_YUV2RGB_I420)
        velocity = clip_velocity(list(ring), width)
        cont = _camera(velocity, plan.camera, plan.camera_explicit, n_ext, size, fps, request.seed)
        state.update(velocity=velocity, cont=cont)
        layout = continuation.still_layout(width, height)
        cams = cont.cams
        under = _EndCardBackdrop(still, titles)

        def picture(j: int) -> np.ndarray:
            return under.apply(continuation.render(still, layout, cams[j]), layout, cams[j], j / fps)

        titles.calibrate(lambda t: picture(min(len(cams) - 1, max(0, round(t * fps)))))
        for j in range(len(cams)):
            yield titles.apply(picture(j), j / fps)

    out = dataclasses.replace(request, duration_s=total / fps)  # the whole clip: source and extension
    common.encode(out, ctx, output_path, frames(), audio, stage="extend", size=size)
    return EngineOutput(
        video_path=output_path,
        text=_describe(clip, plan, fit, size, n_ext, state, joined.get("audio"), titles),
        width=width,
        height=height,
        duration_s=total / fps,
        fps=fps,
        has_audio=True,
    )


def _motion_words(v: Velocity, fps: int) -> str:
    parts = []
    if abs(v.dx) >= STILL_PX:
        parts.append(f"a pan to the {'right' if v.dx < 0 else 'left'}")
    if abs(v.dy) >= STILL_PX:
        parts.append(f"a tilt {'down' if v.dy < 0 else 'up'}")
    if abs(v.zoom) >= STILL_ZOOM:
        parts.append(f"a {'push-in' if v.zoom > 0 else 'pull-out'} of {abs(math.expm1(v.zoom * fps)) * 100:.0f}% a second")
    return " and ".join(parts) or "a slight drift"


def _describe(clip, plan, fit, size, n_ext, state, audio, titles) -> str:
    fps = clip.fps
    w, h = size
    total = clip.frames + n_ext
    lines = ["Extend (builtin engine):"]
    how = ("kept as decoded" + (" (cropped to even dimensions)" if (w, h) != clip.decoded_size else "")
           if fit.identity else fit.words())
    rate = f", resampled from {clip.source_fps:g} fps by time" if clip.source_fps and abs(clip.source_fps - fps) > 0.01 else ""
    lines.append(f"- Source: {clip.width}x{clip.height}, {_secs(clip.duration_s)} s ({clip.frames} frames at {fps} fps{rate}), "
                 f"{how}, then re-encoded.")
    cont = state.get("cont")
    v = state.get("velocity")
    if cont is None:
        camera = "a camera move over the clip's last frame"
    elif cont.kind == "continued":
        tx, ty = cont.travel_px
        camera = f"the clip's own camera motion ({_motion_words(v, fps)}) carried on from its last step and eased to rest by the end"
        if math.hypot(tx, ty) >= 2:
            camera += (f" (travel {math.hypot(tx, ty):.0f} px), with just enough push-in to keep the frame inside the "
                       "picture")
        if abs(cont.end_zoom - 1) >= 0.005:
            camera += f"; the camera ends at {cont.end_zoom:.2f}x the framing of the last frame"
    elif cont.kind == "push_in":
        camera = f"the clip ends at rest, so a slow push-in from rest (to {cont.end_zoom:.2f}x)"
    elif cont.kind == "static":
        camera = "the frame held still"
    else:
        direction = f" {plan.camera.direction}" if plan.camera.direction else ""
        camera = (f"a {cont.kind}{direction} started from rest as the prompt asks, with just enough push-in to keep "
                  "the frame inside the picture")
    still_note = ("Nothing moves: the frame is held." if cont is not None and cont.kind == "static" else
                  "Nothing new happens in the picture; only the camera moves over that frame.")
    lines.append(
        f"- Extension: {_secs(n_ext / fps)} s ({n_ext} frames) made from the clip's last frame, animated as a still: "
        f"{camera}. {still_note}"
    )
    if plan.camera_explicit and cont is not None and cont.kind in ("continued", "push_in") and plan.camera.kind not in ("push_in",):
        why = ("the clip's own motion is carried on so the seam stays invisible" if cont.kind == "continued" else
               "a still frame cannot show what lies beyond its edges")
        lines.append(f"- Note: the prompt's camera ({plan.camera.kind.replace('_', ' ')}) was not used: {why}.")
    cards = titles.cards
    if cards:
        shown = "; ".join(f'"{c.text}"' + (" (end card)" if c.layout == "end_card" else "") for c in cards)
        lines.append(f"- Titles over the extension (exact text): {shown}")
    if audio is not None:
        if audio.kind == "music":
            lines.append(f"- Audio: the source's own, then a new music bed ({plan.mood or 'calm'}) crossfaded in over "
                         f"{audio_continuation.CROSSFADE_S:g} s at the source's loudness.")
        elif audio.kind == "ambience":
            lines.append("- Audio: the source's own, then its ambience (the source's last seconds) looped with "
                         "crossfades at the same loudness.")
        else:
            lines.append(f"- Audio: the source is silent, so the extension gets a music bed ({plan.mood or 'calm'}) "
                         "that fades in from the seam.")
        if plan.dialogue:
            spoken = "; ".join(f'"{d.text}"' for d in plan.dialogue)
            lines.append(f"- Voice-over over the extension (offline speech synthesis): {spoken}")
        if audio.seam_s < clip.duration_s - 0.05:
            lines.append(f"- The source's audio fades out at its end, so the crossfade starts where that fade begins "
                         f"({_secs(audio.seam_s)} s) instead of dipping to silence at the seam.")
    lines.append(f"- Total: {_secs(total / fps)} s ({total} frames at {fps} fps, {w}x{h}).")
    return "\n".join(lines)
