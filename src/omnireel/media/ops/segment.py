"""Subject/background separation of a still, classically and at low resolution: a saliency score (colour
contrast against the image border, spectral residual saliency and a centre prior) seeds GrabCut on a downscaled
copy; the mask is cleaned up, upscaled and edge-refined with a guided filter. Cached per image content.

The result is a soft alpha in [0, 1] at the image's size plus the subject's bounding box. When no single clear
subject stands out (a texture, a landscape, a subject filling the whole image), `found` is False and callers
treat the still as one flat layer.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict

import cv2
import numpy as np

WORK_SIDE = 200  # GrabCut resolution: ~60 ms, enough for a layer mask that is edge-refined at full size later
MIN_AREA, MAX_AREA = 0.02, 0.72  # subject share of the image outside which there is no clear subject
_CACHE: OrderedDict[tuple, "Segmentation"] = OrderedDict()
_CACHE_SIZE = 8


@dataclasses.dataclass(frozen=True)
class Segmentation:
    alpha: np.ndarray  # HxW float32 in [0, 1], 1 = subject; all zeros when not found
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels (whole image when not found)
    found: bool
    # Share of the subject's outline that lies on a visible image edge (0..1). A true object outline follows
    # edges; a low share means the cut runs through smooth areas (sky, a wall), where a layer seam would show.
    confidence: float = 1.0

    @property
    def center(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.bbox
        return (x0 + x1) / 2, (y0 + y1) / 2


def _score(small: np.ndarray) -> np.ndarray:
    """Per-pixel "this is the subject" score in [0, 1] on the small image."""
    h, w = small.shape[:2]
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    # Boundary prior: the background is what the border looks like. Distance to the nearest of a few border colours.
    b = max(2, min(h, w) // 16)
    border = np.concatenate([lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3), lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)])
    k = min(6, len(border))
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    cv2.setRNGSeed(12345)
    _, _, centers = cv2.kmeans(border, k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    d = np.min(np.linalg.norm(lab.reshape(-1, 1, 3) - centers[None], axis=2), axis=1).reshape(h, w)
    contrast = d / (np.quantile(d, 0.98) + 1e-6)
    try:
        ok, sr = cv2.saliency.StaticSaliencySpectralResidual_create().computeSaliency(small)
        sr = cv2.GaussianBlur(sr.astype(np.float32), (0, 0), max(1.0, w / 60)) if ok else np.zeros((h, w), np.float32)
        sr /= sr.max() + 1e-6
    except (AttributeError, cv2.error):
        sr = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    centre = np.exp(-(((xx / w - 0.5) / 0.36) ** 2 + ((yy / h - 0.5) / 0.4) ** 2))
    s = (0.65 * np.clip(contrast, 0, 1) + 0.35 * sr) * (0.3 + 0.7 * centre)
    s = cv2.GaussianBlur(s, (0, 0), max(1.0, w / 100))
    return s / (s.max() + 1e-6)


CONFIDENT = 0.9  # below this edge support, callers should not cut the image into layers along the outline


def _edge_support(small: np.ndarray, mask: np.ndarray) -> float:
    """The share of the mask's outline (away from the image border) that lies on an image edge."""
    lab = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32), (0, 0), 1.0)
    gx, gy = cv2.Sobel(lab, cv2.CV_32F, 1, 0), cv2.Sobel(lab, cv2.CV_32F, 0, 1)
    grad = cv2.dilate(np.sqrt((gx * gx + gy * gy).sum(axis=2)), np.ones((3, 3), np.uint8))
    m = mask.astype(np.uint8)
    outline = (m - cv2.erode(m, np.ones((3, 3), np.uint8))).astype(bool)
    outline[0, :] = outline[-1, :] = outline[:, 0] = outline[:, -1] = False
    if not outline.any():
        return 1.0
    return float((grad[outline] > 40.0).mean())


def _largest_blobs(mask: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Keep the component carrying the most score, plus any others carrying at least 30% as much."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask
    weight = np.bincount(labels.ravel(), weights=score.ravel(), minlength=n)
    weight[0] = 0
    keep = weight >= 0.3 * weight.max()
    return keep[labels]


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    flood = np.pad(mask.astype(np.uint8), 1)
    cv2.floodFill(flood, np.zeros((h + 4, w + 4), np.uint8), (0, 0), 1)
    return mask | (flood[1:-1, 1:-1] == 0)


def _segment(rgb: np.ndarray) -> Segmentation:
    h, w = rgb.shape[:2]
    s = min(1.0, WORK_SIDE / max(h, w))
    sw, sh = max(16, round(w * s)), max(16, round(h * s))
    small = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    score = _score(small)
    hi, lo = np.quantile(score, 0.80), np.quantile(score, 0.45)
    gc = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    gc[score >= lo] = cv2.GC_PR_BGD
    gc[score >= (hi + lo) / 2] = cv2.GC_PR_FGD
    gc[score >= max(hi, 0.6)] = cv2.GC_FGD
    b = max(1, min(sw, sh) // 40)
    edge = np.zeros((sh, sw), bool)
    edge[:b], edge[-b:], edge[:, :b], edge[:, -b:] = True, True, True, True
    gc[edge & (score < 0.35)] = cv2.GC_BGD
    gc[score < 0.12] = cv2.GC_BGD
    fail = Segmentation(np.zeros((h, w), np.float32), (0, 0, w, h), False)
    if not (gc == cv2.GC_FGD).any() or not ((gc == cv2.GC_BGD) | (gc == cv2.GC_PR_BGD)).any():
        return fail
    cv2.setRNGSeed(12345)  # GrabCut's GMM initialisation draws from OpenCV's RNG: seed it for determinism
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    try:
        cv2.grabCut(small, gc, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return fail
    mask = (gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
    mask = _fill_holes(_largest_blobs(mask, score))
    area = mask.mean()
    if not (MIN_AREA <= area <= MAX_AREA):
        return fail
    # The subject should stand out from what surrounds it; a mask no more salient than the rest is a guess.
    if score[mask].mean() < 1.6 * score[~mask].mean():
        return fail
    # Upscale and snap the edge to the full-resolution image with a guided filter (cheap, edge-aware).
    soft = cv2.resize(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.8), (w, h), interpolation=cv2.INTER_LINEAR)
    guide_s = min(1.0, 900 / max(h, w))
    gw, gh = max(16, round(w * guide_s)), max(16, round(h * guide_s))
    guide = cv2.resize(rgb, (gw, gh), interpolation=cv2.INTER_AREA)
    try:
        refined = cv2.ximgproc.guidedFilter(guide, cv2.resize(soft, (gw, gh)), max(2, gw // 120), 1e-3)
        soft = cv2.resize(refined, (w, h), interpolation=cv2.INTER_LINEAR)
    except (AttributeError, cv2.error):
        pass
    alpha = np.clip((soft - 0.15) / 0.7, 0, 1).astype(np.float32)
    ys, xs = np.nonzero(alpha > 0.5)
    if len(xs) == 0:
        return fail
    conf = _edge_support(small, mask)
    return Segmentation(alpha, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1), True, conf)


def segment(rgb: np.ndarray) -> Segmentation:
    """The subject of `rgb` (HxWx3 uint8). Deterministic; cached by image content, so the several shots of a
    sequence (or repeated requests on one worker) separate each image once."""
    key = (rgb.shape, hashlib.blake2b(np.ascontiguousarray(rgb).data, digest_size=16).digest())
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    seg = _segment(rgb)
    _CACHE[key] = seg
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return seg
