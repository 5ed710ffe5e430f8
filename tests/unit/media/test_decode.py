"""Decoding: frame streams (with resampling to 24 fps) and untrusted images through the allowlist."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from omnireel.errors import InvalidMedia
from omnireel.media.decode import iter_frames, read_image


def _write_numbered(path, fps, n, size=64):
    # Each frame's brightness encodes its index, so the resampler's choices can be checked after decoding.
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        s.width = s.height = size
        s.pix_fmt = "yuv420p"
        s.options = {"crf": "1"}
        for i in range(n):
            f = av.VideoFrame.from_ndarray(np.full((size, size, 3), i * 2, np.uint8), format="rgb24")
            f.pts = None
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)


def test_iter_frames_native_rate(tmp_path):
    p = tmp_path / "a.mp4"
    _write_numbered(p, 24, 30)
    frames = list(iter_frames(p))
    assert len(frames) == 30 and frames[0].shape == (64, 64, 3) and frames[0].dtype == np.uint8


@pytest.mark.parametrize("src_fps,n", [(25, 50), (30, 60), (12, 24)])
def test_resample_to_24_keeps_duration_and_order(tmp_path, src_fps, n):
    p = tmp_path / "src.mp4"
    _write_numbered(p, src_fps, n)
    out = list(iter_frames(p, fps=24))
    expected = round(n / src_fps * 24)
    assert abs(len(out) - expected) <= 1
    idx = [int(round(f.mean() / 2)) for f in out]
    assert idx == sorted(idx)  # time never runs backwards
    # Output frame k shows the source frame on screen at k/24 s.
    for k in (0, len(out) // 2, len(out) - 1):
        assert abs(idx[k] - int(k / 24 * src_fps + 1e-6)) <= 1


def _save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"])
def test_allowlisted_formats_decode_to_rgb(tmp_path, fmt):
    p = tmp_path / f"img.{fmt.lower()}"
    p.write_bytes(_save(Image.new("RGB", (40, 30), (10, 200, 30)), fmt))
    arr = read_image(p)
    assert arr.shape == (30, 40, 3) and arr.dtype == np.uint8
    assert abs(int(arr[15, 20, 1]) - 200) < 12


@pytest.mark.parametrize("fmt", ["ICO", "PCX", "TGA", "PPM"])
def test_other_formats_are_refused(tmp_path, fmt):
    p = tmp_path / "img.bin"
    p.write_bytes(_save(Image.new("RGB", (32, 32), (1, 2, 3)), fmt))
    with pytest.raises(InvalidMedia, match="not a supported format"):
        read_image(p)


def test_alpha_is_kept(tmp_path):
    p = tmp_path / "a.png"
    im = Image.new("RGBA", (20, 10), (255, 0, 0, 0))
    im.putpixel((5, 5), (0, 255, 0, 255))
    p.write_bytes(_save(im, "PNG"))
    arr = read_image(p)
    assert arr.shape == (10, 20, 4) and arr[5, 5, 3] == 255 and arr[0, 0, 3] == 0


def test_pixel_cap_is_enforced_before_decoding(tmp_path):
    p = tmp_path / "big.png"
    p.write_bytes(_save(Image.new("L", (3000, 2000)), "PNG"))
    with pytest.raises(InvalidMedia, match="too large"):
        read_image(p, max_pixels=1_000_000)


def test_decompression_bomb_is_an_error(tmp_path, monkeypatch):
    p = tmp_path / "bomb.png"
    p.write_bytes(_save(Image.new("L", (200, 200)), "PNG"))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 40,000 px is now a "bomb" warning for Pillow
    with pytest.raises(InvalidMedia, match="too large"):
        read_image(p)


def test_exif_orientation_is_applied(tmp_path):
    im = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    p = tmp_path / "rot.jpg"
    p.write_bytes(_save(im, "JPEG", exif=exif))
    assert read_image(p).shape == (40, 20, 3)


def test_corrupt_and_missing_images(tmp_path):
    good = _save(Image.new("RGB", (64, 64), (9, 9, 9)), "PNG")
    p = tmp_path / "trunc.png"
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(InvalidMedia) as err:
        read_image(p)
    assert str(tmp_path) not in str(err.value)  # no paths or library text echoed
    with pytest.raises(InvalidMedia):
        read_image(tmp_path / "missing.png")


def test_iter_frames_rejects_non_video(tmp_path):
    p = tmp_path / "x.mp4"
    p.write_bytes(b"\x00" * 100)
    with pytest.raises(InvalidMedia):
        list(iter_frames(p))


def _photo(w: int, h: int) -> np.ndarray:
    """Smooth gradients with a sharp dark square in the middle (where a reduction must keep it)."""
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.dstack([xx * 255 // w, yy * 255 // h, np.full((h, w), 128)]).astype(np.uint8)
    img[h * 2 // 5 : h * 3 // 5, w * 2 // 5 : w * 3 // 5] = 20
    return img


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_big_images_are_reduced_to_what_can_be_shown(tmp_path, fmt):
    p = tmp_path / f"big.{fmt.lower()}"
    Image.fromarray(_photo(3000, 2000)).save(p, fmt, quality=95)
    got = read_image(p, cover=(1280, 720))
    # The smallest size that still covers 1280 x 720, aspect kept (3:2): 1280 wide, 853 or 854 high.
    assert got.shape[1] == 1280 and abs(got.shape[0] - 853.3) <= 1, got.shape
    # The same picture, only smaller: the dark square is where it was, and the gradient runs the same way.
    h, w = got.shape[:2]
    assert got[h // 2, w // 2].max() < 40 and got[h // 10, w // 10].max() > 60
    ref = np.asarray(Image.fromarray(_photo(3000, 2000)).resize((w, h), Image.Resampling.BOX)).astype(int)
    assert np.abs(got.astype(int) - ref).mean() < 3


def test_images_are_never_enlarged_and_small_ones_untouched(tmp_path):
    p = tmp_path / "small.png"
    img = _photo(400, 300)
    Image.fromarray(img).save(p)
    assert np.array_equal(read_image(p, cover=(2560, 1440)), img)


def test_reduced_jpeg_keeps_its_exif_orientation(tmp_path):
    # Stored landscape (3000 x 2000) with orientation 6 (rotate 90° clockwise to view): shown portrait.
    p = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(_photo(3000, 2000)).save(p, "JPEG", exif=exif, quality=95)
    got = read_image(p, cover=(720, 1280))
    assert got.shape[0] > got.shape[1]  # portrait, as viewed
    assert got.shape[1] >= 720 and got.shape[0] >= 1280 and (got.shape[1] == 720 or got.shape[0] == 1280), got.shape


def test_reduced_transparent_image_keeps_clean_edges(tmp_path):
    rgba = np.zeros((2000, 2000, 4), np.uint8)
    rgba[503:1497, 503:1497] = (250, 20, 20, 255)  # an opaque red square (edges off the 4x grid); the rest clear
    p = tmp_path / "cut.png"
    Image.fromarray(rgba).save(p)
    got = read_image(p, cover=(500, 500))
    assert got.shape == (500, 500, 4)
    edge = got[:, :, 3] > 0
    # Partly covered edge pixels keep the square's colour (premultiplied resize), not a dark fringe.
    assert got[edge][:, 0].min() >= 240 and got[edge][:, 1].max() <= 30


def _write_turned(path, rotation: int, w: int = 96, h: int = 64, n: int = 6):
    """A clip stored w x h whose display matrix turns it by `rotation` degrees counter-clockwise (how phones store
    portrait video), with a white bar along the stored picture's left edge."""
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=24)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.set_display_rotation(rotation)
        img = np.zeros((h, w, 3), np.uint8)
        img[:, :16] = 255
        for _ in range(n):
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)


@pytest.mark.parametrize("rotation,shape,bar", [
    (90, (96, 64), "bottom"),   # a quarter turn counter-clockwise: the left edge ends up at the bottom
    (-90, (96, 64), "top"),
    (180, (64, 96), "right"),
    (0, (64, 96), "left"),
])
def test_frames_are_turned_upright_as_players_show_them(tmp_path, rotation, shape, bar):
    from omnireel.media.probe import probe

    path = tmp_path / "phone.mp4"
    _write_turned(path, rotation)
    edges = {"bottom": lambda f: f[-16:], "top": lambda f: f[:16], "left": lambda f: f[:, :16], "right": lambda f: f[:, -16:]}
    rgb = next(iter(iter_frames(path)))
    assert rgb.shape[:2] == shape and edges[bar](rgb).mean() > 200 and rgb.mean() < 100
    i420 = next(iter(iter_frames(path, fps=24, pix_fmt="yuv420p")))
    assert i420.shape == (shape[0] * 3 // 2, shape[1])
    luma = i420[: shape[0]]
    assert edges[bar](luma).mean() > 200 and luma.mean() < 110
    info = probe(path)
    assert (info.height, info.width) == shape  # the size a player shows, also in upload metadata
