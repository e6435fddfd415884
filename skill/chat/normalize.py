"""Text normalisation shared by sample utterances and typed phrases.

Both sides go through the same function, so "What's next?" and the sample "what is next"
meet in the middle: lower case, no punctuation, contractions expanded, numbers spelled out.
Slot markers (`{routine}`) are split off by the resolver before text reaches this module.
"""

from __future__ import annotations

import re

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


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, without punctuation."""
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


def words_of(text: str) -> list[str]:
    """`normalize` split into words."""
    return normalize(text).split()
