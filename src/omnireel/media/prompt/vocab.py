"""The words the prompt parser recognises: camera moves, shot sizes, lighting, styles and subject kinds.

Each table maps a canonical name to the phrases that mean it. Order matters where phrases overlap: the first
table entry that matches wins ("dolly zoom" must be tried before "dolly in" and "zoom in").
"""

from __future__ import annotations

CAMERA_MOVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dolly_zoom", ("dolly zoom", "vertigo effect", "vertigo shot", "zolly", "contra-zoom", "contra zoom")),
    ("crash_zoom", ("crash zoom", "snap zoom", "whip zoom", "rapid zoom", "fast zoom in", "quick zoom")),
    ("orbit", ("orbit", "orbits", "orbiting", "arc shot", "arcs around", "circles around", "circling", "360", "turntable", "revolves around the")),
    # pull_out is tried before push_in so that "slow zoom out" is not read as "slow zoom" (a push in).
    ("pull_out", ("pull out", "pull-out", "pulls out", "pull back", "pulls back", "pulling back", "dolly out", "dolly-out", "dollies out", "dolly back", "dolly-back", "dollies back", "dollying back", "dolly backward", "dolly away", "zoom out", "zoom-out", "zooms out", "zooming out", "reveal shot", "widens to reveal", "track out", "tracks out", "tracking out", "track back")),
    ("push_in", ("push in", "push-in", "pushes in", "pushing in", "push forward", "pushes forward", "dolly in", "dolly-in", "dollies in", "dollying in", "dolly forward", "dolly-forward", "dollies forward", "dollying forward", "dolly toward", "zoom in", "zoom-in", "zooms in", "zooming in", "slow zoom", "gentle zoom", "subtle zoom", "smooth zoom", "gradual zoom", "zoom on", "zooms on", "zoom into", "zooms into", "zoom toward", "zooms toward", "move closer", "moves closer", "creep in", "punch in", "track in", "tracks in", "tracking in", "track forward")),
    ("pan", ("pan left", "pan right", "pans left", "pans right", "panning", "pan across", "pans across", "slow pan", "pan shot", "whip pan", "tracking shot", "tracks left", "tracks right", "track left", "track right", "tracking", "truck left", "truck right", "lateral", "side-scrolling", "slides across", " pan ", " pans ")),
    ("tilt", ("tilt up", "tilt down", "tilts up", "tilts down", "tilting", "pedestal up", "pedestal down", "crane up", "crane down", "boom up", "boom down")),
    ("handheld", ("handheld", "hand-held", "shaky cam", "shaky", "documentary-style camera", "run and gun", "found footage")),
    ("static", ("static", "locked off", "locked-off", "tripod", "still camera", "fixed camera", "no camera movement", "camera does not move", "stationary camera")),
)

# Aerial and drone shots name no move of their own: they read as a slow push over the scene (a pan when a side is
# named). Tried only when CAMERA_MOVES finds nothing, so "aerial shot, slow pan left" stays a pan.
AERIAL_SHOTS = (
    "aerial", "drone shot", "drone footage", "drone view", "drone camera", "drone flyover", "flyover", "fly-over",
    "bird's-eye", "bird's eye", "birds-eye", "birds eye",
)

SHOT_SIZES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("extreme close-up", ("extreme close-up", "extreme closeup", "ecu", "macro")),
    ("close-up", ("close-up", "closeup", "close up", "tight shot")),
    ("medium", ("medium shot", "mid shot", "waist-up", "medium close")),
    ("wide", ("wide shot", "wide angle", "wide-angle", "establishing shot", "long shot", "panorama", "panoramic")),
    ("aerial", ("aerial", "drone shot", "drone", "bird's-eye", "birds eye", "overhead", "top-down")),
)

LIGHTING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("neon", ("neon", "cyberpunk", "synthwave", "rgb lighting")),
    ("golden hour", ("golden hour", "magic hour", "sunset", "sunrise", "dusk", "warm evening light", "morning light",
                     "morning sun", "early morning", "warm light", "warm lighting", "warm glow", "afternoon sun")),
    ("noir", ("noir", "chiaroscuro", "hard shadows", "low-key", "low key")),
    ("soft", ("soft light", "soft lighting", "softbox", "diffused", "soft, even", "soft glow", "gentle light")),
    ("cinematic", ("cinematic lighting", "cinematic light", "dramatic lighting", "rim light", "rim-lit", "backlit", "volumetric", "god rays")),
    ("studio", ("studio lighting", "studio light", "three-point", "seamless backdrop", "product lighting", "clean lighting")),
    ("natural", ("natural light", "natural lighting", "daylight", "sunlight", "overcast", "window light")),
    ("night", ("moonlight", "night-time", "nighttime", "at night", "streetlights", "candlelight", "candle-lit")),
    ("high key", ("high key", "high-key", "bright and airy", "bright, airy")),
)

STYLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ad", ("ad ", " ad", "advert", "commercial", "promo", "product shot", "product video", "campaign", "marketing", "short ad", "sale")),
    ("documentary", ("documentary", "nature film", "bbc-style", "observational")),
    ("animation", ("animation", "animated", "cartoon", "anime", "pixar", "3d render", "claymation", "stop motion", "stop-motion")),
    ("motion graphics", ("motion graphics", "kinetic typography", "title card", "title sequence", "lower third", "typography", "logo reveal", "explainer")),
    ("vintage", ("vintage", "retro", "film grain", "super 8", "16mm", "vhs", "1970s", "1980s", "sepia")),
    ("live action", ("live action", "live-action", "photoreal", "photorealistic", "realistic", "hyperreal", "shot on", "35mm", "4k footage")),
    ("cinematic", ("cinematic", "film look", "anamorphic", "movie", "trailer", "epic")),
    ("minimal", ("minimal", "minimalist", "clean", "flat design")),
    ("social", ("tiktok", "reels", "shorts", "social media", "ugc", "vertical video")),
)

# Subjects the builtin engine cannot draw: people, animals, vehicles, real places, food. A text_to_video prompt
# built around one of these gets a labelled animatic instead of a pretend render.
PHOTOREAL_SUBJECTS = (
    "person", "people", "woman", "man", "men", "women", "girl", "boy", "child", "kid", "baby", "chef", "dancer",
    "athlete", "skater", "surfer", "runner", "musician", "violinist", "crowd", "face", "portrait", "astronaut",
    "dog", "cat", "puppy", "kitten", "horse", "bird", "fish", "whale", "dolphin", "lion", "tiger", "bear", "fox",
    "dragon", "robot", "animal", "butterfly", "deer", "wolf", "owl", "eagle",
    "car", "cars", "truck", "train", "plane", "airplane", "ship", "boat", "motorcycle", "bicycle", "bike", "rocket",
    "city", "street", "forest", "mountain", "beach", "ocean", "waterfall", "desert", "kitchen", "cafe", "restaurant",
    "room", "office", "house", "building", "skyline", "village", "park", "garden", "river", "lake", "field",
    "coffee", "cup", "food", "burger", "pizza", "cake", "bottle", "sneaker", "shoe", "watch", "phone", "perfume",
    "marble", "ball", "track", "flower", "tree", "trees", "rain", "snow", "fire",
)

# Words that say the shot is graphic design, which the builtin engine can render for real.
GRAPHIC_WORDS = (
    "title card", "title sequence", "kinetic typography", "typography", "motion graphics", "lower third", "text",
    "logo", "end card", "abstract", "gradient", "background", "backdrop", "bokeh", "particles", "intro", "outro",
    "slide", "caption", "headline", "banner", "announcement", "countdown", "poster", "card",
    # A title or tagline over a place ("Fun title over an ocean") is still type over a drawn environment.
    "title", "tagline", "slogan", "wordmark",
)

# Organisations an ad is for: "a coffee brand" is a brand, not a cup of coffee, so the noun in front of one of
# these does not make the prompt photoreal (the brand's ad is motion design).
ORG_NOUNS = (
    "brand", "brands", "company", "companies", "business", "startup", "agency", "label", "firm", "app", "shop",
    "store", "chain", "franchise", "service", "roastery",
)

# Instructions that change a subject's pixels (recolour, replace, remove, add): beyond moving, scaling and
# lighting, so image-based tasks refuse them with a specific message instead of silently ignoring them.
CONTENT_CHANGES = (
    "turn the", "change the", "replace the", "remove the", "erase the", "delete the", "add a ", "add an ",
    "recolor", "recolour", "repaint", "paint the", "swap the", "transform the", "turn it into", "invisible",
    "morph into", "make it red", "make it blue", "make it green", "change its color", "change its colour",
    "dress the", "put a hat",
)

# Verbs that mark where a subject ends and its action begins ("A marble | rolling fast on a track").
ACTION_VERBS = (
    "is", "are", "walks", "walking", "runs", "running", "flies", "flying", "floats", "floating", "spins",
    "spinning", "rotates", "rotating", "rolls", "rolling", "dances", "dancing", "sits", "sitting", "stands",
    "standing", "pours", "pouring", "plays", "playing", "jumps", "jumping", "swims", "swimming", "drives",
    "driving", "glides", "gliding", "rises", "rising", "falls", "falling", "moves", "moving", "turns",
    "turning", "smiles", "smiling", "looks", "looking", "holds", "holding", "lands", "landing", "appears",
    "appearing", "emerges", "emerging", "sways", "swaying", "drifts", "drifting", "splashes", "splashing",
    "reveals", "revealing", "bounces", "bouncing", "hovers", "hovering", "shines", "shining", "glows", "glowing",
    "steams", "steaming", "melts", "melting", "grows", "growing", "opens", "opening", "crashes", "crashing",
    "flows", "flowing", "flickers", "flickering", "explodes", "exploding", "unfolds", "unfolding", "laughs",
    "laughing", "eats", "eating", "cooking", "climbs", "climbing", "skating", "surfs", "surfing",
    "chases", "chasing", "sleeps", "sleeping", "leaps", "leaping", "dives", "diving", "soars", "soaring",
    "flutters", "fluttering", "blows", "blowing", "wags", "wagging", "sings", "singing", "twinkles", "twinkling",
    "blooming", "waving",
    "with", "on", "in", "at", "against", "under", "over", "inside", "across", "through", "near", "beside",
)
