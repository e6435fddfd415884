"""Properties of whole conversations on a simulated Echo: any speaking rate in 0.8-1.25x the
skill's estimate, reactions of 1.5-5 s, barge-ins at any moment of any kind of block."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from device.echo import Echo, Turn
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.routine.state import RunnerState
from skill.storage.records import runner_key

from .transcript import all_reps, plan_of, read

EchoAt = Callable[..., Echo]

QUESTIONS = [
    "RepsLeftIntent",
    "WhereAmIIntent",
    "HoldTimeIntent",
    "TimeLeftIntent",
    "WhatsNextIntent",
    "ExerciseInfoIntent",
]
FORWARD = ["NextStepIntent", "AMAZON.ResumeIntent"]
BACKWARD = ["AMAZON.RepeatIntent", "AMAZON.PreviousIntent"]

rates = st.sampled_from([0.8, 1.0, 1.25])
reactions = st.floats(min_value=1.5, max_value=5.0)
# A move: what the runner says, and when: after the playback (a reaction) or into it (a
# fraction of the playback).
moves = st.tuples(
    st.sampled_from([*QUESTIONS, *FORWARD, "AMAZON.PauseIntent", "SkipExerciseIntent"]),
    st.one_of(
        st.tuples(st.just("after"), reactions), st.tuples(st.just("barge"), st.floats(0.02, 0.98))
    ),
)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def stored(app: Flask, echo: Echo) -> RunnerState:
    store = app.extensions["footcoach"].store
    return RunnerState.from_json(store.load(runner_key(echo.identity.user_id, None)).state)


def say(echo: Echo, intent: str, when: tuple[str, float]) -> Turn:
    kind, value = when
    last = echo.last
    if kind == "barge" and last is not None and last.duration > 0 and echo.session_open:
        return echo.say(intent, barge_in=value * last.duration)
    if echo.session_open:
        turn = echo.say(intent, after=value if kind == "after" else 2.0)
        if echo.session_open or "Great work!" in turn.text:
            return turn
    # After a pause (or a closed session) the runner comes back by opening the skill.
    echo.wait(30)
    welcome = echo.launch()
    if "Shall I pick up there?" not in welcome.text:
        return welcome
    return echo.say("AMAZON.YesIntent", after=2.0)


def finish(echo: Echo, reaction: float) -> Turn:
    """Say "next" until the coach ends the routine."""
    for _ in range(120):
        if not echo.session_open:
            echo.launch(after=5.0)
            turn = echo.say("AMAZON.YesIntent", after=reaction)
        else:
            turn = echo.say("NextStepIntent", after=reaction)
        if "Great work!" in turn.text and turn.ends_session:
            return turn
    raise AssertionError("the routine never reached its end")


@SETTINGS
@given(rate=rates, reaction=reactions, steps=st.lists(moves, max_size=25), data=st.data())
def test_any_conversation_reaches_the_end_once_and_never_replays_or_drops_a_rep(
    echo_at: EchoAt,
    app: Flask,
    rate: float,
    reaction: float,
    steps,
    data,  # type: ignore[no-untyped-def]
) -> None:
    routine = data.draw(st.sampled_from(["quick", "quick", "foot"]))
    echo = echo_at(rate=rate)
    echo.launch()
    echo.say("StartRoutineIntent", {"routine": f"{routine} routine|{routine}"}, after=reaction)

    def over() -> bool:  # the run is recorded (whatever words said so)
        state = stored(app, echo)
        return state.progress is None and bool(state.history)

    for intent, when in steps:
        if over():
            break
        say(echo, intent, when)
    if not over():
        finish(echo, reaction)
    state = stored(app, echo)
    assert state.progress is None
    assert len(state.history) == 1, "every routine reaches its end and is recorded exactly once"
    entry = state.history[0]
    # What the runner heard of the run recorded (after a run all skipped, a new one starts
    # from the top, maybe of the other routine: the one offered then).
    plan = plan_of(entry.routine)
    heard = read(echo.turns, entry.routine, run=entry.id)
    skipped = {plan.routine.exercise_index(e) for e in entry.skipped}
    # No rep done twice: each rep's release is heard at most once.
    twice = [rep for rep in set(heard.finished) if heard.finished.count(rep) > 1]
    assert not twice, twice
    # No rep dropped silently: every rep of an exercise that was not skipped was done.
    missing = [
        rep
        for rep in all_reps(plan, skipped)
        if rep not in heard.finished and rep not in heard.ambiguous
    ]
    assert not missing, missing
    # No block heard to its end is served again.
    for turn, block in heard.blocks_heard_to_end:
        later = [b for t, b, _ in heard.blocks_served if t > turn and b == block]
        assert not later, (block, turn)
    assert set(entry.done) | set(entry.skipped) == {e.id for e in plan.routine.exercises}


@SETTINGS
@given(rate=rates, reaction=reactions, data=st.data())
def test_reps_left_between_blocks_is_exact(
    echo_at: EchoAt,
    rate: float,
    reaction: float,
    data,  # type: ignore[no-untyped-def]
) -> None:
    echo = echo_at(rate=rate)
    echo.launch()
    echo.say("StartRoutineIntent", {"routine": "foot routine|foot"}, after=reaction)
    plan = plan_of("foot")
    blocks = data.draw(st.integers(min_value=0, max_value=plan.last - 2))
    for _ in range(blocks):
        echo.say("NextStepIntent", after=reaction)  # every block plays out
    served = read(echo.turns, "foot").blocks_served
    block = plan.blocks[served[-1][1]] if served else plan.blocks[0]
    answer = echo.say("RepsLeftIntent", after=reaction).text
    # A slower device could still be in the last rep: its release words may come first.
    for release in {u.release for b in plan.blocks for u in b.units if u.release}:
        answer = answer.removeprefix(release + " ")
    exercise = plan.routine.exercises[block.exercise]
    if block.kind == "intro":
        assert answer.startswith(f"You're about to start the {exercise.name}.")
    elif exercise.style == "timed":
        last = block.cues[block.work_end - 1].position.set
        if last == exercise.set_count:
            assert answer.startswith(f"That's every round of the {exercise.name} done.")
        else:
            assert answer.startswith(f"{['', 'One', 'Two'][exercise.set_count - last]} round")
    else:
        total = [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ][exercise.rep_count]
        assert answer.startswith(f"That's all {total}"), answer
    assert answer.endswith("Say next when you're ready.")


class Draws:
    """``data`` for the property above, drawing the routine given."""

    def __init__(self, routine: str) -> None:
        self.routine = routine

    def draw(self, strategy: object) -> str:
        return self.routine


@pytest.mark.parametrize(
    ("routine", "steps"),
    [
        ("foot", ["NextStepIntent"] + ["SkipExerciseIntent"] * 5),  # a set heard, all skipped
        ("quick", ["SkipExerciseIntent"] * 5),  # then the foot routine is the one offered
    ],
)
def test_a_run_all_skipped_is_not_recorded_and_the_next_run_is_heard_on_its_own(
    echo_at: EchoAt, app: Flask, routine: str, steps: list[str]
) -> None:
    conversation = test_any_conversation_reaches_the_end_once_and_never_replays_or_drops_a_rep
    inner = conversation.hypothesis.inner_test  # type: ignore[attr-defined]
    moves = [(intent, ("after", 2.0)) for intent in steps]
    inner(echo_at, app, 0.8, 2.0, moves, Draws(routine))
