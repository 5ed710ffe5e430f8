"""What the parser cannot read, it says: a prompt not in English gets a note and defaults labelled as defaults
(never a misquote of the prompt as its subject, never a refusal); titles and brand ads stay motion design (only
photoreal subjects get an animatic); tags past the images given are refused. Rendering checks run the builtin
engine for real."""

from __future__ import annotations

import re

import pytest

from omnireel.engines.base import EngineRequest, SimpleContext
from omnireel.engines.builtin import BuiltinEngine
from omnireel.engines.builtin.t2v import needs_animatic, undrawn_elements
from omnireel.errors import InvalidArgument
from omnireel.media.prompt.parse import check_image_tags, parse
from omnireel.media.prompt.plan import describe

GERMAN = 'Eine ruhige Waldlandschaft bei Sonnenaufgang, langsamer Schwenk nach links, Titel "Guten Morgen"'
JAPANESE = "夜の東京のネオン街、ゆっくりズームイン"
NOTE = "The builtin engine reads English prompts; this one was not understood beyond its quoted text"


def _t2v(tmp_path, prompt: str):
    req = EngineRequest(task="text_to_video", prompt=prompt, resolution="360p", duration_s=3)
    return BuiltinEngine().run(req, SimpleContext(scratch_dir=tmp_path), tmp_path / "out.mp4")


@pytest.mark.parametrize(
    "prompt",
    [
        GERMAN,
        JAPANESE,
        "Une forêt calme au lever du soleil, panoramique lent vers la gauche",
        "Un bosque tranquilo al amanecer, paneo lento a la izquierda, título \"Buenos Días\"",
        "Очень красивый закат над морем",
    ],
)
def test_non_english_prompts_are_flagged(prompt):
    plan = parse(prompt)
    assert not plan.english
    assert plan.subject is None and plan.action is None and plan.scene is None
    text = describe(plan, task="text_to_video", duration_s=8, size=(1280, 720))
    assert NOTE in text
    assert "(default; the prompt's words were not understood)" in text
    assert "none named in the prompt" not in text  # it may have named one, in words the parser cannot read
    assert "- Scene: default (the prompt's words were not understood)" in text


@pytest.mark.parametrize(
    "prompt",
    [
        "A glowing planet slowly rotating in deep space",
        "Neon city night",
        'Title "Hello World"',
        "Hello World",
        '"Guten Morgen"',  # only quoted text: nothing of its own to misread
        "Synthwave retro grid",
        "[0-1.5s] crash zoom [1.5-3s] slow pan left",
        "Chef plating a dish in a busy restaurant kitchen, handheld",
        "A café in Paris at dawn, slow push in",  # English with a Latin-script loanword
        "Slow push in on the bottle, Sonnenaufgang",
        "<IMAGE_REF_1> push in",
    ],
)
def test_english_prompts_are_not_flagged(prompt):
    plan = parse(prompt, image_count=1 if "IMAGE_REF" in prompt else 0)
    assert plan.english
    assert NOTE not in describe(plan, task="text_to_video", duration_s=8, size=(1280, 720))


def test_non_english_render_says_so_and_keeps_the_quoted_text(tmp_path):
    out = _t2v(tmp_path, GERMAN)
    assert NOTE in out.text and '"Guten Morgen"' in out.text
    assert "Camera: slow push in (default; the prompt's words were not understood)" in out.text
    assert "Waldlandschaft" not in out.text.split("Note:")[0]  # not quoted back as a "subject"
    out = _t2v(tmp_path, JAPANESE)
    assert NOTE in out.text and "ゆっくり" not in out.text


@pytest.mark.parametrize(
    "prompt",
    [
        'Fun title over an ocean that reads "Summer Vibes"',
        'Upbeat 6 second product ad for a coffee brand with the tagline "Fresh Daily"',
        "Motion graphics ad for a coffee brand",
        'Title card for a coffee shop: "Open Daily"',
    ],
)
def test_titles_and_brand_ads_are_motion_design(prompt):
    plan = parse(prompt)
    assert not plan.photoreal and not needs_animatic(plan)
    assert undrawn_elements(prompt) == []  # "coffee brand" is not an undrawn cup of coffee


@pytest.mark.parametrize(
    "prompt",
    [
        "A woman playing violin outdoors.",
        "A golden retriever running on a beach at sunset",
        "A steaming coffee cup on a wooden table, slow push in, \"Fresh Daily\"",
        "A red sports car drives along a coastal road at sunset, tracking shot",
    ],
)
def test_photoreal_subjects_still_get_an_animatic(prompt):
    assert needs_animatic(parse(prompt))


def test_title_prompt_renders_motion_design(tmp_path):
    out = _t2v(tmp_path, 'Fun title over an ocean that reads "Summer Vibes"')
    assert "ANIMATIC" not in out.text and "Rendered as procedural motion design" in out.text
    assert "Not drawn" not in out.text and "Scene: an ocean\n" in out.text
    out = _t2v(tmp_path, 'Upbeat 6 second product ad for a coffee brand with the tagline "Fresh Daily"')
    assert "ANIMATIC" not in out.text and "Not drawn" not in out.text
    assert re.search(r"^- Subject: coffee brand$", out.text, re.M)


@pytest.mark.parametrize(
    "prompt,images,tag",
    [
        ("<IMAGE_REF_5> push in", 3, "<IMAGE_REF_5>"),
        ("<IMAGE_REF_0> push in", 2, "<IMAGE_REF_0>"),
        ("<FIRST_FRAME> a bud <LAST_FRAME> a bloom", 1, "<LAST_FRAME>"),
    ],
)
def test_tags_past_the_images_are_refused(prompt, images, tag):
    with pytest.raises(InvalidArgument, match=re.escape(tag)):
        parse(prompt, image_count=images)
    with pytest.raises(InvalidArgument, match=f"{images} image"):
        check_image_tags(prompt, images)


def test_tags_within_the_images_bind():
    assert parse("<IMAGE_REF_3> push in", image_count=3).roles == {"ref_3": 2}
    assert parse("<FIRST_FRAME> a bud <LAST_FRAME> a bloom", image_count=2).roles == {"first_frame": 0, "last_frame": 1}
    assert parse("<LAST_FRAME> slow push in", image_count=1).roles == {"last_frame": 0}
    # Without images (text only), tags are not checked: there is nothing to bind them to.
    assert parse("<IMAGE_REF_5> push in").roles == {"ref_5": 4}
