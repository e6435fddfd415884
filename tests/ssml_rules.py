"""Alexa's SSML limits, checked independently of the renderer (shared by several test modules)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

ALLOWED_TAGS = {
    "speak",
    "break",
    "prosody",
    "p",
    "s",
    "say-as",
    "emphasis",
    "audio",
    "lang",
    "phoneme",
    "sub",
    "w",
    "voice",
    "amazon:effect",
    "amazon:emotion",
    "amazon:domain",
}
AMAZON_NS = "http://amazon.com/ssml/2017"
MAX_CHARS = 8_000
MAX_AUDIO_SECONDS = 240.0
MAX_BREAK_SECONDS = 10.0
WORDS_PER_SECOND = 150 / 60


def break_seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", value)
    assert match, f"bad break time {value!r}"
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def check_ssml(ssml: str, language: str = "en") -> float:
    """Assert every rule; return the estimated audio seconds (in ``language``'s voice)."""
    assert len(ssml) <= MAX_CHARS, f"{len(ssml)} characters"
    wrapped = ssml.replace("<speak>", f'<speak xmlns:amazon="{AMAZON_NS}">', 1)
    root = ET.fromstring(wrapped)  # raises on malformed XML
    assert root.tag == "speak"
    rate = 1.0
    seconds = 0.0
    for element in root.iter():
        tag = element.tag.replace("{" + AMAZON_NS + "}", "amazon:")
        assert tag in ALLOWED_TAGS, f"tag {tag} is not Alexa SSML"
        if tag == "break":
            pause = break_seconds(element.attrib["time"])
            assert 0 < pause <= MAX_BREAK_SECONDS, f"break of {pause} s"
            seconds += pause
        if tag == "prosody" and "rate" in element.attrib:
            rate = float(element.attrib["rate"].rstrip("%")) / 100
    text = "".join(root.itertext())
    if language == "en":
        seconds += len(text.split()) / WORDS_PER_SECOND / rate
    else:
        from skill.routine.cues import speech_seconds

        seconds += speech_seconds(text, rate, language)
    assert seconds <= MAX_AUDIO_SECONDS, f"{seconds:.0f} s of audio"
    return seconds
