"""Regenerate the contact sheets in this folder: .venv/bin/python docs/builtin/make_contact_sheets.py

Renders the product shapes with the builtin engine at 720p (photos from the scikit-image wheel) and saves a
3x3 grid of evenly spaced frames for each, plus the plan text the engine returned. Pass example names to rebuild
only those (e.g. `t2v_short_ad t2v_animatic`).
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from omnireel.engines.base import EngineRequest, MediaInput, SimpleContext
from omnireel.engines.builtin import BuiltinEngine
from omnireel.media.decode import iter_frames

HERE = Path(__file__).resolve().parent
DATA = Path(list(importlib.util.find_spec("skimage").submodule_search_locations)[0]) / "data"

EXAMPLES = {
    "seed_image_to_video": dict(
        task="image_to_video",
        prompt="Use this image as a reference and generate a cinematic product shot.",
        images=["coffee.png"],
    ),
    "short_ad": dict(
        task="reference_to_video",
        prompt=(
            'Short ad for a neighbourhood cafe. [0-3s] <IMAGE_REF_1> slow push in on the espresso, "Fresh Every '
            'Morning" at the bottom [3-5.5s] <IMAGE_REF_2> slow pan right across the cat, "Cosy Corners" at the '
            'bottom [5.5-8s] end card "Visit Us Today". Golden hour warmth, upbeat.'
        ),
        images=["coffee.png", "chelsea.png"],
    ),
    "animate_product_still": dict(
        task="image_to_video",
        prompt=(
            'Animate this product still: slow push in on the rocket, cinematic, text "Launch Day" at the bottom. '
            "Keep the rocket exactly as it is."
        ),
        images=["rocket.jpg"],
        aspect_ratio="9:16",
    ),
    "t2v_short_ad": dict(
        task="text_to_video",
        prompt=(
            "Short motion graphics ad for a late-night ramen bar in a neon city at night, slow push in. "
            '[0-3s] "Tonkotsu After Dark" [3-5.5s] "Open Till 3am - Every Night" as a lower third '
            '[5.5-8s] end card "ramen.nyc"'
        ),
        images=[],
    ),
    "t2v_animatic": dict(
        task="text_to_video",
        prompt=(
            "A chef plating a dish in a busy kitchen at golden hour. [0-4s] slow push in on the chef's hands, "
            '"Taste The Season" [4-8s] orbit around the plate, end card "Saison"'
        ),
        images=[],
    ),
}


def sheet(video: Path, out: Path, n: int = 9) -> None:
    frames = list(iter_frames(video))
    picks = [frames[i] for i in np.linspace(0, len(frames) - 1, n).round().astype(int)]
    h, w = picks[0].shape[:2]
    s = 360 / max(h, w)
    thumbs = [Image.fromarray(f).resize((int(w * s), int(h * s)), Image.LANCZOS) for f in picks]
    tw, th, pad = thumbs[0].width, thumbs[0].height, 6
    grid = Image.new("RGB", (3 * tw + 4 * pad, 3 * th + 4 * pad), (16, 16, 16))
    for k, t in enumerate(thumbs):
        grid.paste(t, (pad + (k % 3) * (tw + pad), pad + (k // 3) * (th + pad)))
    grid.save(out, optimize=True)


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as d:
        for name, ex in EXAMPLES.items():
            if names and name not in names:
                continue
            media = tuple(MediaInput("image", DATA / f, "image/png") for f in ex["images"])
            req = EngineRequest(
                task=ex["task"], prompt=ex["prompt"], media=media, resolution="720p", duration_s=8,
                aspect_ratio=ex.get("aspect_ratio", "16:9"),
            )
            video = Path(d) / f"{name}.mp4"
            out = BuiltinEngine().run(req, SimpleContext(Path(d)), video)
            sheet(video, HERE / f"{name}.png")
            (HERE / f"{name}.txt").write_text(out.text + "\n")
            print(name, video.stat().st_size, "bytes")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])  # optional example names: rebuild only those
