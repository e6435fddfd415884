"""`footcoach chat --locale ...` shows the coach's speech in the locale's language: the locale
of every envelope reaches the skill, which answers in German, Spanish or French."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_chat_locale import _chat

SCRIPTS = {
    "de-DE": (
        "ja\n",
        ["Willkommen bei Fußtrainer.", "Los geht's mit deinem Fußprogramm: fünf Übungen."],
    ),
    "es-US": (
        "sí\n",
        ["Bienvenido a Entrenador de pies.", "Empecemos tu rutina de pies: cinco ejercicios."],
    ),
    "fr-FR": (
        "oui\n",
        ["Bienvenue dans Coach des pieds.", "C'est parti pour ta routine des pieds"],
    ),
}


@pytest.mark.parametrize("locale", sorted(SCRIPTS))
def test_chat_shows_the_speech_in_the_locale_language(tmp_path: Path, locale: str) -> None:
    script, expected = SCRIPTS[locale]
    result = _chat(tmp_path / "chat.db", locale, "/launch\n" + script)
    assert result.returncode == 0, result.stderr
    for words in expected:
        assert words in result.stdout, result.stdout
    assert "Welcome to Foot Coach" not in result.stdout
    assert "Let's start" not in result.stdout
