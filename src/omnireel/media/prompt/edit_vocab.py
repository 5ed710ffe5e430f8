"""The words an edit instruction is read with: filler that carries no instruction, the nouns each kind of op may
take along ("make the colours warmer"), position phrases for on-screen text, mood words for a new music bed, and
the words that mark a request needing understanding of the pixels. Kept apart from the parser so the tables can
grow without touching its logic.
"""

from __future__ import annotations

import re

from omnireel.media.prompt.vocab import PHOTOREAL_SUBJECTS

# Words that may be left over in any clause: politeness, connectives, pronouns and the names of the clip itself.
FILLER = frozenset("""
please pls can could would will you i i'd i'm we want need like love to it its it's this that these those the a an
video clip footage shot film movie whole entire also then now and but so just simply ok okay finally lastly first
firstly next too as well for me us of on in with all my our make sure let's lets go ahead edit version result
thanks thank again one is be should get have has do does done whole overall entirely completely fully totally
only
""".split())

# Nouns and modifiers an op of each kind may bring with it.
KIND_FILLER = {
    "text": frozenset("""
add put place insert overlay overlaid write show display include superimpose burn burned burnt type stick title
titles caption captions subtitle subtitles text texts words word label banner tagline slogan headline heading
saying says say that which reading reads read with onscreen on-screen screen over video as big large huge small
little bold white simple clean short new card lower third name tag strap appear appears pop up message writing
written letters font there have has following quote quoted of start starts starting begin begins
""".split()),
    "look": frozenset("""
look looks looking colors colours color colour tones tone tint tinted grade graded grading feel lighting light
image picture more much bit little slightly somewhat subtly touch lot very really way significantly strongly
heavily tad even add give apply some effect filter style like turn convert into version overall everything
mildly gently dramatically gentle subtle mood scene shot whole exposure brightness contrast saturation vibe
""".split()),
    "trim": frozenset("""
cut trim remove delete drop lose skip chop off out get rid take snip crop discard throw away keep use leave only
just part portion section segment bit seconds second long down limit shorten shorter shortened trimmed keeping
rest beginning start end everything anything all whatever stuff remaining remainder stop finish begin
""".split()),
    "speed": frozenset("""
speed playback play played playing at by times x motion down up in to make a bit little real time rate whole
double half quarter triple slow slower fast faster quick quicker effect mo run
""".split()),
    "reverse": frozenset("play played playing run order playback effect make have".split()),
    "flip": frozenset("flip flipped mirror mirrored image picture horizontally vertically left right".split()),
    "fade": frozenset("""
fade fades faded fading in out to from black white add put nice smooth gentle slow quick soft long short
picture image everything screen up down into away transition
""".split()),
    "audio": frozenset("""
sound sounds audio music soundtrack track volume level levels background original existing score song noise
bit little slightly much lot by half db percent some with new instead all of something one more mood vibe feel
style kind type tune bed beat quieter louder softer down up turn make bring it entirely totally completely play
playing use add put include give lay different other replace swap change switch substitute into for to mute
muted silent silence remove delete drop strip cut kill take off out lose away disable rid eliminate without no
any fade fades in out piece
""".split()),
    "aspect": frozenset("""
make convert turn change crop crops reframe reframed reformat resize switch format adapt to into for as aspect
ratio frame version orientation mode instead tiktok reels shorts stories instagram youtube post feed phone mobile
phones snapchat story vertical portrait landscape horizontal square widescreen wide screen fit
""".split()),
}

# Text positions, most specific first. Each maps to a canonical position name.
POSITIONS: tuple[tuple[str, re.Pattern], ...] = (
    ("corner", re.compile(
        r"\b(?:in\s|at\s|on\s|to\s|into\s)?(?:the\s)?(top|upper|bottom|lower)[- ]?(left|right)(?:[- ]hand)?"
        r"(?:\scorner)?(?:\sof\s(?:the\s)?(?:frame|screen|video|picture|image|clip))?\b")),
    ("bottom_right", re.compile(r"\b(?:in|at|into)\s(?:the|a)\scorner\b")),
    ("lower_third", re.compile(r"\b(?:as\s|in\s)?(?:an?\s|the\s)?lower[- ]third\b")),
    ("upper_third", re.compile(r"\b(?:as\s|in\s)?(?:an?\s|the\s)?upper[- ]third\b")),
    ("top", re.compile(
        r"\b(?:at|on|along|across|near|to|in)?\s?(?:the\s)?(?:very\s)?top(?:\s(?:edge|part|area|side))?"
        r"(?:\sof\s(?:the\s)?(?:frame|screen|video|picture|image|clip|shot))?\b")),
    ("bottom", re.compile(
        r"\b(?:at|on|along|across|near|to|in)?\s?(?:the\s)?(?:very\s)?bottom(?:\s(?:edge|part|area|side))?"
        r"(?:\sof\s(?:the\s)?(?:frame|screen|video|picture|image|clip|shot))?\b")),
    ("center", re.compile(
        r"\b(?:in\s|at\s)?(?:the\s)?(?:dead\s)?(?:center|centre|middle)(?:\sof\s(?:the\s)?"
        r"(?:frame|screen|video|picture|image|clip|shot))?\b|\bcent(?:er|re)d\b")),
)

TEXT_ROLES: tuple[tuple[str, re.Pattern], ...] = (
    ("lower_third", re.compile(r"\blower[- ]thirds?\b|\bname\s(?:tag|strap|super)\b")),
    ("caption", re.compile(r"\b(?:captions?|subtitles?|subtitled|captioned)\b")),
    ("title", re.compile(r"\b(?:title(?:\scard)?s?|headlines?|headings?|end\scard)\b")),
    ("text", re.compile(r"\b(?:text|words?|label|banner|tagline|slogan|message|overlay|writing)\b")),
)
TEXT_VERBS = re.compile(
    r"\b(?:add|put|place|insert|overlay|write|show|display|include|superimpose|burn|type|stick|caption|title|label|"
    r"have)\b")
# Verbs that act on text already in the picture: finding it there needs understanding of the pixels.
TEXT_CHANGE = re.compile(r"\b(?:change|replace|edit|fix|correct|translate|remove|delete|erase|swap|update|rewrite|"
                         r"rename|hide|blur)\b")

# Mood words for a new music bed beyond the ones media.audio.music reads itself (those are used as well).
MOOD_SYNONYMS = {
    "sad": "cinematic", "melancholic": "cinematic", "melancholy": "cinematic", "emotional": "cinematic",
    "somber": "dark", "sombre": "dark", "tense": "dark", "scary": "dark", "spooky": "dark", "creepy": "dark",
    "suspenseful": "dark", "ominous": "dark", "chill": "calm", "chilled": "calm", "relaxing": "calm",
    "relaxed": "calm", "mellow": "calm", "soothing": "calm", "quiet": "calm", "ambient": "dreamy",
    "romantic": "dreamy", "cheerful": "upbeat", "joyful": "upbeat", "uplifting": "upbeat", "lively": "upbeat",
    "bouncy": "upbeat", "positive": "upbeat", "orchestral": "epic", "powerful": "epic", "electronic": "neon",
    "synth": "neon", "techno": "energetic", "driving": "energetic", "exciting": "energetic", "retro": "vintage",
    "jazzy": "vintage", "piano": "calm", "peaceful": "calm", "happy": "upbeat", "fun": "upbeat",
}

# Words that mark an instruction about what is in the picture: objects, people, places, weather, clothes,
# expressions. A clause the builtin edits do not cover that contains one is refused as needing understanding.
PIXEL_WORDS = frozenset("""
invisible disappear disappears vanish vanishes erase replace swap recolor recolour recolored recoloured paint
repaint background backdrop sky weather rain raining rainy snow snowing snowy fog foggy sunny cloudy sunset
sunrise night daytime day clothes clothing shirt dress jacket hat coat shoes hair face faces person people man
woman men women child children kid kids boy girl baby dog cat car cars violin guitar piano object objects logo
smile smiling smiles laugh laughing eyes track tracking follow following subject character characters building
buildings tree trees table cup bottle product animal animals bird birds hand hands wearing wear remove delete add
insert blur blurry face mouth expression pose dancing dance walking running jump jumping holding hold
""".split()) | frozenset(PHOTOREAL_SUBJECTS)

# Where an edit the builtin engine cannot make can go. Only the upstream engine edits with an understanding of the
# picture; the diffusers engine generates from text or an image and refuses edits, so it is not offered.
UPSTREAM_FOR_EDITS = ("the upstream engine (model omnireel-upstream: Google's hosted model, available when this "
                      "server is configured with OMNIREEL_UPSTREAM_API_KEY)")

CAPABILITIES = (
    "add on-screen text given in quotes (a title, caption or lower third; at the top, bottom, centre or a corner; "
    "for a time range such as '[2-5s]' or 'for the first 3 seconds'); black and white, sepia, warmer, cooler, "
    "brighter, darker, more or less contrast or saturation, a vintage or cinematic look; trims ('keep only the "
    "first 4 seconds', 'cut the last second'); speed ('slow motion', '2x faster'); play backwards; mirror; fades "
    "from or to black or white; mute, volume, or new music by mood ('replace the music with calm music'); and "
    "aspect changes ('make it vertical', 'square')"
)
