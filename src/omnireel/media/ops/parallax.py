"""2.5D parallax over a still: the subject (from `segment`) is one layer, the rest of the image, with the area
behind the subject filled in and the frame's uncovered parts extended, is a background plate further back. The
camera moves the subject layer by its full amount and the plate by a fraction (or, for an orbit, against it), so
the background slides behind the subject, and what the subject uncovers is the surrounding background mirrored in
(`mirror_fill`): the photo's own texture, not a smooth wash that would read as a blur halo.

The subject layer's pixels are only resampled by one affine warp per frame (`subject_matrix`), so undoing that
warp gives them back; light effects touch them only when the look allows it (see `light.Look.preserve`).
Everything per image is computed once in the constructor; `render` costs two warps and a blend in the subject's
rectangle.
"""

from __future__ import annotations

import dataclasses
import math
import threading

import cv2
import numpy as np

from omnireel.media.ops import light
from omnireel.media.ops.camera_path import CameraState
from omnireel.media.ops.reframe import Layout
from omnireel.media.ops.segment import CONFIDENT, Segmentation

DEPTH = 0.4  # how much of the camera's move the background plate makes (1 = none: a flat photo)
FILL_SIDE = 192  # the extended/inpainted fill is computed at this size: it is soft anyway
SPRITE_PAD = 128  # transparent margin around the premultiplied sprite, so a resize window may start before it
RESIZE_SKIP = 128  # at most this many extra leading output rows/cols to find a resize grid aligned with the warp's
RESIZE_TOL = 1 / 32  # how far (source px) the resize grid may sit from the warp's (its own sub-pixel step)


def layer_states(kind: str, cam: CameraState, depth: float = DEPTH) -> CameraState:
    """The background plate's camera for the subject's camera `cam`."""
    if cam.bg_zoom is not None:  # dolly zoom: the background scales against the subject
        return CameraState(zoom=cam.bg_zoom, dx=cam.dx * depth, dy=cam.dy * depth, roll=cam.roll * depth)
    if kind == "orbit":
        # Circling the subject: it stays put while the background sweeps the other way.
        return CameraState(zoom=1.0 + (cam.zoom - 1.0) * depth + 0.03, dx=-cam.dx * 1.6, dy=cam.dy * depth, roll=cam.roll * 0.5)
    return CameraState(zoom=1.0 + (cam.zoom - 1.0) * depth, dx=cam.dx * depth, dy=cam.dy * depth, roll=cam.roll * depth)


MIRROR_FILL_PIXELS = 1_000_000  # the mirrored fill is computed at most at this size (it is only seen in slivers)


def mirror_fill(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """`rgb` with each `hole` pixel replaced by the pixel mirrored across the nearest edge of the hole (the
    background just outside, reflected in), or by that nearest edge pixel where the mirror point is off the image
    or inside the hole too. Seams between mirrored patches are softened. A new array."""
    from scipy import ndimage

    h, w = hole.shape
    if not hole.any() or hole.all():
        return rgb.copy()
    k = min(1.0, math.sqrt(MIRROR_FILL_PIXELS / (h * w)))
    small_rgb, small_hole = rgb, hole
    if k < 1.0:
        size = (max(2, round(w * k)), max(2, round(h * k)))
        small_rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        small_hole = cv2.resize(hole.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    sh, sw = small_hole.shape
    qy, qx = ndimage.distance_transform_edt(small_hole, return_distances=False, return_indices=True)
    py, px = np.nonzero(small_hole)
    ny, nx = qy[py, px], qx[py, px]
    ry, rx = 2 * ny - py, 2 * nx - px
    inside = (ry >= 0) & (ry < sh) & (rx >= 0) & (rx < sw)
    ok = inside.copy()
    ok[inside] = ~small_hole[ry[inside], rx[inside]]
    filled = small_rgb.copy()
    filled[py, px] = small_rgb[np.where(ok, ry, ny), np.where(ok, rx, nx)]
    filled = cv2.GaussianBlur(filled, (0, 0), 0.5)
    if k < 1.0:
        filled = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    out = rgb.copy()
    out[hole] = filled[hole]
    return out


def _fill_holes_smooth(img: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Normalized convolution at growing scales: unknown pixels take the blurred colour of the nearest known
    ones. Gives a soft extension of edges into bars and a plausible wash behind a removed subject."""
    img_f = img.astype(np.float32)
    k = known.astype(np.float32)
    out = img_f.copy()
    todo = ~known
    h, w = known.shape
    sigma = 1.5
    while todo.any() and sigma < 2 * max(h, w):
        num = cv2.GaussianBlur(img_f * k[..., None], (0, 0), sigma)
        den = cv2.GaussianBlur(k, (0, 0), sigma)
        ok = todo & (den > 0.02)
        out[ok] = num[ok] / den[ok][:, None]
        todo &= ~ok
        sigma *= 1.8
    out[todo] = img_f[known].mean(axis=0) if known.any() else 0
    return out


@dataclasses.dataclass(frozen=True)
class _Sprite:
    rgb: np.ndarray  # subject rectangle (uint8) at working resolution, maybe graded
    alpha: np.ndarray  # float32 in [0, 1]
    x0: int
    y0: int

    @property
    def alpha8(self) -> np.ndarray:
        return np.clip(self.alpha * 255 + 0.5, 0, 255).astype(np.uint8)

    @property
    def rgba(self) -> np.ndarray:
        """Straight (not premultiplied) RGBA."""
        return np.dstack([self.rgb, self.alpha8])

    @property
    def premultiplied(self) -> np.ndarray:
        """RGBA with colour premultiplied by alpha: one 4-channel warp per frame gives colour and coverage, and
        `over` compositing is then a multiply and an add on uint8. Where alpha is 255 the colour is the image's."""
        a8 = self.alpha8
        rgb = cv2.multiply(self.rgb, cv2.cvtColor(a8, cv2.COLOR_GRAY2RGB), scale=1 / 255)
        return cv2.merge([*cv2.split(rgb), a8])


def opaque_bands(alpha8: np.ndarray, n: int = 6, min_width: int = 6) -> list[tuple[int, int, int, int]]:
    """Up to `n` horizontal bands (v0, v1, u0, u1), sprite pixels, rows v0..v1-1 and columns u0..u1-1, that are
    entirely opaque (alpha 255), chosen to cover as much of the sprite as a few rectangles can. Per frame, the
    background is not drawn under them and the subject is copied there without blending."""
    h, w = alpha8.shape
    opaque = alpha8 == 255
    # The longest opaque run of every row, [l, r) (the first one of that length; (0, 0) for none): the run
    # length ending at each pixel is its distance from the last transparent pixel before it.
    xs = np.arange(w, dtype=np.int64)
    last_gap = np.maximum.accumulate(np.where(opaque, -1, xs[None, :]), axis=1)
    run = xs[None, :] - last_gap
    end = np.argmax(run, axis=1)
    length = run[np.arange(h), end]
    spans = np.zeros((h, 2), np.int64)
    has = length > 0
    spans[has, 0] = end[has] + 1 - length[has]
    spans[has, 1] = end[has] + 1
    # Rows in chunks (at most 64), then a small dynamic programme choosing up to n runs of chunks.
    g = max(1, -(-h // 64))
    chunks = []
    for y0 in range(0, h, g):
        y1 = min(h, y0 + g)
        chunks.append((y0, y1, int(spans[y0:y1, 0].max()), int(spans[y0:y1, 1].min())))
    c = len(chunks)
    # area[i][j]: the band made of chunks i..j-1 (its span is the intersection of theirs)
    best = [[0.0] * (c + 1) for _ in range(n + 1)]  # best[k][j]: first j chunks, k bands
    pick: list[list[tuple[int, int] | None]] = [[None] * (c + 1) for _ in range(n + 1)]
    band_area = {}
    for i in range(c):
        l, r = chunks[i][2], chunks[i][3]
        for j in range(i + 1, c + 1):
            if j > i + 1:
                l, r = max(l, chunks[j - 1][2]), min(r, chunks[j - 1][3])
            if r - l < min_width:
                break
            band_area[(i, j)] = (chunks[j - 1][1] - chunks[i][0]) * (r - l), l, r
    for k in range(1, n + 1):
        for j in range(1, c + 1):
            b, pk = best[k][j - 1], None  # chunk j-1 in no band
            for i in range(j):
                got = band_area.get((i, j))
                if got is not None and best[k - 1][i] + got[0] > b:
                    b, pk = best[k - 1][i] + got[0], (i, j)
            best[k][j], pick[k][j] = b, pk
    out = []
    k, j = n, c
    while k > 0 and j > 0:
        pk = pick[k][j]
        if pk is None:
            j -= 1
            continue
        i, j2 = pk
        _, l, r = band_area[(i, j2)]
        if (chunks[j2 - 1][1] - chunks[i][0]) >= 3:
            out.append((chunks[i][0], chunks[j2 - 1][1], l, r))
        k, j = k - 1, i
    return sorted(out)


class LayeredStill:
    """A still as subject + background plate, rendered at the layout's frame size for a pair of cameras."""

    def __init__(self, rgb: np.ndarray, layout: Layout, seg: Segmentation, *, look: light.Look = light.Look(), max_zoom: float = 1.6, min_zoom: float = 1.0, rng: np.random.Generator | None = None):
        W, H = layout.width, layout.height
        h, w = rgb.shape[:2]
        # Pre-shrink big sources once (area filter, alias-free) so per-frame warps stay cheap at any zoom.
        need = layout.scale * max_zoom
        if need < 0.9:
            new = (max(2, round(w * need)), max(2, round(h * need)))
            k = new[0] / w
            rgb = cv2.resize(rgb, new, interpolation=cv2.INTER_AREA)
            alpha = cv2.resize(seg.alpha, new, interpolation=cv2.INTER_AREA)
            self.prescale = (new[0] / w, new[1] / h)
            layout = layout.scaled(k)
        else:
            alpha = seg.alpha
            self.prescale = (1.0, 1.0)
        # A subject whose outline runs through smooth areas (a box of sky around a rocket) would show its cut as
        # a seam once the layers move apart or are lit differently: then the image moves as one layer, its own
        # extension included (the layout still frames the subject).
        self.single = seg.found and seg.confidence < CONFIDENT
        found = seg.found and not self.single
        self.layout, self.look, self.found = layout, look, found
        self.min_zoom = min_zoom  # below 1 the camera sees past the image's edges: the plate extends further
        # How much of the layers' nominal relative motion (parallax) is played, 0..1 (see `tempered`).
        self.relief = 1.0
        self.pull_to = 1.0  # where a pull-out over this still ends (set by whoever framed the move)
        self.width, self.height = W, H
        h, w = rgb.shape[:2]
        if not found:
            # No clear subject: the whole image is the layer (hard-edged) over the extended fill, so a preserved
            # image still gets no effects and bars still sit further back.
            alpha = np.ones((h, w), np.float32)
        self.flat = (not found and layout.cover) or self.single  # one warp per frame is enough
        preserve = look.preserve
        subject_rgb = rgb if (preserve or not look.grade) else light.grade(rgb, look.grade, 0.45)
        ys, xs = np.nonzero(alpha > 0.004)
        x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        self.sprite = _Sprite(np.ascontiguousarray(subject_rgb[y0:y1, x0:x1]), np.ascontiguousarray(alpha[y0:y1, x0:x1]), int(x0), int(y0))
        self._prgba = self.sprite.premultiplied
        self._bands = opaque_bands(self._prgba[..., 3])
        self._prgba_pad = cv2.copyMakeBorder(self._prgba, SPRITE_PAD, SPRITE_PAD, SPRITE_PAD, SPRITE_PAD, cv2.BORDER_CONSTANT, value=0)
        self.fast_resize = True  # scale+translate cameras resample with cv2.resize (see `_resize_affine`)
        self.used_resize = False  # whether the last render() resampled anything by cv2.resize
        self._scratch = threading.local()
        self._i420 = None  # the layers as I420 planes, made on first use by render_i420
        if self.single and (not layout.cover or min_zoom < 1.0):
            # The photo, feathered widely into its extension, as one plate moved by the subject's camera.
            self.plate, self.plate_origin = self._plate(rgb, None, protect=alpha if preserve else None, feather_frac=0.05)
        else:
            self.plate, self.plate_origin = (None, (0, 0)) if self.flat else self._plate(rgb, alpha if found else None)
        self.atmos = light.Atmosphere(look, W, H, rng or np.random.default_rng(0)) if (look.bokeh or look.particles) else None
        self.halo = self._halo(alpha) if (look.glow and found) else None

    # ------------------------------------------------------------------------------------------ precompute

    def _plate(self, rgb: np.ndarray, alpha: np.ndarray | None, *, protect: np.ndarray | None = None, feather_frac: float = 0.012) -> tuple[np.ndarray, tuple[int, int]]:
        """The background: image coordinates extended so the frame (plus room for the camera) is covered, the
        subject's area (`alpha`) filled in, the outside an extension of the image's edges; graded by the look,
        except, when the look preserves the subject, on `protect` (default: the subject), fading out towards it.
        `feather_frac`: how far (of the image's size) the sharp image fades into its extension."""
        protect = alpha if protect is None else protect
        lay, W, H = self.layout, self.width, self.height
        h, w = rgb.shape[:2]
        # Room for the background's camera moves, as a fraction of the frame; a camera wider than the framed shot
        # (zoom z < 1 about an anchor at most 90% of the way to an edge) sees 0.9 * (1 / z - 1) of it further out.
        m = max(0.12, 0.9 * (1.0 / max(0.5, self.min_zoom) - 1.0) + 0.03)
        fx0 = (-lay.ox - m * W) / lay.scale
        fy0 = (-lay.oy - m * H) / lay.scale
        fx1 = (W - lay.ox + m * W) / lay.scale
        fy1 = (H - lay.oy + m * H) / lay.scale
        px0, py0 = int(math.floor(min(0, fx0))), int(math.floor(min(0, fy0)))
        px1, py1 = int(math.ceil(max(w, fx1))), int(math.ceil(max(h, fy1)))
        pw, ph = px1 - px0, py1 - py0
        # Soft fill at low resolution: extension outside the image, wash behind the subject.
        k = min(1.0, FILL_SIDE / max(pw, ph))
        sw, sh = max(8, round(pw * k)), max(8, round(ph * k))
        small_img = cv2.resize(rgb, (max(2, round(w * k)), max(2, round(h * k))), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((sh, sw, 3), np.uint8)
        known = np.zeros((sh, sw), bool)
        ix, iy = round(-px0 * k), round(-py0 * k)
        iw, ih = min(small_img.shape[1], sw - ix), min(small_img.shape[0], sh - iy)
        canvas[iy : iy + ih, ix : ix + iw] = small_img[:ih, :iw]
        known[iy + 1 : iy + ih - 1, ix + 1 : ix + iw - 1] = True
        if alpha is not None:
            hole = cv2.resize(alpha, (iw, ih), interpolation=cv2.INTER_AREA) > 0.02
            hole = cv2.dilate(hole.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
            known[iy : iy + ih, ix : ix + iw] &= ~hole
        fill = _fill_holes_smooth(canvas, known)
        fill = cv2.GaussianBlur(fill, (0, 0), 1.2)
        fill = cv2.resize(fill, (pw, ph), interpolation=cv2.INTER_CUBIC)
        # Outside the image, darken and desaturate a touch so the eye stays on the photo.
        outside = np.ones((ph, pw), np.float32)
        outside[-py0 : -py0 + h, -px0 : -px0 + w] = 0
        sigma = max(2.0, 0.06 * max(pw, ph))
        if sigma > 8:
            # A wide blur of a smooth mask: at a quarter of the size (sigma/4), then upsampled, for a tenth of the cost.
            small = cv2.resize(outside, (max(4, round(pw / 4)), max(4, round(ph / 4))), interpolation=cv2.INTER_AREA)
            outside = cv2.resize(cv2.GaussianBlur(small, (0, 0), sigma / 4), (pw, ph), interpolation=cv2.INTER_LINEAR)
        else:
            outside = cv2.GaussianBlur(outside, (0, 0), sigma)
        fill *= (1.0 - 0.2 * np.clip(outside * 2 - 1, 0, 1))[..., None]
        plate = np.clip(fill + 0.5, 0, 255).astype(np.uint8)
        # The sharp image over the fill, feathered into it at its edges and behind the subject.
        weight = np.zeros((ph, pw), np.float32)
        weight[-py0 : -py0 + h, -px0 : -px0 + w] = 1.0
        feather = max(2, int(feather_frac * max(w, h)))
        if pw > w or ph > h:
            # Erode by as much as the blur spreads, so the ramp ends at the image's edge, not past it (where
            # `sharp` is black and would draw a dark line around the photo).
            k = 2 * feather + 1
            weight = cv2.blur(cv2.erode(weight, np.ones((k, k), np.uint8), borderType=cv2.BORDER_REPLICATE), (k, k))
        sharp = np.zeros_like(plate)
        sharp[-py0 : -py0 + h, -px0 : -px0 + w] = rgb
        if alpha is not None:
            # Behind the subject: the surrounding background mirrored in, so what the layers uncover as they part
            # carries the photo's own texture and sharpness (a smooth wash there reads as a blur halo).
            hole = cv2.dilate((alpha > 0.02).astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
            sharp[-py0 : -py0 + h, -px0 : -px0 + w] = mirror_fill(rgb, hole)
        plate = cv2.blendLinear(sharp, plate, weight, 1.0 - weight)
        look = self.look
        base = plate
        if look.grade:
            plate = light.grade(plate, look.grade)
            plate = light.light_wash(plate, look.grade)
        if look.glow or look.grade in ("golden", "neon", "soft"):
            plate = light.bloom(plate, 0.6 if look.glow else 0.35)
        if look.vignette > 0:
            # Baked into the plate (it moves little, and a vignette is soft): free per frame, never on the subject.
            vx0, vy0 = int(round(fx0 + m * W / lay.scale)) - px0, int(round(fy0 + m * H / lay.scale)) - py0
            vw, vh = max(2, int(round(W / lay.scale))), max(2, int(round(H / lay.scale)))
            vig = light.vignette_map(vw, vh, look.vignette)
            big = np.full_like(plate, int(255 * (1 - look.vignette)))
            y0c, x0c = max(0, vy0), max(0, vx0)
            y1c, x1c = min(ph, vy0 + vh), min(pw, vx0 + vw)
            big[y0c:y1c, x0c:x1c] = vig[y0c - vy0 : y1c - vy0, x0c - vx0 : x1c - vx0]
            plate = cv2.multiply(plate, big, scale=1 / 255)
        if look.preserve and protect is not None and plate is not base:
            # The preserved subject is not graded, so the grade fades out towards it: no seam along its outline
            # (which, from a low-resolution separation, is not exact), a pool of natural light around it instead.
            near = np.zeros((ph, pw), np.float32)
            near[-py0 : -py0 + h, -px0 : -px0 + w] = protect
            k2 = min(1.0, 256 / max(pw, ph))
            small = cv2.resize(near, (max(4, round(pw * k2)), max(4, round(ph * k2))), interpolation=cv2.INTER_AREA)
            small = cv2.dilate(small, np.ones((3, 3), np.uint8))
            small = np.clip(cv2.GaussianBlur(small, (0, 0), 0.06 * max(small.shape)) * 2.2, 0, 1)
            keep = cv2.resize(small, (pw, ph), interpolation=cv2.INTER_LINEAR)
            plate = cv2.blendLinear(base, plate, keep, 1.0 - keep)
        return np.ascontiguousarray(plate), (px0, py0)

    def _halo(self, alpha: np.ndarray) -> np.ndarray:
        """A soft glow just outside the subject's outline (a rim/back light), as an additive RGB sprite in the
        subject's rectangle, padded so the glow has room."""
        s = self.sprite
        pad = max(6, int(0.06 * max(s.alpha.shape)))
        a = np.pad(s.alpha, pad)
        g = cv2.GaussianBlur(a, (0, 0), pad / 2.5)
        ring = np.clip(g * 1.6 - a, 0, 1)
        col = {"neon": (255, 90, 230), "golden": (255, 200, 120), "night": (150, 190, 255)}.get(self.look.grade or "", (255, 240, 220))
        return np.clip(ring[..., None] * np.array(col, np.float32) * 0.55, 0, 255).astype(np.uint8), pad

    # ----------------------------------------------------------------------------------------------- matrices

    def subject_matrix(self, cam: CameraState) -> np.ndarray:
        """2x3 affine from working-image pixels to frame pixels for the subject layer."""
        return self.layout.matrix(cam)

    def source_matrix(self, cam: CameraState) -> np.ndarray:
        """Like subject_matrix() but from the caller's original image pixels (before any pre-shrink)."""
        m = self.subject_matrix(cam).copy()
        m[:, 0] *= self.prescale[0]
        m[:, 1] *= self.prescale[1]
        return m

    def _plate_matrix(self, bg: CameraState) -> np.ndarray:
        m = self.layout.matrix(bg).copy()
        px0, py0 = self.plate_origin
        m[:, 2] += m[:, :2] @ np.array([px0, py0], float)
        return m

    # -------------------------------------------------------------------------------------------------- render

    def tempered(self, cam: CameraState, bg: CameraState) -> CameraState:
        """The plate's camera moved towards the subject's by `relief`: less parallax. The photo has no picture
        behind the subject (the plate there is a soft wash), so the more the layers part, the more of that wash
        shows around the subject; `relief` keeps it to a thin rim (set by whoever plans the move)."""
        k = self.relief
        if k >= 1.0:
            return bg
        return CameraState(zoom=cam.zoom + (bg.zoom - cam.zoom) * k, dx=cam.dx + (bg.dx - cam.dx) * k,
                           dy=cam.dy + (bg.dy - cam.dy) * k, roll=cam.roll + (bg.roll - cam.roll) * k)

    def uncovered_px(self, cam: CameraState, bg: CameraState) -> float:
        """How far (frame px) the subject's box corners and the plate under them part for these cameras: the
        widest band of the wash behind the subject that can show."""
        x0, y0 = self.sprite.x0, self.sprite.y0
        h, w = self.sprite.alpha.shape
        pts = np.array([[x0, y0, 1], [x0 + w, y0, 1], [x0 + w, y0 + h, 1], [x0, y0 + h, 1]], float).T
        d = (self.layout.matrix(cam) - self.layout.matrix(bg)) @ pts
        return float(np.hypot(d[0], d[1]).max())


    @property
    def light_render(self) -> bool:
        """Whether frames are cheap next to encoding them (no per-frame atmosphere or glow; a light sweep is drawn
        on part of the clip only)."""
        return self.fast_resize and self.atmos is None and self.halo is None

    def render_i420(self, cam: CameraState, bg: CameraState | None = None, t: float = 0.0, sweep_p: float | None = None) -> np.ndarray | None:
        """The frame `render` gives, as an I420 buffer ((height * 3 / 2, width) uint8, a new array), drawn
        straight in I420 (see `i420_layers`) when nothing in it needs RGB; None otherwise, and the caller renders
        RGB and converts. Per-frame light and atmosphere are drawn in RGB only; grades and vignettes are baked
        into the layers, so they take this path."""
        sweeping = not self.look.preserve and sweep_p is not None and 0 < sweep_p < 1
        atmosphere = self.atmos is not None and not (self.flat and self.look.preserve)
        if not self.fast_resize or sweeping or atmosphere or self.halo is not None:
            return None
        if self._i420 is None:
            from omnireel.media.ops.i420_layers import I420Layers

            self._i420 = I420Layers(self)
        return self._i420.render(cam, self.tempered(cam, bg if bg is not None else layer_states("push_in", cam)))

    def _warp_rect(self, img: np.ndarray, m: np.ndarray, x0: int, y0: int, border: float | tuple = 0) -> tuple[np.ndarray, int, int] | None:
        """Warp a sprite whose top-left is (x0, y0) in image pixels into the frame rectangle it lands on."""
        h, w = img.shape[:2]
        pts = np.array([[x0, y0, 1], [x0 + w, y0, 1], [x0 + w, y0 + h, 1], [x0, y0 + h, 1]], float).T
        q = m @ pts
        fx0, fy0 = max(0, int(math.floor(q[0].min()))), max(0, int(math.floor(q[1].min())))
        fx1, fy1 = min(self.width, int(math.ceil(q[0].max())) + 1), min(self.height, int(math.ceil(q[1].max())) + 1)
        if fx1 <= fx0 or fy1 <= fy0:
            return None
        mm = m.copy()
        mm[:, 2] += m[:, :2] @ np.array([x0, y0], float) - np.array([fx0, fy0], float)
        out = cv2.warpAffine(img, mm, (fx1 - fx0, fy1 - fy0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)
        return out, fx0, fy0

    def _buf(self, name: str, ch: int, h: int, w: int) -> np.ndarray:
        return scratch(self._scratch, name, h, w, ch)

    def _resize_rect(self, m: np.ndarray) -> tuple[np.ndarray, int, int] | None:
        """Like `_warp_rect` for the premultiplied sprite, by `_resize_affine` (None when it does not apply: the
        caller then warps)."""
        img = self._prgba
        h, w = img.shape[:2]
        x0, y0 = self.sprite.x0, self.sprite.y0
        fx0 = max(0, int(math.floor(m[0, 0] * x0 + m[0, 2])))
        fy0 = max(0, int(math.floor(m[1, 1] * y0 + m[1, 2])))
        fx1 = min(self.width, int(math.ceil(m[0, 0] * (x0 + w) + m[0, 2])) + 1)
        fy1 = min(self.height, int(math.ceil(m[1, 1] * (y0 + h) + m[1, 2])) + 1)
        if fx1 <= fx0 or fy1 <= fy0:
            return None
        mm = m.copy()
        mm[:, 2] += m[:, :2] @ np.array([x0 - SPRITE_PAD, y0 - SPRITE_PAD], float)
        out = _resize_affine(self._prgba_pad, mm, fx0, fy0, fx1, fy1, lambda h, w: self._buf("sprite", 4, h, w))
        return None if out is None else (out, fx0, fy0)

    def _over(self, roi: np.ndarray, prgba: np.ndarray) -> None:
        """roi = prgba (premultiplied) over roi, in place: roi * (255 - a) / 255 + rgb. Intermediates live in
        reused scratch buffers (fresh ones every frame cost more in page faults than the arithmetic)."""
        h, w = roi.shape[:2]
        a = _into(cv2.extractChannel, self._buf("a", 1, h, w), prgba, 3)
        inv = _into(cv2.bitwise_not, self._buf("inv", 1, h, w), a)
        inv3 = _into(cv2.cvtColor, self._buf("inv3", 3, h, w), inv, cv2.COLOR_GRAY2RGB)
        rgb = _into(cv2.cvtColor, self._buf("rgb", 3, h, w), prgba, cv2.COLOR_RGBA2RGB)
        under = _into(cv2.multiply, self._buf("under", 3, h, w), roi, inv3, scale=1 / 255)
        out = cv2.add(rgb, under, dst=roi)
        if out.__array_interface__["data"][0] != roi.__array_interface__["data"][0]:
            roi[...] = out

    def _opaque_boxes(self, m: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Frame rectangles (x0, y0, x1, y1), disjoint and in row order, where the warped subject is certainly
        fully opaque: the sprite's opaque bands, shrunk so every bilinear sample there reads opaque pixels only,
        mapped by `m` (image -> frame) and reduced to the largest axis-aligned box inside their image."""
        sx, sy = self.sprite.x0, self.sprite.y0
        boxes = []
        for v0, v1, u0, u1 in self._bands:
            # Sample points in [u0, u1-1] x [v0, v1-1] read only pixels of the band; a quarter pixel of margin
            # covers the warp's fixed-point rounding.
            xa, xb, ya, yb = sx + u0 + 0.25, sx + u1 - 1.25, sy + v0 + 0.25, sy + v1 - 1.25
            if xb <= xa or yb <= ya:
                continue
            q = m @ np.array([[xa, xb, xb, xa], [ya, ya, yb, yb], [1.0, 1.0, 1.0, 1.0]])
            # Corners tl, tr, br, bl; the box inside a (slightly rotated) rectangle.
            bx0 = math.ceil(max(q[0, 0], q[0, 3]))
            bx1 = math.floor(min(q[0, 1], q[0, 2])) + 1
            by0 = math.ceil(max(q[1, 0], q[1, 1]))
            by1 = math.floor(min(q[1, 2], q[1, 3])) + 1
            bx0, by0, bx1, by1 = max(0, bx0), max(0, by0), min(self.width, bx1), min(self.height, by1)
            if bx1 - bx0 >= 8 and by1 - by0 >= 2:
                boxes.append((bx0, by0, bx1, by1))
        boxes.sort(key=lambda b: b[1])
        out, y = [], 0
        for bx0, by0, bx1, by1 in boxes:
            by0 = max(by0, y)
            if by1 - by0 >= 2:
                out.append((bx0, by0, bx1, by1))
                y = by1
        return out

    def _warp_plate(self, frame: np.ndarray, pm: np.ndarray, holes: list[tuple[int, int, int, int]]) -> None:
        """The background plate into `frame`, except inside `holes` (disjoint boxes in row order) where the
        subject covers it completely: strips above, between and below the holes, and beside them."""
        for x0, y0, x1, y1 in _strips(holes, 0, 0, self.width, self.height):
            _warp_into(self.plate, pm, frame, x0, y0, x1, y1, cv2.BORDER_REPLICATE)

    def render(self, cam: CameraState, bg: CameraState | None = None, t: float = 0.0, sweep_p: float | None = None) -> np.ndarray:
        """One HxWx3 uint8 frame, a new array every call: subject camera `cam`, background camera `bg` (default:
        the parallax rule for a push), time t in seconds (for atmosphere), sweep_p the light sweep's progress
        (None: no sweep).

        Cost: every frame pixel is warped once, from the plate or the subject, and only the subject's rectangle
        is composited (premultiplied, uint8): the plate is not drawn where the subject is fully opaque."""
        W, H, look = self.width, self.height, self.look
        m = self.subject_matrix(cam)
        sweeping = not look.preserve and sweep_p is not None and 0 < sweep_p < 1
        if self.flat:
            if self.plate is not None:  # one layer: the photo and its extension move together
                pm = self._plate_matrix(cam)
                frame = None
                if self.fast_resize and _scale_only(pm):
                    frame = _resize_affine(self.plate, pm, 0, 0, W, H, lambda h, w: self._buf("plate", 3, h, w))
                    frame = None if frame is None else frame.copy()  # a new array every frame
                    self.used_resize = frame is not None
                if frame is None:
                    frame = cv2.warpAffine(self.plate, pm, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            else:
                frame = cv2.warpAffine(self.sprite.rgb, m @ np.array([[1, 0, self.sprite.x0], [0, 1, self.sprite.y0], [0, 0, 1]], float), (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            if look.preserve:
                return frame  # no separable subject and nothing else in view: the whole image is preserved
            if self.atmos is not None:
                self.atmos.draw(frame, t, "back", (cam.dx * 0.4, cam.dy * 0.4))
            if sweeping:
                light.add_light8(frame, light.sweep_band8(W, H, sweep_p, 0.3), (255, 248, 235))
            if self.atmos is not None:
                self.atmos.draw(frame, t, "front", (cam.dx * 1.3, cam.dy * 1.3))
            return frame
        bg = self.tempered(cam, bg if bg is not None else layer_states("push_in", cam))
        pm = self._plate_matrix(bg)
        r, frame, self.used_resize = None, None, False
        if self.fast_resize and self.halo is None and _scale_only(m) and _scale_only(pm):
            # No roll: both layers are a scale and a shift, which cv2.resize does in one cheap pass each, the
            # whole plate included (one full-frame pass costs less than the warps of the strips around the
            # subject); the warps are the fallback when no grid alignment is found.
            r = self._resize_rect(m)
            if r is not None:
                plate = _resize_affine(self.plate, pm, 0, 0, W, H, lambda h, w: self._buf("plate", 3, h, w))
                if plate is not None:
                    frame = plate.copy()  # a new array every frame
                    self.used_resize = True
        if frame is None:
            r = self._warp_rect(self._prgba, m, self.sprite.x0, self.sprite.y0)
            # Every pixel outside the holes gets the plate; inside them the subject's composite below ignores
            # what is there (alpha 255: the backdrop's weight is exactly 0), so the frame may start uninitialised.
            frame = np.empty((H, W, 3), np.uint8)
            self._warp_plate(frame, pm, self._opaque_boxes(m) if r is not None else [])
        # Behind the subject: atmosphere far layer and rim glow. (A sweep is light on the subject: never when preserved.)
        if self.atmos is not None:
            self.atmos.draw(frame, t, "back", (cam.dx * 0.4, cam.dy * 0.4))
        if self.halo is not None:
            halo, pad = self.halo
            hr = self._warp_rect(halo, m, self.sprite.x0 - pad, self.sprite.y0 - pad)
            if hr is not None:
                img, x, y = hr
                roi = frame[y : y + img.shape[0], x : x + img.shape[1]]
                cv2.add(roi, img, dst=roi)
        if r is not None:
            prgba, x, y = r
            h, w = prgba.shape[:2]
            roi = frame[y : y + h, x : x + w]
            # Inside the opaque boxes the subject is copied; the rest of its rectangle is blended (`_over`).
            holes = [(max(x, bx0), max(y, by0), min(x + w, bx1), min(y + h, by1)) for bx0, by0, bx1, by1 in self._opaque_boxes(m)]
            holes = [b for b in holes if b[2] > b[0] and b[3] > b[1]]
            for bx0, by0, bx1, by1 in holes:
                dst = frame[by0:by1, bx0:bx1]
                out = cv2.cvtColor(prgba[by0 - y : by1 - y, bx0 - x : bx1 - x], cv2.COLOR_RGBA2RGB, dst=dst)
                if out.__array_interface__["data"][0] != dst.__array_interface__["data"][0]:
                    dst[...] = out
            for sx0, sy0, sx1, sy1 in _strips(holes, x, y, x + w, y + h):
                self._over(frame[sy0:sy1, sx0:sx1], prgba[sy0 - y : sy1 - y, sx0 - x : sx1 - x])
            if sweeping:
                band = light.sweep_band8(w, h, sweep_p, 0.34)
                light.add_light8(roi, cv2.multiply(band, cv2.extractChannel(prgba, 3), scale=1 / 255), (255, 248, 235))
        # In front of the subject, only when it is not preserved.
        if not look.preserve and self.atmos is not None:
            self.atmos.draw(frame, t, "front", (cam.dx * 1.3, cam.dy * 1.3))
        return frame


def scratch(local: threading.local, name: str, h: int, w: int, ch: int = 1) -> np.ndarray:
    """An (h, w[, ch]) uint8 view of the scratch buffer `name` of this thread (`local`), grown as needed. Renders
    reuse these for intermediates (fresh arrays every frame cost more in page faults than the arithmetic); a view
    is never handed out of a render."""
    b = getattr(local, name, None)
    if b is None or b.shape[0] < h or b.shape[1] < w:
        hh, ww = max(h, 0 if b is None else b.shape[0]), max(w, 0 if b is None else b.shape[1])
        b = np.empty((hh, ww, ch) if ch > 1 else (hh, ww), np.uint8)
        setattr(local, name, b)
    return b[:h, :w]


def _warp_into(src: np.ndarray, m: np.ndarray, frame: np.ndarray, x0: int, y0: int, x1: int, y1: int, border: int) -> None:
    """frame[y0:y1, x0:x1] = the part of warpAffine(src, m, frame size) that lands there, written in place."""
    if x1 <= x0 or y1 <= y0:
        return
    mm = m.copy()
    mm[0, 2] -= x0
    mm[1, 2] -= y0
    view = frame[y0:y1, x0:x1]
    out = cv2.warpAffine(src, mm, (x1 - x0, y1 - y0), dst=view, flags=cv2.INTER_LINEAR, borderMode=border)
    if out.__array_interface__["data"][0] != view.__array_interface__["data"][0]:
        view[...] = out  # OpenCV chose not to write in place


def _scale_only(m: np.ndarray) -> bool:
    return m[0, 1] == 0 and m[1, 0] == 0 and m[0, 0] > 0 and m[1, 1] > 0


def _into(fn, dst: np.ndarray, *args, **kw) -> np.ndarray:
    """fn(*args, dst=dst) written into `dst` (a view of a scratch buffer); OpenCV's own result if it would not."""
    out = fn(*args, dst=dst, **kw)
    return dst if out.__array_interface__["data"][0] == dst.__array_interface__["data"][0] else out


def _grid(a: float, t: float, x0: int, n_src: int, x1: int) -> tuple[int, int, int] | None:
    """Along one axis, for a warp x_frame = a * x_src + t: a source window start k, its length and a number of
    leading output samples to drop (skip) such that cv2.resize of src[k:k+len] by factor a puts output sample
    j at frame coordinate x0 - skip + j on the warp's sampling grid (within RESIZE_TOL source px)."""
    # resize: src = k + (j + 0.5) / a - 0.5; warp: src = (x0 - skip + j - t) / a
    for skip in range(RESIZE_SKIP + 1):
        s = (x0 - skip - t - 0.5) / a + 0.5
        k = round(s)
        if abs(s - k) > RESIZE_TOL or k < 0 or (k > 0 and (x0 - t) / a < k):
            continue  # off the grid, or the first needed sample would read left of the window
        end = min(n_src, int(math.ceil((x1 - 1 - t) / a)) + 2)
        length = end - k
        # cv2.resize's output size for a factor must reach the last needed sample, and differ from the window's:
        # for an equal size cv2.resize copies instead of resampling (the factor is ignored; a factor near 1 on a
        # short window would shift the layer by up to half a pixel).
        out = int(np.rint(length * a))
        if length < 2 or out < skip + (x1 - x0) or out == length:
            continue
        return k, length, skip
    return None


def _resize_affine(src: np.ndarray, m: np.ndarray, x0: int, y0: int, x1: int, y1: int, buf) -> np.ndarray | None:
    """warpAffine(src, m) (bilinear) over frame[y0:y1, x0:x1] for a scale+shift `m`, by one cv2.resize of a plain
    slice of `src`: an offset of the output grid is chosen so its samples fall where the warp's do, so there is
    no second interpolation. Outside `src` it replicates the edge (a border of zeros gives the warp's constant 0
    border within it). A view of `buf(h, w)` (valid until its next use), or None when no grid aligns."""
    gx = _grid(float(m[0, 0]), float(m[0, 2]), x0, src.shape[1], x1)
    gy = _grid(float(m[1, 1]), float(m[1, 2]), y0, src.shape[0], y1) if gx is not None else None
    if gy is None:
        return None
    (kx, lx, sx), (ky, ly, sy) = gx, gy
    win = src[ky : ky + ly, kx : kx + lx]
    dw, dh = int(np.rint(lx * m[0, 0])), int(np.rint(ly * m[1, 1]))
    out = _into(cv2.resize, buf(dh, dw), win, (0, 0), fx=float(m[0, 0]), fy=float(m[1, 1]), interpolation=cv2.INTER_LINEAR)
    if out.shape[:2] != (dh, dw):
        return None
    return out[sy : sy + (y1 - y0), sx : sx + (x1 - x0)]


def _strips(holes: list[tuple[int, int, int, int]], X0: int, Y0: int, X1: int, Y1: int) -> list[tuple[int, int, int, int]]:
    """The rectangle [X0, X1) x [Y0, Y1) less `holes` (disjoint boxes inside it, in row order, no two sharing a
    row), as boxes: strips above, between and below the holes, and beside them."""
    strips, y = [], Y0
    for x0, y0, x1, y1 in holes:
        if y0 > y:
            strips.append((X0, y, X1, y0))
        if x0 > X0:
            strips.append((X0, y0, x0, y1))
        if x1 < X1:
            strips.append((x1, y0, X1, y1))
        y = y1
    if y < Y1:
        strips.append((X0, y, X1, Y1))
    return strips
