"""Benchmark: builtin image_to_video against ffmpeg doing the same camera move, plus peak memory by output size.

Run: .venv/bin/python bench/bench_builtin_i2v.py [--image PATH] [--quick] [--rounds N]
(needs the bench extra: .venv/bin/pip install -e ".[bench]")

1. Speed, measured in this run on the same image: the builtin engine renders 720p, 8 s, a slow eased push-in
   (zoom 1.0 -> 1.3) with a synthesised AAC soundtrack; ffmpeg (imageio-ffmpeg's static binary) renders the same
   eased zoom with zoompan and libx264 with the writer's exact encoder settings (preset, crf, keyframe interval,
   AAC coder and bitrate), with a sine AAC track. Runs alternate (builtin, ffmpeg, ...), five of each by
   default, so a noisy neighbour hurts both sides alike. Prints the best and median wall times, their ratios,
   and the CPU seconds each side used.
   zoompan crops at whole source pixels, so its zoom steps and wobbles (visible on slow moves); the usual remedy
   is to enlarge the picture before zoompan. That smooth variant (4x, the sub-pixel move the builtin engine
   makes) is timed too, as a second reference: the headline ratio stays the one against plain zoompan. How
   smooth each move is gets measured, not assumed: the frame-to-frame shift, tracked (ECC, affine) between
   consecutive frames, changes by how many pixels from one step to the next (a smooth move: a few hundredths).
   The headline image is a product photo (skimage's coffee cup), which the builtin engine separates into two
   layers (2.5D parallax: the cup moves against its background), more work than zoompan's single crop. A photo
   it keeps as one layer (skimage's rocket: no separable subject; the same single-layer move zoompan makes) is
   timed too, CPU seconds side by side, as the like-for-like comparison.
2. Memory: peak RSS of a fresh process rendering 720p and 4k for 4 s and 15 s. Flat memory means the 4 s and
   15 s peaks are about the same (frames stream; nothing holds the whole video).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "Slow push in on the product, one continuous shot."


def skimage_image(name: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("skimage")
    if spec and spec.submodule_search_locations:
        p = Path(list(spec.submodule_search_locations)[0]) / "data" / name
        if p.exists():
            return p
    return None


def default_image(tmp: Path) -> Path:
    coffee = skimage_image("coffee.png")
    if coffee is not None:
        return coffee
    import numpy as np
    from PIL import Image

    img = (np.random.default_rng(0).random((720, 1080, 3)) * 255).astype("uint8")
    path = tmp / "bench.png"
    Image.fromarray(img).save(path)
    return path


def cpu_seconds(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def run_builtin(image: Path, out: Path, resolution: str = "720p", duration: float = 8, aspect: str = "16:9") -> float:
    from omnireel.engines.base import EngineRequest, MediaInput, SimpleContext
    from omnireel.engines.builtin import BuiltinEngine

    req = EngineRequest(
        task="image_to_video",
        prompt=PROMPT,
        resolution=resolution,
        duration_s=duration,
        aspect_ratio=aspect,
        media=(MediaInput("image", image, "image/png"),),
    )
    t0 = time.perf_counter()
    BuiltinEngine().run(req, SimpleContext(out.parent), out)
    return time.perf_counter() - t0


def run_ffmpeg(image: Path, out: Path, duration: float = 8, smooth: bool = False) -> float:
    import imageio_ffmpeg

    n = int(duration * 24)
    # The same eased push-in as the builtin camera path (smoothstep over the clip, zoom 1.0 -> 1.3).
    z = f"1+0.3*(3*pow(on/{n - 1},2)-2*pow(on/{n - 1},3))"
    vf = (
        "scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,"
        + ("scale=5120:2880:flags=bicubic," if smooth else "")
        + f"zoompan=z='{z}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d={n}:s=1280x720:fps=24,format=yuv420p"
    )
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y",
        "-loop", "1", "-framerate", "24", "-i", str(image),
        "-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration={duration}",
        "-vf", vf, "-frames:v", str(n),
        # Like for like with omnireel's VideoWriter: same preset, crf and keyframe interval, same AAC coder.
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "120",
        "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", str(out),
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t0


def step_jitter_px(video: Path) -> float:
    """Mean change, in pixels, of the frame-to-frame shift between consecutive steps of a camera move (the
    tracked affine's translation, both axes); a smooth eased move changes it by a few hundredths of a pixel."""
    import cv2
    import numpy as np

    from omnireel.media.decode import iter_frames

    prev, shifts = None, []
    for rgb in iter_frames(video):
        g = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA).astype(np.float32)
        if prev is not None:
            warp = np.eye(2, 3, dtype=np.float32)
            _, warp = cv2.findTransformECC(prev, g, warp, cv2.MOTION_AFFINE, (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-5), None, 5)
            shifts.append(warp[:, 2] * 2)  # half-size frames: back to full-size pixels
        prev = g
    return float(np.abs(np.diff(np.array(shifts), axis=0)).mean())


def peak_rss_mb(image: Path, out: Path, resolution: str, duration: float) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of a fresh interpreter rendering one output."""
    code = (
        "import sys; sys.path.insert(0, %r); from bench_builtin_i2v import run_builtin; from pathlib import Path; "
        "run_builtin(Path(%r), Path(%r), %r, %r)" % (str(ROOT / "bench"), str(image), str(out), resolution, duration)
    )
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError("render subprocess failed")
    return usage.ru_maxrss / 1024, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", type=Path)
    ap.add_argument("--quick", action="store_true", help="skip the 4k memory run")
    ap.add_argument("--rounds", type=int, default=5, help="alternating runs of each side (default 5)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        image = args.image or default_image(tmp)
        print(f"image: {image.name}; cores: {os.cpu_count()}")
        run_builtin(image, tmp / "warm.mp4", "360p", 1)  # imports and caches out of the timing
        ours_runs, ref_runs, ours_cpu, ref_cpu, smooth_runs = [], [], [], [], []
        for i in range(args.rounds):
            c0 = cpu_seconds(resource.RUSAGE_SELF)
            ours_runs.append(run_builtin(image, tmp / f"b{i}.mp4"))
            ours_cpu.append(cpu_seconds(resource.RUSAGE_SELF) - c0)
            c0 = cpu_seconds(resource.RUSAGE_CHILDREN)
            ref_runs.append(run_ffmpeg(image, tmp / f"f{i}.mp4"))
            ref_cpu.append(cpu_seconds(resource.RUSAGE_CHILDREN) - c0)
            smooth_runs.append(run_ffmpeg(image, tmp / f"s{i}.mp4", smooth=True))
        ours, ref = min(ours_runs), min(ref_runs)
        med_ours, med_ref = statistics.median(ours_runs), statistics.median(ref_runs)
        print(f"720p 8 s push-in, best of {args.rounds}: builtin {ours:.2f} s ({192 / ours:.0f} fps), ffmpeg zoompan+x264 {ref:.2f} s ({192 / ref:.0f} fps)")
        print(f"ratio ffmpeg/builtin = {ref / ours:.2f}x best, {med_ref / med_ours:.2f}x median ({'builtin faster' if ours < ref else 'ffmpeg faster'})")
        # CPU time is steadier than wall time on a shared machine: both sides keep every core busy.
        cpu_ours, cpu_ref = statistics.median(ours_cpu), statistics.median(ref_cpu)
        print(f"CPU seconds (median): builtin {cpu_ours:.2f}, ffmpeg {cpu_ref:.2f}, ratio {cpu_ref / cpu_ours:.2f}x")
        med_smooth = statistics.median(smooth_runs)
        print(f"second reference, zoompan made smooth (4x enlarged first): {min(smooth_runs):.2f} s best, ratio {med_smooth / med_ours:.2f}x median")
        print("move smoothness (frame-to-frame shift change, px; lower is smoother): builtin "
              f"{step_jitter_px(tmp / 'b0.mp4'):.3f}, zoompan {step_jitter_px(tmp / 'f0.mp4'):.3f}, zoompan 4x {step_jitter_px(tmp / 's0.mp4'):.3f}")
        print(f"sizes: builtin {(tmp / 'b0.mp4').stat().st_size / 1e6:.2f} MB, ffmpeg {(tmp / 'f0.mp4').stat().st_size / 1e6:.2f} MB")
        single = None if args.image else skimage_image("rocket.jpg")
        if single is not None:
            ours_cpu, ref_cpu = [], []
            for i in range(args.rounds):
                c0 = cpu_seconds(resource.RUSAGE_SELF)
                run_builtin(single, tmp / f"r{i}.mp4")
                ours_cpu.append(cpu_seconds(resource.RUSAGE_SELF) - c0)
                c0 = cpu_seconds(resource.RUSAGE_CHILDREN)
                run_ffmpeg(single, tmp / f"rf{i}.mp4")
                ref_cpu.append(cpu_seconds(resource.RUSAGE_CHILDREN) - c0)
            cpu_ours, cpu_ref = statistics.median(ours_cpu), statistics.median(ref_cpu)
            print(f"single-layer photo ({single.name}, the same one-layer move as zoompan), CPU seconds (median): "
                  f"builtin {cpu_ours:.2f}, ffmpeg {cpu_ref:.2f}, ratio {cpu_ref / cpu_ours:.2f}x")
        runs = [("720p", 4), ("720p", 15)] + ([] if args.quick else [("4k", 4), ("4k", 15)])
        for res, dur in runs:
            mb, wall = peak_rss_mb(image, tmp / f"m_{res}_{dur}.mp4", res, dur)
            print(f"peak RSS {res} {dur:>2} s: {mb:.0f} MB (wall {wall:.1f} s)")


if __name__ == "__main__":
    main()
