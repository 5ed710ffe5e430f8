"""Colour looks on I420 frames, for edits: black and white, sepia, warmer, cooler, brighter, darker, contrast and
saturation up or down as lookup tables on the planes, and the stills' film grades (vintage, cinematic, noir from
media.ops.light) through RGB.

Working on the planes keeps the looks exact and cheap: black and white is chroma set to neutral (128), so the
result has no colour at all, not "almost none" after a round trip; brightness and contrast touch luma only;
saturation scales chroma about neutral. Levels are BT.601 limited range (16-235 luma), as H.264 carries them.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from omnireel.media.ops import light

Y0, Y1 = 16.0, 235.0
RGB_LOOKS = ("vintage", "cinematic", "noir")


def planes(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of an I420 frame's Y, U and V planes (writing to them writes the frame)."""
    h = frame.shape[0] * 2 // 3
    w = frame.shape[1]
    flat = frame.reshape(-1)
    y = flat[: w * h].reshape(h, w)
    q = (w // 2) * (h // 2)
    u = flat[w * h : w * h + q].reshape(h // 2, w // 2)
    v = flat[w * h + q : w * h + 2 * q].reshape(h // 2, w // 2)
    return y, u, v


@functools.lru_cache(maxsize=64)
def _luma_lut(look: str, amount: float) -> np.ndarray | None:
    x = np.clip((np.arange(256, dtype=np.float64) - Y0) / (Y1 - Y0), 0.0, 1.0)
    if look == "bright":
        out = x ** (1.0 / (1.0 + 0.45 * amount))  # lifts mids and shadows, white stays white
    elif look == "dark":
        out = x ** (1.0 + 0.45 * amount) * (1.0 - 0.06 * amount)
    elif look == "contrast_up":
        k = min(0.9, 0.45 * amount)
        out = x + k * (x - 0.5) * (1 - np.abs(2 * x - 1)) * 2  # an S-curve with its ends pinned
    elif look == "contrast_down":
        out = 0.5 + (x - 0.5) * (1.0 - min(0.7, 0.3 * amount))
    elif look == "sepia":
        out = 0.04 + 0.92 * x  # slightly lifted blacks and lowered whites: a print, not a screen
    else:
        return None
    y = Y0 + np.clip(out, 0.0, 1.0) * (Y1 - Y0)
    # Outside the nominal range (superwhites, footroom) values pass through unchanged.
    keep = (np.arange(256) < Y0) | (np.arange(256) > Y1)
    y = np.where(keep, np.arange(256), y)
    return np.clip(y + 0.5, 0, 255).astype(np.uint8)


@functools.lru_cache(maxsize=64)
def _chroma_lut(look: str, amount: float) -> np.ndarray | None:
    c = np.arange(256, dtype=np.float64) - 128.0
    if look == "saturate":
        c = c * (1.0 + 0.35 * amount)
    elif look == "desaturate":
        c = c * max(0.0, 1.0 - 0.4 * amount)
    else:
        return None
    return np.clip(c + 128.0 + 0.5, 0, 255).astype(np.uint8)


@functools.lru_cache(maxsize=64)
def _tint(look: str, amount: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(U, V) offsets by luma level, as int16 LUTs: tints fade out towards black and white so shadows stay neutral
    and highlights do not go coloured."""
    x = np.clip((np.arange(256, dtype=np.float64) - Y0) / (Y1 - Y0), 0.0, 1.0)
    weight = np.clip(4 * x * (1 - x), 0, 1) ** 0.5
    if look == "sepia":
        du, dv = -24.0, 18.0  # a brown print tone (about RGB 112, 66, 20 at full strength)
    elif look == "warm":
        du, dv = -7.0 * amount, 7.0 * amount
    elif look == "cool":
        du, dv = 8.0 * amount, -6.0 * amount
    else:
        return None
    return (np.round(weight * du).astype(np.int16), np.round(weight * dv).astype(np.int16))


def apply(frame: np.ndarray, look: str, amount: float = 1.0) -> np.ndarray:
    """Apply `look` to an I420 frame in place (RGB looks replace its contents); returns the frame."""
    if look in RGB_LOOKS:
        return _rgb_look(frame, look, amount)
    y, u, v = planes(frame)
    if look in ("mono", "sepia"):
        u[...] = 128
        v[...] = 128
    lut = _luma_lut(look, round(amount, 3))
    if lut is not None:
        cv2.LUT(y, lut, dst=y)
    lut = _chroma_lut(look, round(amount, 3))
    if lut is not None:
        cv2.LUT(u, lut, dst=u)
        cv2.LUT(v, lut, dst=v)
    tint = _tint(look, round(amount, 3))
    if tint is not None:
        # The tint follows the luma under each chroma sample (a 2x2 average).
        y2 = cv2.resize(y, (u.shape[1], u.shape[0]), interpolation=cv2.INTER_AREA)
        du, dv = tint
        u[...] = np.clip(u.astype(np.int16) + du[y2], 0, 255)
        v[...] = np.clip(v.astype(np.int16) + dv[y2], 0, 255)
    return frame


@functools.lru_cache(maxsize=4)
def _vignette(width: int, height: int) -> np.ndarray:
    return light.vignette_map(width, height, 0.45)


def _rgb_look(frame: np.ndarray, look: str, amount: float) -> np.ndarray:
    rgb = cv2.cvtColor(frame, cv2.COLOR_YUV2RGB_I420)
    out = light.grade(rgb, look, min(1.0, amount))
    if look in ("vintage", "noir"):
        h, w = out.shape[:2]
        out = cv2.multiply(out, _vignette(w, h), scale=1 / 255)
    frame[...] = cv2.cvtColor(out, cv2.COLOR_RGB2YUV_I420)
    if look == "noir":
        _, u, v = planes(frame)
        u[...] = 128
        v[...] = 128
    return frame
