"""Prompt → ShotPlan: rule-based reading of subject, action, camera, scene, lighting, style, preserve/exclude,
timing beats, image role tags and exact quoted text. No model: what it cannot read stays empty rather than
guessed, and the plan text shows the user exactly what was understood.
"""

from __future__ import annotations

import re

from omnireel.media.audio.ambience import layers_for
from omnireel.media.audio.music import mood_for
from omnireel.media.palette import palette_for
from omnireel.media.prompt import vocab
from omnireel.media.prompt.dialogue import Quote, classify
from omnireel.media.prompt.plan import Beat, CameraMove, DialogueLine, ShotPlan, TextItem
from omnireel.media.prompt.quotes import _QUOTED, quoted_text

_BEAT = re.compile(
    r"[\[(]\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)?\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)?\s*[\])]\s*:?"
)
_TAG = re.compile(r"<\s*(FIRST_FRAME|LAST_FRAME|IMAGE_REF_(\d+))\s*>", re.IGNORECASE)
_LEADS = re.compile(
    r"^(?:please\s+)?(?:(?:animate|bring)\s+(?:this|the|my|our)\s+(?:product\s+)?(?:still|image|photo|picture|shot)"
    r"(?:\s+to life)?\s*[:,-]?\s*)?(?:use (?:this|the) image as (?:a |the )?(?:reference|starting frame|first frame)"
    r"(?: and| to)?\s*)?(?:(?:generate|create|make|render|produce|animate|show|film)\s+)?(?:me\s+)?"
    r"(?:(?:a|an)\s+)?(?:(?:short\s+)?(?:video|clip|shot|scene|animation)\s+(?:of|showing|where|in which)\s+)?",
    re.IGNORECASE,
)
_PRESERVE = (
    re.compile(r"\b(?:keep|preserve|maintain|retain)\s+(?:the\s+|its\s+|their\s+)?([^.;,!?]+)", re.I),
    re.compile(r"\b(?:do not|don't|must not|never)\s+(?:change|alter|modify|distort|repaint)\s+(?:the\s+)?([^.;,!?]+)", re.I),
    re.compile(r"\bwithout (?:changing|altering|modifying|distorting)\s+(?:the\s+)?([^.;,!?]+)", re.I),
    re.compile(r"\b((?:the\s+)?[\w\s'-]{2,40}?)\s+(?:stays?|remains?|must stay|must remain)\s+(?:unchanged|the same|intact|identical)", re.I),
)
_EXCLUDE = re.compile(
    r"(?:^|[\s,;.(])(?:no|without|avoid|exclude|excluding|never show|don't show|do not show|don't add|do not add|must not (?:appear|show))\s+"
    r"(?!changing|altering|modifying|distorting)([^.;,!?]+)",
    re.I,
)
_POSITIONS = (
    ("lower_third", ("lower third", "lower-third")),
    ("bottom", ("at the bottom", "bottom of", "as a caption", "caption", "subtitle", "along the bottom")),
    ("top", ("at the top", "top of the frame", "top of the screen", "header", "across the top")),
    ("upper_third", ("upper third",)),
    ("center", ("centered", "centred", "in the center", "in the centre", "middle of")),
)


def _find_table(text: str, table) -> list[tuple[int, str, str]]:
    """(position, canonical name, matched phrase) for every table phrase present in `text` (lowercase, padded)."""
    hits = []
    taken: list[tuple[int, int]] = []
    for name, phrases in table:
        for ph in phrases:
            start = text.find(ph)
            while start != -1:
                end = start + len(ph)
                # An earlier (more specific) entry already claimed this span: "dolly zoom" is not also "zoom".
                if not any(s < end and start < e for s, e in taken):
                    hits.append((start, name, ph))
                    taken.append((start, end))
                start = text.find(ph, end)
    return sorted(hits)


def _camera(text: str) -> CameraMove | None:
    low = f" {text.lower()} "
    hits = _find_table(low, vocab.CAMERA_MOVES)
    if not hits:
        return None
    pos, kind, phrase = hits[0]
    around = low[max(0, pos - 25) : pos + len(phrase) + 25]
    direction = None
    if kind == "pan":
        direction = "left" if " left" in around else "right" if " right" in around else None
    elif kind == "tilt":
        direction = "up" if " up" in around else "down" if " down" in around else None
    fast = any(w in around for w in ("fast", "quick", "rapid", "whip", "snap", "crash"))
    slow = any(w in around for w in ("slow", "gentle", "subtle", "gradual", "steady", "smooth"))
    speed = "fast" if fast or kind == "crash_zoom" else "slow" if slow or not fast else "medium"
    return CameraMove(kind, direction, speed)


def _names(text: str, table) -> tuple[str, ...]:
    seen: list[str] = []
    for _, name, _ in _find_table(f" {text.lower()} ", table):
        if name not in seen:
            seen.append(name)
    return tuple(seen)


def _beats(prompt: str) -> tuple[list[tuple[float, float, str]], str]:
    """Timed beats and the prompt text outside them."""
    marks = list(_BEAT.finditer(prompt))
    if not marks:
        return [], prompt
    beats = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(prompt)
        start_s, end_s = float(m.group(1)), float(m.group(2))
        text = prompt[m.end() : end].strip(" \n,;")
        tail = ""
        if i + 1 == len(marks):
            # Sentences after the last beat usually speak about the whole video ("Keep the logo unchanged.").
            parts = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)
            text, tail = parts[0], (parts[1] if len(parts) > 1 else "")
        if end_s > start_s:
            beats.append((start_s, end_s, text))
    return beats, (prompt[: marks[0].start()] + " " + tail).strip()


def _roles(prompt: str, image_count: int) -> dict[str, int]:
    """Bind role tags to images: <IMAGE_REF_n> is image n; FIRST/LAST_FRAME take the images in tag order."""
    roles: dict[str, int] = {}
    used: set[int] = set()
    for m in _TAG.finditer(prompt):
        if m.group(2):
            idx = int(m.group(2)) - 1
            roles[f"ref_{idx + 1}"] = idx
            used.add(idx)
    free = iter(i for i in range(max(image_count, 2)) if i not in used)
    for m in _TAG.finditer(prompt):
        tag = m.group(1).upper()
        if tag in ("FIRST_FRAME", "LAST_FRAME") and tag.lower() not in roles:
            roles[tag.lower()] = next(free)
    return roles


def _clean(text: str) -> str:
    text = _TAG.sub(" ", text)
    return " ".join(text.split())


_CAMERA_WORDS = re.compile(
    r"(?:\b(?:slow|slowly|gentle|fast|quick|smooth|subtle|steady|the|a)\s+)*(?:camera\s+)?(?:"
    + "|".join(re.escape(p.strip()) for _, ps in vocab.CAMERA_MOVES for p in ps if len(p.strip()) > 3)
    + r")(?:\s+(?:left|right|up|down|shot|move|movement|around|across|on|over|to))*\b",
    re.I,
)


_PREPOSITIONS = {"with", "on", "in", "at", "against", "under", "over", "inside", "across", "through", "near", "beside"}


def _subject_action(body: str) -> tuple[str | None, str | None]:
    first = re.split(r"(?<=[.!?])\s|\n", body.strip(), maxsplit=1)[0]
    first = _QUOTED.sub(" ", first)
    first = _LEADS.sub("", first.strip()).strip(" .,:;")
    # Camera directions are not the subject: "gentle pan left across the cup" is about the cup.
    first = " ".join(_CAMERA_WORDS.sub(" ", first).split()).strip(" .,:;")
    first = re.sub(r"^(?:across|over|around|through|along|on|of|to)\s+", "", first, flags=re.I)
    if not first:
        return None, None
    words = first.split()
    verbs = set(vocab.ACTION_VERBS)
    cut = next((i for i, w in enumerate(words) if i > 0 and w.lower().strip(",") in verbs), None)
    if cut is None:
        return first.split(",")[0].strip() or None, None
    subject = " ".join(words[:cut]).split(",")[0].strip(" ,")
    if words[cut].lower().strip(",") in _PREPOSITIONS:
        # "A cup on a table": what follows a preposition is setting (the scene), not an action.
        return subject or None, None
    action = re.split(r"[,;]", " ".join(words[cut:]))[0].strip()
    if action.split()[0].lower() in ("is", "are") and len(action.split()) > 1:
        action = " ".join(action.split()[1:])
    return subject or None, action or None


def _scene(body: str) -> str | None:
    text = _QUOTED.sub(" ", body)
    m = re.search(
        r"\b(?:in|on|at|inside|under|against|through|across|over)\s+((?:a|an|the)\s+[a-z][\w'’ -]{2,48}?)"
        r"(?=\s*[,.;!?]|$|\s+(?:with|while|as|and|during|under|at)\b)",
        text,
        re.I,
    )
    return m.group(1).strip() if m else None


def _text_items(prompt: str, beats: list[tuple[float, float, str]], voice_only: set[str] = frozenset()) -> tuple[TextItem, ...]:
    items: list[TextItem] = []
    for text in quoted_text(prompt):
        if text in voice_only:
            continue
        beat = next((i for i, b in enumerate(beats) if text in b[2]), None)
        at = prompt.find(text)
        # Position words belong to the nearest quote: a little before it, more after it ("text "X" at the bottom").
        window = prompt[max(0, at - 25) : at].lower() + prompt[at + len(text) : at + len(text) + 40].lower()
        position = next((name for name, words in _POSITIONS if any(w in window for w in words)), "center")
        items.append(TextItem(text, position, beat))
    return tuple(items)


def _photoreal(subject: str | None, action: str | None, scene: str | None, prompt: str) -> bool:
    def has_noun(s: str | None) -> bool:
        words = set(re.findall(r"[a-z]+", (s or "").lower()))
        return any(n in words for n in vocab.PHOTOREAL_SUBJECTS)

    unquoted = _QUOTED.sub(" ", prompt).lower()
    graphic_subject = any(g in (subject or "").lower() for g in vocab.GRAPHIC_WORDS)
    if graphic_subject:
        return False
    if has_noun(subject) or has_noun(action):
        return True
    return has_noun(scene) and not any(g in unquoted for g in vocab.GRAPHIC_WORDS)


def _content_changes(low: str) -> tuple[str, ...]:
    found = []
    for phrase in vocab.CONTENT_CHANGES:
        for m in re.finditer(re.escape(phrase), low):
            before = low[max(0, m.start() - 14) : m.start()]
            # "do not change the logo" is a preserve instruction, not a change.
            if not re.search(r"\b(?:not|n't|never|without|no)\s*$", before):
                found.append(low[m.start() : m.start() + len(phrase) + 30].split(".")[0].split(",")[0].strip())
                break
    return tuple(dict.fromkeys(found))


def _dialogue(quotes: list[Quote], beats: tuple[Beat, ...], raw_beats, duration_s: float) -> tuple[DialogueLine, ...]:
    """Spoken quotes as timed lines: a line inside a beat starts just after the beat does; the others share the
    clip in order, the first shortly after the start (the soundtrack pushes a line later if the previous one is
    still speaking)."""
    spoken = [q for q in quotes if q.spoken]
    untimed = [q for q in spoken if not any(q.text in b[2] for b in raw_beats)]
    lines = []
    for q in spoken:
        beat = next((i for i, b in enumerate(raw_beats) if q.text in b[2] and i < len(beats)), None)
        if beat is not None:
            start = beats[beat].start_s + 0.2
        else:
            k = untimed.index(q)
            start = 0.4 + k * max(0.0, duration_s - 0.4) / max(1, len(untimed))
        lines.append(DialogueLine(q.text, q.speaker, round(min(start, max(0.0, duration_s - 0.5)), 2), beat, q.shown))
    return tuple(lines)


def parse(prompt: str, *, image_count: int = 0, duration_s: float = 8.0) -> ShotPlan:
    """Read `prompt` into a ShotPlan. Beats are clipped to the duration; quoted text is kept verbatim; quotes cued
    as speech (narrator says, voice-over:, she says ...) become dialogue lines instead of on-screen text."""
    prompt = prompt or ""
    quotes = classify(prompt)
    voice_only = {q.text for q in quotes if q.spoken and not q.shown} - {q.text for q in quotes if not q.spoken}
    raw_beats, body = _beats(prompt)
    clean_body = _clean(body) or _clean(raw_beats[0][2] if raw_beats else "")
    beats = tuple(
        Beat(
            min(s, duration_s),
            min(e, duration_s),
            _clean(d),
            _camera(_QUOTED.sub(" ", d)),
            tuple(t for t in quoted_text(d) if t not in voice_only),
            tuple(int(m.group(2)) - 1 for m in _TAG.finditer(d) if m.group(2)),
        )
        for s, e, d in raw_beats
        if s < duration_s
    )
    camera = _camera(_QUOTED.sub(" ", body)) or next((b.camera for b in beats if b.camera), None)
    subject, action = _subject_action(clean_body)
    scene = _scene(clean_body)
    unquoted = _QUOTED.sub(" ", _clean(prompt))
    low = unquoted.lower()
    preserve = tuple(dict.fromkeys(m.group(1).strip() for rx in _PRESERVE for m in rx.finditer(unquoted)))
    exclude = tuple(
        dict.fromkeys(m.group(1).strip() for m in _EXCLUDE.finditer(unquoted) if "camera" not in m.group(1).lower())
    )
    multi = any(w in low for w in ("multi-shot", "multiple shots", "several shots", "cuts to", "cut to", "montage", "sequence of shots", "shot 2", "series of shots"))
    single = any(w in low for w in ("continuous shot", "single shot", "one take", "one shot", "oner", "single take", "continuous"))
    changes = _content_changes(low)
    return ShotPlan(
        prompt=prompt,
        subject=subject,
        action=action,
        camera=camera or CameraMove("push_in"),
        camera_explicit=camera is not None,
        shot_size=next(iter(_names(unquoted, vocab.SHOT_SIZES)), None),
        continuous=single or not (multi or len({b.camera for b in beats if b.camera}) > 1),
        scene=scene,
        lighting=_names(unquoted, vocab.LIGHTING),
        style=_names(unquoted, vocab.STYLES),
        preserve=preserve,
        exclude=exclude,
        beats=beats,
        roles=_roles(prompt, image_count),
        texts=_text_items(prompt, raw_beats, voice_only),
        photoreal=_photoreal(subject, action, scene, prompt),
        content_changes=changes,
        palette=palette_for(unquoted).name,
        mood=mood_for(unquoted).name,
        dialogue=_dialogue(quotes, beats, raw_beats, duration_s),
        ambience=layers_for(unquoted),
    )
