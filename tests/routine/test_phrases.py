"""Every spoken word comes from the phrase catalog (or the routine data it quotes).

A pseudo-locale wraps every message in ⟦…⟧: whatever the coach says, once the wrapped parts are
taken out, nothing but spaces and punctuation may remain.
"""

from __future__ import annotations

import html
import os
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from ssml_rules import check_ssml

from skill.routine.catalog import Catalog
from skill.routine.engine import Coach, Reply
from skill.routine.phrases import ENGLISH, NUMBER_WORDS, ORDINAL_WORDS, Phrases, phrases_for
from skill.routine.state import RunnerState

CATALOG = Catalog.builtin()
PSEUDO = Phrases(ENGLISH, numbers=(NUMBER_WORDS, ORDINAL_WORDS), mark=lambda s: f"⟦{s}⟧")
COACH = Coach(CATALOG, PSEUDO)
T0 = 1_800_000_000.0


def examples(wanted: int) -> int:
    """Fewer examples while mutmut tests a mutant (it runs every covering test per mutant)."""
    return max(20, wanted // 10) if "MUTANT_UNDER_TEST" in os.environ else wanted


def unmarked(ssml: str) -> str:
    """What is left of the spoken words once every catalog message is taken out."""
    spoken = html.unescape(re.sub(r"<[^>]+>", " ", ssml))
    previous = None
    while previous != spoken:
        previous = spoken
        spoken = re.sub(r"⟦[^⟦⟧]*⟧", " ", spoken)
    return spoken


def check(reply: Reply) -> None:
    check_ssml(reply.speech)
    for ssml in (reply.speech, reply.reprompt or ""):
        left = unmarked(ssml)
        assert not re.search(r"\w", left), (left, ssml)


COMMANDS = [
    "next", "next", "reps_left", "where_am_i", "time_left", "hold_time", "whats_next",
    "exercise_info", "repeat", "previous", "pause", "resume", "stop", "slower", "faster",
    "help", "launch", "yes", "no", "progress_report", "skip_exercise", "start_over",
    "missing_equipment", "go_to", "session_ended",
]  # fmt: skip


def run(command: str, state: RunnerState, asked: str | None, now: float) -> Reply:
    if command in ("slower", "faster"):
        return COACH.change_pace(state, faster=command == "faster", now=now)
    if command in ("yes", "no"):
        return getattr(COACH, command)(state, asked, now)  # type: ignore[no-any-return]
    if command == "missing_equipment":
        return COACH.missing_equipment(state, now, "step")
    if command == "go_to":
        return COACH.go_to(state, None, now, spoken="heel walk")
    if command == "session_ended":
        return Reply("<speak></speak>", None, COACH.session_ended(state, now))
    return getattr(COACH, command)(state, now)  # type: ignore[no-any-return]


@settings(max_examples=examples(150), deadline=None)
@given(
    routine=st.sampled_from(CATALOG.ids()),
    steps=st.lists(st.tuples(st.sampled_from(COMMANDS), st.floats(0, 300)), max_size=50),
)
def test_every_spoken_word_comes_from_the_catalog(
    routine: str, steps: list[tuple[str, float]]
) -> None:
    first = COACH.launch(RunnerState(), T0)
    check(first)
    reply = COACH.start(first.state, routine, T0 + 1)
    check(reply)
    state, asked, now = reply.state, reply.asked, T0 + 1
    for command, wait in steps:
        now += wait
        reply = run(command, state, asked, now)
        check(reply)
        state, asked = reply.state, reply.asked


def test_a_whole_routine_in_the_pseudo_locale_is_all_catalog() -> None:
    for routine in CATALOG.ids():
        reply = COACH.start(RunnerState(welcomed=True), routine, T0)
        now = T0
        while not reply.ends_session:
            check(reply)
            now += 400
            reply = COACH.next(reply.state, now)
        check(reply)
        assert reply.state.history and COACH.progress_report(reply.state, now).speech


def test_the_catalog_is_chosen_by_locale() -> None:
    assert phrases_for("en-GB").name == "en"
    assert phrases_for("en-US")("ask.next") == "Say next when you're ready."
    assert phrases_for("xx-XX").name == "en", "a language without a catalog falls back"
    assert phrases_for(None).name == "en"


def test_numbers_and_plurals_live_in_the_catalog() -> None:
    english = phrases_for("en-US")
    assert english.count(1, "rep") == "one rep"
    assert english.count(3, "rep") == "three reps"
    assert english.count(25, "routine") == "25 routines"
    assert english.ordinal(6) == "sixth" and english.ordinal(30) == "30"
    assert english.join(["a", "b", "c"]) == "a, b and c"
    assert english.join(["a", "b"], "or") == "a or b"
    assert english.join(["a"]) == "a"
    assert english.duration(60) == "a minute" and english.duration(120) == "2 minutes"
    assert english.duration(1) == "one second" and english.duration(20) == "20 seconds"
    assert english.rough(42) == "40 seconds" and english.rough(2) == "5 seconds"
    assert english.rough(61) == "2 minutes" and english.rough(60) == "a minute"
    assert english.side("left") == "left foot" and english.side(None) == "both feet"


def test_the_check_sees_words_from_outside_the_catalog() -> None:
    english = Coach(CATALOG)  # unmarked: every word would be "outside"
    reply = english.launch(RunnerState(), T0)
    try:
        check(reply)
    except AssertionError:
        return
    raise AssertionError("the pseudo-locale check let unmarked words through")
