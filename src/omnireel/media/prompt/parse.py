"""Prompt → ShotPlan: rule-based reading of subject, action, camera, scene, lighting, style, preserve/exclude,
timing beats, image role tags and exact quoted text. No model: what it cannot read stays empty rather than
guessed, and the plan text shows the user exactly what was understood.
"""

from __future__ import annotations

import re

from omnireel.errors import ImageTagError
from omnireel.media.audio.ambience import layers_for
from omnireel.media.audio.music import mood_for
from omnireel.media.palette import palette_for
from omnireel.media.prompt import vocab
from omnireel.media.prompt.dialogue import Quote, classify
from omnireel.media.prompt.plan import Beat, CameraMove, DialogueLine, ShotPlan, TextItem
from omnireel.media.prompt.quotes import _QUOTED, quoted_text

# Every pattern here must run in linear time on any input (a prompt is untrusted and parsing holds the GIL): no
# two adjacent quantifiers that can match the same characters ("\s*(?:s)?\s*" could split a run of spaces
# every possible way), and any repetition that can start at many positions is bounded.
_BEAT = re.compile(
    r"[\[(]\s*(\d{1,6}(?:\.\d{1,3})?)\s*(?:(?:seconds|secs|sec|s)\s*)?(?:-|–|—|to)\s*(\d{1,6}(?:\.\d{1,3})?)\s*"
    r"(?:(?:seconds|secs|sec|s)\s*)?[\])]\s*:?"
)
# Image numbers are bounded: int() of a 5,000-digit string raises in Python 3.11.
_TAG = re.compile(r"<\s*(FIRST_FRAME|LAST_FRAME|IMAGE_REF_(\d{1,3}))\s*>", re.IGNORECASE)
_LEADS = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would)\s+you\s+(?:please\s+)?|i\s+(?:want|need|would like|'d like)\s+(?:you\s+to\s+)?"
    r"|give\s+me\s+)?"
    r"(?:(?:animate|bring)\s+(?:this|the|my|our)\s+(?:product\s+)?"
    r"(?:still|image|photo|photograph|picture|shot|portrait|frame|illustration|artwork|painting|drawing|poster)"
    r"(?:\s+to life)?(?:\s*[:,-])?\s*)?(?:use (?:this|the) image as (?:a |the )?(?:reference|starting frame|first frame)"
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
    taken = bytearray(len(text))  # characters already claimed: linear, however many hits there are
    for name, phrases in table:
        for ph in phrases:
            start = text.find(ph)
            while start != -1:
                end = start + len(ph)
                # An earlier (more specific) entry already claimed this span: "dolly zoom" is not also "zoom".
                if not any(taken[start:end]):
                    hits.append((start, name, ph))
                    taken[start:end] = b"\x01" * (end - start)
                start = text.find(ph, end)
    return sorted(hits)


def _camera(text: str) -> CameraMove | None:
    low = f" {text.lower()} "
    hits = _find_table(low, vocab.CAMERA_MOVES)
    if not hits:
        # An aerial or drone shot names no move: a slow push over the scene, a pan when a side is named.
        aerial = _find_table(low, (("aerial", vocab.AERIAL_SHOTS),))
        if not aerial:
            return None
        pos, _, phrase = aerial[0]
        around = low[max(0, pos - 25) : pos + len(phrase) + 40]
        side = "left" if " left" in around else "right" if " right" in around else None
        return CameraMove("pan", side, "slow") if side else CameraMove("push_in", None, "slow")
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def check_image_tags(prompt: str, image_count: int) -> None:
    """Refuse a prompt whose tags point past the images given: <IMAGE_REF_5> with 3 images, <IMAGE_REF_0>, or
    <FIRST_FRAME> and <LAST_FRAME> over a single image. Silently binding such a tag showed the wrong image (or
    none) while the plan claimed otherwise."""
    bad: list[str] = []
    frames: list[str] = []
    for m in _TAG.finditer(prompt or ""):
        if m.group(2):
            n = int(m.group(2))
            if not 1 <= n <= image_count and f"<IMAGE_REF_{n}>" not in bad:
                bad.append(f"<IMAGE_REF_{n}>")
        elif m.group(1).upper() not in frames:
            frames.append(m.group(1).upper())
    given = f"{_plural(image_count, 'image')} {'was' if image_count == 1 else 'were'} given"
    if bad:
        valid = "<IMAGE_REF_1>" if image_count == 1 else f"<IMAGE_REF_1> to <IMAGE_REF_{image_count}>"
        raise ImageTagError(
            f"The prompt references {', '.join(bad)}, but {given}: tags number the images in the order they are "
            f"passed, so only {valid} can be used. Pass the missing image or change the tag.",
            field="input",
        )
    if len(frames) > image_count:
        tags = " and ".join(f"<{f}>" for f in frames)
        raise ImageTagError(
            f"The prompt tags {tags}, but {given}: each tag needs an image of its own. Pass one image per tag, "
            f"or keep only <{frames[0]}>.",
            field="input",
        )


def _roles(prompt: str, image_count: int) -> dict[str, int]:
    """Bind role tags to images: <IMAGE_REF_n> is image n; FIRST/LAST_FRAME take the images in tag order.
    (With images given, check_image_tags has already refused tags that point past them.)"""
    roles: dict[str, int] = {}
    used: set[int] = set()
    for m in _TAG.finditer(prompt):
        if m.group(2):
            idx = int(m.group(2)) - 1
            roles[f"ref_{idx + 1}"] = idx
            used.add(idx)
    free = iter(i for i in range(image_count or 2) if i not in used)
    for m in _TAG.finditer(prompt):
        tag = m.group(1).upper()
        if tag in ("FIRST_FRAME", "LAST_FRAME") and tag.lower() not in roles:
            k = next(free, None)
            if k is None:
                break  # every image already has a role: the tag binds nothing rather than a missing image
            roles[tag.lower()] = k
    return roles


def _clean(text: str) -> str:
    text = _TAG.sub(" ", text)
    return " ".join(text.split())


# Camera phrases (and the speed words and prepositions around them) are direction, not subject: "gentle pan left
# across the cup" is about the cup. Longest phrases first so "tracking shot" wins over "tracking". Every repetition
# is bounded, so the scan is linear however long a run of words with no camera phrase is.
_CAMERA_PHRASES = sorted(
    {p.strip() for _, ps in vocab.CAMERA_MOVES for p in ps if len(p.strip()) > 3} | set(vocab.AERIAL_SHOTS),
    key=lambda p: (-len(p), p),
)
_CAMERA_WORDS = re.compile(
    r"\b(?:(?:slow|slowly|gentle|gently|fast|quick|quickly|smooth|smoothly|subtle|steady|very|the|a|an|camera|aerial|"
    r"drone|cinematic)\s+){0,4}(?:"
    + "|".join(re.escape(p) for p in _CAMERA_PHRASES)
    + r")(?:\s+(?:left|right|up|down|shots?|move|movement|around|across|onto|on|over|above|to|into|towards|toward|of|"
    r"along|through|in|out|back|forwards|forward|slowly|view|footage|drone|camera|flyover|reveal|reveals|revealing)){0,6}\b",
    re.I,
)
_LEADING_PREPOSITION = re.compile(r"^(?:across|over|around|through|along|on|onto|of|to|into|towards|toward|above|from)\s+", re.I)
_LEADING_SO = re.compile(r"^(?:so\s+that|so|such\s+that|where|while|and|then)\s+", re.I)
# Screenplay openers: "Open on a beach at dawn", "start with a close-up of ...", "cut to the kitchen".
_OPENER = re.compile(
    r"^(?:(?:then|and)\s+)?(?:(?:we\s+)?(?:open|opens|start|starts|begin|begins|end|ends|close|closes|finish|finishes)\s+"
    r"(?:on|with|in)|cut(?:s)?\s+to|fade(?:s)?\s+(?:in|up)\s+(?:on|to)|fade(?:s)?\s+(?:in|up)"
    # A bare opener is direction too ("start wide", "end tight"), but "end card" / "end screen" name a title.
    r"|(?:we\s+)?(?:start|starts|begin|begins|end|ends|finish|finishes)(?!\s+(?:card|screen|slate|frame)\b))\s+",
    re.I,
)
# "Short ad for a neighbourhood cafe", "product shot for Stories": the kind of video is not its subject.
_AD_FOR = re.compile(
    r"^(?:(?:a|an|the|our|my|this)\s+)?(?:(?:short|quick|simple|fun|cinematic|motion[- ]graphics|product|social|explainer|"
    r"vertical|square|brand|upbeat|playful|bold|modern|sleek|elegant|energetic|vibrant|minimal|clean|"
    r"\d{1,3}[- ]?(?:s|sec|second))\s+){0,4}(?:ad|advert|advertisement|commercial|promo|spot|teaser|"
    r"trailer|reel|video|clip|story|post|explainer|animation|product\s+shot|product\s+video)\s+(?:for|about|featuring)\s+",
    re.I,
)
# A clause that opens with the name of a title ("Title card for a coffee shop", "lower third with ...") is about
# on-screen text: the shot opens on a title, not on a subject.
_TITLE_LEAD = re.compile(
    r"^(?:(?:a|an|the|our|my|big|bold|simple|animated|kinetic|vintage|minimal|clean|final|closing|opening|fun|playful|"
    r"bright|colorful|colourful|elegant|modern|retro|neon|glowing|golden|gold|upbeat|dynamic|stylish|cool|large|"
    r"short|main|hero)\s+){0,3}"
    r"(?:title\s+(?:card|sequence|screen)|titles|title|end\s+(?:card|screen)|lower\s+third|intro\s+card|outro\s+card|"
    r"logo\s+reveal|(?:kinetic\s+)?typography|text\s+animation|headline|caption|tagline|slogan)\b",
    re.I,
)
# Marks a quote's place once its text is gone, so the words that introduce it can be dropped too.
_QUOTE_MARK = "\ue000"  # private use: not whitespace, not a word character
_CLAUSE = re.compile(r"([,;:\ue000\n]|\s[-–—]+\s|<\s*(?:FIRST_FRAME|LAST_FRAME|IMAGE_REF_\d{1,3})\s*>)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Where a subject ends and its setting begins ("a cup | on a table", "the shoes | to the face").
_PREPOSITIONS = {
    "with", "on", "in", "at", "against", "under", "over", "inside", "across", "through", "near", "beside", "to",
    "from", "into", "onto", "towards", "toward", "above", "below", "behind", "beneath", "around", "along", "among",
    "amid", "between", "within", "during",
}
_DETERMINERS = {
    "a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "their", "its", "his", "her", "some",
    "one", "two", "three", "several", "many", "few",
}
_RELATIVE = {"that", "which", "who", "whose", "where"}
_COPULAS = {
    "is", "are", "was", "were", "be", "being", "been", "gets", "get", "getting", "seems", "seem", "will", "can",
    "should", "must", "does", "do", "has", "have", "had", "becomes", "become", "stays", "remains",
}
_VERBS = {v for v in vocab.ACTION_VERBS if v not in _PREPOSITIONS and v not in ("is", "are")}
# Plural subjects take the base form: "leaves sway", "waves crash", "birds fly".
_BASE_VERBS = {
    b
    for v in _VERBS
    if v.endswith("s")
    for b in ((v[:-3] + "y",) if v.endswith("ies") else (v[:-1], v[:-2]) if v.endswith("es") else (v[:-1],))
}
# Words ending in -ing that are not actions (nouns, adjectives, camera moves).
_ING_NOT_ACTIONS = {
    "building", "buildings", "lighting", "evening", "morning", "ceiling", "clothing", "painting", "paintings",
    "wedding", "string", "thing", "things", "something", "nothing", "everything", "anything", "spring", "wings",
    "ending", "setting", "awning", "railing", "dumpling", "parking", "housing", "icing", "frosting", "topping",
    "toppings", "filling", "packaging", "branding", "marketing", "advertising", "lettering", "heading",
    "recording", "footing", "timing", "tracking", "panning", "tilting", "orbiting", "circling", "zooming",
    "pushing", "pulling", "dollying", "amazing", "stunning", "interesting", "charming", "relaxing", "inviting",
    "exciting", "striking", "breathtaking", "inspiring", "soothing", "calming", "refreshing", "appealing",
    "boring", "engaging", "outstanding", "pleasing", "welcoming", "matching", "missing", "ongoing", "upcoming",
    "during", "including", "according", "following", "reading", "saying", "showing", "spelling",
}
# Instructions about the job rather than the picture: "reframe this portrait ...", "use the first image as ...".
_INSTRUCTIONS = {
    "use", "using", "reframe", "crop", "recrop", "resize", "convert", "fit", "adapt", "keep", "preserve", "maintain",
    "retain", "never", "avoid", "without", "no", "ensure", "loop", "match", "export", "output", "replace",
    "remove", "erase", "delete", "swap", "recolor", "recolour", "repaint", "change", "transform", "extend",
    "stabilize", "stabilise", "upscale", "format", "turn", "add", "include",
}
_INSTRUCTION_PAIRS = {("do", "not"), ("don't", None), ("dont", None), ("make", "sure"), ("make", "it"), ("make", "this")}
# Words that introduce on-screen text: 'title card that says "..."', 'onto the words "..."', 'headline "..."'.
_TEXT_INTRO = {
    "that", "which", "says", "say", "saying", "said", "reads", "read", "reading", "spells", "spelling", "spelled",
    "shows", "showing", "displays", "displaying", "displayed", "written", "writes", "writing", "with", "the", "a", "an",
    "words", "word", "text", "texts", "title", "titles", "titled", "headline", "headlines", "caption", "captions",
    "captioned", "subtitle", "subtitles", "tagline", "slogan", "lettering", "letters", "typography", "type", "copy",
    "message", "kinetic", "sequence", "screen", "card", "end", "lower", "third", "onto", "into", "on", "to", "of",
    "in", "and", "then", "reveal", "reveals", "revealing", "appears", "appear", "appearing", "cta", "quote", "tag",
    "line", "big", "bold", "large", "animated", "centered", "centred", "opening", "closing", "final", "intro", "outro",
    "main", "simple", "is", "are", "as", "over", "across",
    # Spoken lines are introduced the same way: 'Voice-over: "..."', 'she says "..."', 'VO "..."'.
    "voice-over", "voiceover", "voice", "over", "vo", "v.o", "v.o.", "narrator", "narration", "narrates", "dialogue",
    "dialog", "announcer", "announces", "she", "he", "they", "whispers", "shouts", "asks", "subtitles", "spoken",
}
# Where the video will be posted is not what it shows.
_PLATFORM = {
    "instagram", "ig", "tiktok", "youtube", "facebook", "linkedin", "snapchat", "pinterest", "twitter", "stories",
    "story", "reels", "reel", "shorts", "feed", "social", "media", "vertical", "horizontal", "square", "video",
    "videos", "mobile", "web", "website", "site", "the", "our", "a", "an", "ads", "ad", "post", "posts", "9:16", "16:9",
    "1:1", "4:5", "format", "platforms",
}
_IMAGE_NOUNS = {
    "image", "images", "photo", "photos", "photograph", "picture", "pictures", "still", "stills", "portrait", "frame",
    "frames", "shot", "it", "input", "upload", "reference", "references", "illustration", "artwork",
}
# Words that only describe the look, sound or cut of the video: a clause made of these has no subject.
_LOOK = (
    {w for table in (vocab.LIGHTING, vocab.STYLES, vocab.SHOT_SIZES) for _, ps in table for p in ps for w in re.findall(r"[a-z0-9'-]+", p)}
    | {w for p in _CAMERA_PHRASES for w in re.findall(r"[a-z0-9'-]+", p)}
    | {
        "style", "styled", "vibe", "vibes", "feel", "aesthetic", "mood", "moody", "tone", "tones", "color", "colors",
        "colour", "colours", "palette", "grade", "graded", "grading", "lit", "lights", "atmosphere", "music",
        "soundtrack", "upbeat", "calm", "warm", "warmth", "cool", "energetic", "dreamy", "vibrant", "dark", "rich",
        "muted", "pastel", "very", "slow", "slowly", "fast", "quick", "smooth", "gentle", "subtle", "steady", "scene",
        "transition", "transitions", "morph", "morphing", "montage", "cut", "cuts", "dissolve", "crossfade", "fade",
        "loop", "looping", "seamless", "continuous", "shots", "take", "camera", "movement", "move", "motion", "left",
        "right", "hd", "8k", "fps", "seconds", "quality", "high", "detailed", "sharp", "focus", "depth", "field",
        "bokeh", "lens", "flare", "flares", "grainy", "glowing", "hour", "kinetic", "sequence", "title", "card",
        "typography", "dramatic", "timelapse", "time-lapse", "slow-motion", "slowmo", "mo",
    }
) - {
    # Words of those phrases that also name things a shot can show ("a crane", "a truck", "a drone").
    "product", "logo", "reveal", "window", "action", "sale", "eye", "stop", "on", "at", "and", "up", "birds", "field",
    "drone", "crane", "track", "tracks", "truck", "pan", "gun", "run", "moves", "still", "no", "not", "does", "off",
    "found", "key", "rim", "god", "arc", "boom", "turntable", "slides", "circles", "effect", "the", "in", "to",
}
# The look words that are about the video itself (style, framing, camera, cut), not light: a subject made only of
# these ("smooth transition", "cinematic shot") names nothing, while "sunset" or "neon lights" can be a subject.
_META = (_LOOK - {w for _, ps in vocab.LIGHTING for p in ps for w in re.findall(r"[a-z0-9'-]+", p)}) - {
    "aesthetic", "atmosphere", "bright", "calm", "cool", "dark", "dreamy", "energetic", "glow", "glowing", "lights",
    "moody", "muted", "pastel", "rich", "upbeat", "vibrant", "warm", "warmth", "shadows", "streetlights",
}
_CONJUNCTIONS = {"while", "whereas", "as", "before", "after", "until", "then", "when", "whilst"}
_DANGLING = _DETERMINERS | _RELATIVE | _PREPOSITIONS | {"and", "or", "of", "to", "for", "as", "from", "into", "onto"}
# A subject or action is a phrase, not a paragraph: only the start of a clause is read.
_MAX_WORDS, _MAX_SUBJECT_WORDS, _MAX_ACTION_WORDS = 40, 10, 16
_MAX_CLAUSES = 16
_SHOT_KINDS = {
    "shot", "shots", "close-up", "closeup", "footage", "view", "portrait", "clip", "video", "scene", "animation",
    "image", "photo", "picture", "time-lapse", "timelapse", "montage", "sequence", "b-roll", "macro", "hero",
    "second", "seconds", "sec", "minute", "loop", "gif", "film", "reel", "vignette",
}
_DURATION = re.compile(r"\d{1,4}(?:s|sec|secs|k|p|fps|mm)?|\d{1,2}:\d{1,2}")
_FILLER = _DETERMINERS | {"and", "with", "of", "in", "on", "at", "to", "for", "very", "it", "its", "&", "+"}


# Common English words beyond the vocabulary tables, so that a plain English prompt is recognised as one.
_COMMON_ENGLISH = {
    "a", "an", "the", "and", "or", "but", "of", "for", "by", "as", "is", "are", "be", "it", "its", "this", "that",
    "these", "those", "with", "without", "then", "than", "so", "very", "more", "most", "less", "all", "each", "every",
    "some", "any", "no", "not", "only", "just", "also", "we", "you", "your", "our", "my", "their", "his", "her",
    "she", "he", "they", "them", "me", "us", "what", "when", "while", "where", "who", "how", "make", "show", "shows",
    "video", "clip", "shot", "scene", "title", "text", "words", "card", "end", "start", "open", "night", "day",
    "morning", "evening", "light", "dark", "bright", "new", "old", "big", "small", "red", "blue", "green", "yellow",
    "white", "black", "gold", "golden", "pink", "purple", "orange", "silver", "glass", "wood", "water", "sky", "sun",
    "moon", "star", "stars", "space", "planet", "sea", "wave", "waves", "wind", "leaves", "sign", "hand", "hands",
    "table", "wall", "floor", "window", "door", "road", "night", "time", "second", "seconds", "first", "last",
    "one", "two", "three", "up", "down", "left", "right", "out", "back", "off", "here", "there", "now", "after",
    "before", "like", "about", "same", "other", "another", "into", "onto", "soft", "warm", "cool", "calm", "deep",
    "fresh", "daily", "sale", "shop", "brand", "logo", "product", "hero", "final", "fun", "title", "have", "has",
}


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w.strip("\"“”„«»'‘’()[]")]


def _key(word: str) -> str:
    return word.lower().strip(".,:;!?\"“”„«»'‘’()[]")


def _english_words() -> frozenset[str]:
    words = set(_COMMON_ENGLISH) | _LOOK | _TEXT_INTRO | _PREPOSITIONS | _DETERMINERS | _RELATIVE | _COPULAS
    words |= _VERBS | _BASE_VERBS | _ING_NOT_ACTIONS | _INSTRUCTIONS | _PLATFORM | _IMAGE_NOUNS | _SHOT_KINDS
    for table in (vocab.CAMERA_MOVES, vocab.SHOT_SIZES, vocab.LIGHTING, vocab.STYLES):
        words |= {w for _, ps in table for p in ps for w in re.findall(r"[a-z]+", p)}
    for phrases in (vocab.PHOTOREAL_SUBJECTS, vocab.GRAPHIC_WORDS, vocab.ACTION_VERBS, vocab.AERIAL_SHOTS, vocab.ORG_NOUNS):
        words |= {w for p in phrases for w in re.findall(r"[a-z]+", p)}
    return frozenset(words)


_ENGLISH = _english_words()
_LETTER_WORD = re.compile(r"[^\W\d_]+")  # runs of letters, any script; one pass, linear


def _reads_as_english(unquoted: str) -> bool:
    """Whether the prompt's own words (quotes, tags and beat marks removed) are English the parser can read: not
    when most letters are outside the Latin script ("夜の東京のネオン街"), nor when few of its words are English
    words it knows ("Eine ruhige Waldlandschaft bei Sonnenaufgang"). One linear pass over the text."""
    words = _LETTER_WORD.findall(unquoted.lower())
    if not words:
        return True  # nothing but quotes, tags or numbers: nothing to misread
    letters = sum(len(w) for w in words)
    latin = sum(1 for w in words for c in w if c < "\u0250")
    if latin * 2 < letters:
        return False
    known = sum(
        1 for w in words
        if w in _ENGLISH or (w.endswith("s") and w[:-1] in _ENGLISH) or (len(w) > 4 and w.endswith(("ing", "ly", "ed")))
    )
    if len(words) >= 3 and known == 0:  # two unknown words ("Hello World") are too few to judge
        return False
    return not (len(words) >= 4 and known * 5 < len(words))


def _is_look(k: str) -> bool:
    """A word that only describes the look, sound, length or cut of the video (or an empty token)."""
    return not k or k in _LOOK or k in _FILLER or bool(_DURATION.fullmatch(k))


# "the first image", "the last one": which picture, not what is in it.
_ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "last", "final", "next", "other", "one", "ones",
    "then", "now", "again", "finally",  # "start wide, then push in": left over once the camera words are gone
}
# After "and", these start a new direction rather than continue the subject: "the cup and end on the logo".
_DIRECTION_VERBS = {
    "end", "ends", "start", "starts", "begin", "begins", "finish", "finishes", "close", "closes", "open", "opens",
    "cut", "cuts", "fade", "fades", "then", "zoom", "zooms", "pan", "pans", "push", "pushes", "pull", "pulls", "tilt",
    "tilts", "hold", "holds", "settle", "settles", "land", "reveal", "reveals", "transition", "dissolve", "whip",
}


def _names_nothing(k: str) -> bool:
    """A subject word that names the picture, the shot or its style rather than something in it."""
    return (
        k in _IMAGE_NOUNS or k in _SHOT_KINDS or k in _META or k in _FILLER or k in _ORDINALS
        or bool(_DURATION.fullmatch(k))
    )


def _is_ing(w: str) -> bool:
    return len(w) >= 5 and w.endswith("ing") and w not in _ING_NOT_ACTIONS


def _is_adverb(w: str) -> bool:
    return (len(w) > 4 and w.endswith("ly") and w not in ("only", "family", "belly", "jelly", "lily", "holy")) or w in (
        "still", "just", "now", "also", "then", "gently", "fast", "slow", "softly"
    )


def _is_instruction(keys: list[str]) -> bool:
    if not keys:
        return False
    if keys[0] in _INSTRUCTIONS:
        return True
    nxt = keys[1] if len(keys) > 1 else None
    return (keys[0], nxt) in _INSTRUCTION_PAIRS or (keys[0], None) in _INSTRUCTION_PAIRS


def _strip_platform(words: list[str]) -> list[str]:
    """'... for vertical video', '... for Instagram Stories': drop a trailing 'for' + platform words."""
    keys = [_key(w) for w in words]
    for i in range(len(keys) - 1, -1, -1):
        if keys[i] == "for":
            if i + 1 < len(keys) and all(k in _PLATFORM for k in keys[i + 1 :]):
                return words[:i]
            break
    return words


def _split_subject_action(words: list[str]) -> tuple[str | None, str | None]:
    """'marble | rolling fast on a track': the subject ends at the first action verb, copula, relative pronoun or
    preposition that follows a word naming something ("a glowing planet" is all subject)."""
    words = words[:_MAX_WORDS]
    keys = [_key(w) for w in words]
    cut = None
    named = False  # a word before i names something (is not a determiner or an adjectival participle)
    for i in range(1, len(keys)):
        prev = keys[i - 1]
        named = named or not (prev in _DETERMINERS or prev in _VERBS or _is_ing(prev))
        k = keys[i]
        verbish = k in _VERBS or _is_ing(k) or k in ("is", "are", "was", "were") or k in _RELATIVE
        # "a planet slowly rotating": the adverb belongs to the action that follows it.
        verbish = verbish or (_is_adverb(k) and i + 1 < len(keys) and (keys[i + 1] in _VERBS or _is_ing(keys[i + 1])))
        base = k in _BASE_VERBS and keys[i - 1].endswith("s") and len(keys[i - 1]) > 3 and keys[i - 1] not in _DETERMINERS
        # "the coffee cup and end on the logo": "and" + a verb of direction ends the subject.
        directed = k == "and" and i + 1 < len(keys) and (keys[i + 1] in _DIRECTION_VERBS or keys[i + 1] in _VERBS)
        if not (verbish or base or directed or k in _PREPOSITIONS):
            continue
        # A participle before its noun is an adjective: "a glowing planet", "spinning gold coins".
        if not named:
            continue
        cut = i
        break
    subject_words = (words if cut is None else words[:cut])[:_MAX_SUBJECT_WORDS]
    while subject_words and _key(subject_words[-1]) in _DANGLING:
        subject_words = subject_words[:-1]
    if subject_words and _key(subject_words[0]) in ("a", "an", "our", "my", "your"):
        subject_words = subject_words[1:]
    subject = " ".join(subject_words).strip(" ,.;:-") or None
    if subject and all(_names_nothing(k) for k in map(_key, subject_words)):
        subject = None  # "this portrait", "the image", "smooth transition": the picture or the cut, not a subject
    if cut is None or keys[cut] in _PREPOSITIONS:
        # "A cup on a table": what follows a preposition is setting (the scene), not an action.
        return subject, None
    rest, rest_keys = words[cut:], keys[cut:]
    linked = False
    while rest_keys and (rest_keys[0] in _RELATIVE or rest_keys[0] in _COPULAS):
        linked = linked or rest_keys[0] in _COPULAS
        rest, rest_keys = rest[1:], rest_keys[1:]
    adverbs = 0
    while adverbs < len(rest_keys) and _is_adverb(rest_keys[adverbs]):
        adverbs += 1
    if adverbs == len(rest_keys):
        return subject, None  # "... as it is": a copula is not an action
    first = rest_keys[adverbs]
    is_action = (
        first in _VERBS
        or first in _BASE_VERBS
        or _is_ing(first)
        or (linked and first.endswith("ed") and len(first) > 4)
    )
    # Adjectives ("is red"), settings ("is on the table") and anything else that is not a verb are not actions.
    rest = rest[:_MAX_ACTION_WORDS]
    # "rotates while the background stays blurred": the action ends where another clause begins.
    end = next((i for i, w in enumerate(rest) if i and _key(w) in _CONJUNCTIONS), len(rest))
    rest = rest[:end]
    while rest and _key(rest[-1]) in _DANGLING:
        rest = rest[:-1]
    action = " ".join(rest).strip(" ,.;:-") if is_action else None
    return subject, action or None


def _clause_subject(clause: str, before_quote: bool) -> tuple[str, str | None, str | None]:
    """('subject', subject, action) when the clause names what the shot shows; ('text', ...) when it only
    introduced a quote; ('skip', ...) for instructions, camera directions, look words and platforms."""
    words = _words(clause)
    if before_quote:
        # 'Kinetic title sequence that reads "..."': the words that introduce a quote are not a subject.
        n = len(words)
        while n and _key(words[n - 1]) in _TEXT_INTRO:
            n -= 1
        words = words[:n]
    text = " ".join(words[: 2 * _MAX_WORDS])  # the subject is read from the start of the clause
    if tuple(_key(w) for w in text.split()[:2]) in _INSTRUCTION_PAIRS:
        return "skip", None, None  # "make it red", "make sure ..." (before _LEADS takes "make" as a lead)
    m = _LEADS.match(text)
    text = text[m.end():] if m else text
    m = _OPENER.match(text)
    text = text[m.end():] if m else text
    if _is_instruction([_key(w) for w in text.split()[:2]]):
        return "skip", None, None
    if _TITLE_LEAD.match(text):
        return "text", None, None
    m = _AD_FOR.match(text)
    if m:
        text = text[m.end():]
        if all(_key(w) in _PLATFORM for w in text.split()):
            return "skip", None, None  # "product shot for Stories"
    words = _strip_platform(text.split())
    text = " ".join(_CAMERA_WORDS.sub(" ", " ".join(words)).split()).strip(" .,:;-")
    text = _LEADING_PREPOSITION.sub("", text)
    text = _LEADING_SO.sub("", text)
    words = _words(text)
    keys = [_key(w) for w in words]
    if keys and (keys[0] in _COPULAS or keys[0] in _RELATIVE):
        # "<IMAGE_REF_1> is the first image": the tag was the subject; what is left says which picture it is.
        return "skip", None, None
    # "Cinematic shot of a lighthouse", "close-up of raindrops", "5 second clip of a butterfly": the kind of shot
    # before "of" is not the subject.
    of = next((i for i, k in enumerate(keys[:8]) if k == "of"), None)
    if of and all(_is_look(k) or k in _SHOT_KINDS for k in keys[:of]):
        words, keys = words[of + 1 :], keys[of + 1 :]
    if not words or all(_is_look(k) for k in keys):
        return ("text" if before_quote else "skip"), None, None
    subject, action = _split_subject_action(words)
    if subject is None and action is None:
        return ("text" if before_quote else "skip"), None, None
    return "subject", subject, action


def _subject_action(*texts: str) -> tuple[str | None, str | None, str, str]:
    """Subject and action from the first clause that names something, in the first sentences of the first text
    that has one (the prompt outside its beats, then the beats). Quoted text and the words that introduce it,
    instructions about the job, camera directions, look words and platforms are never the subject; a prompt
    that opens with a title ('Kinetic title sequence that reads "..."') has none. The last two values are the
    clause the subject was read from, up to the subject's end and whole."""
    for body in texts:
        marked = _QUOTED.sub(f" {_QUOTE_MARK} ", (body or "").replace(_QUOTE_MARK, " "))
        for sentence in _SENTENCE_END.split(marked.strip(), maxsplit=3)[:3]:
            parts = _CLAUSE.split(sentence, maxsplit=_MAX_CLAUSES)[: 2 * _MAX_CLAUSES]
            # parts alternates clause, separator, clause, ...; a clause is "before a quote" when the next
            # separator is a quote mark, or a colon right before one ('title card that says: "..."').
            for i in range(0, len(parts), 2):
                clause = parts[i]
                sep = parts[i + 1] if i + 1 < len(parts) else ""
                after = parts[i + 2] if i + 2 < len(parts) else ""
                before_quote = sep == _QUOTE_MARK or (sep == ":" and not after.strip() and i + 3 < len(parts) and parts[i + 3] == _QUOTE_MARK)
                after_quote = i > 0 and parts[i - 1] == _QUOTE_MARK
                if after_quote and not before_quote:
                    continue  # '"Launch Day" at the bottom': placement of the text, not a subject
                kind, subject, action = _clause_subject(clause, before_quote)
                if kind == "subject":
                    return subject, action, _head(clause, subject), clause
                if kind == "text":
                    return None, None, clause, clause  # the shot opens on its title: no other subject named
    return None, None, "", ""


def _head(clause: str, subject: str | None) -> str:
    """The clause up to the end of its subject, meta words included ("motion graphics ad for a coffee brand"): what
    decides whether the subject is graphic design."""
    if not subject:
        return clause
    last = subject.split()[-1].lower()
    at = clause.lower().find(last)
    return clause[: at + len(last)] if at >= 0 else clause


# "end on the logo", "open with the cup": what a shot starts or ends on is its subject, not its setting.
_SCENE_NOT = re.compile(
    r"\b(?:start|starts|begin|begins|end|ends|open|opens|close|closes|finish|finishes|settle|settles|land|lands|"
    r"hold|holds|cut|cuts|fade|fades)\s+(?:on|with|in|to)\b",
    re.I,
)
_NOT_PLACES = frozenset({
    "bottom", "top", "center", "centre", "middle", "left", "right", "corner", "side", "edge", "lower", "upper",
    "end", "start", "beginning", "frame", "screen", "foreground", "background",
})
_SCENE_READ = 1000  # the setting is named early; a bound keeps the camera-phrase scan cheap on huge prompts


def _scene(body: str) -> str | None:
    """The setting: "in/on/at/over ... a place". Quotes end it ("an ocean that reads "..."" is an ocean), and
    camera and opener phrases are removed first so "push in on the cup" is not a setting (the cup is the subject)."""
    text = _QUOTED.sub(f" {_QUOTE_MARK} ", body[:_SCENE_READ])
    text = _SCENE_NOT.sub(" , ", _CAMERA_WORDS.sub(" , ", text))
    for m in re.finditer(
        r"\b(?:in|on|at|inside|under|against|through|across|over)\s+((?:a|an|the)\s+[a-z][\w'’ -]{2,48}?)"
        r"(?=\s{0,2}[,.;!?\ue000]|$|\s{1,2}(?:with|while|as|and|during|under|at|that|which|who|where|reads|says|"
        r"saying|reading|spelling|showing|displaying)\b)",
        text,
        re.I,
    ):
        phrase = m.group(1).strip()
        # "text at the bottom", "in the end": where on screen or when, not a setting.
        if phrase.lower().split(None, 1)[1].split()[0] not in _NOT_PLACES:
            return phrase
    return None


def _beat_of(beats: list[tuple[float, float, str]]) -> dict[str, int]:
    """Each quoted text → the first beat it is quoted in (one pass, however many quotes and beats)."""
    out: dict[str, int] = {}
    for i, b in enumerate(beats):
        for text in quoted_text(b[2]):
            out.setdefault(text, i)
    return out


def _text_items(prompt: str, beats: list[tuple[float, float, str]], voice_only: set[str] = frozenset()) -> tuple[TextItem, ...]:
    items: list[TextItem] = []
    beat_of = _beat_of(beats)
    seen: set[str] = set()
    for m in _QUOTED.finditer(prompt):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        text = " ".join(m.group(group).split())
        if not text or text in seen:
            continue
        seen.add(text)
        if text in voice_only:
            continue
        at, end = m.start(group), m.end(group)
        # Position words belong to the nearest quote: a little before it, more after it ("text "X" at the bottom").
        window = prompt[max(0, at - 25) : at].lower() + prompt[end : end + 40].lower()
        position = next((name for name, words in _POSITIONS if any(w in window for w in words)), "center")
        items.append(TextItem(text, position, beat_of.get(text)))
    return tuple(items)


def _photoreal(
    subject: str | None, action: str | None, scene: str | None, prompt: str, head: str = "", clause: str = ""
) -> bool:
    def has_noun(s: str | None) -> bool:
        # "a coffee brand": the words naming what an organisation sells are not things in the shot.
        words = set(re.findall(r"[a-z]+", _ORG_MODIFIERS.sub(" ", (s or "").lower())))
        return any(n in words for n in vocab.PHOTOREAL_SUBJECTS)

    unquoted = _QUOTED.sub(" ", prompt).lower()
    # `head` keeps the words that name the kind of video: "motion graphics ad for a coffee brand" is graphic design
    # even though its subject ("coffee brand") names food.
    graphic_subject = any(g in f"{subject or ''} {head}".lower() for g in vocab.GRAPHIC_WORDS)
    if graphic_subject:
        return False
    # The whole clause counts: "portrait of an old fisherman", "tilt up from the shoes to the face".
    if has_noun(subject) or has_noun(action) or has_noun(_QUOTED.sub(" ", clause)):
        return True
    return has_noun(scene) and not any(g in unquoted for g in vocab.GRAPHIC_WORDS)


_ORG_MODIFIERS = re.compile(r"\b(?:[a-z]+\s+){1,2}(?=(?:" + "|".join(vocab.ORG_NOUNS) + r")\b)")


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
    beat_of = _beat_of(raw_beats)
    untimed = sum(1 for q in spoken if q.text not in beat_of)
    lines = []
    k = 0  # the line's place among the untimed ones
    for q in spoken:
        beat = beat_of.get(q.text)
        if beat is not None and beat < len(beats):
            start = beats[beat].start_s + 0.2
        elif beat is not None:
            continue  # its beat starts after the clip ends, and was clipped away with it
        else:
            start = 0.4 + k * max(0.0, duration_s - 0.4) / max(1, untimed)
            k += 1
        lines.append(DialogueLine(q.text, q.speaker, round(min(start, max(0.0, duration_s - 0.5)), 2), beat, q.shown))
    return tuple(lines)


def parse(prompt: str, *, image_count: int = 0, duration_s: float = 8.0) -> ShotPlan:
    """Read `prompt` into a ShotPlan. Beats are clipped to the duration; quoted text is kept verbatim; quotes cued
    as speech (narrator says, voice-over:, she says ...) become dialogue lines instead of on-screen text."""
    prompt = prompt or ""
    if image_count:
        check_image_tags(prompt, image_count)  # a tag past the images given is refused before anything is planned
    quotes = classify(prompt)
    voice_only = {q.text for q in quotes if q.spoken and not q.shown} - {q.text for q in quotes if not q.spoken}
    raw_beats, body = _beats(prompt)
    beats_asked_end = max((e for _, e, _ in raw_beats), default=0.0)
    if beats_asked_end > duration_s + 0.25:
        # Beats written for a longer video than the one asked for are scaled to fit, not cut off (a cut-off
        # beat would silently drop its image and text); the plan says so.
        k = duration_s / beats_asked_end
        raw_beats = [(round(s * k, 2), round(e * k, 2), d) for s, e, d in raw_beats]
    else:
        beats_asked_end = None
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
    subject, action, head, clause = _subject_action(body, *(d for _, _, d in raw_beats[:3]))
    if not clause:
        # No clause named a subject ("Add a hat to the cat", "keep the cup exactly as it is"): the things the first
        # sentence mentions still decide whether the shot is photoreal.
        clause = _SENTENCE_END.split(clean_body[:400], maxsplit=1)[0]
    scene = _scene(clean_body)
    unquoted = _QUOTED.sub(" ", _clean(prompt))
    english = _reads_as_english(_BEAT.sub(" ", unquoted))
    if not english:
        # Words the parser cannot read give no subject, action or scene, only misquotes of the prompt; the plan
        # says so and which defaults were used (describe()).
        subject = action = scene = None
        head = clause = ""
    low = unquoted.lower()
    # The last preserve pattern ("the logo stays unchanged") is the costly one: only tried when it can match.
    preserve_rx = _PRESERVE if ("stay" in low or "remain" in low) else _PRESERVE[:-1]
    preserve = tuple(dict.fromkeys(m.group(1).strip() for rx in preserve_rx for m in rx.finditer(unquoted)))
    exclude = tuple(
        dict.fromkeys(m.group(1).strip() for m in _EXCLUDE.finditer(unquoted) if "camera" not in m.group(1).lower())
    )
    multi = any(w in low for w in ("multi-shot", "multiple shots", "several shots", "cuts to", "cut to", "montage", "sequence of shots", "shot 2", "series of shots"))
    single = any(w in low for w in ("continuous shot", "single shot", "one take", "one shot", "oner", "single take", "continuous"))
    changes = _content_changes(low)
    return ShotPlan(
        prompt=prompt,
        beats_asked_end_s=beats_asked_end,
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
        photoreal=_photoreal(subject, action, scene, prompt, head, clause),
        content_changes=changes,
        palette=palette_for(unquoted).name,
        mood=mood_for(unquoted).name,
        dialogue=_dialogue(quotes, beats, raw_beats, duration_s),
        ambience=layers_for(unquoted),
        english=english,
    )
