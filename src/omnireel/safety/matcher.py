"""Find the lexicon's concepts in normalized words: phrase matching, benign masks and negation scopes.

Work per word is bounded by the lexicon (the phrases that can start with that word, each a few words long), and
masks and negation scopes are marked left to right without revisiting a word, so a scan is linear in the text.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from omnireel.safety.normalize import MAX_WORD, Words

# Concepts that negation cannot switch off: the phrases are themselves the signal ("no content policy"), or
# they describe the setting rather than what is shown.
_NOT_NEGATABLE = frozenset({
    "BENIGN", "NEGATION", "NEGATION_LIST", "FICTION", "AWARENESS", "DOCUMENTARY", "ART", "SATIRE", "RECIPE", "HOWTO",
    "ACQUIRE", "PLAN", "MAKE", "METHOD", "TARGET", "PERSON", "SLUR", "HATE_SLOGAN", "THREAT", "SELF_HARM_DIRECTED",
    "JAILBREAK_OVERRIDE", "JAILBREAK_DISABLE", "CSAM", "FABRICATION", "POLITICIAN", "DOX", "FIRST_NAME",
})
_SHORT_SCOPE = 3  # "no gore", "not violent", "without any blood": the next few words
_FIRST_SEGMENT = 8  # "Exclude: a b c ...": the list starts right after the cue
_LIST_ITEM = 3  # later comma-separated items stay negated while they are short, like list items
_LIST_ITEMS = 24  # and a list ends after this many items, which keeps every scope's walk bounded


class _Slot:
    __slots__ = ("exact", "prefixes")

    def __init__(self, exact: frozenset[str], prefixes: tuple[str, ...]):
        self.exact = exact
        self.prefixes = prefixes

    def matches(self, word: str) -> bool:
        if word in self.exact:
            return True
        return bool(self.prefixes) and word.startswith(self.prefixes)


def _parse_slot(text: str) -> tuple[_Slot, bool]:
    optional = text.endswith("?")
    choices = text.rstrip("?").split("|")
    exact = frozenset(c for c in choices if not c.endswith("*"))
    prefixes = tuple(c[:-1] for c in choices if c.endswith("*"))
    return _Slot(exact, prefixes), optional


class Lexicon:
    """Compiled concepts: phrases indexed by the words (or prefixes) they can start with."""

    def __init__(self, concepts: dict[str, list[str]]):
        self._exact: dict[str, list[tuple[str, tuple[_Slot, ...]]]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[str, tuple[_Slot, ...]]]] = defaultdict(list)
        self._vocab: set[str] = set()
        self._vocab_prefixes: set[str] = set()
        for concept, phrases in concepts.items():
            for phrase in phrases:
                slots = [_parse_slot(part) for part in phrase.split()]
                for slot, _ in slots:
                    self._vocab.update(slot.exact)
                    self._vocab_prefixes.update(slot.prefixes)
                for variant in _variants(slots):
                    first, rest = variant[0], tuple(variant[1:])
                    for word in first.exact:
                        self._exact[word].append((concept, rest))
                    for prefix in first.prefixes:
                        self._prefix[prefix].append((concept, rest))
        self._prefix_lengths = sorted({len(p) for p in self._prefix} | {len(p) for p in self._vocab_prefixes})
        self.openings = frozenset(w[:3] for w in self._vocab | self._vocab_prefixes if len(w) >= 3)
        # "k*ll": masked words are resolved against known words of the same length and first and last letter.
        self._buckets: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        for word in sorted(self._vocab):
            if len(word) >= 3:
                self._buckets[(len(word), word[0], word[-1])].append(word)

    def knows(self, word: str, exact: bool = False) -> bool:
        if word in self._vocab:
            return True
        return not exact and any(word[:n] in self._vocab_prefixes for n in self._prefix_lengths if n <= len(word))

    def stem_length(self, text: str) -> int:
        return max((n for n in self._prefix_lengths if n <= len(text) and text[:n] in self._vocab_prefixes),
                   default=0)

    def unmask(self, pattern: str) -> str | None:
        if len(pattern) < 3 or pattern[0] == "*" or pattern[-1] == "*":
            return None
        for word in self._buckets.get((len(pattern), pattern[0], pattern[-1]), ()):
            if all(p == "*" or p == c for p, c in zip(pattern, word)):
                return word
        return None

    def _candidates(self, word: str) -> list[tuple[str, tuple[_Slot, ...]]]:
        """The phrases that can start with `word`: by the whole word, or by one of its prefixes."""
        candidates = list(self._exact.get(word, ()))
        for length in self._prefix_lengths:
            if length > len(word) or length > MAX_WORD:
                break
            candidates.extend(self._prefix.get(word[:length], ()))
        return candidates

    def scan(self, text: Words) -> dict[str, list[tuple[int, int]]]:
        """Every concept occurrence as (start, end) word positions, benign-masked and negation-filtered."""
        words, sentence = text.words, text.sentence
        n = len(words)
        raw: dict[str, set[tuple[int, int]]] = defaultdict(set)
        memo: dict[str, list] = {}
        for i, word in enumerate(words):
            candidates = memo.get(word)
            if candidates is None:
                candidates = memo[word] = self._candidates(word)
            for concept, rest in candidates:
                j = i + 1
                for slot in rest:
                    if j >= n or sentence[j] != sentence[i] or not slot.matches(words[j]):
                        break
                    j += 1
                else:
                    raw[concept].add((i, j))

        masked = _mark(n, sorted(raw.get("BENIGN", ())), lambda s, e: e)
        negated = _negation_scopes(text, raw)
        found: dict[str, list[tuple[int, int]]] = {}
        for concept, spans in raw.items():
            kept = []
            for start, end in sorted(spans):
                if concept != "BENIGN" and all(masked[k] for k in range(start, end)):
                    continue
                if concept not in _NOT_NEGATABLE and negated[start]:
                    continue
                kept.append((start, end))
            if kept:
                found[concept] = kept
        return found


def _variants(slots: list[tuple[_Slot, bool]]) -> list[list[_Slot]]:
    """Every combination of present and absent optional slots (a phrase has at most a couple)."""
    optional = [k for k, (_, opt) in enumerate(slots) if opt]
    out = []
    for drop in itertools.product((False, True), repeat=len(optional)):
        dropped = {k for k, d in zip(optional, drop) if d}
        variant = [slot for k, (slot, _) in enumerate(slots) if k not in dropped]
        if variant:
            out.append(variant)
    return out


def _mark(n: int, spans, end_of) -> list[bool]:
    """A flag per word covered by any span; spans sorted by start, each word marked once."""
    flags = [False] * n
    covered = 0
    for start, end in spans:
        stop = end_of(start, end)
        for k in range(max(start, covered), stop):
            flags[k] = True
        covered = max(covered, stop)
    return flags


def _negation_scopes(text: Words, raw: dict[str, set[tuple[int, int]]]) -> list[bool]:
    n = len(text)
    sentence, clause = text.sentence, text.clause
    # segment_end[k]: the first position after k that starts a new clause (or n).
    segment_end = [n] * (n + 1)
    for k in range(n - 1, -1, -1):
        segment_end[k] = k + 1 if k + 1 < n and clause[k + 1] else segment_end[k + 1]

    def short(start: int, end: int) -> int:
        stop = end
        while stop < n and stop < end + _SHORT_SCOPE and (stop == end or not clause[stop]) \
                and sentence[stop] == sentence[start]:
            stop += 1
        return stop

    def listing(start: int, end: int) -> int:
        if end >= n or sentence[end] != sentence[start]:
            return end
        stop = min(segment_end[end], end + _FIRST_SEGMENT)
        for _ in range(_LIST_ITEMS):
            if stop >= n or stop != segment_end[stop - 1] or sentence[stop] != sentence[start]:
                break
            nxt = segment_end[stop]
            if nxt - stop > _LIST_ITEM:
                break
            stop = nxt
        return stop

    scopes = [(s, e, short) for s, e in raw.get("NEGATION", ())]
    scopes += [(s, e, listing) for s, e in raw.get("NEGATION_LIST", ())]
    scopes.sort(key=lambda item: item[1])
    flags = [False] * n
    covered = 0
    for start, end, scope in scopes:
        stop = scope(start, end)
        for k in range(max(end, covered), stop):
            flags[k] = True
        covered = max(covered, stop)
    return flags
