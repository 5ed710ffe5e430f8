"""Prompt → shot plan on a corpus of realistic prompts (the seed's among them)."""

from __future__ import annotations

import pytest

from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import describe
from omnireel.media.prompt.quotes import quoted_text

SEED_I2V = "Use this image as a reference and generate a cinematic product shot."
SEED_MARBLE = "A marble rolling fast on a chain reaction style track, continuous smooth shot."
SEED_CITY = "A futuristic city with neon lights and flying cars, cyberpunk style"
SEED_VIOLIN = "A woman playing violin outdoors."
SEED_EDIT = "Make the violin invisible. Keep everything else the same."


def test_seed_marble():
    p = parse(SEED_MARBLE)
    assert p.subject == "marble" and p.action.startswith("rolling fast")
    assert p.continuous and p.photoreal and not p.camera_explicit


def test_seed_city():
    p = parse(SEED_CITY)
    assert p.subject == "futuristic city" and "neon" in p.lighting and p.palette == "neon"


def test_seed_i2v_product_shot():
    p = parse(SEED_I2V, image_count=1)
    assert "product shot" in p.subject and "cinematic" in p.style and "ad" in p.style
    assert not p.content_changes


def test_seed_violin_and_edit():
    assert parse(SEED_VIOLIN).subject == "woman" and parse(SEED_VIOLIN).photoreal
    e = parse(SEED_EDIT)
    assert any("invisible" in c for c in e.content_changes)
    assert "everything else the same" in e.preserve


@pytest.mark.parametrize(
    "prompt,kind,direction,speed",
    [
        ("Slow push in on the bottle", "push_in", None, "slow"),
        ("The camera pulls back to reveal the valley", "pull_out", None, "slow"),
        ("Pan left across the skyline", "pan", "left", "slow"),
        ("Whip pan right to the door", "pan", "right", "fast"),
        ("Tilt up from the shoes to the face", "tilt", "up", "slow"),
        ("Camera orbits the sneaker on a turntable", "orbit", None, "slow"),
        ("A dolly zoom on the detective", "dolly_zoom", None, "slow"),
        ("Handheld, documentary feel", "handheld", None, "slow"),
        ("Crash zoom into the logo", "crash_zoom", None, "fast"),
        ("Locked-off tripod shot of the kettle", "static", None, "slow"),
    ],
)
def test_camera_moves(prompt, kind, direction, speed):
    c = parse(prompt).camera
    assert (c.kind, c.direction, c.speed) == (kind, direction, speed)


def test_beats_text_roles_preserve_exclude():
    prompt = (
        'Product ad for our new sneaker. [0-3s] <IMAGE_REF_1> slow push in on the shoe, text "Run Further" at the '
        'bottom [3-6s] <IMAGE_REF_2> orbit around the sneaker [6-8s] end card "Shop Now". Golden hour lighting. '
        "Keep the logo unchanged. No people, no watermark."
    )
    p = parse(prompt, image_count=2, duration_s=8)
    assert [(b.start_s, b.end_s) for b in p.beats] == [(0, 3), (3, 6), (6, 8)]
    assert p.beats[0].camera.kind == "push_in" and p.beats[1].camera.kind == "orbit"
    assert p.beats[0].images == (0,) and p.beats[1].images == (1,)
    assert [(t.text, t.position, t.beat) for t in p.texts] == [("Run Further", "bottom", 0), ("Shop Now", "center", 2)]
    assert p.roles == {"ref_1": 0, "ref_2": 1}
    assert "golden hour" in p.lighting and "ad" in p.style and not p.continuous
    assert any("logo" in x for x in p.preserve)
    assert "people" in p.exclude and "watermark" in p.exclude
    text = describe(p, task="reference_to_video", duration_s=8, size=(1280, 720))
    assert '"Run Further" (bottom)' in text and "Beat 3 [6-8s]" in text


def test_first_last_frame_tags():
    p = parse("<FIRST_FRAME> a closed flower <LAST_FRAME> the same flower in bloom, soft light", image_count=2)
    assert p.roles == {"first_frame": 0, "last_frame": 1} and "soft" in p.lighting


def test_overlong_beats_are_scaled_to_the_duration():
    # No beat is dropped: written for 10 s, asked for 5 s, every beat keeps its share of the time.
    p = parse("[0-3s] a [3-6s] b [6-10s] c", duration_s=5)
    assert [(b.start_s, b.end_s) for b in p.beats] == [(0, 1.5), (1.5, 3), (3, 5)]
    assert p.beats_asked_end_s == 10


@pytest.mark.parametrize(
    "prompt,expected",
    [
        ('Title "Hello, World!" then “Café Olé”', ["Hello, World!", "Café Olé"]),
        ("It's the chef's knife, no quotes here", []),
        ('Say "  spaced   out  " and "" and "again" and "again"', ["spaced out", "again"]),
    ],
)
def test_quoted_text_is_verbatim(prompt, expected):
    assert quoted_text(prompt) == expected


@pytest.mark.parametrize(
    "prompt,photoreal",
    [
        ('Kinetic typography title card "Big Summer Sale"', False),
        ("Abstract gradient background with floating particles", False),
        ("A golden retriever running on a beach at sunset", True),
        ("Chef plating a dish in a busy restaurant kitchen, handheld", True),
    ],
)
def test_photoreal_detection(prompt, photoreal):
    assert parse(prompt).photoreal is photoreal


def test_preserve_is_not_a_content_change():
    p = parse("Gentle pan left across the coffee cup; do not change the logo and keep the cup exactly as it is.")
    assert not p.content_changes
    assert p.camera.kind == "pan" and p.camera.direction == "left"
    assert "cup" in p.subject
    assert any("logo" in x for x in p.preserve) and any("cup" in x for x in p.preserve)


@pytest.mark.parametrize(
    "prompt",
    ["Replace the background with a beach", "Remove the logo from the mug", "Make it red", "Add a hat to the cat"],
)
def test_content_changes_are_detected(prompt):
    assert parse(prompt).content_changes


@pytest.mark.parametrize("words", ["warm morning light", "soft morning sun", "early morning", "warm lighting"])
def test_warm_and_morning_light_is_a_lighting_request(words):
    # QA: "warm morning light" was dropped without a word (no Lighting line, a "clean studio" palette).
    p = parse(f"Product shot of this coffee cup, orbit around the cup, {words}. Keep the product exactly as it is.", image_count=1, duration_s=6)
    assert "golden hour" in p.lighting, p.lighting


@pytest.mark.parametrize("prompt", [
    'Slow push in on the rocket, cinematic, text "Launch Day" at the bottom. Keep the rocket exactly as it is.',
    'Title "Hello" in the center, then fade out at the end.',
])
def test_screen_positions_are_not_settings(prompt):
    # The plan once reported "Scene: the bottom" for a title placed at the bottom of the frame.
    assert parse(prompt, image_count=1, duration_s=8).scene is None
