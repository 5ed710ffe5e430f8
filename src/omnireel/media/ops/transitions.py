"""Transitions between two shots: cut, dissolve, whip pan (with motion blur), slide, zoom-through, dip to black or
white, and wipe. Each is a function of the outgoing and incoming frames at the same instant and the progress p
through the transition window, which is centred on the cut: p = 0.5 is the beat boundary, where the audio cue
lands, and the incoming shot owns the frame from there on (a cut switches exactly there).
"""

from __future__ import annotations

import math
import re

import cv2
import numpy as np

DURATION_S = {"cut": 0.0, "dissolve": 0.5, "whip": 0.34, "slide": 0.45, "zoom": 0.4, "dip_black": 0.6, "dip_white": 0.45, "wipe": 0.5}
KINDS = tuple(DURATION_S)

_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("whip", ("whip pan", "whip-pan", "whip to", "whip transition", "swish pan", "whips")),
    ("zoom", ("zoom transition", "zoom through", "zoom-through", "zooms through", "punch through")),
    ("dip_white", ("dip to white", "fade to white", "white flash", "flash to", "flash cut", "flashes")),
    ("dip_black", ("dip to black", "fade to black", "fade through black", "fades to black", "fade out")),
    ("wipe", ("wipe", "wipes")),
    ("slide", ("slide transition", "slides to", "slide to", "swipe", "push transition", "slides in")),
    ("cut", ("hard cut", "cut to", "cuts to", "quick cuts", "jump cut", "smash cut", "fast cuts", "rapid cuts")),
    ("dissolve", ("dissolve", "crossfade", "cross-fade", "cross fade", "fades into", "fade into", "blend into")),
)


def named_in(text: str) -> str | None:
    """The transition a piece of prompt names, if any."""
    low = " " + text.lower() + " "
    best: tuple[int, str] | None = None
    for kind, words in _WORDS:
        for w in words:
            i = low.find(w)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, kind)
    return best[1] if best else None


def default_for(style: tuple[str, ...], mood: str, index: int) -> str:
    """A transition in keeping with the style when the prompt names none; varied along the sequence."""
    energetic = bool({"ad", "social", "motion graphics"} & set(style)) or bool(re.search(r"upbeat|energetic|hype|punchy|fast", mood or ""))
    if energetic:
        cycle = ("whip", "slide", "zoom", "whip")
    elif {"cinematic", "documentary"} & set(style):
        cycle = ("dissolve", "dip_black")
    else:
        cycle = ("dissolve",)
    return cycle[index % len(cycle)]


def _ease(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def _shift_pair(a: np.ndarray, b: np.ndarray, off: int, horizontal: bool) -> np.ndarray:
    """b enters from the right (or bottom) by `off` pixels while a leaves."""
    out = np.empty_like(a)
    if horizontal:
        w = a.shape[1]
        off = min(max(off, 0), w)
        out[:, : w - off] = a[:, off:]
        out[:, w - off :] = b[:, : off]
    else:
        h = a.shape[0]
        off = min(max(off, 0), h)
        out[: h - off] = a[off:]
        out[h - off :] = b[:off]
    return out


def _zoom(img: np.ndarray, z: float) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 0, z)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def apply(kind: str, a: np.ndarray, b: np.ndarray, p: float) -> np.ndarray:
    """The frame at progress p in [0, 1] of a transition from a (outgoing) to b (incoming)."""
    if p <= 0:
        return a
    if p >= 1:
        return b
    h, w = a.shape[:2]
    if kind == "cut":
        return a if p < 0.5 else b
    if kind == "dissolve":
        e = _ease(p)
        return cv2.addWeighted(a, 1 - e, b, e, 0)
    if kind in ("dip_black", "dip_white"):
        color = np.zeros_like(a) if kind == "dip_black" else np.full_like(a, 255)
        if p < 0.5:
            return cv2.addWeighted(a, 1 - _ease(2 * p), color, _ease(2 * p), 0)
        return cv2.addWeighted(color, 1 - _ease(2 * p - 1), b, _ease(2 * p - 1), 0)
    horizontal = w >= h * 0.8
    if kind in ("whip", "slide"):
        # Whip: fast in the middle, where the blur hides the seam; slide: a gentler push.
        e = _ease(p) if kind == "slide" else 0.5 + 0.5 * math.tanh((p - 0.5) * 7) / math.tanh(3.5)
        out = _shift_pair(a, b, int(round(e * (w if horizontal else h))), horizontal)
        if kind == "whip":
            k = int((w if horizontal else h) * 0.22 * math.sin(math.pi * p) ** 2)
            if k >= 3:
                out = cv2.blur(out, (k, 1) if horizontal else (1, k))
        return out
    if kind == "zoom":
        # Push through the outgoing shot, land in the incoming one settling from a zoom.
        if p < 0.5:
            e = _ease(2 * p)
            img = _zoom(a, 1.0 + 1.2 * e * e)
        else:
            e = _ease(2 * p - 1)
            img = _zoom(b, 1.0 + 0.6 * (1 - e) ** 2)
        k = int(min(w, h) * 0.05 * math.sin(math.pi * p))
        if k >= 3:
            img = cv2.GaussianBlur(img, (0, 0), k / 3)
        if 0.42 < p < 0.58:  # a brief overlap so the hand-off is not a hard jump
            mix = 0.4 * (1 - abs((p - 0.5) / 0.08))
            other = _zoom(b, 1.6) if p < 0.5 else _zoom(a, 2.2)
            img = cv2.addWeighted(img, 1 - mix, other, mix, 0)
        return img
    if kind == "wipe":
        soft = 0.08
        edge = -soft + p * (1 + 2 * soft)
        x = np.linspace(0, 1, w if horizontal else h, dtype=np.float32)
        ramp = np.clip((edge - x) / soft * 0.5 + 0.5, 0, 1)
        wgt = np.ascontiguousarray(np.broadcast_to(ramp[None, :] if horizontal else ramp[:, None], (h, w)), np.float32)
        return cv2.blendLinear(b, a, wgt, 1.0 - wgt)
    return cv2.addWeighted(a, 1 - _ease(p), b, _ease(p), 0)
