"""Rules that turn found concepts into a severity per category, and decide the child-safety blocks.

The shape of every rule is the same: a harmful combination (not a harmful word) sets a base severity, and the
setting moves it: "graphic" raises gore, a horror film or a documentary lowers it, an awareness campaign lowers
self-harm and hate. Rules that would excuse an instruction ("how to build a bomb, for a movie") never lower it.
"""

from __future__ import annotations

import bisect

from omnireel.safety.categories import Severity
from omnireel.safety.normalize import Words

LOW, MEDIUM, HIGH, NONE = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.NONE

# Words allowed between a subject and what is said about it: "immigrants are all just criminals", "you're such
# a fat loser". At least one true link word (_LINKS) must be among them, so "jewish deli" + "dirty" never pairs.
_LINKS = frozenset({"is", "are", "re", "r", "was", "were", "be", "being", "like", "look", "looks", "seem", "seems",
                    "sound", "sounds", "am"})
_FILLERS = _LINKS | frozenset({
    "all", "just", "such", "so", "a", "an", "the", "total", "complete", "fucking", "fking", "freaking", "damn",
    "very", "really", "absolute", "utter", "nothing", "but", "one", "of", "those", "big", "little", "fat", "ugly",
    "stupid", "dumb", "worthless", "useless", "pathetic", "dirty", "lazy", "always", "literally", "basically",
    "simply", "truly", "looking"})
_MAX_CHAIN = 6
# Insults that are abuse on their own (LOW even with no target); "ugly", "fat" or "failure" alone are not.
_STRONG_INSULTS = frozenset({"retard", "retarded", "whore", "whores", "slut", "sluts", "bitch", "bitches", "cunt",
                             "twat", "dumbass", "fatass", "lardass", "dipshit", "skank"})
_INSTRUCTION_REACH = 20  # how far a "how to"/"recipe" reaches an item, across sentences ("Bomb. Step by step:")


class Found:
    """Concept occurrences of one text with the position queries the rules need (binary search, no scans)."""

    def __init__(self, text: Words, spans: dict[str, list[tuple[int, int]]]):
        self.text = text
        self.spans = spans
        self._starts = {concept: [s for s, _ in occ] for concept, occ in spans.items()}

    def has(self, *concepts: str) -> bool:
        return any(self.spans.get(c) for c in concepts)

    def all(self, concept: str) -> list[tuple[int, int]]:
        return self.spans.get(concept, [])

    def within(self, concept: str, lo: int, hi: int, sentence: int | None = None) -> list[tuple[int, int]]:
        """Occurrences starting in [lo, hi], optionally only in the given sentence."""
        starts = self._starts.get(concept)
        if not starts:
            return []
        occ = self.spans[concept]
        out = []
        for k in range(bisect.bisect_left(starts, lo), bisect.bisect_right(starts, hi)):
            if sentence is None or self.text.sentence[occ[k][0]] == sentence:
                out.append(occ[k])
        return out

    def near(self, concept: str, span: tuple[int, int], reach: int, same_sentence: bool = True) -> bool:
        sentence = self.text.sentence[span[0]] if same_sentence else None
        return bool(self.within(concept, span[0] - reach, span[1] - 1 + reach, sentence))

    def word(self, k: int) -> str:
        return self.text.words[k]


class Score:
    """The running maximum severity of one category, with the names of the rules that set it."""

    def __init__(self):
        self.severity = NONE
        self.reasons: list[str] = []

    def add(self, severity: Severity, reason: str) -> None:
        if severity > NONE:
            self.reasons.append(f"{reason}:{severity.name.lower()}")
            self.severity = max(self.severity, severity)


def lower(severity: Severity, steps: int = 1) -> Severity:
    return Severity(max(0, severity - steps))


def _chain_to(f: Found, end: int, concepts: tuple[str, ...], need_link: bool) -> bool:
    """Whether, after a subject ending at `end`, filler words lead to one of `concepts` ("are all just rats")."""
    words, sentence = f.text.words, f.text.sentence
    k, linked = end, False
    while k < len(words) and k - end <= _MAX_CHAIN and sentence[k] == sentence[end - 1]:
        if any(f.within(c, k, k) for c in concepts) and (linked or not need_link):
            return True
        if words[k] not in _FILLERS:
            return False
        linked = linked or words[k] in _LINKS
        k += 1
    return False


# ---- child safety --------------------------------------------------------------------------------------------
def child_safety(f: Found) -> set[str]:
    """Categories blocked whatever the settings: sexual content involving minors, violence against children."""
    blocked: set[str] = set()
    if f.has("CSAM"):
        blocked.add("sexually_explicit")
    minors = f.all("MINOR")
    if not minors:
        return blocked
    if f.has("SEX_HIGH", "SEX_MEDIUM", "SEX_VIOLENCE"):
        blocked.add("sexually_explicit")  # anywhere in the same prompt: the video would show both
    if any(f.near("MINOR", span, 15, same_sentence=False) for span in f.all("SEX_LOW")):
        blocked.add("sexually_explicit")
    if _violence_against_child(f, "VIOLENT_ACT"):
        blocked.add("dangerous_content")
    elif _violence_against_child(f, "BEAT") and any(f.near("INJURY_SIGN", span, 12) for span in f.all("BEAT")):
        blocked.add("dangerous_content")
    elif _violence_against_child(f, "HARM_TOPIC"):
        # "Stop violence against children" is a campaign, not a depiction; anything graphic still blocks.
        if not f.has("AWARENESS") or f.has("GORE", "INTENSIFIER", "DEAD_ADJ"):
            blocked.add("dangerous_content")
    if not f.has("FICTION") and any(f.near("GORE", m, 8) for m in minors):
        blocked.add("dangerous_content")
    for span in f.all("DEAD_ADJ"):
        if f.within("MINOR", span[1], span[1] + 1, f.text.sentence[span[0]]):
            blocked.add("dangerous_content")
    for m in minors:
        if f.within("CORPSE", m[1], m[1] + 2, f.text.sentence[m[0]]):
            blocked.add("dangerous_content")
    for span in f.all("CORPSE"):
        if span[1] < len(f.text) and f.word(span[1]) == "of" and f.within(
                "MINOR", span[1] + 1, span[1] + 3, f.text.sentence[span[0]]):
            blocked.add("dangerous_content")
    return blocked


def _violence_against_child(f: Found, acts: str) -> bool:
    possessive = f.text.possessive
    for act in f.all(acts):
        sentence = f.text.sentence[act[0]]
        # The child as the object: "killing a child", "violence against children" (not "beat the kids' record").
        for m in f.within("MINOR", act[1], act[1] + 3, sentence):
            if m[1] - 1 not in possessive:
                return True
    for m in f.all("MINOR"):
        sentence = f.text.sentence[m[0]]
        # The child as the subject of a passive: "a child being beaten", "kids murdered".
        for act in f.within(acts, m[1], m[1] + 2, sentence):
            last = f.word(act[1] - 1)
            if last.endswith(("ed", "en")):
                return True
    return False


# ---- categories ----------------------------------------------------------------------------------------------
def sexually_explicit(f: Found, score: Score) -> None:
    for span in f.all("SEX_HIGH"):
        score.add(HIGH, "explicit")
    for span in f.all("SEX_VIOLENCE"):
        severity = HIGH if f.near("INTENSIFIER", span, 10) else MEDIUM
        score.add(lower(severity) if f.has("AWARENESS") else severity, "sexual_violence")
    for span in f.all("SEX_MEDIUM"):
        if f.near("INTENSIFIER", span, 10):
            score.add(HIGH, "nudity_graphic")
        else:
            score.add(lower(MEDIUM) if f.has("ART") else MEDIUM, "nudity")
    if f.has("SEX_LOW"):
        score.add(LOW, "suggestive")


def dangerous_content(f: Found, score: Score) -> None:
    _weapons_and_drugs(f, score)
    _violence(f, score)
    _self_harm(f, score)


def _recipe(f: Found, span: tuple[int, int]) -> bool:
    return f.near("RECIPE", span, _INSTRUCTION_REACH, same_sentence=False)


def _howto(f: Found, span: tuple[int, int]) -> bool:
    return f.near("HOWTO", span, _INSTRUCTION_REACH, same_sentence=False)


def _verb(f: Found, span: tuple[int, int], *concepts: str) -> bool:
    """A verb of `concepts` just before the item ("build a bomb", "buy fentanyl") or right after ("bomb making")."""
    sentence = f.text.sentence[span[0]]
    return any(f.within(c, span[0] - 6, span[0] - 1, sentence) or f.within(c, span[1], span[1] + 1, sentence)
               for c in concepts)


def _weapons_and_drugs(f: Found, score: Score) -> None:
    # (instructed, asked how, made, mentioned): a recipe, or a how-to for making or getting the thing, is always
    # HIGH; a bare how-to ("how to survive a bomb threat"), making it on screen, or a mention depend on how much
    # harm the thing itself can do. Fiction never lowers these: it is the oldest wrapper for a how-to.
    table = {
        "EXPLOSIVE": (HIGH, LOW, LOW, NONE),
        "CBRN": (HIGH, MEDIUM, MEDIUM, LOW),
        "WEAPON_ILLICIT": (HIGH, MEDIUM, MEDIUM, LOW),
        "DRUG": (HIGH, LOW, LOW, NONE),
    }
    for concept, (instructed, asked, made, mentioned) in table.items():
        for span in f.all(concept):
            verb = _verb(f, span, "MAKE", "ACQUIRE")
            if _recipe(f, span) or (verb and _howto(f, span)):
                score.add(instructed, f"{concept.lower()}_howto")
            elif _howto(f, span):
                score.add(asked, f"{concept.lower()}_asked")
            elif verb:
                score.add(made, f"{concept.lower()}_made")
            else:
                score.add(mentioned, concept.lower())
    for concept in ("WEAPON", "DRUG_GENERIC"):
        for span in f.all(concept):
            if (_recipe(f, span) or _howto(f, span)) and _verb(f, span, "MAKE", "ACQUIRE"):
                score.add(HIGH, f"{concept.lower()}_howto")
    for span in f.all("POISON"):
        aimed = f.within("PERSON", span[1], span[1] + 3, f.text.sentence[span[0]])
        if aimed or f.word(span[0]) == "untraceable":
            score.add(HIGH if _recipe(f, span) or _howto(f, span) else MEDIUM, "poisoning")
    for span in f.all("VIOLENT_ACT"):
        sentence = f.text.sentence[span[0]]
        asked = f.within("HOWTO", span[0] - 4, span[0] - 1, sentence) or \
            f.within("RECIPE", span[0] - 4, span[0] - 1, sentence)
        if asked and f.within("PERSON", span[1], span[1] + 3, sentence):
            score.add(HIGH, "murder_howto")


def _violence(f: Found, score: Score) -> None:
    setting = f.has("FICTION", "DOCUMENTARY")
    for span in f.all("MASS_VIOLENCE"):
        planned = (_howto(f, span) or _recipe(f, span)) and _verb(f, span, "PLAN", "MAKE")
        if f.near("GLORIFY", span, 10) or planned:
            score.add(HIGH, "mass_violence_promoted")
        elif f.has("DOCUMENTARY", "AWARENESS"):
            score.add(LOW, "mass_violence_reported")
        else:
            score.add(MEDIUM, "mass_violence")
    for span in f.all("GORE"):
        severity = HIGH if f.near("INTENSIFIER", span, 10) else MEDIUM
        score.add(lower(severity) if setting else severity, "gore")
    for span in f.all("VIOLENT_ACT"):
        if f.near("INTENSIFIER", span, 6):
            score.add(LOW if setting else MEDIUM, "graphic_violence")
    if f.has("GORE_LOW"):
        score.add(LOW, "blood")


def _self_harm(f: Found, score: Score) -> None:
    if f.has("SELF_HARM_DIRECTED"):
        score.add(HIGH, "self_harm_urged")
    awareness = f.has("AWARENESS")
    for span in f.all("SELF_HARM"):
        sentence = f.text.sentence[span[0]]
        # Promotion: glorified, a recipe, or a how-to aimed right at the act ("how to cut yourself"), not a how-to
        # that merely mentions it ("how to help a friend who is suicidal").
        promoted = f.near("GLORIFY", span, 10) or f.near("RECIPE", span, 10) or \
            bool(f.within("HOWTO", span[0] - 3, span[0] - 1, sentence))
        for method in f.within("METHOD", span[0] - 6, span[0] - 1, sentence):
            # "the best way to prevent suicide" names a method of prevention, not of harm.
            if not f.within("AWARENESS", method[1], span[0] - 1):
                promoted = True
        if promoted:
            severity = HIGH
        else:
            severity = LOW if f.word(span[0]) in ("suicide", "suicidal") and span[1] - span[0] == 1 else MEDIUM
        score.add(lower(severity) if awareness else severity, "self_harm")


def hate_speech(f: Found, score: Score) -> None:
    sentence_of = f.text.sentence
    for span in f.all("SLUR"):
        violent = any(f.near(c, span, 12) for c in ("ELIMINATE", "ELIMINATE_AFTER", "VIOLENT_ACT", "THREAT"))
        score.add(HIGH if violent else MEDIUM, "slur")
    checks = []
    for span in f.all("GROUP"):
        if _chain_to(f, span[1], ("DEHUMANIZE",), need_link=True):
            checks.append((HIGH, "dehumanizing"))
        elif _chain_to(f, span[1], ("NEG_TRAIT",), need_link=True):
            checks.append((MEDIUM, "stereotype"))
        if f.within("ELIMINATE_AFTER", span[1], span[1] + 4, sentence_of[span[0]]):
            checks.append((HIGH, "eliminationist"))
    for span in f.all("GENDER"):
        if _chain_to(f, span[1], ("DEHUMANIZE",), need_link=True):
            checks.append((MEDIUM, "dehumanizing_gender"))
    for span in f.all("ELIMINATE"):
        if f.within("GROUP", span[1], span[1] + 3, sentence_of[span[0]]):
            checks.append((HIGH, "eliminationist"))
    for span in f.all("DEPORT"):
        if f.near("GROUP", span, 4):
            checks.append((LOW, "deport"))
    for span in f.all("EXTREMIST"):
        if f.near("GLORIFY", span, 10):
            checks.append((MEDIUM, "extremism_glorified"))
        elif f.near("PROPAGANDA", span, 6):
            checks.append((LOW, "extremist_propaganda"))
    if f.has("HATE_SLOGAN"):
        checks.append((LOW if f.has("DOCUMENTARY") else MEDIUM, "hate_slogan"))
    awareness = f.has("AWARENESS")
    for severity, reason in checks:
        score.add(lower(severity) if awareness else severity, reason)


def harassment(f: Found, score: Score) -> None:
    if f.has("THREAT"):
        score.add(HIGH, "threat")
    if f.has("SELF_HARM_DIRECTED"):
        score.add(MEDIUM, "urged_self_harm")
    targets = list(f.all("TARGET")) + [(k, k + 1) for k in sorted(f.text.handles)]
    sexual = f.has("SEX_HIGH", "SEX_MEDIUM", "SEX_VIOLENCE")
    awareness = f.has("AWARENESS")
    insulted = False
    for span in targets:
        # A question ("does this dress make you look fat?") is ad copy, not an insult.
        if f.text.sentence[span[0]] in f.text.questions:
            continue
        named_by_insult = f.within("INSULT", span[0], span[1] - 1)  # "this bitch", "that loser"
        if named_by_insult or _chain_to(f, span[1], ("INSULT", "SLUR"), need_link=False):
            insulted = True
            score.add(MEDIUM, "insult")
    for span in f.all("HUMILIATE"):
        # Aimed at someone: the target follows ("bully my classmate"), or precedes a passive ("my classmate being
        # bullied"), or is an @handle nearby.
        sentence = f.text.sentence[span[0]]
        aimed = bool(f.within("TARGET", span[1], span[1] + 4, sentence)) or \
            any(abs(k - span[0]) <= 6 for k in f.text.handles)
        if not aimed and f.word(span[1] - 1).endswith("ed"):
            aimed = bool(f.within("TARGET", span[0] - 4, span[0] - 1, sentence))
        if not aimed:
            continue
        severity = HIGH if insulted or sexual or f.near("INSULT", span, 10) else MEDIUM
        score.add(lower(severity) if awareness else severity, "humiliation")
    if f.has("DOX"):
        score.add(HIGH if sexual else MEDIUM, "doxxing")
    # Showing where a person lives or how to reach them ("post the home address of ...", "show where my ex lives so
    # everyone can find her"); a shop's own address and number in an ad is none of these.
    if f.has("HOME_INFO", "PRIVATE_INFO") and f.has("EXPOSE", "FIND_THEM") and not f.has("LISTING"):
        aimed = f.has("TARGET") or bool(f.text.handles) or f.has("FIND_THEM")
        if f.has("HOME_INFO") or aimed:
            score.add(MEDIUM, "doxxing")
    # Gendered slurs and the like aimed at someone a few words on ("calling my coworker Sarah a worthless whore").
    for span in targets:
        if f.text.sentence[span[0]] in f.text.questions:
            continue
        if any(f.word(s) in _STRONG_INSULTS for s, _ in f.within("INSULT", span[1], span[1] + 10, f.text.sentence[span[0]])):
            score.add(MEDIUM, "insult")
            break
    if any(f.word(s) in _STRONG_INSULTS for s, _ in f.all("INSULT")):
        score.add(LOW, "insult_word")
    _named_insults(f, score)
    _incitement(f, score)


# ---- harassment of named people ------------------------------------------------------------------------------
# Insults that degrade a person whoever says them: with a name as the subject ("Sarah Connor is a worthless
# whore") they are abuse aimed at that person. Milder ones ("Jane Doe is a worthless villain in our sketch",
# "Sarah is a loser") are left alone, since with a name they are as often a character's role as abuse.
_SEVERE_INSULTS = _STRONG_INSULTS | frozenset({"scum", "subhuman", "vermin"})
# Capitalised words that are not names.
_NOT_NAMES = frozenset({"i", "im", "id", "ill", "ive", "ok", "okay", "tv", "ai", "god", "the", "a", "an"})
# Words that make what follows an instruction to others ("go beat up ...", "everyone spit on her", "let's ...":
# normalize.py reads "let's" as "let").
_INCITE_CUES = frozenset({"go", "let", "lets", "someone", "somebody", "everyone", "everybody", "anyone", "anybody",
                          "yall", "should", "must", "gotta", "please", "and"})
_OBJECT_PRONOUNS = frozenset({"her", "him", "them", "em"})
_SUBJECT_PRONOUNS = frozenset({"she", "he"})


def _name_at(f: Found, k: int) -> int:
    """The end of a person's name starting at word k ("Jane Doe", "sarah connor"), or k when there is none.

    A common first name counts in any case. Otherwise capitals: a capitalised word inside a clause ("go beat up
    Doe"), or two at its start ("Jane Doe lives ..."; a lone capital there is only the first word of a sentence or
    a quote: "Karma is a ..."). A run of capitals that runs on into the verbs is Title Case, not a name."""
    words, caps, n = f.text.words, f.text.capitalized, len(f.text)
    if k >= n:
        return k
    if f.within("FIRST_NAME", k, k):
        end = k + 1
        while end < n and end in caps and end - k < 3 and words[end] not in _NOT_NAMES and not f.text.clause[end]:
            end += 1
        # Without capitals, the word after a first name is taken as its surname unless it plainly is not one
        # ("sarah connor is", not "sarah is").
        if end == k + 1 and end < n and not f.text.clause[end] and words[end] not in _FILLERS \
                and words[end] not in _NOT_NAMES and not f.within("INSULT", end, end):
            end += 1
        return end
    end = k
    # At most four looked at, so a text of capitals is read in linear time.
    while end < n and end - k < 4 and end in caps and words[end] not in _NOT_NAMES and \
            (end == k or not f.text.clause[end]):
        end += 1
    if end == k or end - k > 3:
        return k
    if end - k == 1 and (k == 0 or f.text.clause[k]):
        return k
    return end


def _named_insults(f: Found, score: Score) -> None:
    words, sentence = f.text.words, f.text.sentence
    worse = None  # humiliation or incitement in the same prompt makes it HIGH; computed once, when first needed
    k = 0
    while k < len(words):
        end = _name_at(f, k)
        named = end > k
        if not named and words[k] in _SUBJECT_PRONOUNS:
            end = k + 1
        if end == k:
            k += 1
            continue
        # "he's a bitch magnet" is an idiom; the contraction only counts after a name.
        if sentence[k] not in f.text.questions and _severe_insult_follows(f, end, contraction=named):
            if worse is None:
                worse = f.has("HUMILIATE") or bool(_incited(f))
            score.add(HIGH if worse else MEDIUM, "insult_named")
        k = end


def _severe_insult_follows(f: Found, end: int, contraction: bool = True) -> bool:
    """"<name> is a worthless whore": a link word, fillers, then a severe insult or a slur. "Sarah's a ..." reads
    as "Sarah is a ..." (normalize.py marks the 's as a possessive, but a possessive is never followed by "a")."""
    if end >= len(f.text):
        return False
    contracted = contraction and end - 1 in f.text.possessive and f.word(end) in ("a", "an", "such")
    if f.word(end) not in _LINKS and not contracted:
        return False
    for span in f.within("INSULT", end, end + _MAX_CHAIN) + f.within("SLUR", end, end + _MAX_CHAIN):
        severe = span[1] - span[0] > 1 or f.word(span[0]) in _SEVERE_INSULTS or bool(f.within("SLUR", *span))
        if severe and _chain_to(f, end, ("INSULT", "SLUR"), need_link=False) and \
                all(f.word(j) in _FILLERS for j in range(end, span[0])):
            return True
    return False


def _incited(f: Found, acts: str = "INCITE_ACT") -> list[tuple[int, int, bool]]:
    """Each instruction to hurt someone: (start, end, named), named when the object is a name rather than a
    pronoun or "someone". An instruction: the act starts a clause ("Hurt her.") or follows a cue word a few words
    back ("go beat up Jane Doe", "everyone spit on her", "let's"); its object is a person right after it."""
    words, sentence, clause = f.text.words, f.text.sentence, f.text.clause
    out = []
    for start, end in f.all(acts):
        # An object pronoun inside the act itself ("beat her up") is its object.
        inner = any(words[j] in _OBJECT_PRONOUNS for j in range(start, end))
        cued = start == 0 or clause[start] or sentence[start - 1] != sentence[start]
        for j in range(max(0, start - 3), start):
            if sentence[j] == sentence[start] and words[j] in _INCITE_CUES:
                cued = True
        if not cued:
            continue
        obj = end
        if obj < len(words) and words[obj] in ("the", "that", "this") and sentence[obj] == sentence[start]:
            obj += 1
        named = _name_at(f, obj) > obj if obj < len(words) and sentence[obj] == sentence[start] else False
        if named and start in f.text.capitalized and not f.within("FIRST_NAME", obj, obj):
            # A capitalised act before capitalised words is as likely a name or title itself ("Punch Card Games",
            # "Smash Mouth"): then only a known first name counts as a person ("Kill Jane Doe").
            named = False
        person = inner or named or (obj < len(words) and sentence[obj] == sentence[start] and (
            words[obj] in _OBJECT_PRONOUNS or bool(f.within("PERSON", obj, obj, sentence[start]))
            or any(f.word(s) not in ("you", "u", "ur", "youre", "yall")
                   for s, _ in f.within("TARGET", obj, obj, sentence[start]))))
        if person:
            out.append((start, end, named))
    return out


def _incitement(f: Found, score: Score) -> None:
    """Telling others to hurt someone. With where they live ("Go beat up Jane Doe, she lives at 12 Oak Road") it
    is the worst kind of doxxing; a game or a film lowers an unnamed, unlocated target ("go attack them")."""
    located = f.has("HOME_INFO")
    for start, end, named in _incited(f):
        if located:
            score.add(HIGH, "incitement_located")
        elif named or not f.has("FICTION"):
            score.add(MEDIUM, "incitement")
        else:
            score.add(LOW, "incitement_fiction")
    # Sending people to someone is harmless ("go find Jane Doe at the reunion") until the prompt also says where
    # they live ("Jane Doe lives at 12 Oak Road. Go find her."): then it is doxxing.
    if located and not f.has("LISTING") and _incited(f, "SEEK_ACT"):
        score.add(MEDIUM, "doxxing_sent")


def civic_integrity(f: Found, score: Score) -> None:
    fabricated, satire = f.has("FABRICATION"), f.has("SATIRE")
    for span in f.all("POLITICIAN"):
        if f.near("CIVIC_CRIME", span, 15):
            severity = HIGH if fabricated else MEDIUM
            score.add(lower(severity) if satire else severity, "fabricated_politician_crime")
    if f.has("ELECTION_MISINFO"):
        severity = HIGH if fabricated else MEDIUM
        score.add(lower(severity) if satire else severity, "election_misinformation")


def jailbreak(f: Found, score: Score, other: Severity) -> None:
    if f.has("JAILBREAK_DISABLE"):
        score.add(MEDIUM, "disable_safety")
    if f.has("JAILBREAK_OVERRIDE"):
        # Overriding instructions is harmless on its own in a video prompt; paired with anything flagged it is an
        # attempt to get that through.
        score.add(MEDIUM if other > NONE else LOW, "override")
