"""The shot plan: what the builtin engine understood from a prompt, and its rendering as text for the user."""

from __future__ import annotations

import dataclasses
import re


@dataclasses.dataclass(frozen=True)
class CameraMove:
    kind: str  # static | push_in | pull_out | pan | tilt | orbit | dolly_zoom | handheld | crash_zoom
    direction: str | None = None  # left/right for pan, up/down for tilt
    speed: str = "slow"  # slow | medium | fast


@dataclasses.dataclass(frozen=True)
class TextItem:
    text: str  # verbatim, exactly as quoted
    position: str = "center"  # center | top | bottom | lower_third | upper_third
    beat: int | None = None  # index into ShotPlan.beats when the quote sits inside a timed beat


@dataclasses.dataclass(frozen=True)
class DialogueLine:
    text: str  # verbatim, exactly as quoted
    speaker: str = "narrator"  # narrator | female | male: picks the synthetic voice
    start_s: float = 0.0  # planned start; the soundtrack moves a line later if the one before is still speaking
    beat: int | None = None  # index into ShotPlan.beats when the line sits inside a timed beat
    on_screen: bool = False  # also shown as a caption ("voice-over with subtitles: ...")


@dataclasses.dataclass(frozen=True)
class Beat:
    start_s: float
    end_s: float
    description: str
    camera: CameraMove | None = None
    texts: tuple[str, ...] = ()
    images: tuple[int, ...] = ()  # 0-based images named in the beat by <IMAGE_REF_n>


@dataclasses.dataclass(frozen=True)
class ShotPlan:
    prompt: str
    subject: str | None = None
    action: str | None = None
    camera: CameraMove = CameraMove("push_in")
    camera_explicit: bool = False  # False: the default move was chosen because the prompt named none
    shot_size: str | None = None
    continuous: bool = True  # one continuous shot (True) or several shots (False)
    scene: str | None = None
    lighting: tuple[str, ...] = ()
    style: tuple[str, ...] = ()
    preserve: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    beats: tuple[Beat, ...] = ()
    roles: dict[str, int] = dataclasses.field(default_factory=dict)  # role -> 0-based image index
    texts: tuple[TextItem, ...] = ()
    photoreal: bool = False  # describes subjects the builtin engine cannot draw
    content_changes: tuple[str, ...] = ()  # phrases asking to repaint/replace/remove subject pixels
    palette: str = ""
    mood: str = ""
    dialogue: tuple[DialogueLine, ...] = ()  # quoted lines to be spoken as voice-over, not drawn
    ambience: tuple[str, ...] = ()  # scene sound layers (city, ocean, wind, rain, crowd, ...)
    beats_asked_end_s: float | None = None  # the timed beats ran this long and were scaled to fit the duration
    english: bool = True  # False: the prompt's own words (outside quotes) are not English the parser reads

    @property
    def quoted(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.texts)


def _fmt_camera(c: CameraMove) -> str:
    name = c.kind.replace("_", " ")
    if c.direction:
        name += f" {c.direction}"
    return f"{c.speed} {name}" if c.kind not in ("static", "handheld") else name


def describe(plan: ShotPlan, *, task: str, duration_s: float, size: tuple[int, int], notes: list[str] = (),
             moves: tuple[CameraMove, ...] = ()) -> str:
    """The plan as a short, readable text block for the output: what was understood and what was rendered.
    `moves`: the camera moves the shots actually use, in order, where they differ from shot to shot."""
    lines = [f"Shot plan (builtin engine, {task}):"]
    subject = plan.subject or _implied_subject(plan, task)
    if subject:
        lines.append(f"- Subject: {subject}")
    if plan.action:
        lines.append(f"- Action: {plan.action}")
    distinct = list(dict.fromkeys(moves))
    if len(distinct) > 1:
        how = "" if plan.camera_explicit else " (chosen by the engine; none named in the prompt)"
        cam = "per shot: " + ", ".join(_fmt_camera(c) for c in distinct) + how
    elif plan.camera_explicit:
        cam = _fmt_camera(plan.camera)
    elif plan.english:
        cam = _fmt_camera(plan.camera) + " (default; none named in the prompt)"
    else:
        cam = _fmt_camera(plan.camera) + " (default; the prompt's words were not understood)"
    lines.append(f"- Camera: {cam}; " + ("one continuous shot" if plan.continuous else "multi-shot"))
    if plan.shot_size:
        lines.append(f"- Framing: {plan.shot_size}")
    if plan.scene:
        lines.append(f"- Scene: {plan.scene}")
    elif not plan.english and task == "text_to_video":
        lines.append("- Scene: default (the prompt's words were not understood)")
    if plan.lighting:
        lines.append(f"- Lighting: {', '.join(plan.lighting)}")
    if plan.style:
        lines.append(f"- Style: {', '.join(plan.style)}")
    if plan.preserve:
        lines.append(f"- Preserve: {'; '.join(plan.preserve)}")
    if plan.exclude:
        lines.append(f"- Exclude: {'; '.join(plan.exclude)}")
    if plan.roles:
        roles = ", ".join(f"{r} = image {i + 1}" for r, i in sorted(plan.roles.items(), key=lambda kv: kv[1]))
        lines.append(f"- Image roles: {roles}")
    if not plan.english:
        notes = [
            "The builtin engine reads English prompts; this one was not understood beyond its quoted text, so "
            "defaults were used for camera, scene and light.",
            *notes,
        ]
    if plan.beats_asked_end_s:
        notes = [
            f"The timed beats run to {plan.beats_asked_end_s:g} s but the video is {duration_s:g} s long, so every "
            f"beat was scaled to fit (x{duration_s / plan.beats_asked_end_s:.2f}); ask for a longer duration to keep "
            "the beats' own timing.",
            *notes,
        ]
    for i, b in enumerate(plan.beats):
        extra = f" [camera: {_fmt_camera(b.camera)}]" if b.camera else ""
        lines.append(f"- Beat {i + 1} [{b.start_s:g}-{b.end_s:g}s]: {b.description}{extra}")
    if plan.texts:
        lines.append("- On-screen text (exact): " + "; ".join(f'"{t.text}" ({t.position.replace("_", " ")})' for t in plan.texts))
    if plan.dialogue:
        spoken = "; ".join(f'"{d.text}" ({d.speaker}, from {d.start_s:g} s)' for d in plan.dialogue)
        lines.append(f"- Voice-over (spoken with offline speech synthesis): {spoken}")
    if plan.palette or plan.mood:
        amb = f"; ambience: {', '.join(plan.ambience)}" if plan.ambience else ""
        lines.append(f"- Look and sound: {plan.palette} palette; {plan.mood} music bed{amb}")
    w, h = size
    lines.append(f"- Output: {w}x{h}, 24 fps, {duration_s:g} s, H.264 + AAC")
    lines.extend(f"Note: {_honest_note(n, plan)}" for n in notes)
    return "\n".join(lines)


def _implied_subject(plan: ShotPlan, task: str) -> str | None:
    """What the shot shows when the prompt names no subject of its own: the input pictures for image tasks, the
    title for text-only motion design; otherwise nothing (the line is left out rather than guessed)."""
    if task.startswith("image_to_video"):
        return "the two images (first and last frame)" if "first and last" in task else "the image"
    if task.startswith("reference_to_video"):
        return "the reference images"
    if plan.texts and not plan.photoreal:
        return "title card (text only)"
    return None


_QUOTED_CLAIM = re.compile(r";? ?on-screen text is drawn exactly as quoted(?=[.:])")


def _honest_note(note: str, plan: ShotPlan) -> str:
    """A note may not promise quoted on-screen text when the prompt quoted none (or only spoken lines)."""
    if plan.texts:
        return note
    return _QUOTED_CLAIM.sub("", note)
