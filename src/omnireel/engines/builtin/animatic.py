"""The labelled animatic: when a prompt describes photoreal subjects the builtin engine cannot draw, the video is a
storyboard of the plan instead: one panel per beat (the environment the words suggest, desaturated like a
sketch, with the titles exactly as they would appear), the camera move drawn as a framing guide and arrows, the
beat's description, camera, text and palette swatches beside it, and a beat timeline with a playhead. Every frame
carries the ANIMATIC label, so it is never passed off as a render of the subject."""

from __future__ import annotations

import dataclasses
import math
import textwrap
from typing import Iterator

import cv2
import numpy as np

from omnireel.media.glyphs import legible
from omnireel.media.motion.compose import Look, Picture, look_for
from omnireel.media.motion.kinetic import Card
from omnireel.media.ops.camera_path import CameraState, camera_at
from omnireel.media.ops.composite import blend
from omnireel.media.palette import Palette
from omnireel.media.prompt.plan import CameraMove, ShotPlan
from omnireel.media.text import fit_text, load_font, render_text_sprite

LABEL = "ANIMATIC · builtin preview, not a photoreal render"
MARK = (255, 214, 10)  # production-marker yellow: never mistaken for the user's titles (which are white)
INK = (186, 186, 190)  # info text: light grey, deliberately not white
BG = (22, 22, 26)


@dataclasses.dataclass(frozen=True)
class Panel:
    start_s: float
    end_s: float
    description: str
    camera: CameraMove
    texts: tuple[str, ...]


def panels(plan: ShotPlan, duration: float) -> list[Panel]:
    if plan.beats:
        out = []
        for i, b in enumerate(plan.beats):
            end = plan.beats[i + 1].start_s if i + 1 < len(plan.beats) else duration
            out.append(Panel(b.start_s if i else 0.0, min(end, duration), b.description, b.camera or plan.camera, b.texts))
        return out
    what = " ".join(x for x in (plan.subject, plan.action) if x) or plan.prompt
    return [Panel(0.0, duration, what, plan.camera, plan.quoted)]


def _cam_name(c: CameraMove) -> str:
    name = c.kind.replace("_", " ") + (f" {c.direction}" if c.direction else "")
    return name if c.kind in ("static", "handheld") else f"{c.speed} {name}"


def _arrow(img, p0, p1, col, th):
    cv2.arrowedLine(img, tuple(int(v) for v in p0), tuple(int(v) for v in p1), col, th, cv2.LINE_AA, tipLength=0.28)


def draw_camera_guide(img: np.ndarray, move: CameraMove, p: float, cam: CameraState) -> None:
    """The camera move on a storyboard panel: the framing at this instant (rectangle) and the move's arrows."""
    h, w = img.shape[:2]
    th = max(1, min(w, h) // 200)
    gw, gh = w / (cam.zoom * 1.18), h / (cam.zoom * 1.18)
    cx, cy = w / 2 - cam.dx * w, h / 2 - cam.dy * h
    box = cv2.boxPoints(((cx, cy), (gw, gh), math.degrees(cam.roll)))
    cv2.polylines(img, [box.astype(np.int32)], True, MARK, th, cv2.LINE_AA)
    for k in range(4):  # corner ticks of the full frame: the reference the guide moves against
        x, y = (k % 2) * (w - 1), (k // 2) * (h - 1)
        sx, sy = (1 if x == 0 else -1), (1 if y == 0 else -1)
        L = min(w, h) * 0.06
        cv2.line(img, (int(x), int(y)), (int(x + sx * L), int(y)), MARK, th + 1)
        cv2.line(img, (int(x), int(y)), (int(x), int(y + sy * L)), MARK, th + 1)
    k = move.kind
    s = min(w, h)
    a = 0.5 + 0.5 * math.sin(p * math.pi * 4)  # arrows breathe so the guide reads as motion
    col = tuple(int(c * (0.6 + 0.4 * a)) for c in MARK)
    if k in ("push_in", "pull_out", "crash_zoom", "dolly_zoom"):
        inward = k != "pull_out"
        for sx, sy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
            outer = (w / 2 + sx * w * 0.42, h / 2 + sy * h * 0.40)
            inner = (w / 2 + sx * w * 0.30, h / 2 + sy * h * 0.27)
            _arrow(img, outer if inward else inner, inner if inward else outer, col, th * (3 if k == "crash_zoom" else 2))
        if k == "dolly_zoom":
            for sx in (-1, 1):
                _arrow(img, (w / 2 + sx * w * 0.12, h / 2), (w / 2 + sx * w * 0.2, h / 2), col, th * 2)
    elif k == "pan":
        d = -1 if move.direction == "left" else 1
        y = h * 0.9
        _arrow(img, (w / 2 - d * w * 0.2, y), (w / 2 + d * w * 0.2, y), col, th * 2)
    elif k == "tilt":
        d = -1 if move.direction == "up" else 1
        x = w * 0.93
        _arrow(img, (x, h / 2 - d * h * 0.2), (x, h / 2 + d * h * 0.2), col, th * 2)
    elif k == "orbit":
        cv2.ellipse(img, (int(w / 2), int(h * 0.86)), (int(w * 0.22), int(h * 0.05)), 0, 200, 340, col, th * 2, cv2.LINE_AA)
        ang = math.radians(340)
        tip = (w / 2 + w * 0.22 * math.cos(ang), h * 0.86 + h * 0.05 * math.sin(ang))
        _arrow(img, (tip[0] - s * 0.03, tip[1] - s * 0.012), (tip[0] + s * 0.004, tip[1] + s * 0.004), col, th * 2)
    elif k == "handheld":
        pts = np.array([(w * 0.42 + i * w * 0.02, h * 0.9 + (-1) ** i * h * 0.015) for i in range(9)], np.int32)
        cv2.polylines(img, [pts], False, col, th * 2, cv2.LINE_AA)
    else:  # static: a locked-off crosshair
        c = (int(w / 2), int(h / 2))
        cv2.line(img, (c[0] - int(s * 0.04), c[1]), (c[0] + int(s * 0.04), c[1]), col, th)
        cv2.line(img, (c[0], c[1] - int(s * 0.04)), (c[0], c[1] + int(s * 0.04)), col, th)


def _text(lines, size, color, bold=False):
    # Side notes quote the prompt's own words, which may hold characters the fonts lack: those are replaced
    # (only quoted on-screen text is promised verbatim, and that was checked before rendering).
    return render_text_sprite([legible(line) for line in lines], load_font(size, bold), color=color, plate=None,
                              align="left", shadow=False)


class Storyboard:
    """Frames of the animatic for a plan at `size`."""

    def __init__(self, plan: ShotPlan, words: str, palette: Palette, rng: np.random.Generator,
                 size: tuple[int, int], duration: float, cards: list[Card], seed: int):
        self.w, self.h = size
        self.duration = duration
        self.seed = seed
        self.panels = panels(plan, duration)
        self.subject = plan.subject
        w, h = size
        short = min(w, h)
        m = max(6, short // 40)
        self.m = m
        font = load_font(max(10, short // 30))
        label = [LABEL] if w >= h else ["ANIMATIC", "builtin preview, not a photoreal render"]
        self.label = render_text_sprite(label, font, color=MARK, plate=(0, 0, 0, 230), align="left", shadow=False)
        top = self.label.shape[0] + m
        tl_h = max(14, short // 14)
        land = w >= h * 1.2
        if land:
            pw = int(w * 0.66) // 2 * 2
            ph = int(pw * h / w) // 2 * 2
            ph = min(ph, h - top - tl_h - 3 * m)
            pw = int(ph * w / h) // 2 * 2
            self.panel_xy = (m, top + m)
            self.info_box = (m * 2 + pw, top + m, w - m, top + m + ph)
        else:
            ph = int(h * (0.56 if h > w else 0.6)) // 2 * 2
            pw = int(ph * w / h) // 2 * 2
            if pw > w - 2 * m:
                pw = (w - 2 * m) // 2 * 2
                ph = int(pw * h / w) // 2 * 2
            self.panel_xy = ((w - pw) // 2, top + m)
            self.info_box = (m, top + 2 * m + ph, w - m, h - tl_h - 2 * m)
        self.pw, self.ph = pw, ph
        self.tl = (m, h - tl_h - m, w - m, h - m)
        # Panel titles: the same cards as the real video, laid out for the panel.
        look = look_for(words)
        look = Look(look.kind, look.tod, look.particles, False, False, False, "sketch")
        self.picture = Picture(words, palette, rng, (pw, ph), cards, look=look, camera=self._camera)
        self.bases = [self._base(i, palette) for i in range(len(self.panels))]

    def _panel_index(self, t: float) -> int:
        return next((i for i, p in enumerate(self.panels) if t < p.end_s), len(self.panels) - 1)

    def _camera(self, t: float) -> CameraState:
        p = self.panels[self._panel_index(t)]
        prog = (t - p.start_s) / max(1e-6, p.end_s - p.start_s)
        c = p.camera
        return camera_at(c.kind, prog, direction=c.direction, speed=c.speed, t_s=t, seed=self.seed)

    def _base(self, k: int, palette: Palette) -> np.ndarray:
        """Everything static while panel k shows: label, info column, swatches, timeline."""
        w, h, m = self.w, self.h, self.m
        img = np.empty((h, w, 3), np.uint8)
        img[:] = BG
        blend(img, self.label, m, m)
        p = self.panels[k]
        x0, y0, x1, y1 = self.info_box
        bw, bh = x1 - x0, y1 - y0
        short = min(w, h)
        head = max(10, short // 26)
        body = max(9, short // 30)
        y = y0
        hdr = _text([f"BEAT {k + 1} / {len(self.panels)}   {p.start_s:.1f}-{p.end_s:.1f} s"], head, MARK, True)
        blend(img, hdr, x0, y)
        y += hdr.shape[0] + m // 2
        chars = max(12, int(bw / (body * 0.55)))
        desc = textwrap.wrap(p.description, chars)[:4] or ["(no description)"]
        if len(textwrap.wrap(p.description, chars)) > 4:
            desc[-1] = desc[-1].rstrip(" .,") + "…"
        spr = _text(desc, body, INK)
        blend(img, spr, x0, y)
        y += spr.shape[0] + m
        rows = [("CAMERA", _cam_name(p.camera))]
        if self.subject:
            rows.insert(0, ("NOT DRAWN (photoreal)", self.subject))
        if p.texts:
            rows.append(("TEXT", "  ".join(f"“{t}”" for t in p.texts)))
        for name, val in rows:
            if y > y1 - 2 * body - short // 10:
                break
            s1 = _text([name], max(8, body - 1), MARK, True)
            blend(img, s1, x0, y)
            y += s1.shape[0]
            s2 = _text(textwrap.wrap(val, chars)[:2], body, INK)
            blend(img, s2, x0, y)
            y += s2.shape[0] + m // 2
        # Palette swatches: grey-rimmed chips (a rim keeps a pale chip from reading as a letter to OCR).
        chips = [palette.top, palette.bottom, *palette.accents]
        cw = max(8, min(int(bw / (len(chips) + 1)), short // 12))
        s1 = _text(["PALETTE"], max(8, body - 1), MARK, True)
        y = max(y, y1 - cw - s1.shape[0] - 6)  # pinned to the bottom of the column when there is room
        if y + s1.shape[0] + cw < self.tl[1]:
            blend(img, s1, x0, y)
            y += s1.shape[0] + 2
            for i, c in enumerate(chips):
                cx = x0 + i * (cw + m // 2) + m // 2
                cv2.rectangle(img, (cx - 3, y - 3), (cx + cw + 3, y + cw + 3), (110, 110, 114), -1)
                cv2.rectangle(img, (cx, y), (cx + cw, y + cw), tuple(int(v) for v in c), -1)
        # Timeline: one segment per beat, this one outlined.
        tx0, ty0, tx1, ty1 = self.tl
        span = tx1 - tx0
        for i, q in enumerate(self.panels):
            a = tx0 + int(span * q.start_s / self.duration)
            b = tx0 + int(span * q.end_s / self.duration) - 2
            cv2.rectangle(img, (a, ty0), (b, ty1), (58, 58, 64) if i % 2 == 0 else (48, 48, 54), -1)
            if i == k:
                cv2.rectangle(img, (a, ty0), (b, ty1), MARK, max(1, short // 240))
            num = _text([str(i + 1)], max(8, (ty1 - ty0) // 2), INK, True)
            if b - a > num.shape[1] + 4:
                blend(img, num, a + 3, ty0 + (ty1 - ty0 - num.shape[0]) // 2)
        return img

    def frames(self, n: int, fps: int) -> Iterator[np.ndarray]:
        px, py = self.panel_xy
        tx0, ty0, tx1, ty1 = self.tl
        for i in range(n):
            t = i / fps
            k = self._panel_index(t)
            frame = self.bases[k].copy()
            cam = self._camera(t)
            # The panel shows the environment from a fixed viewpoint; the guide shows what the camera would do.
            panel = self.picture.frame(i, t, CameraState(zoom=1.0 + (cam.zoom - 1.0) * 0.3, dx=cam.dx * 0.3, dy=cam.dy * 0.3, roll=cam.roll * 0.3))
            p = self.panels[k]
            draw_camera_guide(panel, p.camera, (t - p.start_s) / max(1e-6, p.end_s - p.start_s), cam)
            frame[py : py + self.ph, px : px + self.pw] = panel
            cv2.rectangle(frame, (px - 1, py - 1), (px + self.pw, py + self.ph), (120, 120, 126), 1)
            x = tx0 + int((tx1 - tx0) * t / self.duration)
            cv2.line(frame, (x, ty0 - 3), (x, ty1 + 3), MARK, max(1, min(self.w, self.h) // 180))
            yield frame
