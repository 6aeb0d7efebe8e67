#!/usr/bin/python3
"""Deterministic labelled corpus for evaluating the moderation engine.

Writes JSON Lines, one post per line:

  {"id": "r000001", "text": "...", "label": "abusive" | "clean",
   "class": "<class>", "term": "<base term>" | null, "variant": "<detail>"}

Abusive rows take a German insult from TERMS (all of them are in the default
rules/de.yaml) and disguise it with one evasion class:

  plain        the term as written
  case         DUMMBATZ, dUmMbAtZ, dummbatz
  leet         4 3 0 1 @ $ 5 ! 7 + 1 for a e o i s t l, anywhere in the word
               (also its last letters: Id1o7, Tro77el)
  lookalike    Cyrillic / Greek look-alike letters, fullwidth, mathematical bold
  invisible    zero-width characters, soft hyphen, bidi controls between letters
  separators   "D u m m b a t z", "d.u.m.m", "dumm-batz", "du*mmbatz", "d_u_m_m"
  split        the word split by whitespace into two chunks of two or more
               letters: "Arsch loch", "Hurens\u00a0ohn", "Wich\u2009ser" (only
               SPLIT_TERMS: the engine joins terms of six or more letters)
  stretched    a vowel repeated 3-6 times
  diacritics   ö -> oe / o, ß <-> ss, combining acute or diaeresis added
  inflection   plural, genitive and compounds (Blödmänner, Blödmanns, Oberblödmann)
  combined     two of the classes above at once
  masked       letters hidden behind '*' or '#': Schl*mpe, Hurens#hn, W*chs*r
               is not made (a mask before an ending reads as a gender star),
               Sch**ße-style runs of two for two adjacent vowels

The masked rows come after the others (ids continue), from a random stream
of their own, so a seed's rows of the other classes are exactly those it
gave before the class existed. --size counts the other rows; the masked
class adds as many rows as one other class has.

Clean rows are either entries of Debian's fortunes-de package (clean_fortune)
or sentences with harmless words that contain an insult-like substring
(clean_lookalike_word: Nachbarschaft, Tischlampe, Scunthorpe ...). "term" is
the base insult for abusive rows, the harmless word for clean_lookalike_word
rows and null for fortunes; "variant" names the exact transformation.

The output depends only on --seed, --size and the installed fortunes-de
files. Pure standard library; run with /usr/bin/python3.

  generate_corpus.py --seed 1 --out corpus.jsonl [--size small|default|full]
"""

import argparse
import glob
import json
import os
import random
import re
import sys
import unicodedata

FORTUNE_DIR = "/usr/share/games/fortunes/de"

# term -> (grammatical gender, inflected forms as (form, number/case)).
# gender: m / f / n; number: "sg", "pl" or "gen" (genitive singular).
TERMS = {
    "Dummbatz": ("m", [("Dummbatzen", "pl"), ("Oberdummbatz", "sg"),
                       ("Riesendummbatz", "sg"), ("Ober-Dummbatz", "sg")]),
    "Blödmann": ("m", [("Blödmänner", "pl"), ("Blödmanns", "gen"),
                       ("Oberblödmann", "sg"), ("Riesenblödmann", "sg"),
                       ("Vollblödmann", "sg"), ("Riesen-Blödmann", "sg")]),
    "Knalltüte": ("f", [("Knalltüten", "pl"), ("Riesenknalltüte", "sg"),
                        ("Oberknalltüte", "sg")]),
    "Lackaffe": ("m", [("Lackaffen", "pl"), ("Oberlackaffe", "sg"),
                       ("Riesenlackaffe", "sg")]),
    "Vollidiot": ("m", [("Vollidioten", "pl"), ("Obervollidiot", "sg"),
                        ("Riesenvollidiot", "sg")]),
    "Hurensohn": ("m", [("Hurensöhne", "pl"), ("Hurensohns", "gen")]),
    "Missgeburt": ("f", [("Missgeburten", "pl"), ("Riesenmissgeburt", "sg")]),
    "Schlampe": ("f", [("Schlampen", "pl"), ("Dreckschlampe", "sg"),
                       ("Oberschlampe", "sg")]),
    "Arschloch": ("n", [("Arschlöcher", "pl"), ("Arschlochs", "gen"),
                        ("Riesenarschloch", "sg"), ("Voll-Arschloch", "sg")]),
    "Wichser": ("m", [("Wichsers", "gen"), ("Oberwichser", "sg"),
                      ("Riesenwichser", "sg")]),
    "Drecksau": ("f", [("Drecksäue", "pl"), ("Riesendrecksau", "sg")]),
    "Penner": ("m", [("Penners", "gen"), ("Oberpenner", "sg"),
                     ("Vollpenner", "sg")]),
    "Spast": ("m", [("Spasten", "pl"), ("Vollspast", "sg"),
                    ("Oberspast", "sg")]),
}

EVASION_CLASSES = ["plain", "case", "leet", "lookalike", "invisible",
                   "separators", "stretched", "diacritics", "inflection",
                   "combined", "split"]
# The engine matches a split word only for terms of at least six letters in
# its skeleton (match/split_word.h: "Pen is" must not be "penis"); Penner
# ("pener") and Spast have five.
SPLIT_TERMS = [t for t in TERMS if t not in ("Penner", "Spast")]
# The terms each class draws from (every term unless listed).
CLASS_TERMS = {"split": SPLIT_TERMS}
# A chunk typed as one of these is no part of a split insult for the engine
# (kFunctionWords in engine/match/split_word.cc: "wie blöd man ist" is not
# Blödmann), so no split here makes one ("Du mmbatz", "Wichs er").
SPLIT_FUNCTION_WORDS = {
    "ich", "du", "er", "sie", "es", "wir", "ihr", "mich", "dich", "sich",
    "uns", "euch", "mir", "dir", "ihm", "ihn", "ihnen", "man", "der", "die",
    "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
    "eines", "kein", "keine", "keinen", "und", "oder", "aber", "wenn",
    "dass", "weil", "als", "wie", "so", "mit", "von", "zu", "zum", "zur",
    "in", "im", "an", "am", "auf", "aus", "bei", "für", "nach", "vor",
    "über", "unter", "um", "bis", "durch", "gegen", "ohne", "ist", "sind",
    "bist", "seid", "war", "sein", "hat", "habe", "hast", "wird", "nicht",
    "nichts", "nix", "noch", "schon", "auch", "doch", "mal", "nur", "ja",
    "nein", "da", "dann", "hier", "was", "wer", "wo", "welch", "welche",
    "welcher", "welches", "alle", "alles", "mein", "meine", "dein", "deine",
    "seine", "ihre", "dieser", "diese", "dieses", "sehr", "mehr", "viel",
    "etwas", "jede", "jeder", "jedes", "you", "he", "she", "it", "we",
    "they", "me", "him", "her", "us", "them", "my", "your", "his", "its",
    "our", "their", "the", "an", "and", "or", "but", "if", "when", "that",
    "this", "these", "those", "to", "of", "in", "on", "at", "for", "with",
    "from", "by", "as", "is", "are", "was", "were", "be", "been", "am",
    "will", "would", "should", "can", "could", "do", "does", "did", "not",
    "no", "so", "what", "who", "how", "all", "some", "up", "out", "there",
    "here", "then"}
# What people type between the chunks: mostly a space, sometimes two, a tab,
# NBSP, a thin or narrow no-break space.
SPLIT_SPACES = [" ", " ", " ", " ", "  ", "\t", "\u00a0", "\u2009", "\u202f"]
# Added later, in rows of their own (see the module doc).
MASKED_CLASS = "masked"
ABUSIVE_CLASSES = EVASION_CLASSES + [MASKED_CLASS]
# Classes that may be paired in "combined", in the order they are applied:
# word-level changes first, then letter substitutions, then insertions.
COMBINABLE = ["inflection", "diacritics", "case", "stretched", "leet",
              "lookalike", "separators", "invisible"]

# Sentence templates. {a} is the indefinite article for the term's gender.
SG_TEMPLATES = [
    "Du bist {a} {w}!",
    "Was für {a} {w}.",
    "{w}, halt die Klappe!",
    "Halt dich raus, du {w}.",
    "Nur {a} {w} schreibt so einen Unsinn.",
    "Der Autor ist {a} {w}, sorry.",
    "Ey {w}, lies erst mal den Artikel.",
    "Du {w}!!!",
    "Jeder, der das glaubt, ist {a} {w}.",
    "Mein Nachbar ist {a} echter {w}, ehrlich.",
    "{w}",
    "Geh weg, {w}",
    "Schon wieder dieser {w} aus dem Forum...",
    "lol was für {a} {w} 😂",
    "Ich finde, du bist {a} {w} und sonst nichts.",
    "Typisch {w}. Keine Ahnung, aber eine Meinung.",
]
SG_TEMPLATES_FIX = {  # templates whose article/pronoun must agree
    "Schon wieder dieser {w} aus dem Forum...":
        {"m": "dieser", "f": "diese", "n": "dieses"},
    "Mein Nachbar ist {a} echter {w}, ehrlich.":
        {"m": "echter", "f": "echte", "n": "echtes"},
}
PL_TEMPLATES = [
    "Ihr seid alle {w}!",
    "Lauter {w} hier im Forum.",
    "{w}, alle miteinander.",
    "Die Moderatoren sind {w}.",
    "Was für {w}, echt jetzt.",
]
GEN_TEMPLATES = [
    "Das ist typisch für die Kommentare dieses {w}.",
    "Die Meinung eines {w} interessiert hier niemanden.",
]
ARTICLE = {"m": "ein", "f": "eine", "n": "ein"}

# Harmless words that contain an insult-like substring (German and the classic
# English "Scunthorpe problem" cases).
LOOKALIKE_SENTENCES = {
    "Nachbarschaft": ["Die Nachbarschaft hat ein Straßenfest organisiert.",
                      "In unserer Nachbarschaft ist es ruhig."],
    "Tischlampe": ["Die Tischlampe ist kaputt, hat jemand eine Birne?",
                   "Ich habe mir eine neue Tischlampe gekauft."],
    "Staatsexamen": ["Sie hat ihr Staatsexamen mit Auszeichnung bestanden.",
                     "Das zweite Staatsexamen ist im Frühjahr."],
    "Sextett": ["Das Sextett spielt heute Abend Brahms.",
                "Ein Sextett besteht aus sechs Musikern."],
    "Marsch": ["Nach dem langen Marsch waren alle müde.",
               "Der Marsch durch die Innenstadt verlief friedlich."],
    "Barsch": ["Zum Abendessen gab es gebratenen Barsch.",
               "Ich habe heute einen Barsch geangelt."],
    "Giraffe": ["Die Giraffe im Zoo hat ein Junges bekommen.",
                "Eine Giraffe schläft nur wenige Minuten am Stück."],
    "Schnappschuss": ["Das war ein toller Schnappschuss vom Urlaub.",
                      "Schöner Schnappschuss, wo ist das?"],
    "Kassenwart": ["Der Kassenwart legt den Bericht vor.",
                   "Wir suchen einen neuen Kassenwart für den Verein."],
    "Staatsanwalt": ["Der Staatsanwalt hat Anklage erhoben.",
                     "Die Staatsanwaltschaft ermittelt, sagt der Staatsanwalt."],
    "Analyse": ["Die Analyse der Daten dauert noch eine Woche.",
                "Gute Analyse, danke für die Quellen."],
    "Therapeut": ["Mein Therapeut hat mir dazu geraten.",
                  "Der Therapeut nimmt neue Patienten auf."],
    "Klassiker": ["Der Film ist ein echter Klassiker.",
                  "Ein Klassiker der deutschen Literatur."],
    "Dachshund": ["Unser Dachshund heißt Waldi.",
                  "Der Dachshund ist eine alte Jagdhunderasse."],
    "Sussex": ["Wir haben Urlaub in Sussex gemacht.",
               "Die Grafschaft Sussex liegt im Süden Englands."],
    "Essex": ["Sie kommt aus Essex.", "Das Spiel gegen Essex endete 2:1."],
    "Mississippi": ["Der Mississippi ist über 3.700 km lang.",
                    "Eine Dampferfahrt auf dem Mississippi."],
    "Penistone": ["Penistone ist eine Kleinstadt in Yorkshire.",
                  "Der Zug hält auch in Penistone."],
    "Scunthorpe": ["Scunthorpe United hat gestern gewonnen.",
                   "Ich war einmal in Scunthorpe."],
    "Schuhwichse": ["Die Schuhwichse steht im Flur.",
                    "Mit etwas Schuhwichse glänzen die Stiefel wieder."],
    "Knallerbse": ["Die Kinder haben mit Knallerbsen gespielt.",
                   "Knallerbsen gibt es nur an Silvester."],
    "Knall auf Fall": ["Er hat Knall auf Fall gekündigt.",
                       "Knall auf Fall war der Urlaub vorbei."],
}
LOOKALIKE_WRAPPERS = ["{s}", "{s}", "{s}", "Übrigens: {s}", "{s} Schönen Tag noch!",
                      "Kurze Info: {s}", "{s} :)", "Hallo zusammen! {s}"]

# Letter substitution tables.
LEET = {"a": ["4", "@"], "e": ["3"], "o": ["0"], "i": ["1", "!"],
        "s": ["$", "5"], "t": ["7", "+"], "l": ["1"]}
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х",
            "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н",
            "O": "О", "P": "Р", "C": "С", "T": "Т", "X": "Х"}
GREEK = {"o": "ο", "a": "α", "O": "Ο", "A": "Α", "B": "Β", "E": "Ε",
         "K": "Κ", "M": "Μ", "T": "Τ", "i": "ι"}
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\ufeff",
              "\u202e", "\u202c", "\u2066", "\u2069", "\u180e", "\ufe0f"]
VOWELS = "aeiouäöüAEIOUÄÖÜ"

# Abusive-term stems, folded, used to keep fortunes honestly clean: a fortune
# that itself says "Penner" or "Arschlöcher" is not a clean post.
_EXCLUDE_RE = None


def fold(text):
    """Lower-case, ä->a, ß->ss, drop accents: a rough skeleton for filtering."""
    text = text.lower().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def exclude_re():
    global _EXCLUDE_RE
    if _EXCLUDE_RE is None:
        stems = sorted({fold(t) for t in TERMS} | {"arschloch", "arschloecher",
                                                   "arschlocher", "hurensohn",
                                                   "drecksau"})
        # A term at the start of a word. Compounds that merely contain a
        # term (Schlachttischlampe) stay: they are the hard negatives.
        _EXCLUDE_RE = re.compile(
            r"\b(?:" + "|".join(map(re.escape, stems)) + r")")
    return _EXCLUDE_RE


# ---------------------------------------------------------------- transforms
# Each takes (rng, word) and returns (new_word, variant_name).

def t_plain(rng, w):
    return w, "plain"


def t_case(rng, w):
    kind = rng.choice(["upper", "lower", "alternate", "random", "inverse"])
    if kind == "upper":
        return w.upper(), "case:upper"
    if kind == "lower":
        return w.lower(), "case:lower"
    if kind == "alternate":
        start = rng.randrange(2)
        return "".join(c.upper() if (i + start) % 2 else c.lower()
                       for i, c in enumerate(w)), "case:alternate"
    if kind == "inverse":
        return w[:1].lower() + w[1:].upper(), "case:inverse"
    out = []
    for c in w:
        out.append(c.upper() if rng.random() < 0.5 else c.lower())
    s = "".join(out)
    if s == w:
        s = w.upper()
    return s, "case:random"


def _positions(w, pred):
    return [i for i, c in enumerate(w) if pred(c)]


def _replace_some(rng, w, table, at_least=1, share=0.6):
    pos = _positions(w, lambda c: c in table)
    if not pos:
        return w, 0
    k = max(at_least, round(len(pos) * share * rng.random()))
    k = min(k, len(pos))
    chosen = set(rng.sample(pos, k))
    chars = list(w)
    for i in chosen:
        v = table[chars[i]]
        chars[i] = rng.choice(v) if isinstance(v, list) else v
    return "".join(chars), len(chosen)


def t_leet(rng, w):
    table = {k: v for k, v in LEET.items()}
    table.update({k.upper(): v for k, v in LEET.items()})
    s, n = _replace_some(rng, w, table)
    if n == 0:  # no eligible letter: fall back to another disguise
        return t_stretched(rng, w)
    return s, "leet"


def t_lookalike(rng, w):
    kind = rng.choice(["cyrillic", "cyrillic", "greek", "fullwidth",
                       "mathbold", "mixed"])
    if kind == "fullwidth":
        return "".join(chr(ord(c) - 0x21 + 0xFF01) if "!" <= c <= "~" else c
                       for c in w), "lookalike:fullwidth"
    if kind == "mathbold":
        out = []
        for c in w:
            if "A" <= c <= "Z":
                out.append(chr(0x1D400 + ord(c) - ord("A")))
            elif "a" <= c <= "z":
                out.append(chr(0x1D41A + ord(c) - ord("a")))
            else:
                out.append(c)
        return "".join(out), "lookalike:mathbold"
    if kind == "greek":
        s, n = _replace_some(rng, w, GREEK)
        if n:
            return s, "lookalike:greek"
    if kind == "mixed":
        s, n = _replace_some(rng, w, CYRILLIC, share=0.4)
        s, m = _replace_some(rng, s, GREEK, at_least=0, share=0.4)
        if n + m:
            return s, "lookalike:mixed"
    s, n = _replace_some(rng, w, CYRILLIC)
    if n:
        return s, "lookalike:cyrillic"
    # Nothing replaceable: fullwidth first letter.
    return chr(ord(w[0]) - 0x21 + 0xFF01) + w[1:], "lookalike:fullwidth"


def t_invisible(rng, w):
    chars = list(w)
    gaps = list(range(1, len(chars)))
    k = rng.randint(1, min(3, len(gaps)))
    out = []
    chosen = set(rng.sample(gaps, k))
    kinds = []
    for i, c in enumerate(chars):
        if i in chosen:
            inv = rng.choice(INVISIBLES)
            kinds.append("u%04x" % ord(inv))
            out.append(inv)
        out.append(c)
    return "".join(out), "invisible:" + ",".join(kinds)


def t_separators(rng, w):
    kind = rng.choice(["spaces", "dots", "split_dash", "split_star",
                       "underscores", "dashes", "stars"])
    if kind == "spaces":
        return " ".join(w), "separators:spaces"
    if kind == "dots":
        return ".".join(w), "separators:dots"
    if kind == "underscores":
        return "_".join(w), "separators:underscores"
    if kind == "dashes":
        return "-".join(w), "separators:dashes"
    if kind == "stars":
        return "*".join(w), "separators:stars"
    i = rng.randrange(2, len(w) - 1)
    sep = "-" if kind == "split_dash" else "*"
    return w[:i] + sep + w[i:], "separators:" + kind


def _skeleton_letters(chunk):
    """The letters a chunk keeps in the engine's skeleton: l reads as i and
    repeated letters collapse ("nn" is one letter)."""
    out = []
    for c in chunk.lower().replace("l", "i"):
        if not out or out[-1] != c:
            out.append(c)
    return len(out)


def t_split(rng, w):
    cuts = [i for i in range(2, len(w) - 1)
            if _skeleton_letters(w[:i]) >= 2 and _skeleton_letters(w[i:]) >= 2
            and w[:i].lower() not in SPLIT_FUNCTION_WORDS
            and w[i:].lower() not in SPLIT_FUNCTION_WORDS]
    i = rng.choice(cuts)
    space = rng.choice(SPLIT_SPACES)
    return w[:i] + space + w[i:], "split:%d:%s" % (
        i, ",".join("u%04x" % ord(c) for c in space))


def t_stretched(rng, w):
    # Not the first or last letter: "Schlampeeee" still contains the term.
    pos = ([i for i in range(1, len(w) - 1) if w[i] in VOWELS]
           or list(range(1, len(w) - 1)))
    i = rng.choice(pos)
    n = rng.randint(3, 6)
    return w[:i] + w[i] * n + w[i + 1:], "stretched:x%d" % n


def t_diacritics(rng, w):
    options = []
    if any(c in "äöüÄÖÜ" for c in w):
        options += ["umlaut_e", "umlaut_strip"]
    if "ss" in w:
        options.append("eszett")
    if "ß" in w:
        options.append("ss")
    options += ["acute", "diaeresis"]
    kind = rng.choice(options)
    if kind == "umlaut_e":
        table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
        return "".join(table.get(c, c) for c in w), "diacritics:ae"
    if kind == "umlaut_strip":
        table = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"}
        return "".join(table.get(c, c) for c in w), "diacritics:strip"
    if kind == "eszett":
        return w.replace("ss", "ß", 1), "diacritics:ss_to_eszett"
    if kind == "ss":
        return w.replace("ß", "ss"), "diacritics:eszett_to_ss"
    mark = "\u0301" if kind == "acute" else "\u0308"
    pos = _positions(w[:-1], lambda c: c.isalpha() and c.isascii())
    k = rng.randint(1, min(2, len(pos)))
    chosen = set(rng.sample(pos, k))
    out = []
    for i, c in enumerate(w):
        out.append(c)
        if i in chosen:
            out.append(mark)
    s = "".join(out)
    # Half of the time, compose where Unicode has a precomposed letter (é, ë).
    if rng.random() < 0.5:
        s = unicodedata.normalize("NFC", s)
    return s, "diacritics:" + kind


# Endings after a mask that read as the German gender star (Bürger*innen,
# jede*r), which the engine rightly does not read as masked letters.
GENDER_TAILS = ("r", "e", "n", "m", "s", "x", "en", "er", "es", "em")


def _maskable(w, i):
    """A vowel strictly inside the word, not before a gender-star tail."""
    if not (0 < i < len(w) - 1 and w[i] in VOWELS):
        return False
    tail = w[i + 1:].lower()
    return w[i - 1].isalpha() and not tail.startswith("in") and tail not in GENDER_TAILS


def t_masked(rng, w):
    pos = [i for i in range(len(w)) if _maskable(w, i)]
    runs = [i for i in pos if i + 1 in pos]
    kind = rng.choice(["star", "star", "hash", "two", "run"])
    if kind == "run" and runs:
        i = rng.choice(runs)
        return w[:i] + "**" + w[i + 2:], "masked:run"
    # Two masks apart, not side by side (that is a run).
    pairs = [(i, j) for i in pos for j in pos if j > i + 1]
    if kind == "two" and pairs:
        i, j = rng.choice(pairs)
        return w[:i] + "*" + w[i + 1:j] + "*" + w[j + 1:], "masked:two"
    mask = "#" if kind == "hash" else "*"
    i = rng.choice(pos)
    return w[:i] + mask + w[i + 1:], "masked:" + ("hash" if mask == "#" else "star")


TRANSFORMS = {
    "plain": t_plain, "case": t_case, "leet": t_leet,
    "lookalike": t_lookalike, "invisible": t_invisible,
    "separators": t_separators, "stretched": t_stretched,
    "diacritics": t_diacritics, "split": t_split, "masked": t_masked,
}


def _article_fill(tmpl, gender, word):
    s = tmpl
    fix = SG_TEMPLATES_FIX.get(tmpl)
    if fix:
        s = s.replace("dieser {w}", fix[gender] + " {w}")
        s = s.replace("{a} echter {w}", "{a} " + fix[gender] + " {w}")
    return s.replace("{a}", ARTICLE[gender]).replace("{w}", word)


def _sentence(rng, gender, number, word):
    if number == "pl":
        return rng.choice(PL_TEMPLATES).replace("{w}", word)
    if number == "gen":
        return rng.choice(GEN_TEMPLATES).replace("{w}", word)
    return _article_fill(rng.choice(SG_TEMPLATES), gender, word)


def make_abusive(rng, cls, term):
    gender, forms = TERMS[term]
    word, number = term, "sg"
    variants = []
    if cls == "combined":
        a, b = rng.sample(COMBINABLE, 2)
        steps = sorted([a, b], key=COMBINABLE.index)
    elif cls == "inflection":
        steps = ["inflection"]
    else:
        steps = [cls]
    for step in steps:
        if step == "inflection":
            word, number = rng.choice(forms)
            variants.append("inflection:" + word)
        else:
            word, v = TRANSFORMS[step](rng, word)
            variants.append(v)
    return _sentence(rng, gender, number, word), "+".join(variants)


# ------------------------------------------------------------------ fortunes

def fortune_files():
    files = []
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*"))):
        name = os.path.basename(path)
        # .dat are strfile indexes; .u8 are symlinks to the plain files, which
        # are UTF-8 in Debian 12. asciiart is pictures, not prose.
        if name.endswith((".dat", ".u8")) or name == "asciiart":
            continue
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        files.append(path)
    return files


def load_fortunes():
    """Returns (entries, skipped_abusive): de-duplicated, whitespace-collapsed."""
    entries, seen, skipped = [], set(), 0
    for path in fortune_files():
        with open(path, "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # older packages shipped Latin-1
        chunk = []
        for line in text.splitlines() + ["%"]:
            if line.strip() == "%":
                entry = " ".join(" ".join(chunk).split())
                chunk = []
                if not entry or len(entry) > 1000 or entry in seen:
                    continue
                seen.add(entry)
                if exclude_re().search(fold(entry)):
                    skipped += 1
                    continue
                entries.append(entry)
            else:
                chunk.append(line)
    return entries, skipped


# -------------------------------------------------------------------- corpus

SIZES = {"small": 300, "default": 5000, "full": 50000}
SHARE_ABUSIVE, SHARE_FORTUNE = 0.50, 0.35  # the rest: clean_lookalike_word


def build(seed, size):
    rng = random.Random(seed)
    total = SIZES[size]
    n_abusive = round(total * SHARE_ABUSIVE)
    fortunes, skipped = load_fortunes()
    n_fortune = min(round(total * SHARE_FORTUNE), len(fortunes))
    n_lookalike = total - n_abusive - n_fortune

    rows = []
    terms = list(TERMS)
    # Round-robin over the classes, and for each class over its own shuffled
    # order of the terms, so classes are equally large and see every term.
    term_orders = {}
    for c in EVASION_CLASSES:
        own = CLASS_TERMS.get(c, terms)
        term_orders[c] = rng.sample(own, len(own))
    for i in range(n_abusive):
        cls = EVASION_CLASSES[i % len(EVASION_CLASSES)]
        k = i // len(EVASION_CLASSES)
        term = term_orders[cls][k % len(term_orders[cls])]
        text, variant = make_abusive(rng, cls, term)
        rows.append({"text": text, "label": "abusive", "class": cls,
                     "term": term, "variant": variant})

    for text in rng.sample(fortunes, n_fortune):
        rows.append({"text": text, "label": "clean", "class": "clean_fortune",
                     "term": None, "variant": "fortune"})

    words = sorted(LOOKALIKE_SENTENCES)
    for i in range(n_lookalike):
        word = words[i % len(words)]
        s = rng.choice(LOOKALIKE_SENTENCES[word])
        variant = "sentence"
        r = rng.random()
        if r < 0.1:
            # Only the look-alike word: a whole sentence in capitals is
            # shouting, which the default rules rightly flag.
            s = s.replace(word, word.upper())
            variant = "upper"
        elif r < 0.15:
            s = s.lower()
            variant = "lower"
        s = rng.choice(LOOKALIKE_WRAPPERS).replace("{s}", s)
        rows.append({"text": s, "label": "clean",
                     "class": "clean_lookalike_word", "term": word,
                     "variant": variant})

    rng.shuffle(rows)
    rows += masked_rows(seed, n_abusive // len(EVASION_CLASSES))
    out = []
    for i, row in enumerate(rows, 1):
        out.append({"id": "r%06d" % i, **row})
    return out, len(fortunes), skipped


def masked_rows(seed, n):
    """The masked class: n rows from a random stream of its own."""
    rng = random.Random("masked-%d" % seed)
    terms = list(TERMS)
    order = rng.sample(terms, len(terms))
    rows = []
    for k in range(n):
        term = order[k % len(terms)]
        text, variant = make_abusive(rng, MASKED_CLASS, term)
        rows.append({"text": text, "label": "abusive", "class": MASKED_CLASS,
                     "term": term, "variant": variant})
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True, help="output JSONL file, - for stdout")
    p.add_argument("--size", choices=sorted(SIZES), default="default")
    args = p.parse_args(argv)

    if not fortune_files():
        print("generate_corpus: no fortunes in %s; install the Debian package "
              "fortunes-de (scripts/install-deps.sh)" % FORTUNE_DIR,
              file=sys.stderr)
        return 1
    rows, available, skipped = build(args.seed, args.size)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out == "-":
        sys.stdout.write(lines)
    else:
        d = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(d, exist_ok=True)
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(lines)
        os.replace(tmp, args.out)
    counts = {}
    for r in rows:
        counts[r["class"]] = counts.get(r["class"], 0) + 1
    print("generate_corpus: %d rows (seed %d, size %s; %d fortunes available, "
          "%d skipped for containing a listed insult) -> %s"
          % (len(rows), args.seed, args.size, available, skipped, args.out),
          file=sys.stderr)
    print("generate_corpus: " + ", ".join("%s=%d" % kv for kv in sorted(counts.items())),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
