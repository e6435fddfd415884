"""Text normalisation shared by sample utterances and typed phrases.

Both sides go through the same function, so "What's next?" and the sample "what is next"
meet in the middle: lower case, no punctuation, contractions expanded, numbers spelled out.
Slot markers (`{routine}`) are split off by the resolver before text reaches this module.

German, Spanish and French (`language` "de", "es", "fr") fold what a typist or a transcript may
spell either way: accents and umlauts ("über" = "uber"), ß ("fuß" = "fuss"), ¿¡ and other marks;
French elisions become the full word ("l'exercice" = "le exercice", "qu'est-ce" = "que est ce"),
German "geht's" becomes "geht es"; digits are spelled in the language.
"""

from __future__ import annotations

import re
import unicodedata

_CONTRACTIONS: dict[str, str] = {
    "i'm": "i am",
    "im": "i am",
    "what's": "what is",
    "whats": "what is",
    "where's": "where is",
    "wheres": "where is",
    "how's": "how is",
    "who's": "who is",
    "that's": "that is",
    "thats": "that is",
    "it's": "it is",
    "there's": "there is",
    "here's": "here is",
    "he's": "he is",
    "she's": "she is",
    "let's": "let us",
    "lets": "let us",
    "can't": "can not",
    "cant": "can not",
    "cannot": "can not",
    "won't": "will not",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "ok": "okay",
}
# Applied when a word is not in the table above; order matters ("n't" before "'t").
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("n't", " not"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'ll", " will"),
    ("'d", " would"),
    ("'m", " am"),
)

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS: dict[str, int] = {word: value for value, word in enumerate(_ONES)}
_NUMBER_WORDS.update({word: 10 * index for index, word in enumerate(_TENS) if word})

_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")


def spell_number(value: int) -> str:
    """Spell a non-negative integer below a million the way a speaker would say it."""
    if value < 0 or value >= 1_000_000:
        raise ValueError(f"cannot spell {value}")
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + spell_number(rest))
    thousands, rest = divmod(value, 1000)
    return spell_number(thousands) + " thousand" + ("" if rest == 0 else " " + spell_number(rest))


def parse_number(words: list[str]) -> int | None:
    """The integer a run of number words (or digits) stands for, else None."""
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    total = 0
    current = 0
    seen = False
    for word in words:
        if word == "and" and seen:
            continue
        if word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
        elif word == "hundred" and seen:
            current *= 100
        elif word == "thousand" and seen:
            total += current * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _expand(word: str) -> str:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + replacement
    if word.isdigit() and len(word) <= 6:
        return spell_number(int(word))
    # Possessives and stray apostrophes: keep the letters, drop the marks.
    return word.replace("'", "")


_OTHER_NUMBERS: dict[str, tuple[str, ...]] = {
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
           "zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn",
           "achtzehn", "neunzehn", "zwanzig"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
           "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete",
           "dieciocho", "diecinueve", "veinte"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
           "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix sept", "dix huit",
           "dix neuf", "vingt"),
}
_ELISIONS: dict[str, str] = {
    "l": "le", "d": "de", "j": "je", "qu": "que", "n": "ne", "s": "se", "m": "me", "t": "te",
    "c": "ce", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque",
}
_OTHER_NOT_WORD = re.compile(r"[^\w' ]+")


def fold(text: str) -> str:
    """Lower case without accents, umlauts or ß: the key both sides of a match meet on."""
    text = text.lower().replace("ß", "ss").replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _normalize_other(text: str, language: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = fold(text)
    text = text.replace("-", " ").replace("_", " ").replace(".", " ")
    text = _OTHER_NOT_WORD.sub(" ", text).replace("_", " ")
    numbers = _OTHER_NUMBERS[language]
    words: list[str] = []
    for raw in text.split():
        word = raw.strip("'")
        if not word:
            continue
        if word.isdigit():
            value = int(word)
            words.append(fold(numbers[value]) if value < len(numbers) else word)
            continue
        if "'" in word and language == "fr":
            head, _, tail = word.partition("'")
            if head in _ELISIONS and tail:
                words.append(_ELISIONS[head])
                word = tail
        if language == "de" and word.endswith("'s") and len(word) > 2:
            words.extend((word[:-2], "es"))
            continue
        words.append(word.replace("'", ""))
    return _SPACES.sub(" ", " ".join(words)).strip()


def normalize(text: str, language: str = "en") -> str:
    """Lower-case words separated by single spaces, without punctuation."""
    if language in _OTHER_NUMBERS:
        return _normalize_other(text, language)
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.replace("-", " ").replace("_", " ").replace(".", " ")
    text = _NOT_WORD.sub(" ", text)
    words: list[str] = []
    for raw in text.split():
        word = raw.strip("'")
        if not word:
            continue
        words.append(_expand(word))
    return _SPACES.sub(" ", " ".join(words)).strip()


def words_of(text: str, language: str = "en") -> list[str]:
    """`normalize` split into words."""
    return normalize(text, language).split()
