"""Prompt text → a list of plain lowercase words with sentence and clause boundaries, undoing the cheap disguises
people use to slip words past a filter: accents and look-alike letters, invisible characters, leetspeak ("b0mb"),
letters spread out by spaces or punctuation ("b.o.m.b"), stretched letters ("kiiill") and masking ("k*ll"). Which
words were capitalised is kept on the side, the one sign of a person's name ("Jane Doe") in text that is otherwise
read in lowercase.

Every step is a single pass over the text (one regex without nesting, so no backtracking), and a disguise is undone
only when the result is a word the lexicon knows: "mp4", "4k" or "360p" are never rewritten into something else.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Callable, Protocol

# Zero-width and soft-hyphen characters render as nothing, so "bo\u200bmb" reads as "bomb" to a person.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f"), None)
_PUNCT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "_": " ",
                        "\u2014": ",", "\u2013": ","})
# Cyrillic, Greek and other letters that look like Latin ones ("nаpalm" with a Cyrillic а). Like every other
# disguise, the swap is kept only when it yields a lexicon word, so a real Russian or Greek word stays itself.
_HOMOGLYPHS = str.maketrans({**dict(zip("асеорхуіјѕԁɡһкмтвнοαρτυνκιεχøđłħı", "aceopxyijsdghkmtbhoaptuvkiexodlhi")),
                             "œ": "oe", "æ": "ae", "þ": "th"})
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s",
         "!": "i", "+": "t", "€": "e", "£": "l", "¢": "c"}
# A lone digit beside one letter is leetspeak only for these short words ("t0" is "to"); "4k" stays "4k".
_SHORT_WORDS = frozenset({"to", "at", "is", "it", "in", "on", "of", "or", "as", "be", "my", "me", "so", "no", "go"})
_TOKEN = re.compile(r"[\w@$!*+€£¢]+")
_SENTENCE_MARKS = frozenset(".?;\n")
_CLAUSE_MARKS = frozenset(",:()[]{}\"/")
MAX_WORD = 40  # longer runs are not words; they are cut so per-word work stays bounded
MAX_SPREAD = 20  # a spread-out run longer than this is not a disguised phrase; it stays as separate letters
_LONGEST_SPREAD_WORD = 14
_ENDINGS = ("ations", "ation", "ions", "ion", "ing", "ers", "ed", "es", "er", "e", "s", "y")


class Vocabulary(Protocol):
    """What normalization needs to know of the lexicon (matcher.Lexicon provides it)."""

    openings: frozenset[str]  # the first three letters of every lexicon word and stem

    def knows(self, word: str, exact: bool = False) -> bool:
        """Whether `word` is a lexicon word, or (exact=False) starts with one of its stems ("tortur...")."""

    def stem_length(self, text: str) -> int:
        """The length of the longest lexicon stem `text` starts with, or 0."""

    def unmask(self, pattern: str) -> str | None:
        """The lexicon word a masked word ("k*ll") stands for, if any."""


@dataclasses.dataclass
class Words:
    """The normalized words of a text. `sentence[i]` numbers the sentence of word i; `clause[i]` is True when a
    clause or sentence boundary comes just before word i; `handles` holds the positions of @mentions, and
    `possessive` those of words followed by 's or a bare apostrophe ("the kids' party": kids modifies party)."""

    words: list[str]
    sentence: list[int]
    clause: list[bool]
    handles: set[int]
    possessive: set[int] = dataclasses.field(default_factory=set)
    questions: set[int] = dataclasses.field(default_factory=set)  # numbers of sentences that end with "?"
    # Positions of words written with a capital first letter ("Jane Doe"): the one sign of a proper name a
    # word list cannot give. Empty when the text is mostly capitals, where case tells nothing.
    capitalized: set[int] = dataclasses.field(default_factory=set)

    def __len__(self) -> int:
        return len(self.words)


def fold(text: str) -> str:
    """Lowercase, accents removed (NFKD, combining marks dropped), invisible characters gone."""
    return _unaccent(text).casefold()


def _unaccent(text: str) -> str:
    """fold() without the lowercasing, so tokens can still tell a capital letter."""
    text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE).translate(_PUNCT))
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text


def words(text: str, vocabulary: Vocabulary) -> Words:
    """Split folded `text` into words, undoing a disguise only when the result is a word of `vocabulary`."""
    # Tokens are cut from the text before lowercasing (casefold can lengthen a character, so positions in the two
    # texts need not line up) and lowercased one by one; the capital letters are noted on the way.
    text = _unaccent(text)
    raw: list[str] = []
    seps: list[str] = []
    capital: list[bool] = []
    shouted = quiet = 0  # words all in capitals, and all in small letters
    end = 0
    for match in _TOKEN.finditer(text):
        seps.append(text[end:match.start()].casefold())
        token = match.group()
        capital.append(token[0].isupper())
        if len(token) > 1:
            shouted += token.isupper()
            quiet += token.islower()
        raw.append(token.casefold())
        end = match.end()
    shouting = shouted > quiet
    trailing = text[end:]

    out = Words([], [], [], set())
    state = [0, False]  # [sentence number, a "!" ended the previous word]
    memo: dict[str, str] = {}  # prompts repeat their words; each distinct one is decoded once

    def decode(token: str) -> str:
        word = memo.get(token)
        if word is None:
            word = memo[token] = _decode(token, vocabulary)
        return word

    i = 0
    n = len(raw)
    while i < n:
        # Letters spread out ("b o m b", "b.o.m.b", "b-o-m-b"): a run of three or more one-character words that
        # spells a lexicon word. Each run is looked at once, so a long run of letters stays linear.
        run_end = i
        while run_end < n and len(raw[run_end]) == 1 and (run_end == i or _joins(seps[run_end])):
            run_end += 1
        if run_end - i >= 3:
            pieces = _join_run([_LEET.get(c, c) for c in raw[i:run_end]], vocabulary)
            if pieces is not None:
                for k, piece in enumerate(pieces):
                    _emit(out, piece, seps[i] if k == 0 else " ", state)
            else:
                for k in range(i, run_end):
                    _token(out, raw[k], seps[k], state, decode)
            i = run_end
            continue
        emitted = len(out.words)
        _token(out, raw[i], seps[i], state, decode)
        if capital[i] and not shouting and len(out.words) > emitted:
            out.capitalized.add(len(out.words) - 1)
        i += 1
    if "?" in trailing and out.words:
        out.questions.add(state[0])
    return out


def _token(out: Words, token: str, sep: str, state: list, decode: Callable[[str], str]) -> None:
    token = token[:MAX_WORD]
    if sep.startswith("'") and out.words:
        if sep == "'" and token == "s":  # "child's" is the word "child", owning what follows
            out.possessive.add(len(out.words) - 1)
            return
        if len(sep) > 1 and out.words[-1].endswith("s"):  # "kids' party"
            out.possessive.add(len(out.words) - 1)
    handle = token.startswith("@") and len(token) > 1
    stripped = token[1:].strip("!*+$") if handle else token.strip("!*+@$")
    word = decode(stripped) if stripped else ""
    if word:
        _emit(out, word, sep, state)
        if handle:
            out.handles.add(len(out.words) - 1)
    if token.endswith("!"):
        state[1] = True


def _joins(sep: str) -> bool:
    # Inside a spread-out word the gaps are short and stay on one line.
    return 0 < len(sep) <= 3 and "\n" not in sep


def _join_run(chars: list[str], vocabulary: Vocabulary) -> list[str] | None:
    """The words a run of single characters spells ("p i p e b o m b" → pipe, bomb; "a b o m b" → a, bomb),
    longest known word first; None when it spells no known word of three letters or more (then the characters
    stay separate words: "7 y o", "u s a"). Runs are short, so the search is bounded."""
    if len(chars) > MAX_SPREAD:
        return None
    joined = "".join(chars)
    pieces: list[str] = []
    found = False
    p = 0
    openings = vocabulary.openings
    while p < len(joined):
        if joined[p:p + 3] not in openings:  # nothing in the lexicon starts here: the common case, decided fast
            pieces.append(joined[p])
            p += 1
            continue
        # Whole lexicon words first, longest first; then a stem with a usual ending ("tortur" + "e"), which
        # cannot swallow the words after it ("t o r t u r e k i d s").
        q = next((q for q in range(min(len(joined), p + _LONGEST_SPREAD_WORD), p + 2, -1)
                  if vocabulary.knows(joined[p:q], True)), None)
        if q is None:
            stem = vocabulary.stem_length(joined[p:p + _LONGEST_SPREAD_WORD])
            if stem:
                q = p + stem + next((len(e) for e in _ENDINGS if joined.startswith(e, p + stem)), 0)
        if q is None:
            pieces.append(joined[p])
            p += 1
        else:
            pieces.append(joined[p:q])
            found = True
            p = q
    return pieces if found else None


def _emit(out: Words, word: str, sep: str, state: list) -> None:
    if sep == " ":  # by far the most common gap: nothing to look at
        sentence_break = state[1]
        clause_break = sentence_break
    else:
        if "?" in sep and out.words:
            out.questions.add(state[0])
        sentence_break = state[1] or not _SENTENCE_MARKS.isdisjoint(sep)
        clause_break = sentence_break or not _CLAUSE_MARKS.isdisjoint(sep) or " - " in sep
    if sentence_break and out.words:
        state[0] += 1
    state[1] = False
    out.words.append(word)
    out.sentence.append(state[0])
    out.clause.append(clause_break)


def _decode(token: str, vocabulary: Vocabulary) -> str:
    """Undo leetspeak, look-alike letters, stretched letters and masking, but only towards a known word."""
    knows = vocabulary.knows
    if knows(token) or token.isdigit():
        return token
    candidates = []
    if not token.isascii():
        candidates.append(token.translate(_HOMOGLYPHS))
    # Digits count as leetspeak only beside a letter ("b0mb", "t0"), never in plain numbers ("360", "1080").
    letters = sum(c.isalpha() for c in token)
    if letters >= 1 and any(c in _LEET for c in token):
        base = candidates[-1] if candidates else token
        decoded = "".join(_LEET.get(c, c) for c in base)
        if letters >= 2 or decoded in _SHORT_WORDS:
            candidates.append(decoded)
            if "1" in base:
                candidates.append("".join("l" if c == "1" else _LEET.get(c, c) for c in base))
    for candidate in list(candidates) or [token]:
        squeezed = _squeeze(candidate)
        if squeezed is not None:
            candidates.extend(squeezed)
    if "*" in token:
        found = vocabulary.unmask(token)
        if found:
            return found
    for candidate in candidates:
        if knows(candidate):
            return candidate
    return token.replace("*", "")


_STRETCH = re.compile(r"(.)\1\1+")
_DOUBLE = re.compile(r"(.)\1+")


def _squeeze(word: str) -> tuple[str, ...] | None:
    """A word with a letter repeated three or more times ("kiiiill", "bommmb"), squeezed three ways: stretches to
    one letter, stretches to two ("killlll"), and every repeat to one."""
    if not _STRETCH.search(word):
        return None
    return _STRETCH.sub(r"\1", word), _STRETCH.sub(r"\1\1", word), _DOUBLE.sub(r"\1", word)
