"""The edit plan: typed edit ops, each with its time range (and region where it has one), and its rendering as
text for the user. The builtin engine applies exactly these ops to the source stream and nothing else, so the
plan text is also the list of what changed.

Times: trims speak about the source clip ("cut the first 2 seconds" of what was given); every other op's range is
on the edited clip (after trims, speed and reverse), which is what the user watches.
"""

from __future__ import annotations

import dataclasses

from omnireel.media.prompt.edit_time import WHOLE, Span

LOOK_WORDS = {
    "mono": "black and white", "sepia": "sepia tone", "warm": "warmer colour", "cool": "cooler colour",
    "bright": "brighter", "dark": "darker", "contrast_up": "more contrast", "contrast_down": "less contrast",
    "saturate": "more saturated colour", "desaturate": "less saturated colour", "vintage": "vintage film look",
    "cinematic": "cinematic colour grade", "noir": "noir (high-contrast black and white)",
}
POSITION_WORDS = {
    "top": "at the top", "bottom": "at the bottom", "center": "in the centre", "lower_third": "as a lower third",
    "upper_third": "in the upper third", "top_left": "top left", "top_right": "top right",
    "bottom_left": "bottom left", "bottom_right": "bottom right",
}

# Text colours an edit may name ("a red title", "the caption in yellow"), as RGB. Dark ones are drawn on a light
# plate: on the usual dark plate they would not read.
TEXT_COLOURS = {
    "white": (255, 255, 255), "yellow": (255, 214, 10), "gold": (240, 190, 60), "orange": (255, 140, 20),
    "red": (235, 40, 40), "pink": (255, 105, 180), "purple": (165, 95, 255), "blue": (70, 140, 255),
    "cyan": (40, 220, 230), "green": (60, 205, 90), "black": (0, 0, 0), "navy": (20, 32, 100),
}
DARK_TEXT_COLOURS = frozenset({"black", "navy"})


@dataclasses.dataclass(frozen=True)
class TextOp:
    """Exact on-screen text: drawn as quoted, in white or the colour named, on a plate that contrasts with it,
    inside a 5% safe margin."""

    text: str
    role: str = "title"  # title | caption | lower_third | text (size and default place follow the role)
    position: str = "center"  # see POSITION_WORDS
    span: Span = WHOLE
    scale: float = 1.0  # "big" / "small" text
    phrase: str = ""
    color: str | None = None  # a TEXT_COLOURS name ("in red"); None: white
    kind = "text"


@dataclasses.dataclass(frozen=True)
class LookOp:
    """A colour change over the whole frame for a time range (see LOOK_WORDS)."""

    look: str
    amount: float = 1.0  # 0.5 for "slightly", 1.6 for "much"
    span: Span = WHOLE
    phrase: str = ""
    kind = "look"


@dataclasses.dataclass(frozen=True)
class TrimOp:
    """Keep or cut a range of the source clip."""

    mode: str  # keep | cut
    span: Span
    phrase: str = ""
    kind = "trim"


@dataclasses.dataclass(frozen=True)
class SpeedOp:
    factor: float  # 0.5 = half speed (slow motion), 2 = twice as fast
    phrase: str = ""
    kind = "speed"


@dataclasses.dataclass(frozen=True)
class ReverseOp:
    phrase: str = ""
    kind = "reverse"


@dataclasses.dataclass(frozen=True)
class FlipOp:
    axis: str = "horizontal"  # horizontal (mirror) | vertical (upside down)
    phrase: str = ""
    kind = "flip"


@dataclasses.dataclass(frozen=True)
class FadeOp:
    """A fade of picture and sound from (in) or to (out) black or white."""

    direction: str  # in | out
    color: str = "black"  # black | white
    span: Span = WHOLE
    phrase: str = ""
    kind = "fade"


@dataclasses.dataclass(frozen=True)
class AudioOp:
    action: str  # mute | volume | replace | add | fade_in | fade_out
    gain_db: float = 0.0  # volume
    mood: str = ""  # replace / add: a key of media.audio.music.MOODS
    mood_named: bool = True  # False: no mood word was given, the default was used
    span: Span = WHOLE
    phrase: str = ""
    kind = "audio"


@dataclasses.dataclass(frozen=True)
class AspectOp:
    ratio: str  # 16:9 | 9:16 | 1:1
    phrase: str = ""
    kind = "aspect"


Op = TextOp | LookOp | TrimOp | SpeedOp | ReverseOp | FlipOp | FadeOp | AudioOp | AspectOp


@dataclasses.dataclass(frozen=True)
class EditPlan:
    prompt: str
    ops: tuple = ()
    preserve: tuple[str, ...] = ()  # "keep everything else the same": statements, not ops

    def of(self, kind: str) -> list:
        return [op for op in self.ops if op.kind == kind]

    @property
    def texts(self) -> list[TextOp]:
        return self.of("text")

    @property
    def speed(self) -> float:
        return self.of("speed")[0].factor if self.of("speed") else 1.0

    @property
    def reverse(self) -> bool:
        return bool(self.of("reverse"))

    @property
    def aspect(self) -> str | None:
        return self.of("aspect")[0].ratio if self.of("aspect") else None


def _range(s: float, e: float) -> str:
    return f"{round(s, 2):g}-{round(e, 2):g} s"


def op_words(op, start: float | None = None, end: float | None = None) -> str:
    """One op as a plan line, with its resolved time range when it has one."""
    when = f", {_range(start, end)}" if start is not None else ""
    k = op.kind
    if k == "text":
        role = op.role.replace("_", " ")
        where = "" if op.position == op.role else " " + POSITION_WORDS.get(op.position, op.position)
        ink = f" in {op.color}" if op.color else ""
        plate = "a light" if op.color in DARK_TEXT_COLOURS else "a dark"
        return f'{role.capitalize()} "{op.text}"{ink}{where}{when} (exact text on {plate} plate)'
    if k == "look":
        amount = " (slight)" if op.amount < 1 else " (strong)" if op.amount > 1 else ""
        return f"Look: {LOOK_WORDS[op.look]}{amount}{when}"
    if k == "trim":
        return f"Trim: {'kept' if op.mode == 'keep' else 'cut'} {_range(start, end)} of the source"
    if k == "speed":
        name = "slow motion" if op.factor < 1 else "faster"
        return f"Speed: {op.factor:g}x ({name}; the sound is resampled with the picture, so its pitch follows)"
    if k == "reverse":
        return "Reverse: played backwards (picture and sound)"
    if k == "flip":
        return "Mirror: flipped left to right" if op.axis == "horizontal" else "Flip: upside down"
    if k == "fade":
        return f"Fade {op.direction} {'from' if op.direction == 'in' else 'to'} {op.color}{when} (picture and sound)"
    if k == "audio":
        a = op.action
        if a == "mute":
            return f"Sound: muted{when}"
        if a == "volume":
            return f"Sound: volume {op.gain_db:+g} dB{when}"
        if a in ("fade_in", "fade_out"):
            return f"Sound: fade {a[5:]}{when}"
        mood = op.mood + ("" if op.mood_named else " (default; no mood named)")
        if a == "replace":
            return f"Sound: replaced by a new {mood} music bed (the source's sound is removed)"
        return f"Sound: a {mood} music bed added under the source's sound"
    if k == "aspect":
        return f"Aspect: {op.ratio}"
    return k


KEPT = ("everything else (every pixel outside the regions and time ranges above, and the sound unless an op "
        "above changes it; re-encoded at high quality)")
KEPT_REFIT = ("everything else (the picture's content, resampled once to the new frame, and the sound unless an op "
              "above changes it)")


def describe_edit(plan: EditPlan, lines: list[str], *, source: str, output: str, notes: list[str] = (),
                  refitted: bool = False) -> str:
    """The edit plan as the output's text block: what was understood, each op with its range and region, what
    was kept as decoded, and the output's format. `lines` are the ops' words (op_words) with resolved ranges."""
    out = ["Edit plan (builtin engine, edit):", f"- Source: {source}"]
    out.extend(f"- {line}" for line in lines)
    if plan.preserve:
        out.append(f"- Preserve (as asked): {'; '.join(plan.preserve)}")
    out.append(f"- Kept as decoded: {KEPT_REFIT if refitted else KEPT}")
    out.append(f"- Output: {output}")
    out.extend(f"Note: {n}" for n in notes)
    return "\n".join(out)
