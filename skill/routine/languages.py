"""German, Spanish and French beside English: the locale -> language choice, each language's
phrases (number and ordinal words from num2words, plural choice from CLDR's rules with
babel.plural, the gender each counted noun needs) and each routine's text in that language.

A routine's numbers live only in its English file; the text overlay
``data/i18n/<lang>/<routine>.json`` holds its words in another language (names, aliases,
description, safety and per exercise every text field) and may hold no number, so a routine's
numbers can never differ between languages. Overlays are validated when they are loaded.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from babel.plural import PluralRule
from num2words import num2words

from skill.routine.catalog import (
    QUANTITY_FIELDS,
    Catalog,
    Exercise,
    Routine,
    RoutineError,
)
from skill.routine.catalogs import de, es, fr
from skill.routine.cues import speech_seconds
from skill.routine.phrases import ENGLISH, Phrases

log = logging.getLogger(__name__)

ENGLISH_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
MODULES: Mapping[str, ModuleType] = {"de": de, "es": es, "fr": fr}
LANGUAGES: tuple[str, ...] = ("en", *MODULES)
LOCALES: Mapping[str, str] = {
    **{locale: "en" for locale in ENGLISH_LOCALES},
    **{locale: language for language, module in MODULES.items() for locale in module.LOCALES},
}
_unknown_logged: set[str] = set()
MAX_UNKNOWN_LOGGED = 100  # a flood of made-up locales must not grow memory or the logs


def language_of(locale: str | None) -> str:
    """The language a request's locale is spoken in: one of the supported locales' languages,
    or English (an unknown locale is logged once per process)."""
    if locale is not None and locale in LOCALES:
        return LOCALES[locale]
    key = str(locale)[:40]
    if key not in _unknown_logged and len(_unknown_logged) < MAX_UNKNOWN_LOGGED:
        _unknown_logged.add(key)
        log.warning("unknown locale %r: answering in English", key)
    return "en"


# -- phrases -----------------------------------------------------------------------------------

# The article before a counted noun when there is one of it, by gender.
_ONE: Mapping[str, Mapping[str, str]] = {
    "de": {"m": "ein", "f": "eine", "n": "ein"},
}


class LocalPhrases(Phrases):
    """A catalog in a language other than English: its words come from the catalog module, its
    number words from num2words and its plural choice from babel."""

    def __init__(
        self,
        language: str,
        *,
        messages: Mapping[str, str] | None = None,
        mark: Callable[[str], str] | None = None,
    ) -> None:
        module = MODULES[language]
        # A key the language lacks (a message added to English since) is said in English rather
        # than failing the turn; the catalog tests refuse such a gap.
        messages = messages or {**ENGLISH, **module.MESSAGES}
        super().__init__(messages, numbers=([], []), mark=mark, name=language)
        self.language = language
        self.genders: Mapping[str, str] = module.GENDERS
        # (The rules alone: babel's whole locale data would cost each worker ~8 MB.)
        self._plural = PluralRule(module.PLURAL_RULES)

    def number(self, n: int) -> str:
        return self("text", text=number_word(self.language, n))

    def ordinal(self, n: int) -> str:
        """The ordinal of a repetition ("zweite", "segunda", "deuxième")."""
        return self("text", text=ordinal_word(self.language, n, self.genders.get("rep", "m")))

    def count(self, n: int, noun: str, **params: Any) -> str:
        one, other = self.messages[f"noun.{noun}"].format(**params).split("|")
        singular = self._plural(n) == "one"
        word = counted_word(self.language, n, self.genders.get(noun, "m"))
        key = "count.one" if singular else "count.other"
        return self(key, n=self("text", text=word), noun=one, nouns=other)

    def seconds(self, text: str, rate: float = 1.0) -> float:
        return speech_seconds(text, rate, self.language)


@lru_cache(maxsize=1024)
def number_word(language: str, n: int) -> str:
    return str(num2words(n, lang=language))


@lru_cache(maxsize=1024)
def counted_word(language: str, n: int, gender: str) -> str:
    """The number word before a noun of ``gender``: "eine Runde", "una serie", "une série"."""
    word = number_word(language, n)
    if language == "de" and n == 1:
        return _ONE["de"][gender]
    if language == "es" and word.endswith("uno"):
        return word[:-1] + "a" if gender == "f" else word[:-1]
    if language == "fr" and word.endswith("un") and gender == "f":
        return word + "e"
    return word


@lru_cache(maxsize=1024)
def ordinal_word(language: str, n: int, gender: str) -> str:
    word = str(num2words(n, lang=language, to="ordinal"))
    if language == "es":
        word = re.sub(r"décimo(?=\w)", "decimo", word)
        if gender == "f":
            word = re.sub(r"o\b", "a", word)
    elif language == "fr" and gender == "f":
        word = re.sub(r"\bpremier\b", "première", word)
    return word


def phrases(language: str, mark: Callable[[str], str] | None = None) -> Phrases:
    """The phrases of a language (English too), optionally wrapped (the pseudo-locale tests)."""
    if language == "en":
        return Phrases(ENGLISH, mark=mark, name="en")
    return LocalPhrases(language, mark=mark)


# -- routine text ------------------------------------------------------------------------------

ROUTINE_TEXT = ("name", "description", "safety")
EXERCISE_TEXT = (
    "name",
    "plural",
    "purpose",
    "instructions",
    "equipment",
    "get_ready",
    "cue",
    "short_cue",
    "release_cue",
)
OVERLAY_FOLDER = "i18n"


def overlay_path(folder: Path, language: str, routine_id: str) -> Path:
    return folder / OVERLAY_FOLDER / language / f"{routine_id}.json"


def localize_routine(routine: Routine, overlay: Any, source: str) -> Routine:
    """``routine`` with every text from ``overlay`` and every number its own. The overlay must
    give every text the English routine has, and nothing else (no numbers, no unknown keys)."""
    if not isinstance(overlay, dict):
        raise RoutineError(source, "(top level)", "must be a JSON object")
    _check_keys(source, "", overlay, {*ROUTINE_TEXT, "aliases", "exercises"})
    texts = overlay.get("exercises")
    if not isinstance(texts, dict):
        raise RoutineError(source, "exercises", "must be an object of exercise id -> texts")
    unknown = set(texts) - {exercise.id for exercise in routine.exercises}
    if unknown:
        raise RoutineError(source, "exercises", f"unknown exercise ids {sorted(unknown)}")
    exercises = tuple(
        _localize_exercise(exercise, texts.get(exercise.id), source, f"exercises.{exercise.id}")
        for exercise in routine.exercises
    )
    return replace(
        routine,
        name=_text(source, "", overlay, "name"),
        aliases=_aliases(source, "", overlay),
        description=_text(source, "", overlay, "description"),
        safety=_text(source, "", overlay, "safety"),
        exercises=exercises,
    )


def _localize_exercise(exercise: Exercise, texts: Any, source: str, path: str) -> Exercise:
    if not isinstance(texts, dict):
        raise RoutineError(source, path, "is missing: every exercise needs its texts")
    _check_keys(source, path, texts, {*EXERCISE_TEXT, "aliases", "alternatives"})
    equipment = texts.get("equipment")
    if (equipment is None) != (exercise.equipment is None) or "equipment" not in texts:
        want = "null" if exercise.equipment is None else "a text"
        raise RoutineError(source, f"{path}.equipment", f"must be {want}, as in English")
    get_ready = texts.get("get_ready")
    if (get_ready is None) != (exercise.get_ready is None):
        want = "absent" if exercise.get_ready is None else "a text"
        raise RoutineError(source, f"{path}.get_ready", f"must be {want}, as in English")
    instructions = texts.get("instructions")
    if not isinstance(instructions, list) or len(instructions) != len(exercise.instructions):
        raise RoutineError(
            source,
            f"{path}.instructions",
            f"must be a list of {len(exercise.instructions)} texts, as in English",
        )
    alternatives = texts.get("alternatives", {})
    if not isinstance(alternatives, dict) or set(alternatives) != {
        key for key, _ in exercise.alternatives
    }:
        wanted = sorted(key for key, _ in exercise.alternatives)
        raise RoutineError(source, f"{path}.alternatives", f"must give exactly {wanted}")
    return replace(
        exercise,
        name=_text(source, path, texts, "name"),
        plural=_text(source, path, texts, "plural"),
        aliases=_aliases(source, path, texts),
        purpose=_text(source, path, texts, "purpose"),
        instructions=tuple(
            _text(source, f"{path}.instructions", dict(enumerate(instructions)), index)
            for index in range(len(instructions))
        ),
        equipment=None if equipment is None else _text(source, path, texts, "equipment"),
        get_ready=None if get_ready is None else _text(source, path, texts, "get_ready"),
        cue=_text(source, path, texts, "cue"),
        short_cue=_text(source, path, texts, "short_cue"),
        release_cue=_text(source, path, texts, "release_cue"),
        alternatives=tuple(
            (key, _text(source, f"{path}.alternatives", alternatives, key))
            for key, _ in exercise.alternatives
        ),
    )


def _check_keys(source: str, path: str, data: dict[str, Any], allowed: set[str]) -> None:
    numbers = sorted(set(data) & set(QUANTITY_FIELDS))
    if numbers:
        raise RoutineError(
            source, path or "(top level)", f"holds numbers {numbers}: they belong in English"
        )
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RoutineError(source, path or "(top level)", f"unknown keys {unknown}")


def _text(source: str, path: str, data: Mapping[Any, Any], key: str | int) -> str:
    value = data.get(key)
    field = f"{path}.{key}" if path else str(key)
    if not isinstance(value, str) or not value.strip():
        raise RoutineError(source, field, "must be a non-empty string")
    if re.search(r"\d", value):
        raise RoutineError(source, field, "must not hold a number (numbers stay in English)")
    return value.strip()


def _aliases(source: str, path: str, data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("aliases", [])
    field = f"{path}.aliases" if path else "aliases"
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        raise RoutineError(source, field, "must be a list of non-empty strings")
    return tuple(alias.strip() for alias in value)


def localized_catalog(
    catalog: Catalog, language: str, folder: Path | None = None, *, strict: bool = True
) -> Catalog:
    """``catalog`` in ``language``: each routine with its overlay from ``folder`` (the built-in
    data by default). A routine without an overlay keeps its English text; so does one whose
    overlay does not fit it, unless ``strict`` (the built-in routines: an error)."""
    if language == "en":
        return catalog
    folder = folder or builtin_folder()
    routines = []
    for routine in catalog:
        path = overlay_path(folder, language, routine.id)
        if not path.exists():
            log.warning("no %s text for routine %s: it stays in English", language, routine.id)
            routines.append(routine)
            continue
        try:
            overlay = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            overlay = None
            if strict:
                problem = f"is not valid JSON: {error.msg}"
                raise RoutineError(str(path), "(file)", problem) from error
        try:
            routines.append(localize_routine(routine, overlay, str(path)))
        except RoutineError as error:
            if strict:
                raise
            log.warning("%s text for routine %s does not fit: %s", language, routine.id, error)
            routines.append(routine)
    return Catalog(routines)


def builtin_folder() -> Path:
    from importlib import resources

    from skill.routine.catalog import DATA_FOLDER, DATA_PACKAGE

    return Path(str(resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER)))
