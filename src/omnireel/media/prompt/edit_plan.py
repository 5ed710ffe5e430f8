"""Edit instruction → EditPlan: rule-based reading of what to change, when and where, with no model.

The instruction is cut into clauses (sentences, then "and" / "then" / commas; not inside compounds such as
"black-and-white" or a list of moods for new music, "tense, dramatic music"), each clause is read whole: its time
phrases, its text position, then the ops its words name. A clause is understood only when every word is either
part of an op, a time or position phrase, or filler; "keep everything else the same" and the like are preserve
statements, not ops. Anything else fails the whole edit with a message that names the part, so an instruction is
never half-applied, and requests that need understanding of the pixels (remove the violin, change the sky, make
her smile) are refused as such.

Quoted text (straight or curly double quotes, or single quotes around a phrase) is taken verbatim as on-screen
text. Every pattern runs in linear time: an instruction is untrusted.
"""

from __future__ import annotations

import re

from omnireel.errors import CapabilityMissing
from omnireel.media.audio.music import _MOOD_WORDS
from omnireel.media.prompt import edit_readers as R
from omnireel.media.prompt import edit_vocab as V
from omnireel.media.prompt.edit_ops import EditPlan
from omnireel.media.prompt.edit_readers import TOKEN, Clause, Failure, words
from omnireel.media.prompt.edit_time import NUM, Span, extract_spans, number
from omnireel.media.prompt.quotes import _QUOTED, SINGLE_QUOTED

# Compound phrases whose "and" is not a clause break.
_PROTECT = (
    # Spaced or hyphenated: "black and white", "black-and-white", "black & white", "black n white".
    (re.compile(r"\bblack[\s-]?(?:and|&|n)[\s-]?white\b"), "black_and_white"),
    (re.compile(r"\bb\s?&\s?w\b|\bb/w\b"), "black_and_white"),
    (re.compile(r"\b(in)[\s-](?:and|&)[\s-](out)\b"), "in_and_out"),
    (re.compile(r"\bfirst\s(?:and|&)\slast\b"), "first_and_last"),
    (re.compile(r"\b(?:teal\s(?:and|&)\sorange|orange\s(?:and|&)\steal)\b"), "teal_and_orange"),
    (re.compile(rf"\bbetween\s((?:the\s)?{NUM}\s?(?:s|secs?|seconds?)?)\s(?:and|&)\s"), r"between \1 _and_ "),
    # A list of quoted texts is one instruction ("the captions 'One', 'Two' and 'Three'").
    (re.compile(r"\b(qtext\d{1,4})\s?,\s(?=qtext\d)"), r"\1 "),
    (re.compile(r"\b(qtext\d{1,4})\s?,?\s(?:and|&)\s(qtext\d{1,4})\b"), r"\1 _and_ \2"),
)
# A list of mood words for a new music bed ("tense, dramatic music", "something tense and dramatic") is one
# description, not clauses: its commas and "and"s are joined up when the list ends on a music noun or ends the
# sentence. Not otherwise: in "something calm and slow it down" the "and" starts an instruction. Single words only,
# and the lookahead walks at most a few list items, so the pattern stays linear.
_MOOD_WORD = "|".join(sorted({re.escape(w) for w in [*V.MOOD_SYNONYMS, *(w for _, ws in _MOOD_WORDS for w in ws)]
                              if re.fullmatch(r"[a-z]+(?:-[a-z]+)?", w)}, key=len, reverse=True))
_MOOD_SEP = r"(?:\s?,\s(?:and\s|&\s|or\s)?|\s(?:and|&|or)\s|\s)"
_MOOD_LIST = re.compile(
    rf"\b({_MOOD_WORD}){_MOOD_SEP}(?=(?:(?:{_MOOD_WORD}){_MOOD_SEP}){{0,4}}(?:{_MOOD_WORD})"
    r"(?:\s(?:music|soundtrack|score|song|songs|tune|tunes|bed|track|one|vibe|vibes|mood|feel|sound)\b|\s*$))")
_MUSIC = re.compile(r"\b(?:music|soundtrack|score|song|tune|bed|track|audio|sound)\b")
_CLAUSE_BREAK = re.compile(r",|\band\sthen\b|\bthen\b|\band\b|\bbut\b|\bplus\b|\balso\b|\bafter\sthat\b|\bwhile\b|&")
_SENTENCE_BREAK = re.compile(r"(?<!\d)[.!?;]+(?!\d)|[.!?;]+(?=\s|$)|\n+")
_PRESERVE = re.compile(
    r"^(?:please\s)?(?:and\s)?(?:(?:keep|keeping|preserve|preserving|maintain|maintaining|retain|retaining|leave|"
    r"leaving)\b|(?:don't|do\snot|dont|never)\s(?:change|alter|touch|modify|edit|affect)\b|without\s(?:changing|"
    r"altering|touching|modifying|affecting)\b|everything\selse\b|the\srest\b|nothing\selse\b|no\sother\schanges?\b|"
    r"otherwise\b|same\sotherwise\b|all\selse\b)"
)
_LEAD = re.compile(
    r"^(?:(?:please|now|then|also|and|next|finally|lastly|first|firstly|ok|okay|so|just|simply)\s)*"
    r"(?:(?:can|could|would|will)\syou\s(?:please\s)?|i(?:\s(?:want|need|would\slike)|'d\slike)\s(?:you\s)?(?:to\s)?|"
    r"let's\s|lets\s)?"
)
_FIRST_AND_LAST = re.compile(rf"\b(?:the\s)?first_and_last\s(?:({NUM})\s?(?:s|secs?|seconds?)\b|(seconds?)\b)")


def _quotes(prompt: str) -> tuple[str, list[str]]:
    """The prompt with every quoted span replaced by a token ("qtext0"), and the quoted texts verbatim."""
    texts: list[str] = []

    def token(text: str) -> str:
        text = " ".join(text.split())
        texts.append(text)
        return f" qtext{len(texts) - 1} "

    out = _QUOTED.sub(lambda m: token(next(g for g in m.groups() if g is not None)), prompt)
    out = SINGLE_QUOTED.sub(lambda m: token(m.group(1)), out)
    return out, texts


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-").lower()
    text = " ".join(text.split())
    for pat, rep in _PROTECT:
        text = pat.sub(rep, text)
    return text


def _clauses(sentence: str) -> list[str]:
    parts = [p.strip(" ,:-") for p in _CLAUSE_BREAK.split(sentence)]
    out = []
    for p in parts:
        # A clause that opens with a bracketed range and names another ("[0-2s] sepia [2-4s] black and white")
        # is a list of timed beats: one clause per beat.
        if p.startswith(("[", "(")):
            out.extend(b.strip() for b in re.split(r"\s(?=[\[(]\s?\d)", p) if b.strip())
        elif p:
            out.append(p)
    return [c.replace(" _and_ ", " and ") for c in out]


def _mood_lists(sentence: str) -> str:
    """A sentence about music with its lists of mood words joined into one phrase (see _MOOD_LIST)."""
    return _MOOD_LIST.sub(r"\1 ", sentence) if _MUSIC.search(sentence) else sentence


def _positions(text: str) -> tuple[list[str], str]:
    found: list[tuple[int, str]] = []
    for name, pat in V.POSITIONS:
        def take(m: re.Match, name=name) -> str:
            if name == "corner":
                vert = "top" if m.group(1) in ("top", "upper") else "bottom"
                found.append((m.start(), f"{vert}_{m.group(2)}"))
            else:
                found.append((m.start(), name))
            return " " * (m.end() - m.start())
        text = pat.sub(take, text)
    return [n for _, n in sorted(found)], text


def _first_and_last(text: str) -> tuple[list[Span], str]:
    spans: list[Span] = []

    def take(m: re.Match) -> str:
        n = number(m.group(1)) if m.group(1) else 1.0
        spans.extend([Span("first", n), Span("last", n)])
        return " "

    return spans, _FIRST_AND_LAST.sub(take, text)


def _analyse(raw: str) -> Clause:
    text = _LEAD.sub("", raw.strip()).strip()
    both, text2 = _first_and_last(text)
    spans, rest = extract_spans(text2)
    spans = both + spans
    positions, rest = _positions(rest)
    clause = Clause(_restore(raw.strip()), spans, positions, rest)
    # "from the start" / "off the end" only mark an edge for a length ("trim 2 seconds off the end").
    if _PRESERVE.match(text) and not spans:
        clause.preserve = True
    return clause


# ------------------------------------------------------------------------------------------------ the parser


def parse_edit(prompt: str) -> EditPlan:
    """Read an edit instruction into an EditPlan, or raise CapabilityMissing naming what was not understood (or
    what needs understanding of the pixels). Never returns a plan with no ops."""
    masked, quotes = _quotes(prompt or "")
    text = _normalise(masked)
    clauses = [_analyse(raw) for s in _SENTENCE_BREAK.split(text) for raw in _clauses(_mood_lists(s.strip()))
               if raw.strip()]
    _attach_modifiers(clauses)
    pixel: list[str] = []
    unknown: list[str] = []
    unquoted: list[str] = []
    preserve: list[str] = []
    ops: list = []
    context = None  # the text role and position of the clause before, for a bare quote that continues it
    for c in clauses:
        if c.preserve:
            preserve.append(c.text)
            continue
        if c.modifier_only:
            if not c.attached:
                unknown.append(c.text)  # a time range or position with no change to apply it to
            continue
        c.text_context = context
        try:
            allowed = _read_ops(c, quotes)
        except Failure as f:
            (pixel if str(f) == "pixel" else unknown).append(c.text)
            continue
        left = words(c.rest, allowed)
        if c.positions:
            left.append("(position) " + " ".join(c.positions))
        if not c.ops and not left:
            continue  # filler only ("please", "thanks")
        if left or not c.ops:
            if _unquoted_text(c):
                unquoted.append(c.text)
            else:
                (pixel if _needs_pixels(c.text) else unknown).append(c.text)
            continue
        ops.extend(c.ops)
        texts = [op for op in c.ops if op.kind == "text"]
        context = (texts[-1].role, texts[-1].position) if texts else None
    if pixel:
        raise CapabilityMissing(
            f"The builtin engine cannot make this edit: {_quoted(pixel, quotes)} needs an understanding of what is in the "
            "picture (finding, removing, adding, replacing or recolouring objects and people, changing the "
            "background, sky, weather or clothes, facial expressions, tracking a subject), which it does not have, "
            f"so nothing was changed. Builtin edits can: {V.CAPABILITIES}. Ask for one of those, or send this edit "
            f"to {V.UPSTREAM_FOR_EDITS}."
        )
    if unquoted:
        raise CapabilityMissing(
            f"{_quoted(unquoted, quotes)} asks for on-screen text without quoting it, so the builtin engine cannot "
            "tell which words to draw and made no edit. Put the exact text in quotes, e.g. add the caption "
            "\"Hello\" at the bottom."
        )
    if unknown:
        raise CapabilityMissing(
            f"The builtin engine did not understand {_quoted(unknown, quotes)} in the edit instruction, so it made no edit "
            f"(it applies an edit only when it understands all of it). Builtin edits can: {V.CAPABILITIES}."
        )
    if not ops:
        raise CapabilityMissing(
            "The edit instruction names no change the builtin engine can make"
            + (f" (it only says what to keep: {_quoted(preserve, quotes)})" if preserve else "")
            + f". Builtin edits can: {V.CAPABILITIES}."
        )
    plan = EditPlan(prompt=prompt, ops=tuple(ops), preserve=tuple(preserve))
    _check_consistency(plan)
    return plan


def _read_ops(c: Clause, quotes: list[str]) -> frozenset:
    """Run every reader over the clause; returns the words allowed to remain (filler of the kinds matched)."""
    rest = c.rest
    rest = R.read_text(c, rest, quotes)
    rest = R.read_audio(c, rest)
    rest = R.read_fade(c, rest)
    rest = R.read_speed(c, rest)
    rest = R.read_reverse_flip(c, rest)
    rest = R.read_aspect(c, rest)
    rest = R.read_looks(c, rest)
    rest = R.read_trim(c, rest)
    c.rest = rest
    allowed = set(V.FILLER)
    for op in c.ops:
        allowed |= V.KIND_FILLER.get(op.kind, frozenset())
    return frozenset(allowed)


def _attach_modifiers(clauses: list[Clause]) -> None:
    """Give a clause that is only a time range or position ("For the first 3 seconds, make it sepia"; "Add the
    caption 'Hi', at the bottom") to the next clause that needs one, else the previous."""
    for i, c in enumerate(clauses):
        if c.preserve or not c.modifier_only:
            continue
        order = [*clauses[i + 1:], *reversed(clauses[:i])]
        for other in order:
            if other.preserve or other.modifier_only:
                continue
            if (c.spans and other.spans) or (c.positions and other.positions):
                continue
            other.spans = other.spans + c.spans
            other.positions = other.positions + c.positions
            c.attached = True
            break


def _restore(text: str) -> str:
    """A clause as the user wrote it, for messages (protected compounds joined back up)."""
    for token, words in (("black_and_white", "black and white"), ("in_and_out", "in and out"),
                         ("first_and_last", "first and last"), ("teal_and_orange", "teal and orange")):
        text = text.replace(token, words)
    return text


def _unquoted_text(c: Clause) -> bool:
    """A request for text with nothing quoted ("add a caption saying hello")."""
    return not TOKEN.search(c.rest) and bool(V.TEXT_VERBS.search(c.text)) and any(
        pat.search(c.text) for _, pat in V.TEXT_ROLES)


def _needs_pixels(text: str) -> bool:
    words = set(re.findall(r"[a-z]+", text))
    return bool(words & V.PIXEL_WORDS) or bool(re.search(r"\bmake\s(?:him|her|them)\b|\bturn\s(?:him|her|them)\b", text))


def _quoted(parts: list[str], quotes: list[str] = ()) -> str:
    def unmask(p: str) -> str:
        return TOKEN.sub(lambda m: f'"{quotes[int(m.group(1))]}"' if int(m.group(1)) < len(quotes) else "", p)
    return ", ".join(f"'{' '.join(unmask(p).split())}'" for p in parts)


def _check_consistency(plan: EditPlan) -> None:
    """Refuse plans that contradict themselves or ask a whole-clip op for part of the clip."""
    speeds = plan.of("speed")
    if len(speeds) > 1 and len({s.factor for s in speeds}) > 1:
        raise CapabilityMissing(
            "The edit instruction asks for more than one speed (" + ", ".join(f"{s.factor:g}x" for s in speeds)
            + "); ask for one.")
    aspects = {a.ratio for a in plan.of("aspect")}
    if len(aspects) > 1:
        raise CapabilityMissing(f"The edit instruction asks for several aspect ratios ({', '.join(sorted(aspects))}); "
                                "ask for one.")
    mono = any(o.look in ("mono", "noir", "sepia", "desaturate") for o in plan.of("look"))
    for p in plan.preserve:
        if mono and re.search(r"\b(?:red|green|blue|yellow|orange|purple|pink|colou?rs?|colou?red|in\scolou?r|vivid|"
                              r"vibrant|saturated)\b", p):
            raise CapabilityMissing(
                f"'{p}' asks to keep colour that the black-and-white (or sepia) look takes out of the whole frame. "
                "Builtin edits change the colour of the whole frame; keeping colour in part of the picture needs an "
                "understanding of what is in it, which they do not have. Ask for one or the other.")
        if plan.of("audio") and re.search(r"\b(?:dialogue|voice|voices|speech|talking|narration)\b", p):
            raise CapabilityMissing(
                f"'{p}' asks to keep part of the sound while the rest changes; the builtin engine cannot separate "
                "voices from music, so it edits the whole soundtrack.")
