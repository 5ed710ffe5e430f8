"""The words and phrases the classifier looks for, grouped into concepts that rules combine (rules.py).

A concept alone rarely blocks: "bomb", "shoot", "kill" and "naked" are everyday words in ads and films. Rules block
on combinations (how-to + explosive, a violent act aimed at a child, a group + a dehumanizing predicate), and the
BENIGN concept masks fixed phrases whose words only look harmful ("bomb pop", "water gun", "chicken breast").

Phrase syntax (compiled by matcher.py): words separated by spaces, all lowercase and already normalized the way
normalize.py writes prompt words (so "you're" is "you re" and "self-harm" is "self harm"); "a|b" is a choice;
a trailing "?" makes a slot optional; a trailing "*" matches any word starting with what precedes it.
"""

from __future__ import annotations

from omnireel.safety.slurs import slurs

_PEOPLE = "someone|somebody|people|person|him|her|them|man|woman|men|women|wife|husband|boss|neighbor|neighbour"
_VICTIM = "you|u|him|her|them|ya|yall"
_THREAT_VERBS = "kill|murder|stab|shoot|hurt|rape|strangle|choke|end|slaughter"
_UNDER_18 = "|".join([str(n) for n in range(1, 18)] + [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen"])
_AGED_GOODS = ("whisky|whiskey|scotch|bourbon|rum|wine|cognac|brandy|malt|port|tequila|cheddar|cheese|gouda|parmesan|"
               "balsamic|vinegar|ham|steak|beef|bottle|cask|tree|trees|house|building|car|company|brand|business|"
               "recipe|tradition|startup|horse|horses|dog|dogs|cat|cats|puppy|vine|vines|oak|bonsai")

CONCEPTS: dict[str, list[str]] = {
    # ---- phrases whose words only look harmful; they mask those words for every rule -------------------------
    "BENIGN": [
        "bomb pop|pops", "bath|photo|smoke|glitter|seed|flavor|flavour|calorie|truth|cherry bomb|bombs", "f bomb",
        "box office bomb", "bombshell", "da|the bomb dot com", "da bomb", "is|s|was|are|re the bomb",
        "water|nerf|glue|heat|spray|staple|nail|squirt|massage|paint|caulk|bubble|toy|radar|sun|grease|foam|dart|"
        "laser|tattoo|airbrush|pellet|cap|ray|confetti|snow gun|guns",
        "gun metal|metallic|grey|gray", "gunmetal", "top gun", "smoking gun", "gun shy", "jump the gun",
        "son of a gun", "big guns", "stick to your guns", "guns n roses", "starting gun", "shotgun seat|wedding",
        "bullet point|points|journal|train|time|list|proof|hole", "silver bullet", "bite the bullet",
        "magic bullet", "chicken|turkey|duck breast|breasts", "breast cancer|pocket|pump|feeding|milk|stroke|plate",
        "breastfeeding|breaststroke",
        "baby blue|pink|oil|doll|dolls|face|spinach|carrots|carrot|corn|grand|back|shower|monitor|steps|boomers|"
        "boomer|powder|bump|food|formula|bottle|bottles|wipes|clothes|gear|proofing",
        "babydoll", "sugar baby|babies", "hey|oh baby", "kid gloves", "kidding",
        "nude lipstick|lip|lips|color|colors|colour|colours|colored|coloured|tone|tones|shade|shades|palette|"
        "heels|pumps|shoes|nails|nail|polish|makeup|beige|pink|hue|hues|fabric|dress|bra|stockings|tights|gloss|"
        "blush|eyeshadow|liner|manicure|look|aesthetic|sandals|leather|knit|neutrals|neutral",
        "naked eye|flame|flames|truth|cake|juice|ambition|aggression|wall|walls|bulb|lightbulb|light|wire|branch",
        "naked and afraid",
        "drug store|stores|free|test|testing|policy|discovery|trial|trials|interaction|interactions|delivery",
        "drugstore",
        "killer whale|whales|deal|deals|app|heels|sale|look|smile|view|views|instinct|bee|queen|sudoku|workout|abs|"
        "combo|feature|features|price|prices|offer|offers|outfit|style|beat|beats|track|tracks|playlist|moves",
        "kill it", "killing it", "killed it", "kill the lights|music|engine|mood|switch|power|noise|buzz",
        "kill switch", "killing time", "kill time", "dressed to kill", "kill two birds",
        "stab|stabs|stabbing|stabbed a|the|his|her|their|into fork|forks|skewer|skewers|toothpick|steak|meat|"
        "potato|potatoes|sausage|cake|olive|olives",
        "cutting edge", "crash zoom|course|cut|test|pad", "shot of whisky|whiskey|tequila|vodka|espresso|rum|gin|"
        "liquor|sake|wheatgrass", "shot glass|glasses",
        "smoke machine|machines|effect|effects|alarm|detector",
        "blood orange|oranges|moon|drive|donation|donor|donors|bank|type|pressure|sugar|test|tests|red|brother|"
        "brothers|sport|diamond|diamonds|cells|cell|vessel|vessels|line|lines|lust|pact|glucose",
        "true blood", "bloody mary|marys", "donate|donating|donated|give|giving blood",
        "dead end|sea|center|centre|ringer|heat|lift|lifts|pan|line|air|weight|tired|serious|set|stop|giveaway|"
        "cute|good|easy|funny|proud|happy|excited|quiet|calm|simple|cool|jealous|lucky|on|pixel|pixels|zone",
        "deadline", "die cut|cuts|hard|casting|cast", "tie dye|die", "beaten eggs|egg|path|track|cream",
        "egg whites", "torture test|tests", "murder mystery|mysteries|board", "murder of crows",
        "massacre|slaughter the competition", "assault course|courses",
        "sex reveal|education|ed|appeal|symbol", "sex and the city", "opposite|same sex", "sex of the baby",
        "sexual health|education|orientation|wellness", "gender reveal",
        "spic and span", "chink in the|his|her|its|their armor|armour", "trump card|cards", "harris tweed",
        "maine coon|coons", "coon hound|hounds", "coonhound",
        "paint|wallpaper|varnish|wire|polish stripper|strippers",
        "strip mall|malls|steak|steaks|lights|light|down|map", "comic strip|strips", "landing strip",
        "hot shot", "photo shoot|shoots", "topless car|cars|convertible|convertibles|bus|buses|roadster|jeep",
        "bitch of a", "execute the|a plan|strategy|move|trick|routine",
        "dirty martini|chai|blonde", "crack an egg|eggs", "crack the code", "crack open",
        "fire|firing on all cylinders", "exploding kittens",
        "explosive flavor|flavour|growth|entrance|performance|energy|taste|colors|colours|sound|results|finale",
        "drop dead gorgeous", "to die for", "dying to", "slay", "slayed", "slaying it", "beat the heat",
        "beats by", "heart beating", "kids eat free",
        "minor key|chord|league|changes|change|detail|details|edits|edit|adjustments|tweaks|issue|issues|injuries|"
        "injury|scratches|role|roles|character|characters|planet|planets|repairs|fix|fixes",
        "skin tone|tones", "shooting star|stars|guard|range", "ignore the|all noise",
        "hang out|outs", "hang glider|gliding", "hang ten", "suicide squad|doors|door|sprint|sprints|run|runs",
        "teen vogue", "whites and colors|colours", "kill bill", "_UNDER_18_ year|years old " + _AGED_GOODS,
        "_UNDER_18_ yo " + _AGED_GOODS,
    ],
    # ---- who is involved ------------------------------------------------------------------------------------
    "MINOR": [
        "child|children|childs|kid|kids|kiddo|kiddos|kiddie|kiddies|toddler|toddlers|infant|infants|baby|babies|"
        "newborn|newborns|preteen|preteens|tween|tweens|teen|teens|teenager|teenagers|teenaged|teenage|schoolgirl|"
        "schoolgirls|schoolboy|schoolboys|underage|minors|juvenile|juveniles|youngster|youngsters|"
        "prepubescent|pubescent|kindergartener|kindergarteners",
        "grade schooler|schoolers", "pre teen|teens", "a|the minor",
        "little|young|small girl|girls|boy|boys|child|children|kid|kids", "school girl|girls|boy|boys",
        "elementary|primary|middle school student|students|girl|girls|boy|boys|kid|kids",
        "under 18", "under eighteen", "_UNDER_18_ year|years|yr|yrs old|olds", "_UNDER_18_ yo",
        "_UNDER_18_ y o", "aged|age _UNDER_18_", "_UNDER_18_YO_",
    ],
    "CSAM": [
        "loli|lolis|lolicon|shota|shotacon|jailbait|pedo|pedos|pedophile|pedophiles|pedophilia|paedo|paedophile|"
        "paedophilia|csam|hebephile|pedobear",
        "child|kiddie|kiddy|kid|underage|teen|preteen porn|porno|pornography|sex|nudes|nude|erotica",
        "cp links|videos|pics|collection",
    ],
    "PERSON": [_PEOPLE, "my|his|her|your wife|husband|boss|neighbor|neighbour|ex|mother|father|mom|dad|teacher"],
    # ---- sexual content -------------------------------------------------------------------------------------
    "SEX_HIGH": [
        "porn|porno|porns|pornographic|pornography|xxx|blowjob|blowjobs|handjob|handjobs|fellatio|cunnilingus|"
        "masturbat*|cumshot|cumshots|creampie|gangbang|genitals|genitalia|penis|penises|vagina|vaginas|vulva|"
        "clitoris|ejaculat*|intercourse|sodomy|bukkake|deepthroat|pornhub|hentai|smut",
        "having|have|has sex", "sex act|acts|scene|scenes|tape|tapes|video|videos|position|positions",
        "anal|oral|explicit|graphic|hardcore sex", "sexual intercourse|penetration|act|acts",
        "sexually explicit", "revenge porn", "dick|cock pic|pics", "erect penis",
        "fuck|fucks|fucking her|him|them|each", "fucking each other", "fucking on camera",
    ],
    "SEX_VIOLENCE": [
        "rape|raped|rapes|raping", "sexual assault|abuse|violence",
        "sexually assault|assaulted|assaulting|abuse|abused|abusing",
    ],
    "SEX_MEDIUM": [
        "nude|nudes|naked|nudity|topless|bottomless|striptease|stripper|strippers|erotic|erotica|nsfw|fetish|"
        "fetishes|bdsm|bondage|onlyfans|lewd|undressing|undresses|unclothed|braless|orgasm|orgasms|orgy|orgies",
        "strip tease", "x rated", "cam girl|girls|show|shows|model|models", "camgirl|camgirls",
        "webcam model|models|show|shows|girl|girls|strip|striptease",
        "stripping|strips|stripped for|on webcam|camera|cam|him|her|them|men|money|naked|nude",
        "adult film|films|movie|movies|content|video|videos|entertainment",
        "sexual content", "exposed|bare|naked breasts|butt|buttocks|genitals", "take|takes|taking off her|his|"
        "their clothes", "no clothes on", "without clothes", "in the nude", "lap dance|dances|dancer|dancers",
    ],
    "SEX_LOW": [
        "sexy|sensual|sensually|seductive|seductively|seduce|seducing|lingerie|cleavage|sexualized|sexualised|"
        "raunchy|titillating|boobs|busty|twerk|twerking|sex|sexual|sexually|orgasmic|horny|kinky",
        "provocative|suggestive pose|poses|posing|outfit|outfits|clothing|dance|dancing|photo|photos|selfie|"
        "selfies",
        "bedroom eyes", "see through lingerie|underwear|top", "pole dancer|dancers|dancing",
    ],
    # ---- violence and gore ----------------------------------------------------------------------------------
    # Graphic acts: aimed at a child they are always blocked (rules.py). Everyday verbs that double as film and
    # photo words (shoot, hit, kick, burn, hang, execute) stay out of this list on purpose.
    "VIOLENT_ACT": [
        "murder|murders|murdered|murdering|kill|kills|killed|killing|stab|stabs|stabbed|stabbing|strangle*|"
        "tortur*|molest*|rape|raped|rapes|raping|mutilat*|dismember*|behead*|decapitat*|maim|maims|maimed|"
        "maiming|slaughter|slaughters|slaughtered|slaughtering|massacre|massacres|massacred|beaten|lynch*|"
        "impale|impales|impaled|impaling|eviscerat*|disembowel*|butcher|butchers|butchered|butchering",
        "beat|beats|beating up", "burn|burns|burning|burned|burnt alive", "set|sets|setting on fire",
        "gun|guns|gunned|gunning down", "shot dead", "shoots dead", "shot and killed",
    ],
    # Harm named as a topic ("child abuse", "violence against children"): blocked with a child too, unless the
    # text is plainly an awareness or prevention message that shows nothing graphic.
    # Hitting words are everyday ("beating the kids at chess"); with a child they block only beside a sign of injury.
    "BEAT": [
        "beat|beats|beating|hitting|hits|punching|punches|punched|kicking|kicks|kicked|slapping|slaps|slapped|"
        "whipping|whipped|spanking|spanked|smacking|smacked|choking|choked|battering|battered|shake|shakes|shaking|"
        "shaken",
    ],
    "INJURY_SIGN": [
        "blood|bloody|bleeds|bleeding|bled|bruise|bruises|bruised|bruising|injured|injuries|injury|unconscious|"
        "brutal|brutally|violently|savagely|wounds|wounded|broken",
        "until he|she|they|it", "black and blue",
    ],
    "HARM_TOPIC": [
        "abuse|abuses|abused|abusing|abusive|assault|assaults|assaulted|assaulting",
        "violence|violent against|toward|towards|on", "beat|beats|beating|beaten up",
    ],
    "GORE": [
        "gore|gory|gruesome|grisly|gorefest|eviscerat*|disembowel*|entrails|intestines|bloodbath|"
        "dismember*|decapitat*|behead*|mutilat*|snuff|flayed",
        "blood bath", "severed head|heads|limb|limbs|arm|arms|leg|legs|hand|hands|finger|fingers|body|bodies",
        "blood splatter|splatters|splattered|spatter|spurting|spurts|gushing|everywhere|soaked",
        "splattered|spurting|gushing blood", "pool|pools of blood", "brains splatter*", "brains blown out",
        "blows|blew his|her|their brains out", "guts spill*", "guts spilling", "guts hanging out",
        "spilled|spilling guts", "skinned|burned|burnt|buried alive", "exposed bone|bones", "torn flesh",
        "rotting corpse|corpses|body|bodies", "mangled body|bodies|corpse|corpses", "torture porn",
        "graphic|extreme|brutal|gratuitous violence", "slit|cut|slits|cuts his|her|their|a|the throat|throats",
        "throat slit|slitting", "gouge|gouged|gouging out eye|eyes|his|her", "eyes gouged",
    ],
    "GORE_LOW": [
        "blood|bloody|bloodied|bleeding|corpse|corpses|carnage|massacre|tortured|torture|wounded|wounds|"
        "violence|violent|brutality",
        "dead body|bodies",
    ],
    "DEAD_ADJ": [
        "dead|murdered|mutilated|dismembered|decapitated|beheaded|butchered|tortured|abused|bloodied|raped|"
        "molested|strangled|stabbed|slaughtered|lifeless|beaten|maimed|lynched",
    ],
    "CORPSE": ["corpse|corpses|cadaver|cadavers", "dead body|bodies", "body bag|bags"],
    "INTENSIFIER": [
        "graphic|graphically|explicit|explicitly|extreme|realistic|realistically|photorealistic|hyperrealistic|"
        "detailed|uncensored|unblurred|gratuitous|brutal|brutally|gruesome|closeup|lingering|vivid|visceral",
        "hyper realistic", "close up", "in detail", "in full detail", "real footage", "no blur",
    ],
    # ---- dangerous goods and how-to -------------------------------------------------------------------------
    # Words that ask for a procedure. RECIPE words imply making something; HOWTO words are generic ("how to
    # survive a bomb threat"), so rules pair them with a making, buying or planning verb.
    "RECIPE": [
        "instructions|instruction|tutorial|tutorials|recipe|recipes|diy|homemade|blueprint|blueprints|schematic|"
        "schematics|walkthrough|ingredients|formula|howto|synthesis|synthesise|synthesize|synthesizing|"
        "synthesising",
        "home made", "make your own", "materials|parts list|needed", "detailed steps|method|process",
        "exact amounts|quantities|measurements|ratios",
    ],
    "HOWTO": [
        "how to|2", "how do|can|could|would i|you|we|one", "step by step", "steps to|for", "guide to|for|on",
        "teach me|us|you|them", "show|tell me|us how", "explain how", "walk me through",
        "where to buy|get|order|find|source", "where can|do i buy|get|order|find|source",
        "easiest|best|simplest|fastest|cheapest way|ways to",
    ],
    "ACQUIRE": [
        "buy|buying|get|getting|order|ordering|score|scoring|source|sourcing|obtain|obtaining|purchase|purchasing|"
        "smuggle|smuggling",
    ],
    "PLAN": [
        "plan|planning|commit|committing|execute|executing|organize|organise|organizing|organising|launch|"
        "launching|stage|staging",
        "carry|carrying out", "pull|pulling off",
    ],
    "MAKE": [
        "make|makes|making|build|builds|building|built|assembl*|construct*|synthes*|cook|cooks|cooking|cooked|"
        "manufactur*|brew|brews|brewing|extract|extracting|weaponiz*|weaponis*|cultivat*|culture|culturing|rig|"
        "rigging|wire|wiring|mix|mixing|convert|converting|modify|modifying|craft|crafting|produce|producing|"
        "refine|refining|enrich|enriching|print|printing|printed|3d",
    ],
    "EXPLOSIVE": [
        "bomb|bombs|ied|ieds|explosives|semtex|tatp|anfo|hmtd|petn|nitroglycerin|nitroglycerine|detonator|"
        "detonators|napalm|thermite|molotov|molotovs|grenade|grenades|landmine|landmines|c4|gunpowder|dynamite",
        "pipe|nail|car|letter|fertilizer|fertiliser|suicide bomb|bombs", "pressure cooker bomb|bombs",
        "improvised explosive", "explosive device|devices|charge|charges|vest|vests|belt|belts|material|"
        "materials|compound|compounds|mixture|mixtures|powder", "plastic|homemade|high explosive|explosives",
        "blasting cap|caps", "black|flash powder", "molotov cocktail|cocktails", "suicide vest|vests",
    ],
    "CBRN": [
        "sarin|novichok|tabun|soman|ricin|abrin|anthrax|botulinum|bioweapon|bioweapons|phosgene|nuke|nukes",
        "nerve agent|agents|gas", "biological|chemical|bio|radiological weapon|weapons|agent|agents",
        "dirty bomb|bombs", "nuclear|atomic bomb|bombs|weapon|weapons|device", "enriched uranium",
        "weapons grade plutonium|uranium", "mustard|chlorine|toxic|poison gas", "bleach and ammonia",
        "ammonia and bleach", "weaponized virus|pathogen|pathogens|smallpox|plague|anthrax|toxin",
    ],
    "WEAPON": [
        "gun|guns|firearm|firearms|pistol|pistols|rifle|rifles|handgun|handguns|shotgun|shotguns|ammunition|ammo|"
        "ar15|ak47|uzi",
        "ar 15", "ak 47", "assault rifle|rifles|weapon|weapons",
    ],
    "WEAPON_ILLICIT": [
        "silencer|silencers|suppressor|suppressors",
        "ghost|untraceable|unregistered|zip gun|guns|firearm|firearms|pistol|pistols|rifle|rifles|weapon|weapons",
        "auto sear|sears", "glock switch|switches", "full auto conversion|kit", "convert|converting to full auto",
        "bump stock|stocks", "3d printed|print gun|guns|firearm|firearms|pistol|pistols|rifle|rifles|receiver",
    ],
    "DRUG": [
        "meth|methamphetamine|fentanyl|carfentanil|heroin|cocaine|lsd|mdma|ghb|pcp|rohypnol|roofies|roofie|"
        "ketamine|mescaline|psilocybin|dmt",
        "crystal meth", "crack cocaine", "date rape drug|drugs", "illegal|illicit|street|hard drugs|drug",
    ],
    "DRUG_GENERIC": ["drugs|narcotics|opioids|opiates"],
    "POISON": ["poison|poisons|poisoning|poisoned|cyanide|arsenic|thallium|strychnine", "untraceable poison"],
    "MASS_VIOLENCE": [
        "school|mass|church|mosque|synagogue|mall|concert|office|workplace|campus shooting|shootings|shooter|"
        "shooters|massacre|massacres",
        "shoot|shooting up a|the|my school|church|mosque|synagogue|mall|concert|classroom|temple|office",
        "bomb|bombing the|a school|church|mosque|synagogue|mall|concert|classroom|temple|stadium|subway|airport",
        "terrorist|terror attack|attacks|plot|bombing|bombings", "suicide bombing|bombings|bomber|bombers|attack",
        "car|vehicle|truck ramming", "ramming attack", "hostage execution|executions", "genocide|genocides",
        "execute|executes|executing|executed|behead|beheads|beheading|beheaded hostage|hostages|prisoner|prisoners|"
        "captive|captives|civilians",
        "execution|beheading video|videos|footage",
    ],
    "GLORIFY": [
        "glorif*|celebrate|celebrates|celebrating|praise|praises|praising|heroic|romantici*|glamori*|glamouri*|"
        "encourage|encourages|encouraging|promote|promotes|promoting|recruit|"
        "recruiting|recruitment|idolize|idolizing|worship|worshipping|applaud|applauding",
        "in a positive light", "make it look cool|fun|good|heroic|beautiful", "as a hero|heroes",
        "hero|heroes of", "tribute|tributes",
    ],
    # ---- self-harm ------------------------------------------------------------------------------------------
    "SELF_HARM": [
        "suicide|suicidal|selfharm|thinspo|thinspiration|proana|promia",
        "self harm|harming|injury|injuring|mutilation|mutilate", "commit|committing|commits suicide",
        "kill|killing|hang|hanging|cut|cutting|hurt|hurting|starve|starving|burn|burning|shoot|drown|poison "
        "myself|yourself|urself|himself|herself|themselves|yourselves",
        "end|ending|take|taking my|your|his|her|their own? life|lives", "slit*|cut* my|your|his|her|their wrists|wrist",
        "pro ana|mia", "kys", "overdose on purpose", "jump off a|the bridge|building|roof to die",
    ],
    "SELF_HARM_DIRECTED": [
        "kill|hang|cut|hurt|shoot|drown|burn|starve|poison yourself|urself|yourselves", "kys", "go die",
        "end your life|lives", "slit your wrists", "you should die", "you should commit suicide",
        "take your own life", "nobody would miss you", "world is better without you",
    ],
    "METHOD": ["painless|painlessly|quickest|surest|easiest|best|fastest way|ways|method|methods"],
    # ---- context ----------------------------------------------------------------------------------------------
    "FICTION": [
        "horror|zombie|zombies|halloween|fantasy|cartoon|cartoons|animated|animation|anime|sfx|prosthetic|"
        "prosthetics|cosplay|costume|costumes|slasher|monster|monsters|dragon|dragons|orc|orcs|alien|aliens|"
        "vampire|vampires|werewolf|werewolves|superhero|superheroes|fictional|fiction|comic|comics|videogame|"
        "videogames|gameplay|puppet|puppets|claymation|stopmotion|mythical|mythological|undead|ghoul|ghouls|demon|"
        "demons|wizard|wizards|knight|knights|robot|robots|mech|mechs|spaceship|lightsaber",
        "video|computer|board|mobile game|games", "game trailer|cinematic", "haunted house", "special effects",
        "fake|stage|movie blood", "sci fi", "comic book", "horror movie|film", "stop motion",
        "action movie|film|figure|figures",
    ],
    "AWARENESS": [
        "awareness|prevention|prevent|preventing|hotline|helpline|psa|charity|fundraiser|fundraising|survivor|"
        "survivors|recovery|recovering|anti|stop|ending|combat|combating|combatting|counselling|counseling|"
        "therapy|therapist|988|samaritans|safeguarding|support|supporting|help|helping|cope|coping|listen",
        "mental health", "crisis line|center|centre", "reach out", "you are not alone", "public service",
        "say no to", "raise money|funds", "speak up", "get help", "fight|campaign|stand against",
    ],
    "DOCUMENTARY": [
        "documentary|documentaries|historical|history|archival|archive|museum|memorial|remembrance|educational|"
        "lesson|lecture|textbook|news|newsreel|journalism|journalistic|ww1|ww2|wwii|wwi|commemoration",
        "world war", "history class|lesson",
    ],
    "ART": [
        "sculpture|sculptures|statue|statues|renaissance|classical|painting|paintings|museum|gallery|fresco|"
        "venus|michelangelo|botticelli|rubens",
        "fine art", "life drawing", "figure drawing", "art history",
    ],
    "NEGATION": [
        "no|not|never|non|zero|nothing|none|minus|nor|neither",
        "don|doesn|didn|won|can|shouldn|isn|aren|wasn|weren|mustn t", "instead of", "rather than",
    ],
    "NEGATION_LIST": [
        "without|avoid|avoiding|exclude|excluding|excluded|omit|omitting|remove|removing|ban|banned|forbid|"
        "forbidden|prohibited|skip",
        "do|must|should|will not|never show|include|depict|feature|use|contain|have|add",
        "don t show|include|depict|feature|use|contain|have|add", "free of", "no visible",
        "must not|never appear|be shown|be visible",
    ],
    # ---- hate ---------------------------------------------------------------------------------------------------
    "GROUP": [
        "jews|jew|muslims|muslim|christians|catholics|hindus|sikhs|buddhists|atheists|blacks|asians|mexicans|"
        "latinos|latinas|hispanics|immigrants|migrants|refugees|gays|lesbians|homosexuals|bisexuals|queers|"
        "transgenders|transsexuals|arabs|africans|chinese|japanese|koreans|indians|pakistanis|roma|gypsies|"
        "gipsies|foreigners|palestinians|israelis|ukrainians|russians|irish|poles|feminists|autistics|"
        "aborigines|mormons|jewry",
        "black|white|asian|brown|jewish|gay|trans|transgender|queer|disabled|autistic|muslim|christian|native|"
        "indigenous|lgbt|lgbtq people|folks|men|women|kids|persons|community|communities|race|population",
        "people of color|colour", "african americans", "the disabled",
    ],
    # Gender words only count with an explicit "X are <dehumanizing word>"; alone they are everywhere.
    "GENDER": ["women|men|females|males|girls|boys|ladies"],
    "DEHUMANIZE": [
        "vermin|subhuman|subhumans|cockroaches|cockroach|rats|parasites|parasite|animals|savages|savage|apes|"
        "monkeys|filth|filthy|scum|plague|disease|diseased|infestation|inferior|untermenschen|mongrels|beasts|"
        "insects|leeches|pests|garbage|trash|dogs|pigs|swine|degenerates|degenerate|abominations|abomination|"
        "invaders|invasion",
        "not human", "less than human", "a disease|cancer|plague|virus", "not people", "a lower race",
    ],
    "NEG_TRAIT": [
        "criminals|criminal|terrorists|terrorist|thieves|rapists|lazy|stupid|dumb|dirty|greedy|evil|violent|"
        "dangerous|liars|inferior|worthless|useless|primitive|backward|ugly|smelly|sneaky|untrustworthy|"
        "pedophiles|groomers|deviants|perverts|sick|freaks|retarded|hysterical|whores|sluts|idiots|morons",
        "mentally ill",
    ],
    "ELIMINATE": [
        "exterminate|exterminated|exterminating|extermination|eliminate|eliminating|gas|gassed|gassing|lynch|"
        "lynched|lynching|annihilate|annihilated|eradicate|eradicated|cleanse|cleansed|purge|purged|kill|"
        "murder|slaughter|genocide",
        "wipe out", "get rid of", "round up",
    ],
    "ELIMINATE_AFTER": [
        "should|must|will|to be killed|shot|hanged|gassed|burned|exterminated|eliminated|wiped|lynched|"
        "slaughtered|eradicated",
        "should|must|all|deserve to die", "should all die", "must all die", "deserve to die",
        "need|needs to be exterminated|eliminated|wiped|gassed|killed|eradicated",
    ],
    "DEPORT": ["deport|deported|deporting|deportation", "send them all back"],
    "HATE_SLOGAN": [
        "heil hitler", "sieg heil", "white power", "white pride worldwide", "1488", "14 words", "fourteen words",
        "race war", "master race", "racial holy war", "rahowa", "final solution to the", "gas the",
        "holocaust never happened", "holocaust is|was a hoax|lie|myth", "holocaust didn t happen",
        "holocaust denial", "great replacement", "white genocide", "zionist occupied government", "zog",
        "go back to your country|countries", "go back where you came from", "ethnic|racial cleansing",
        "blood and soil", "race traitor|traitors", "jewish conspiracy",
    ],
    "EXTREMIST": [
        "nazi|nazis|neonazi|neonazis|isis|isil|daesh|kkk|hitler|hamas|hezbollah|taliban|jihadi|jihadis|jihadist|"
        "jihadists|swastika|swastikas",
        "ku klux klan", "al qaeda|qaida", "third reich", "white supremacy|supremacist|supremacists|nationalist",
        "neo nazi|nazis", "islamic state", "atomwaffen", "proud boys", "waffen ss",
    ],
    "PROPAGANDA": ["propaganda|manifesto|recruitment|recruiting|rally|rallies"],
    "SLUR": [],  # filled from slurs.py below
    # ---- harassment ----------------------------------------------------------------------------------------
    "TARGET": [
        "you|u|ur|youre|yall",
        "my|our|this|that ex|boss|coworker|coworkers|colleague|colleagues|classmate|classmates|neighbor|neighbour|"
        "neighbors|neighbours|teacher|roommate|sister|brother|cousin|stepmom|stepdad|landlord|manager|girlfriend|"
        "boyfriend|wife|husband",
        "my ex girlfriend|boyfriend|wife|husband", "my co worker|workers",
        "this|that girl|guy|kid|dude|woman|man|person|loser|bitch",
    ],
    "INSULT": [
        "loser|losers|idiot|idiots|moron|morons|stupid|dumb|ugly|fat|worthless|pathetic|disgusting|freak|freaks|"
        "failure|retard|retarded|whore|whores|slut|sluts|bitch|bitches|bastard|scum|trash|pig|cow|cunt|twat|"
        "dumbass|imbecile|cretin|nobody|waste|hag|skank|creep|pervert|subhuman|vermin|garbage|useless|hideous|"
        "repulsive|gross|lardass|fatass|dipshit",
        "piece of shit|crap|garbage|trash", "waste of space|air|oxygen",
    ],
    "THREAT": [
        "i|we will|ll|shall|gonna " + _THREAT_VERBS + " " + _VICTIM,
        "i|we m|am|re|are gonna " + _THREAT_VERBS + " " + _VICTIM,
        "i|we m|am|re|are going to " + _THREAT_VERBS + " " + _VICTIM,
        "im|ima|imma|ill gonna? " + _THREAT_VERBS + " " + _VICTIM,
        "i|we ll|will|m gonna|going beat you up", "you re|are|youre|ur dead|gonna die",
        "find|hunt|track you and|then kill|murder|stab|shoot|hurt|rape|strangle|end", "hunt you down",
        "you re|are going to die", "you will|ll die", "watch your back", "we|i know where you live",
        "i hope you die|suffer", "hope you die", "hope you get raped|cancer", "you deserve to die|suffer",
        "deserves to die", "deserve|deserves to be raped", "deserve|deserves what s|is coming", "i|we m|am|re|are|will|ll coming|come for|after you",
    ],
    "HUMILIATE": [
        "bully|bullying|bullied|humiliate|humiliating|humiliated|mocking|ridicule|ridiculing|harass|harassing|"
        "harassed|shaming|shamed|dox|doxx|doxxing|doxing|stalking|stalker|taunt|taunting|degrade|degrading|"
        "belittle|belittling|torment|tormenting|intimidate|intimidating|cyberbully|cyberbullying|deepfake|"
        "deepfakes",
        "make|making fun of", "fat|body shame|shaming", "deep fake|fakes",
    ],
    # Publishing someone's private details or intimate images harms them whatever the words around it.
    "DOX": [
        "dox|doxx|doxxing|doxing|doxed|doxxed",
        "post|posting|leak|leaking|share|sharing|publish|publishing her|his|their|your|my home? address|number|"
        "location|nudes",
        "post|posting|leak|leaking|share|sharing|publish|publishing her|his|their|your|my phone number",
    ],
    # Where someone lives or can be reached, and asking for it to be shown: doxxing when aimed at a person.
    "HOME_INFO": [
        "home address|addresses", "where she|he|they|her|his lives|live|living", "lives|living at",
        "her|his|their home? address|addresses|workplace", "her|his|their phone|cell|mobile number",
    ],
    "PRIVATE_INFO": ["address|addresses|workplace", "phone|cell|mobile|personal number|numbers", "call her|him at"],
    "EXPOSE": [
        "post|posting|leak|leaking|expose|exposing|share|sharing|publish|publishing|include|including|show|"
        "showing|reveal|revealing|display|displaying",
    ],
    "FIND_THEM": [
        "so people|everyone|anyone|they|we can|could find|visit|reach|go to|show up",
        "find|track her|him|them down", "go to her|his|their house|home",
    ],
    "LISTING": ["for sale|rent", "open house", "new listing|listings", "realtor|realty|real estate"],
    # Common given names, for prompts written without capitals ("sarah connor is a ..."); capitalised names are
    # found from case (normalize.py). Names that are also everyday words (Will, Grace, Amber, Rose, Jack, Mark,
    # Hope, June, Carol, Austin) are left out: the rules that use names must not fire on those words.
    "FIRST_NAME": [
        "mary|patricia|jennifer|linda|elizabeth|barbara|susan|jessica|sarah|sara|karen|lisa|nancy|betty|sandra|"
        "ashley|kimberly|emily|donna|michelle|amanda|melissa|deborah|stephanie|rebecca|sharon|laura|cynthia|"
        "kathleen|amy|angela|brenda|pamela|emma|nicole|helen|samantha|katherine|christine|rachel|janet|catherine|"
        "maria|heather|diane|julie|joyce|kelly|christina|lauren|olivia|megan|andrea|hannah|jacqueline|martha|"
        "teresa|kathryn|janice|abigail|alice|julia|judy|sophia|sofia|denise|danielle|natalie|brittany|kayla|"
        "jane|jenny|jessie|sophie|chloe|zoe|lucy|priya|fatima|aisha|emily|isabella|ava|olivia|jasmine|"
        "james|robert|john|michael|david|richard|joseph|thomas|charles|christopher|daniel|matthew|anthony|"
        "steven|paul|andrew|joshua|kenneth|kevin|brian|timothy|ronald|edward|jason|jeffrey|ryan|jacob|nicholas|"
        "eric|jonathan|stephen|justin|brandon|benjamin|samuel|gregory|alexander|patrick|raymond|dennis|jerry|"
        "tyler|aaron|jose|nathan|zachary|kyle|ethan|jeremy|keith|sean|dylan|jesse|bryan|logan|elijah|liam|"
        "lucas|ahmed|mohammed|muhammad|mike|dave|steve|chris|matt|tony|tom|jake|josh|ben|sam|alex|emily|kate",
    ],
    # What one tells others to do to someone ("go beat up ...", "everyone spit on her"); rules.py takes it as
    # incitement only when it is said as an instruction and a person is its object. Shoot, hit and kick stay out:
    # "go shoot Sarah at golden hour", "hit him up", "kick him out of the band".
    "INCITE_ACT": [
        "hurt|attack|assault|punch|stab|kill|murder|strangle|choke|slap|smack|rape|lynch|torture|maim|kidnap|"
        "abduct|stalk|batter|bash",
        "beat|rough|bash|smash up", "beat|rough|bash|smash her|him|them|em up",
        "beat the shit|crap|hell|snot|life out of", "spit on|at", "throw acid|rocks|stones|bricks|eggs at|on",
        "run over", "jump her|him|them",
    ],
    # Going to someone: incitement only beside where they live (rules.py).
    "SEEK_ACT": ["find|visit|confront|track|hunt|ambush", "track|hunt down", "show up at|on", "go to|see"],
    # ---- civic integrity -----------------------------------------------------------------------------------
    "POLITICIAN": [
        "biden|trump|obama|putin|zelensky|zelenskyy|zelenskiy|macron|modi|sunak|starmer|trudeau|netanyahu|"
        "erdogan|meloni|scholz|pelosi|mcconnell|desantis|pence|clinton|kamala|schumer|newsom|orban|bolsonaro|"
        "jinping|albanese|poilievre|farage|lepen|walz|ramaswamy|whitmer",
        "le pen", "von der leyen", "boris johnson", "kim jong un", "xi jinping", "ocasio cortez",
        "the|a president|senator|governor|congressman|congresswoman|chancellor", "prime minister",
        "presidential candidate|nominee", "party leader", "the pm",
    ],
    "CIVIC_CRIME": [
        "bribe|bribes|bribed|bribing|bribery|embezzl*|shoplift*|robbing|robbery|treason|smuggling",
        "money laundering", "stuff|stuffs|stuffing|stuffed ballot|ballots", "ballot stuffing",
        "stuff|stuffs|stuffing|stuffed the? ballot box|boxes",
        "rig|rigs|rigging|rigged the|an election|elections|vote|votes",
        "steal|stealing|stole the election|votes", "steal|stealing|stole votes",
        "election|voter|voting|electoral fraud", "destroy|destroying|shred|shredding|burn|burning ballots",
        "tamper|tampering with voting|ballots|votes", "fake ballots", "selling state secrets",
        "take|taking|takes|accepting|accepts a? bribe|bribes|kickback|kickbacks", "snorting cocaine",
        "smoking crack", "doing drugs", "drunk driving", "being arrested", "in handcuffs", "under arrest",
        "committing a? crime|crimes|murder|fraud", "murdering|assaulting|robbing|stabbing|shooting someone|a",
        "confess|confesses|confessing|admits|admitting to a? crime|crimes|fraud|murder|rigging|cheating",
        "concede|concedes|conceding defeat", "concede|concedes|conceding the election",
        "concession speech", "calls|calling off the election", "cancels|cancel|canceling|cancelling the election",
    ],
    "FABRICATION": [
        "realistic|photorealistic|hyperrealistic|deepfake|deepfakes|leaked|authentic|convincing|fabricated|"
        "cctv|bodycam|dashcam|undercover|genuine",
        "hyper realistic", "deep fake", "news footage|clip|report|broadcast", "breaking news", "real footage",
        "security|surveillance|hidden|secret camera|footage|cam", "caught on camera|tape|video",
        "make it look|seem real|authentic|genuine", "looks real", "fake video|footage|news", "as if real",
        "indistinguishable from real",
    ],
    "SATIRE": [
        "parody|satire|satirical|caricature|cartoon|cartoonish|comedy|comedic|spoof|puppet|muppet|meme|labelled|"
        "labeled|animated|claymation|lego|sketch",
        "clearly fake", "obviously fake",
    ],
    "ELECTION_MISINFO": [
        "vote|voting by text|sms|phone|email|twitter|tweet", "text your vote", "text vote to",
        "election day has been moved|postponed|cancelled|canceled|delayed",
        "election day is|was moved|postponed|cancelled|canceled|delayed",
        "election|elections has|have been cancelled|canceled|postponed",
        "election|elections is|are|was|were cancelled|canceled|postponed", "you can vote twice",
        "voting machines are|were hacked|rigged", "your vote will not|won t count", "votes will not|won t count",
    ],
    # ---- jailbreak -------------------------------------------------------------------------------------------
    "JAILBREAK_OVERRIDE": [
        "ignore|disregard|forget|override|bypass all|any? previous|prior|above|earlier|your|system|original|"
        "safety instructions|instruction|rules|prompts|prompt|guidelines|directives|directions|programming|"
        "constraints|restrictions",
        "you are now dan", "do anything now", "developer|god|jailbreak|unrestricted|unfiltered|uncensored mode",
        "jailbreak|jailbroken|jailbreaking", "pretend you have no rules|restrictions|limits|filters",
        "pretend you are without rules|restrictions|limits|filters",
        "act as an? unfiltered|uncensored|unrestricted ai|model|assistant", "without any restrictions|censorship",
        "no restrictions|censorship",
    ],
    "JAILBREAK_DISABLE": [
        "you have no content|safety? policy|policies|filter|filters|restrictions|guidelines|rules",
        "you re|are not bound by any? content? policy|policies|rules|guidelines|filters",
        "bypass|disable|deactivate|evade|circumvent|ignore|remove the|your|any|all? safety|content filter|filters|"
        "policy|policies|guidelines|moderation|system|systems|checks|classifier",
        "turn|switch off the|your? safety|content filter|filters|policy|moderation|checks",
        "get around the|your? safety|content filter|filters|policy|moderation|checks",
        "no content|safety policy|policies|filter|filters|moderation", "content policy does not|doesn t apply",
        "safety filters are|were disabled|off", "without safety filters|guidelines|moderation",
    ],
}


def _expand(phrase: str) -> str:
    return (phrase.replace("_UNDER_18_YO_", "|".join(f"{n}yo|{n}yr|{n}yrs" for n in range(1, 18)))
            .replace("_UNDER_18_", _UNDER_18))


for _name, _phrases in CONCEPTS.items():
    CONCEPTS[_name] = [_expand(p) for p in _phrases]
CONCEPTS["SLUR"] = list(slurs())
