"""German, Spanish and French (issue 12): catalogs with the same keys and parameters as English,
number words, plurals and gender, routine text per language without numbers, every block valid
SSML in every language, and no English sentence in a non-English response."""

from __future__ import annotations

import html
import logging
import re
import string
from typing import Any

import pytest
from ssml_rules import check_ssml

from skill.routine.catalog import Catalog, RoutineError
from skill.routine.catalogs import de, es, fr
from skill.routine.engine import Coach, Reply
from skill.routine.languages import (
    LOCALES,
    MODULES,
    builtin_folder,
    language_of,
    localize_routine,
    localized_catalog,
    overlay_path,
    phrases,
)
from skill.routine.phrases import ENGLISH, phrases_for
from skill.routine.plan import PACES, compile_plan
from skill.routine.speech import cues_ssml
from skill.routine.state import RunnerState

from .test_phrases import unmarked

CATALOG = Catalog.builtin()
LANGUAGES = sorted(MODULES)
T0 = 1_800_000_000.0
# Words no German, Spanish or French sentence contains, but nearly every English one does.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "you're", "with", "when", "what", "say", "that's", "this",
    "of", "for", "is", "to", "it", "next", "ready", "rep", "reps", "left", "right", "foot",
    "feet", "done", "great", "hold", "walk", "seconds", "skip", "repeat", "welcome", "goodbye",
    "up", "over", "round", "rounds", "exercises", "then", "now",
}  # fmt: skip


def parameters(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("module", [de, es, fr], ids=lambda m: m.LANGUAGE)
def test_every_message_key_exists_in_every_catalog_with_the_same_parameters(module: Any) -> None:
    assert set(module.MESSAGES) == set(ENGLISH)
    for key, english in ENGLISH.items():
        assert parameters(module.MESSAGES[key]) == parameters(english), key
        assert module.MESSAGES[key].count("|") == english.count("|"), key
    nouns = {key.removeprefix("noun.") for key in ENGLISH if key.startswith("noun.")}
    assert set(module.GENDERS) == nouns


def test_every_locale_chooses_its_language_and_an_unknown_one_english_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    expected = {
        "de-DE": "de", "es-ES": "es", "es-US": "es", "es-MX": "es", "fr-FR": "fr", "fr-CA": "fr",
        "en-US": "en", "en-GB": "en", "en-CA": "en", "en-AU": "en", "en-IN": "en",
    }  # fmt: skip
    assert dict(LOCALES) == expected
    for locale, language in expected.items():
        assert language_of(locale) == language
        assert phrases_for(locale).name == language
    with caplog.at_level(logging.WARNING, logger="skill.routine.languages"):
        assert language_of("xx-YY") == "en"
        assert language_of("xx-YY") == "en"
        assert language_of("de-AT") == "en"
    logged = [r.getMessage() for r in caplog.records]
    assert len([m for m in logged if "xx-YY" in m]) == 1
    assert len([m for m in logged if "de-AT" in m]) == 1


@pytest.mark.parametrize("language", sorted(MODULES))
def test_each_languages_plural_rules_are_cldrs(language: str) -> None:
    # The catalogs carry CLDR's rules (babel's locale data is not loaded in the service).
    from babel import Locale

    cldr = Locale.parse(language).plural_form
    assert dict(MODULES[language].PLURAL_RULES) == cldr.rules
    mine = phrases(language)
    plural = mine._plural  # type: ignore[attr-defined]
    for n in (*range(0, 30), 100, 101, 1_000_000, 2_000_000):
        assert plural(n) == cldr(n), n


def test_numbers_plurals_and_gender_in_each_language() -> None:
    german, spanish, french = phrases("de"), phrases("es"), phrases("fr")
    assert german.count(1, "rep") == "eine Wiederholung"
    assert german.count(1, "more_set") == "ein weiterer Satz"
    assert german.count(1, "routine") == "ein Programm"
    assert german.count(3, "rep") == "drei Wiederholungen"
    assert german.count(25, "routine") == "fünfundzwanzig Programme"
    assert german.number(1) == "eins" and german.ordinal(6) == "sechste"
    assert spanish.count(1, "rep") == "una repetición"
    assert spanish.count(1, "exercise") == "un ejercicio"
    assert spanish.count(21, "rep") == "veintiuna repeticiones"
    assert spanish.count(2, "more_set") == "dos series más"
    assert spanish.ordinal(2) == "segunda" and spanish.ordinal(11) == "decimoprimera"
    assert french.count(1, "rep") == "une répétition"
    assert french.count(0, "routine") == "zéro routine", "zero is singular in French"
    assert french.count(21, "rep") == "vingt et une répétitions"
    assert french.count(1, "exercise") == "un exercice"
    assert french.ordinal(1) == "première" and french.ordinal(2) == "deuxième"
    assert german.capital(german.side("right")) == "Rechter Fuß", "nouns keep their capital"
    assert german.join(["a", "b", "c"], "or") == "a, b oder c"


@pytest.mark.parametrize("language", LANGUAGES)
def test_routine_text_comes_from_the_overlay_and_every_number_from_english(language: str) -> None:
    localized = localized_catalog(CATALOG, language)
    for routine in CATALOG:
        other = localized.get(routine.id)
        assert other.name != routine.name and other.safety != routine.safety
        for english, local in zip(routine.exercises, other.exercises, strict=True):
            assert list(english.quantities()) == list(local.quantities())
            assert (english.id, english.sides, english.style) == (
                local.id,
                local.sides,
                local.style,
            )
            for field in ("name", "purpose", "cue", "short_cue", "release_cue", "instructions"):
                assert getattr(local, field) != getattr(english, field), (language, field)
            assert [k for k, _ in local.alternatives] == [k for k, _ in english.alternatives]


def overlay_of(language: str, routine_id: str) -> dict[str, Any]:
    import json

    path = overlay_path(builtin_folder(), language, routine_id)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["exercises"]["calf_drops"].update(reps={"value": 10, "seed": "x"}), "numbers"),
        (lambda d: d["exercises"]["calf_drops"].update(cue="Hoch, 10 Mal."), "number"),
        (lambda d: d["exercises"]["calf_drops"].pop("release_cue"), "non-empty"),
        (lambda d: d["exercises"].pop("toe_walk"), "is missing"),
        (lambda d: d["exercises"]["heel_walk"].update(equipment="Schuhe."), "null"),
        (lambda d: d["exercises"]["calf_drops"]["alternatives"].update(band="Ohne."), "exactly"),
        (lambda d: d["exercises"]["calf_drops"]["instructions"].pop(), "list of 2"),
        (lambda d: d.update(colour="blau"), "unknown keys"),
        (lambda d: d.pop("safety"), "non-empty"),
    ],
)
def test_an_overlay_that_does_not_fit_its_routine_is_refused(change: Any, problem: str) -> None:
    overlay = overlay_of("de", "foot")
    change(overlay)
    with pytest.raises(RoutineError, match=problem):
        localize_routine(CATALOG.get("foot"), overlay, "de/foot.json")


PLANS = [
    (language, compile_plan(routine, pace, phrases(language)))
    for language in LANGUAGES
    for routine in localized_catalog(CATALOG, language)
    for pace in PACES
]


@pytest.mark.parametrize(
    ("language", "plan"),
    PLANS,
    ids=lambda x: x if isinstance(x, str) else f"{x.routine.id}-{x.pace.name}",
)
def test_every_block_at_every_pace_in_every_language_is_valid_alexa_ssml(
    language: str, plan: Any
) -> None:
    p = phrases(language)
    before = p("lead.picking_up", where=p("where.intro", name=plan.routine.exercises[0].name))
    for block in plan.blocks:
        for start in {0, *block.resume_points()}:
            ssml = cues_ssml(block.cues[start:], before=before, prosody_rate=plan.pace.prosody_rate)
            seconds = check_ssml(ssml, language)
            assert seconds == pytest.approx(block.seconds(start) + p.seconds(before), abs=20)


def test_countdowns_are_in_the_language() -> None:
    expected = {"de": "Drei. Zwei. Eins.", "es": "Tres. Dos. Uno.", "fr": "Trois. Deux. Un."}
    for language, countdown in expected.items():
        plan = compile_plan(
            localized_catalog(CATALOG, language).get("foot"), "normal", phrases(language)
        )
        said = " ".join(c.text for b in plan.blocks for c in b.cues if c.kind == "speech")
        assert countdown in said
        assert "Three" not in said


def test_german_and_french_take_longer_than_english_for_the_same_content() -> None:
    def speech(language: str) -> float:
        total = 0.0
        for routine in localized_catalog(CATALOG, language):
            plan = compile_plan(routine, "normal", phrases(language))
            total += sum(c.seconds for b in plan.blocks for c in b.cues if c.kind == "speech")
        return total

    english = speech("en")
    for language in ("de", "fr", "es"):
        assert 1.03 * english < speech(language) < 1.4 * english, language
    assert phrases("de").seconds("Drei.") > 0 and phrases("de").seconds("Drei.", 1.15) < phrases(
        "de"
    ).seconds("Drei.")


# -- whole routines and every command, in every language --------------------------------------

COMMANDS = [
    "next", "reps_left", "where_am_i", "time_left", "hold_time", "whats_next", "exercise_info",
    "repeat", "previous", "pause", "resume", "slower", "faster", "help", "launch", "yes", "no",
    "progress_report", "skip_exercise", "start_over", "missing_equipment", "go_to", "next",
]  # fmt: skip


def run(coach: Coach, command: str, state: RunnerState, asked: str | None, now: float) -> Reply:
    if command in ("slower", "faster"):
        return coach.change_pace(state, faster=command == "faster", now=now)
    if command in ("yes", "no"):
        return getattr(coach, command)(state, asked, now)  # type: ignore[no-any-return]
    if command == "missing_equipment":
        return coach.missing_equipment(state, now, "step")
    if command == "go_to":
        return coach.go_to(state, "heel_walk", now)
    return getattr(coach, command)(state, now)  # type: ignore[no-any-return]


def words(ssml: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", ssml)).lower()
    return re.findall(r"[\w']+", text)


def replies_in(language: str, mark: bool = False) -> list[Reply]:
    """A whole routine of each kind, then every command at several moments."""
    wrap = (lambda s: f"⟦{s}⟧") if mark else None
    coach = Coach(localized_catalog(CATALOG, language), phrases(language, mark=wrap))
    replies = [coach.launch(RunnerState(), T0)]
    for routine in CATALOG.ids():
        reply = coach.start(RunnerState(welcomed=True), routine, T0)
        now = T0
        while not reply.ends_session:
            replies.append(reply)
            now += 400
            reply = coach.next(reply.state, now)
        replies.append(reply)
        replies.append(coach.progress_report(reply.state, now))
    state, asked, now = replies[0].state, replies[0].asked, T0
    for wait in (1.0, 30.0, 200.0):
        for command in COMMANDS:
            now += wait
            reply = run(coach, command, state, asked, now)
            replies.append(reply)
            state, asked = reply.state, reply.asked
    return replies


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sentence_of_a_non_english_response_is_english(language: str) -> None:
    for reply in replies_in(language):
        for ssml in (reply.speech, reply.reprompt or ""):
            english = [w for w in words(ssml) if w in ENGLISH_WORDS]
            assert not english, (english, ssml)
            check_ssml(ssml, language) if ssml else None


def test_the_english_word_check_sees_english() -> None:
    reply = Coach(CATALOG).launch(RunnerState(), T0)
    assert {w for w in words(reply.speech) if w in ENGLISH_WORDS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pseudo_locale_covers_every_language(language: str) -> None:
    for reply in replies_in(language, mark=True):
        for ssml in (reply.speech, reply.reprompt or ""):
            left = unmarked(ssml)
            assert not re.search(r"\w", left), (left, ssml)
