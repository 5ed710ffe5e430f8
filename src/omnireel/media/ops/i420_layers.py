"""A layered still rendered straight into the encoder's I420 planes.

x264 takes I420 (full-resolution luma, quarter-resolution chroma): 1.5 bytes per pixel against RGB's 3. For the
common camera moves (a scale and a shift, no roll) the whole frame is two resamples and a blend, so doing them on
the I420 planes halves the bytes resampled and blended and drops the per-frame RGB -> I420 conversion. The planes
are precomputed once from the same plate and subject the RGB renderer uses.

Compositing is linear, so it carries over: Y, U and V are affine in R, G and B, and `over` with premultiplied
values commutes with an affine colour transform. The subject's premultiplied planes are stored with their
*transmittance* T = 255 - alpha, so a blend is one multiply and one add per plane.

A frame's chroma sample (j, i) stands for its 2x2 block, centred at luma (2j + 0.5, 2i + 0.5); `chroma_matrix`
turns a luma warp into the matching chroma warp. Layers that are enlarged
keep full-resolution chroma (see `I420Layers.full_chroma`).

Both layers are resampled by one cv2.resize on an aligned grid where the camera is a scale and a shift (as in
the RGB renderer), else by a warp. Per-frame light and atmosphere are drawn in RGB only, so frames with them are
left to the RGB renderer (`LayeredStill.render_i420` decides).
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

PAD = 128  # transparent margin (luma px) around the subject's planes, like the RGB sprite's
REFLECT_PAD = 32  # mirrored margin around a borderless photo, matching warpAffine's BORDER_REFLECT there


def chroma_matrix(m: np.ndarray, full: bool = False) -> np.ndarray:
    """The chroma-plane warp for a luma-plane warp `m` (2x3, source luma px -> frame luma px). The source's
    chroma is at half resolution (a sample at luma (2j + 0.5, 2i + 0.5)) or, with `full`, at luma resolution
    (sample j at luma j); the frame's is half resolution."""
    c = m.astype(np.float64).copy()
    if full:
        c[:, :2] /= 2
        c[:, 2] = (m[:, 2] - 0.5) / 2
    else:
        c[:, 2] = (m[:, :2] @ np.array([0.5, 0.5]) + m[:, 2] - 0.5) / 2
    return c


# BT.601 limited range, the matrix of OpenCV's RGB -> I420 conversion (within one level) and of swscale.
_RGB_TO_YUV = np.array(
    [[0.2568, 0.5041, 0.0979, 16.0], [-0.1482, -0.2910, 0.4392, 128.0], [0.4392, -0.3678, -0.0714, 128.0]], np.float32
)


def to_planes(rgb: np.ndarray, full: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Y, U, V) of an RGB image: with `full`, one chroma sample per pixel; else Y padded to even dimensions (edge
    replicated) and U, V the 2x2 averages (a sample centred on its block). OpenCV's own RGB -> I420 conversion
    is not used for this: it takes each block's chroma from its top-left pixel, which aliases."""
    y, u, v = cv2.split(cv2.transform(np.ascontiguousarray(rgb), _RGB_TO_YUV))
    if full:
        return y, u, v
    h, w = y.shape
    if h % 2 or w % 2:
        y, u, v = (cv2.copyMakeBorder(p, 0, h % 2, 0, w % 2, cv2.BORDER_REPLICATE) for p in (y, u, v))
    half = (y.shape[1] // 2, y.shape[0] // 2)
    return y, cv2.resize(u, half, interpolation=cv2.INTER_AREA), cv2.resize(v, half, interpolation=cv2.INTER_AREA)


def frame_planes(frame: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of an I420 frame buffer shaped (height * 3 / 2, width)."""
    flat = frame.reshape(-1)  # a chroma plane need not fill whole rows of the buffer (height / 2 odd)
    n, q = width * height, (width // 2) * (height // 2)
    y = flat[:n].reshape(height, width)
    u = flat[n : n + q].reshape(height // 2, width // 2)
    v = flat[n + q : n + 2 * q].reshape(height // 2, width // 2)
    return y, u, v


def _translate(m: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """m applied after shifting the source by (dx, dy): the warp of an image whose pixel (0, 0) is at (dx, dy)."""
    out = m.astype(np.float64).copy()
    out[:, 2] += m[:, :2] @ np.array([dx, dy], float)
    return out


def _landing(m: np.ndarray, pad: int, w: int, h: int, shape: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The frame rectangle (x0, y0, x1, y1), clipped to a plane of `shape`, that content w x h at offset `pad`
    of a layer lands on under the warp `m`; None when it misses the plane."""
    pts = np.array([[pad, pad, 1], [pad + w, pad, 1], [pad + w, pad + h, 1], [pad, pad + h, 1]], float).T
    q = m @ pts
    x0, y0 = max(0, int(np.floor(q[0].min()))), max(0, int(np.floor(q[1].min())))
    x1, y1 = min(shape[1], int(np.ceil(q[0].max())) + 1), min(shape[0], int(np.ceil(q[1].max())) + 1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


class _Subject:
    """The subject's premultiplied luma and its transmittance, premultiplied U and V and their transmittance
    (at luma resolution with `full` chroma, else half): separate planes, because OpenCV resamples single
    channels faster than it resamples interleaved ones and then splits them. Each is padded with a transparent
    margin."""

    def __init__(self, rgb: np.ndarray, alpha: np.ndarray, full: bool):
        h, w = rgb.shape[:2]
        a = alpha.astype(np.float32)
        if h % 2 or w % 2:
            a = cv2.copyMakeBorder(a, 0, h % 2, 0, w % 2, cv2.BORDER_CONSTANT, value=0)
        y, u, v = to_planes(rgb, full)
        if full:
            ac, cp = a[:h, :w], PAD
        else:
            ac, cp = cv2.resize(a, (u.shape[1], u.shape[0]), interpolation=cv2.INTER_AREA), PAD // 2
        y = y[:h, :w] if full else y

        def premultiplied(plane, weight, pad):
            return cv2.copyMakeBorder(np.clip(plane * weight + 0.5, 0, 255).astype(np.uint8), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)

        def transmittance(weight, pad):
            t = 255 - np.clip(weight * 255 + 0.5, 0, 255).astype(np.uint8)
            return cv2.copyMakeBorder(t, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)

        self.luma = premultiplied(y, a[: y.shape[0], : y.shape[1]], PAD), transmittance(a[: y.shape[0], : y.shape[1]], PAD)
        self.chroma = premultiplied(u, ac, cp), premultiplied(v, ac, cp), transmittance(ac, cp)
        self.size = (y.shape[1], y.shape[0])
        self.chroma_size, self.chroma_pad = (u.shape[1], u.shape[0]), cp


class I420Layers:
    """I420 planes of a `LayeredStill`'s plate and subject, and a renderer for scale+shift cameras."""

    def __init__(self, still):
        from omnireel.media.ops import parallax  # the RGB renderer owns the layers; this mirrors them

        self._p = parallax
        self.still = still
        self.width, self.height = still.width, still.height
        self._scratch = threading.local()
        # Enlarged layers keep a chroma sample per source pixel: chroma subsampled at the source's resolution
        # and then enlarged would be visibly softer than the frame's own 4:2:0 (colour bleeding at edges).
        self.full_chroma = still.layout.scale >= 1.0
        if still.plate is not None:
            self.plate = to_planes(still.plate, self.full_chroma)
            self.plate_shift = (0.0, 0.0)  # plate pixels are what _plate_matrix maps
            self.reflect = False
        else:
            # A flat photo without a plate (it covers the frame): warped with BORDER_REFLECT by the RGB path, so
            # mirror a margin of it here; the resize replicates beyond that margin, which a cover layout never
            # reaches.
            src = cv2.copyMakeBorder(still.sprite.rgb, REFLECT_PAD, REFLECT_PAD, REFLECT_PAD, REFLECT_PAD, cv2.BORDER_REFLECT)
            self.plate = to_planes(src, self.full_chroma)
            self.plate_shift = (still.sprite.x0 - REFLECT_PAD, still.sprite.y0 - REFLECT_PAD)
            self.reflect = True
        self.subject = None if still.flat else _Subject(still.sprite.rgb, still.sprite.alpha, self.full_chroma)

    def _buf(self, name: str, h: int, w: int) -> np.ndarray:
        return self._p.scratch(self._scratch, name, h, w)

    def _plate_matrix(self, cam, bg) -> np.ndarray:
        st = self.still
        if st.plate is None:
            return _translate(st.subject_matrix(cam), *self.plate_shift)
        return st._plate_matrix(bg if not st.flat else cam)

    def render(self, cam, bg) -> np.ndarray:
        """One I420 frame ((height * 3 / 2, width) uint8, a new array) for subject camera `cam` and plate camera
        `bg`."""
        W, H = self.width, self.height
        pm = self._plate_matrix(cam, bg)
        frame = np.empty((H * 3 // 2, W), np.uint8)
        Y, U, V = frame_planes(frame, W, H)
        pmc = chroma_matrix(pm, self.full_chroma)
        for plane, src, mat, name in ((Y, self.plate[0], pm, "py"), (U, self.plate[1], pmc, "pu"), (V, self.plate[2], pmc, "pv")):
            h, w = plane.shape
            plane[...] = self._sample(src, mat, (0, 0, w, h), name, None)
        if self.subject is not None:
            self._subject(self.still.subject_matrix(cam), Y, U, V)
        return frame

    def _subject(self, m: np.ndarray, Y: np.ndarray, U: np.ndarray, V: np.ndarray) -> None:
        """Blend the subject over the plate in the three planes."""
        s, st = self.subject, self.still
        sw, sh = s.size
        ml = _translate(m, st.sprite.x0 - PAD, st.sprite.y0 - PAD)
        rect = _landing(ml, PAD, sw, sh, Y.shape)
        if rect is not None:
            x0, y0, x1, y1 = rect
            yp, t = s.luma
            self._over(Y[y0:y1, x0:x1], self._sample(yp, ml, rect, "sy", None), self._sample(t, ml, rect, "st", 255))
        cp = s.chroma_pad
        k = 1 if self.full_chroma else 2  # source luma px per source chroma px
        mc = _translate(chroma_matrix(m, self.full_chroma), (st.sprite.x0 - cp * k) / k, (st.sprite.y0 - cp * k) / k)
        rect = _landing(mc, cp, *s.chroma_size, U.shape)
        if rect is not None:
            x0, y0, x1, y1 = rect
            up, vp, tc = s.chroma
            t = self._sample(tc, mc, rect, "sct", 255)
            self._over(U[y0:y1, x0:x1], self._sample(up, mc, rect, "scu", 0), t)
            self._over(V[y0:y1, x0:x1], self._sample(vp, mc, rect, "scv", 0), t)

    def _sample(self, src: np.ndarray, m: np.ndarray, rect: tuple[int, int, int, int], name: str, border: int | None) -> np.ndarray:
        """`src` resampled (bilinear) by the warp `m` over the frame rectangle (x0, y0, x1, y1): by one cv2.resize
        on an aligned grid when `m` is a scale and a shift (see `parallax._resize_affine`), else by a warp.
        Outside `src` the edge is replicated (`border` None) or `border` is the value. A view of a scratch
        buffer, valid until the next call with the same name."""
        p = self._p
        x0, y0, x1, y1 = rect
        if p._scale_only(m):
            out = p._resize_affine(src, m, x0, y0, x1, y1, lambda hh, ww: self._buf(name, hh, ww))
            if out is not None:
                return out
        mm = m.astype(np.float64).copy()
        mm[:, 2] -= (x0, y0)
        dst = self._buf(name + "w", y1 - y0, x1 - x0)
        if border is None:
            return p._into(cv2.warpAffine, dst, src, mm, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return p._into(cv2.warpAffine, dst, src, mm, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)

    def _over(self, roi: np.ndarray, value: np.ndarray, trans: np.ndarray) -> None:
        """roi = value + roi * trans / 255, in place (premultiplied `over`; trans is 255 - alpha)."""
        if roi.size == 0:
            return
        h, w = roi.shape
        under = self._p._into(cv2.multiply, self._buf("under", h, w), roi, trans, scale=1 / 255)
        out = cv2.add(value, under, dst=roi)
        if out.__array_interface__["data"][0] != roi.__array_interface__["data"][0]:
            roi[...] = out
