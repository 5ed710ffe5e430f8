"""Decoding: video files into a stream of RGB frames (optionally resampled to a fixed rate), and untrusted image
files into RGB(A) arrays through an allowlist of formats and a pixel cap.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from pathlib import Path
from typing import Iterator

import av
import numpy as np
from PIL import Image, ImageOps

from omnireel.errors import InvalidMedia

# Pillow format names we accept; everything else Pillow could parse (PSD, EPS, ICO, ...) is refused up front.
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
DEFAULT_MAX_PIXELS = 40_000_000

# What opening an untrusted file can raise besides FFmpeg's own errors: PyAV turns container and stream metadata
# into str while opening, and a malformed file can make that (or a header field) fail as a Python error.
OPEN_ERRORS = (av.error.FFmpegError, OSError, UnicodeError, ValueError, EOFError)


def open_input(path: str | Path, **kwargs):
    """av.open for reading user media. Tags (a handler name, an encoder string) are free text that muxers write
    in whatever encoding they like: a playable file whose tags are not UTF-8 must still open, so undecodable bytes
    in them are dropped rather than failing the whole file (PyAV's default is strict UTF-8). Nothing of ours reads
    those tags."""
    return av.open(str(path), metadata_errors="ignore", **kwargs)


@contextlib.contextmanager
def open_video(path: str | Path, *, name: str = "video file", short: str = "file"):
    """The opened container and its first video stream, closed on exit. InvalidMedia (naming the `name` or, for a
    missing stream, the `short` noun) when the file cannot be opened, has no video stream, or FFmpeg has no decoder
    for that stream (a codec it does not know, or a header cut off before the codec was named)."""
    try:
        container = open_input(path)
    except OPEN_ERRORS as exc:
        raise InvalidMedia(f"The {name} could not be opened.") from exc
    with container:
        if not container.streams.video:
            raise InvalidMedia(f"The {short} has no video stream.")
        stream = container.streams.video[0]
        if stream.codec_context is None:
            raise InvalidMedia(f"The {name} uses an unknown encoding or its header is damaged.")
        yield container, stream


def iter_frames(
    path: str | Path, fps: float | None = None, *, start_s: float = 0.0, pix_fmt: str = "rgb24"
) -> Iterator[np.ndarray]:
    """Yield the video's frames as HxWx3 uint8 RGB arrays, one at a time.

    With `fps`, frames are resampled to that rate by time: output frame k shows the source frame on screen at
    time k/fps (frames are repeated or dropped; nothing is blended), so a 25 or 29.97 fps source keeps its
    duration and stays in sync with its audio. `start_s` skips frames shown before that time.
    `pix_fmt` "yuv420p" yields planar I420 arrays ((height * 3 / 2, width); even sizes only) instead of RGB,
    so an edit can pass untouched frames to the encoder without a colour round trip.
    Frames are upright as a player shows them: a rotation the file asks for (a phone's portrait video is often
    stored landscape with a display matrix) is applied.
    """
    with open_video(path) as (container, stream):
        stream.thread_type = "AUTO"
        try:
            if fps is None:
                for frame in container.decode(stream):
                    t = frame.time if frame.time is not None else 0.0
                    if t + 1e-6 >= start_s:
                        yield upright(frame, pix_fmt)
                return
            src_rate = stream.average_rate or stream.guessed_rate or fps
            yield from _resample(container.decode(stream), float(fps), 1.0 / float(src_rate), start_s, pix_fmt)
        except av.error.FFmpegError as exc:
            raise InvalidMedia("The video file is damaged or uses an unsupported encoding.") from exc


def quarter_turns(frame) -> int:
    """How many quarter turns counter-clockwise the frame's display matrix asks for (0-3)."""
    rotation = getattr(frame, "rotation", 0) or 0
    return round(rotation / 90) % 4


def first_frame_turns(container) -> int:
    """quarter_turns of an open container's first video frame (0 when it has none that decodes: whoever decodes
    the frames reports that)."""
    try:
        container.seek(0)
        for frame in container.decode(container.streams.video[0]):
            return quarter_turns(frame)
    except av.error.FFmpegError:
        pass
    return 0


def is_full_range(frame) -> bool:
    """Whether a decoded frame's samples use the full 0-255 range (yuvj formats, or colour range tagged JPEG)."""
    return frame.format.name.startswith("yuvj") or frame.color_range == 2  # AVCOL_RANGE_JPEG


def upright(frame, pix_fmt: str = "rgb24") -> np.ndarray:
    """The decoded frame as an array in `pix_fmt` (rgb24, or yuv420p as an I420 buffer), turned as its display
    matrix asks. I420 is always limited (video) range, what the encoder writes: full-range sources (JPEG range:
    phone and screen recordings, MJPEG) are converted, or their blacks and whites would pass through as values
    outside the range and clip on playback."""
    if pix_fmt == "yuv420p" and is_full_range(frame):
        arr = frame.reformat(format="yuv420p", src_color_range="JPEG", dst_color_range="MPEG").to_ndarray()
    else:
        arr = frame.to_ndarray(format=pix_fmt)
    k = quarter_turns(frame)
    if not k:
        return arr
    if pix_fmt != "yuv420p":
        return np.ascontiguousarray(np.rot90(arr, k))
    h, w = frame.height, frame.width
    n, q = w * h, (w // 2) * (h // 2)
    flat = arr.reshape(-1)
    planes = [flat[:n].reshape(h, w), flat[n : n + q].reshape(h // 2, w // 2), flat[n + q : n + 2 * q].reshape(h // 2, w // 2)]
    turned = [np.rot90(p, k) for p in planes]
    out = np.empty_like(flat)
    out[:n], out[n : n + q], out[n + q : n + 2 * q] = (t.reshape(-1) for t in turned)
    H, W = turned[0].shape
    return out.reshape(H * 3 // 2, W)


def _resample(frames, fps: float, period: float, start_s: float, pix_fmt: str = "rgb24") -> Iterator[np.ndarray]:
    # Output tick k (time k/fps) shows the latest source frame whose time is <= the tick. Hold one frame and emit
    # it for every tick that falls before the next source frame; the last frame covers one source period.
    k = 0
    held: np.ndarray | None = None
    last_t = -period
    for frame in frames:
        # Frames without a timestamp are assumed to follow the previous one at the source rate.
        t = frame.time if frame.time is not None else last_t + period
        last_t = t
        t -= start_s
        if held is not None:
            while k / fps < t - 1e-6:
                yield held
                k += 1
        if t + period > k / fps + 1e-6 or held is None:
            held = upright(frame, pix_fmt)
    if held is not None:
        end = last_t - start_s + period
        while k / fps < end - 1e-6:
            yield held
            k += 1


def read_image(path: str | Path, max_pixels: int = DEFAULT_MAX_PIXELS, cover: tuple[float, float] | None = None) -> np.ndarray:
    """Open an untrusted image: allowlisted formats only, pixel cap enforced before decoding, EXIF orientation
    applied. Returns HxWx3 uint8 RGB, or HxWx4 RGBA when the image carries transparency. Animated images give
    their first frame.

    `cover` (width, height): the most the caller will ever show of the image at full detail; a bigger image is
    reduced (never enlarged, aspect kept) to the smallest size that still covers that box, so a phone photo does
    not cost its full resolution in memory and time. JPEGs are then decoded at a reduced scale directly.
    """
    try:
        with open(path, "rb") as fp, warnings.catch_warnings():
            # A decompression bomb must fail the request, not just log a warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                im = Image.open(fp, formats=list(IMAGE_FORMATS))
            except Image.UnidentifiedImageError as exc:
                raise InvalidMedia(
                    "The image is not a supported format (PNG, JPEG, WEBP, GIF, BMP or TIFF)."
                ) from exc
            w, h = im.size
            if w <= 0 or h <= 0:
                raise InvalidMedia("The image has no pixels.")
            if w * h > max_pixels:
                raise InvalidMedia(f"The image is too large: at most {max_pixels:,} pixels are accepted.")
            im.seek(0)
            k = _reduction(w, h, cover)
            if k < 1.0 and im.format == "JPEG":
                # DCT-domain scaling by 1/2, 1/4 or 1/8, never below the requested size (a quarter of the work).
                im.draft(im.mode, (math.ceil(w * k), math.ceil(h * k)))
            im.load()
            bits = _bits_per_sample(im)  # read now: the turned copy exif_transpose makes has no TIFF tags
            im = ImageOps.exif_transpose(im)
            im = _eight_bit(im, bits)
            k = _reduction(*im.size, cover)
            if k < 1.0:
                size = (max(1, math.ceil(im.size[0] * k)), max(1, math.ceil(im.size[1] * k)))
                # Pillow resizes RGBA with premultiplied alpha, so edges of transparent images keep their colour.
                im = im.resize(size, Image.Resampling.BOX)  # an area average: alias-free, and quick
            has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
            if im.mode == "RGBa":
                has_alpha = True
            im = im.convert("RGBA" if has_alpha else "RGB")
            return np.asarray(im, dtype=np.uint8).copy()
    except InvalidMedia:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InvalidMedia(f"The image is too large: at most {max_pixels:,} pixels are accepted.") from exc
    except FileNotFoundError as exc:
        raise InvalidMedia("The image file is missing.") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # Truncated or corrupt data; Pillow's own text may include paths, so it is not echoed.
        raise InvalidMedia("The image is damaged or could not be decoded.") from exc


# Pillow's single-channel modes wider than 8 bits: 16-bit greyscale PNGs and TIFFs ("I;16", big-endian "I;16B"),
# 32-bit integer ("I") and float ("F") TIFFs. Pillow's convert("RGB") clips their values at 255 instead of scaling
# them (a 16-bit photo comes out white, a 0-1 float one black), so they are brought to 8 bits here first.
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")


def _bits_per_sample(im: Image.Image) -> int | None:
    """A TIFF's BitsPerSample (first sample), None for other formats or when absent."""
    tags = getattr(im, "tag_v2", None)
    bits = tags.get(258) if tags is not None else None
    if isinstance(bits, tuple):
        bits = bits[0] if bits else None
    return bits if isinstance(bits, int) else None


def _eight_bit(im: Image.Image, bits: int | None = None) -> Image.Image:
    """A wide greyscale image as mode "L", its values scaled from their full range to 0-255; other modes as they
    are (Pillow already reads 16-bit RGB(A) PNGs and TIFFs as 8-bit "RGB"/"RGBA").

    The full range: 65535 for 16-bit modes (value / 257, so 65535 is 255 and 257 is 1). "I" says only that values
    are integers, so the file's own BitsPerSample (`bits`) decides when it says 16 bits; otherwise the smallest of 255 and
    65535 that holds every value (an "I" image is usually 16-bit data: older Pillow opens 16-bit PNGs as "I"), or
    the image's maximum when even that is exceeded. "F" is read as 0-1 when its values fit (the float image
    convention), else like "I". Negative values and NaN are black."""
    if im.mode in _SIXTEEN_BIT_MODES:
        a = np.asarray(im, dtype=np.float32)  # float32: a 40 MP image costs 160 MB here, not twice that
        full = 65535.0
    elif im.mode in ("I", "F"):
        a = np.nan_to_num(np.asarray(im, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        peak = float(a.max()) if a.size else 0.0
        if im.mode == "F" and peak <= 1.0:
            full = 1.0
        elif bits == 16 and peak <= 65535:
            full = 65535.0
        elif peak <= 255:
            full = 255.0
        elif peak <= 65535:
            full = 65535.0
        else:
            full = peak
    else:
        return im
    out = np.clip(np.rint(a * (255.0 / full)), 0, 255).astype(np.uint8)
    return Image.fromarray(out)  # 2-D uint8: mode "L"


def _reduction(w: int, h: int, cover: tuple[float, float] | None) -> float:
    """The scale (at most 1) at which a w x h image still covers `cover` (width, height); 1 for no cover."""
    if cover is None:
        return 1.0
    return min(1.0, max(cover[0] / w, cover[1] / h))


def split_alpha(img: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(rgb, alpha or None) from read_image's result."""
    if img.shape[2] == 4:
        return np.ascontiguousarray(img[:, :, :3]), np.ascontiguousarray(img[:, :, 3])
    return img, None
