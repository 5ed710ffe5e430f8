"""Subject and Action lines of the shot-plan text: never instruction words, quote introductions, copulas or bare
adjectives; a plain fallback when the prompt names no subject; good subjects stay good."""

from __future__ import annotations

import re

import pytest

from omnireel.media.prompt.parse import parse
from omnireel.media.prompt.plan import describe

T2V, I2V, MORPH, R2V = "text_to_video", "image_to_video", "image_to_video (first and last frame)", "reference_to_video"

# (prompt, task, image count): the prompts QA reported, then the corpus of the other prompt and engine tests.
QA = [
    ('Kinetic title sequence that reads "OPEN STUDIO", neon night city, push in', T2V, 0),
    ('Synthwave slow push in onto the words "GAME OVER"', T2V, 0),
    ('Synthwave neon grid, crash zoom onto the words "LEVEL UP"', T2V, 0),
    ('Vintage film noir title card that says "The End"', T2V, 0),
    ("Reframe this portrait for vertical video, slow pull out, neon lighting", I2V, 1),
    ("Use the first image as the first frame and the second as the last frame", MORPH, 2),
    ('[0-3s] end card "Visit Us"', T2V, 0),
    (
        'Product shot for Stories: keep the cup exactly as it is, headline "Morning Ritual", slow pull out, warm golden hour',
        I2V,
        1,
    ),
    ("A glowing planet slowly rotating in deep space", T2V, 0),
    ("Slow orbit around a glowing planet", T2V, 0),
    ("Aerial drone shot over a misty forest at sunrise", T2V, 0),
    ("Slow dolly forward through a pine forest", T2V, 0),
    ('Title card for a coffee shop: "Open Daily"', T2V, 0),
    ("Make it red", I2V, 1),
    ("The cup is red", I2V, 1),
    ('Voice-over: "Built for the city."', T2V, 0),
]
CORPUS = [
    ("Use this image as a reference and generate a cinematic product shot.", I2V, 1),
    ("A marble rolling fast on a chain reaction style track, continuous smooth shot.", T2V, 0),
    ("A futuristic city with neon lights and flying cars, cyberpunk style", T2V, 0),
    ("A woman playing violin outdoors.", T2V, 0),
    ("Make the violin invisible. Keep everything else the same.", I2V, 1),
    ("Gentle pan left across the coffee cup; do not change the logo and keep the cup exactly as it is.", I2V, 1),
    (
        'Short ad for a neighbourhood cafe. [0-3s] <IMAGE_REF_1> slow push in on the espresso, "Fresh Every Morning" '
        'at the bottom [3-5.5s] <IMAGE_REF_2> slow pan right across the cat, "Cosy Corners" at the bottom [5.5-8s] end '
        'card "Visit Us Today". Golden hour warmth, upbeat.',
        R2V,
        2,
    ),
    (
        'Animate this product still: slow push in on the rocket, cinematic, text "Launch Day" at the bottom. Keep the '
        "rocket exactly as it is.",
        I2V,
        1,
    ),
    (
        "Short motion graphics ad for a late-night ramen bar in a neon city at night, slow push in. [0-3s] \"Tonkotsu "
        'After Dark" [3-5.5s] "Open Till 3am - Every Night" as a lower third [5.5-8s] end card "ramen.nyc"',
        T2V,
        0,
    ),
    (
        "A chef plating a dish in a busy kitchen at golden hour. [0-4s] slow push in on the chef's hands, \"Taste The "
        'Season" [4-8s] orbit around the plate, end card "Saison"',
        T2V,
        0,
    ),
    (
        'Product ad for our new sneaker. [0-3s] <IMAGE_REF_1> slow push in on the shoe, text "Run Further" at the '
        'bottom [3-6s] <IMAGE_REF_2> orbit around the sneaker [6-8s] end card "Shop Now". Golden hour lighting. '
        "Keep the logo unchanged. No people, no watermark.",
        R2V,
        2,
    ),
    ("<FIRST_FRAME> a closed flower <LAST_FRAME> the same flower in bloom, soft light", MORPH, 2),
    ('Kinetic typography title card "Big Summer Sale"', T2V, 0),
    ("Abstract gradient background with floating particles", T2V, 0),
    ("A golden retriever running on a beach at sunset", T2V, 0),
    ("Chef plating a dish in a busy restaurant kitchen, handheld", T2V, 0),
    ("A red sports car drives along a coastal road at sunset, tracking shot", T2V, 0),
    ("Slow push in on the bottle", I2V, 1),
    ("The camera pulls back to reveal the valley", T2V, 0),
    ("Tilt up from the shoes to the face", I2V, 1),
    ("Camera orbits the sneaker on a turntable", I2V, 1),
    ("Locked-off tripod shot of the kettle", I2V, 1),
    ("Crash zoom into the logo", T2V, 0),
    ("A calm abstract backdrop", T2V, 0),
    ('Title "Hello World"', T2V, 0),
    ('Synthwave retro grid, "Level Up"', T2V, 0),
    ('Neon city night, "Night Market"', T2V, 0),
    ('Motion graphics. [0-1.5s] crash zoom, "GO" [1.5-3s] slow pan left, "Now"', T2V, 0),
    ('A chef plating a dish in a busy kitchen, slow push in, "Taste The Season"', T2V, 0),
    ('Slow push in on the bottle. Text "Summer Sale" at the bottom.', I2V, 1),
    ("Slow push in on the bottle, cinematic product shot with a light sweep", I2V, 1),
    ('[0-1.5s] <IMAGE_REF_2> push in, "Fresh Coffee" [1.5-3s] <IMAGE_REF_1> pan right [3-4s] end card "Open Daily"', R2V, 2),
    ('Slow push in on the cup. The narrator says "Every morning, reinvented."', T2V, 0),
    ('A woman in a cafe. She says "This is my spot."', T2V, 0),
    ('A neon sign that says "OPEN" glows', T2V, 0),
    ('The headline reads "Breaking News"', T2V, 0),
    ('text "Run Further" at the bottom', T2V, 0),
    ("Replace the background with a beach", I2V, 1),
    ("Add a hat to the cat", I2V, 1),
]

# Whole words or phrases that must never appear in a Subject or Action line.
BANNED = (
    "reads", "read", "says", "say", "saying", "that", "which", "use the", "use this", "reframe", "end card",
    "title card that", "title sequence", "headline", "onto the words", "the words", "product shot for", "keep",
    "exactly as", "for vertical video", "vertical video", "animate this", "voice-over", "make it", "generate",
    "text", "stories", "first frame", "last frame", "push in", "pull out", "dolly", "aerial", "drone", "zoom",
)
# The plain statements describe() makes when the prompt names no subject.
FALLBACKS = {"title card (text only)", "the image", "the two images (first and last frame)", "the reference images"}
BARE_ACTIONS = {"is", "are", "was", "were", "be", "it", "red", "glowing", "exactly", "as it is", "is red"}


def _lines(prompt: str, task: str, images: int) -> dict[str, str]:
    plan = parse(prompt, image_count=images)
    text = describe(plan, task=task, duration_s=8, size=(1280, 720))
    return {m.group(1): m.group(2) for m in re.finditer(r"^- (Subject|Action): (.*)$", text, re.M)}


@pytest.mark.parametrize("prompt,task,images", QA + CORPUS)
def test_subject_and_action_lines_hold_no_instruction_words(prompt, task, images):
    lines = _lines(prompt, task, images)
    for name, value in lines.items():
        if name == "Subject" and value in FALLBACKS:
            continue
        low = f" {value.lower()} "
        for phrase in BANNED:
            assert not re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", low), f"{name}: {value!r} has {phrase!r}"
        assert '"' not in value and "“" not in value
    if "Action" in lines:
        assert lines["Action"].lower() not in BARE_ACTIONS


@pytest.mark.parametrize(
    "prompt,task,images,subject,action",
    [
        # The QA reports: each used to show instruction words as the subject or a copula as the action.
        (QA[0][0], T2V, 0, "title card (text only)", None),
        (QA[1][0], T2V, 0, "title card (text only)", None),
        (QA[3][0], T2V, 0, "title card (text only)", None),
        (QA[4][0], I2V, 1, "the image", None),
        (QA[5][0], MORPH, 2, "the two images (first and last frame)", None),
        (QA[6][0], T2V, 0, "title card (text only)", None),
        (QA[7][0], I2V, 1, "the image", None),
        (QA[8][0], T2V, 0, "glowing planet", "slowly rotating in deep space"),
        (QA[9][0], T2V, 0, "glowing planet", None),
        (QA[10][0], T2V, 0, "misty forest", None),
        (QA[13][0], I2V, 1, "the image", None),
        (QA[14][0], I2V, 1, "The cup", None),
        # Good subjects of the corpus stay good.
        ("A red sports car drives along a coastal road at sunset, tracking shot", T2V, 0, "red sports car",
         "drives along a coastal road at sunset"),
        (CORPUS[0][0], I2V, 1, "cinematic product shot", None),
        (CORPUS[1][0], T2V, 0, "marble", "rolling fast on a chain reaction style track"),
        (CORPUS[2][0], T2V, 0, "futuristic city", None),
        (CORPUS[3][0], T2V, 0, "woman", "playing violin outdoors"),
        (CORPUS[5][0], I2V, 1, "the coffee cup", None),
        (CORPUS[6][0], R2V, 2, "neighbourhood cafe", None),
        (CORPUS[7][0], I2V, 1, "the rocket", None),
        (CORPUS[9][0], T2V, 0, "chef", "plating a dish in a busy kitchen at golden hour"),
        (CORPUS[11][0], MORPH, 2, "closed flower", None),
        (CORPUS[14][0], T2V, 0, "golden retriever", "running on a beach at sunset"),
        ("Slow push in on the bottle", I2V, 1, "the bottle", None),
        ("The camera pulls back to reveal the valley", T2V, 0, "the valley", None),
        ("Camera orbits the sneaker on a turntable", I2V, 1, "the sneaker", None),
        ('A neon sign that says "OPEN" glows', T2V, 0, "neon sign", None),
        ("Leaves sway in the wind, gentle pan right", I2V, 1, "Leaves", "sway in the wind"),
        ("A woman who walks through a market, handheld", T2V, 0, "woman", "walks through a market"),
        ("Make a video of a dog running on the beach", T2V, 0, "dog", "running on the beach"),
        ("Use the first image as the first frame and the second as the last frame. A flower slowly opens.", MORPH, 2,
         "flower", "slowly opens"),
        ("Abstract gradient background with floating particles", T2V, 0, "Abstract gradient background", None),
        # QA pass 2: a tag's description, a direction after "and", an opener and a title are not subjects.
        ("<IMAGE_REF_1> is the first image, <IMAGE_REF_2> the second", R2V, 2, "the reference images", None),
        ("[0-3s] slow push in on the coffee cup and end on the logo", I2V, 1, "the coffee cup", None),
        ("[0-2s] start wide, then push in [2-4s] pan right", I2V, 1, "the image", None),
        ("[0-2s] start wide, then push in [2-4s] pan right", T2V, 0, None, None),
        ('Fun title over an ocean that reads "Summer Vibes"', T2V, 0, "title card (text only)", None),
        ('Upbeat 6 second product ad for a coffee brand with the tagline "Fresh Daily"', T2V, 0, "coffee brand", None),
        ("[0-3s] <IMAGE_REF_1> slow push in on the cup [3-6s] pan", R2V, 2, "the cup", None),
    ],
)
def test_subject_and_action(prompt, task, images, subject, action):
    lines = _lines(prompt, task, images)
    assert lines.get("Subject") == subject
    assert lines.get("Action") == action


def test_no_subject_line_when_nothing_is_named():
    # Text to video, nothing quoted, nothing named: the line is left out rather than guessed.
    assert "Subject" not in _lines("Handheld, documentary feel, warm golden hour", T2V, 0)


def test_plan_fields_stay_empty_for_the_fallbacks():
    # The fallbacks are text for the user only: engines read plan.subject / plan.action and get None.
    p = parse(QA[7][0], image_count=1)
    assert p.subject is None and p.action is None
    assert [t.text for t in p.texts] == ["Morning Ritual"] and p.camera.kind == "pull_out"
    assert any("cup" in x for x in p.preserve)


def test_title_first_prompts_stay_graphic_design():
    # Dropping "motion graphics ad for" from the subject must not turn graphic design into a photoreal shot.
    assert parse("Motion graphics ad for a coffee brand").photoreal is False
    assert parse('Title card for a coffee shop: "Open Daily"').photoreal is False
    assert parse("A dog with a red collar on a gradient background").photoreal is True


def test_quoted_text_claim_only_with_quoted_text():
    claim = (
        "Rendered as procedural motion design: a stylised city environment (night light) with parallax camera; "
        "on-screen text is drawn exactly as quoted"
    )
    none = describe(parse("Neon city at night, slow pan left"), task=T2V, duration_s=8, size=(1280, 720), notes=[claim + "."])
    assert "exactly as quoted" not in none and "with parallax camera." in none
    spoken = parse('Neon city at night. Voice-over: "Welcome home."')
    assert not spoken.texts
    assert "exactly as quoted" not in describe(spoken, task=T2V, duration_s=8, size=(1280, 720), notes=[claim + "."])
    quoted = parse('Neon city at night, "Night Market"')
    note = claim + ': "Night Market" as hero (rise reveal).'
    assert note in describe(quoted, task=T2V, duration_s=8, size=(1280, 720), notes=[note])


@pytest.mark.parametrize(
    "prompt,scene",
    [
        # The QA reports: the words introducing a quote, or what the camera moves onto, were read as the setting.
        ('Kinetic title over a studio that reads "Hello"', "a studio"),
        ('Fun title over an ocean that reads "Summer Vibes"', "an ocean"),
        ("[0-3s] <IMAGE_REF_1> slow push in on the cup [3-6s] pan", None),
        ("[0-3s] slow push in on the coffee cup and end on the logo", None),
        ("Slow push in on the bottle", None),
        # Settings stay settings.
        ("A golden retriever running on a beach at sunset", "a beach"),
        ("Chef plating a dish in a busy kitchen, handheld", "a busy kitchen"),
        ("A neon sign in the rain, slow pan left", "the rain"),
        ('A cup on a wooden table, text "Hi" at the bottom', "a wooden table"),
    ],
)
def test_scene_line(prompt, scene):
    text = describe(parse(prompt), task=T2V, duration_s=8, size=(1280, 720))
    got = re.search(r"^- Scene: (.*)$", text, re.M)
    assert (got.group(1) if got else None) == scene
