"""The session engine: positions, moves, barge-in and completion, by example and by property."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from ssml_rules import check_ssml

from skill.routine.catalog import Catalog
from skill.routine.engine import Coach, Reply
from skill.routine.phrases import NUMBER_WORDS
from skill.routine.plan import PACE_ORDER, compile_plan
from skill.routine.state import MAX_SECONDS, Preferences, Progress, RunnerState

CATALOG = Catalog.builtin()
COACH = Coach(CATALOG)
T0 = 1_800_000_000.0


def examples(wanted: int) -> int:
    """Fewer examples while mutmut tests a mutant (it runs every covering test per mutant)."""
    return max(20, wanted // 10) if "MUTANT_UNDER_TEST" in os.environ else wanted


def text(reply: Reply) -> str:
    return re.sub(r"<[^>]+>", " ", reply.speech).replace("&apos;", "'")


def started(routine: str = "foot", pace: str = "normal") -> RunnerState:
    state = RunnerState(preferences=Preferences(pace), welcomed=True)
    return COACH.start(state, routine, T0).state


def served_at(routine: str, pace: str, block: int, at: float) -> RunnerState:
    state = started(routine, pace)
    assert state.progress is not None
    return replace(
        state, progress=replace(state.progress, block=block, from_cue=0, served_at=at, lead_s=0.0)
    )


def test_first_launch_gives_the_safety_note_and_offers_the_routine() -> None:
    reply = COACH.launch(RunnerState(), T0)
    assert "doctor" in text(reply) and reply.asked == "start:foot" and not reply.ends_session
    assert reply.state.welcomed
    again = COACH.launch(reply.state, T0 + 60)
    assert "doctor" not in text(again)


def test_returning_runner_hears_where_they_stopped() -> None:
    plan = compile_plan(CATALOG.get("foot"))
    calf = plan.routine.exercise_index("calf_drops")
    block = next(b for b in plan.blocks if b.exercise == calf and b.kind == "work")
    # Served, then "stop" while rep 7 plays.
    rep7 = next(i for i, c in enumerate(block.cues) if c.resume_here and c.position.rep == 7)
    offset = block.seconds() - block.seconds(rep7) + 1.0
    state = served_at("foot", "normal", block.index, T0)
    stopped = COACH.stop(state, T0 + offset)
    assert "calf drops, rep seven of twelve" in text(stopped) and stopped.ends_session
    assert "To come back, say: Alexa, open foot coach." in text(stopped)
    welcome = COACH.launch(stopped.state, T0 + 3 * 86400)
    assert (
        "Welcome back. You stopped at calf drops, rep seven of twelve. Shall I pick up there?"
        in (text(welcome))
    )
    resumed = COACH.yes(welcome.state, welcome.asked, T0 + 3 * 86400 + 5)
    assert "Seventh one." in text(resumed)
    assert "Sixth one." not in text(resumed)


def test_reps_left_while_the_coach_is_counting_uses_the_elapsed_time() -> None:
    plan = compile_plan(CATALOG.get("foot"))
    block = next(b for b in plan.blocks if b.kind == "work")
    rep4 = next(i for i, c in enumerate(block.cues) if c.resume_here and c.position.rep == 4)
    elapsed = block.seconds() - block.seconds(rep4) + 3.0
    state = served_at("foot", "normal", block.index, T0)
    reply = COACH.reps_left(state, T0 + elapsed)
    # Answered, and the set goes on in the same reply from the rep in progress.
    said = text(reply).strip().removeprefix("And relax. ")
    assert said.startswith(
        "You're on rep four of ten on your right foot: six to go, then ten on the left foot. "
        "Fourth one. Spread, and hold."
    )
    assert "Third one." not in said and not reply.ends_session


def test_next_after_a_finished_block_moves_on_and_one_shot_next_works_days_later() -> None:
    state = started()
    reply = COACH.next(state, T0 + 3600 * 24 * 5)
    assert reply.state.progress and reply.state.progress.block == 1
    assert "Right foot." in text(reply)


def test_previous_repeat_skip_start_over_and_go_to() -> None:
    state = COACH.next(started(), T0 + 100).state  # block 1
    assert state.progress
    state = COACH.pause(state, T0 + 101).state  # waiting at the start of block 1
    back = COACH.previous(state, T0 + 102)
    assert back.state.progress and back.state.progress.block == 0
    again = COACH.repeat(back.state, T0 + 102)
    assert again.state.progress and again.state.progress.block == 0
    assert again.speech == back.speech
    skipped = COACH.skip_exercise(again.state, T0 + 103)
    assert "Skipping the toe spread." in text(skipped) and "marble" in text(skipped)
    went = COACH.go_to(skipped.state, "toe_walk", T0 + 104)
    assert "toe walk" in text(went)
    confirm = COACH.start_over(went.state, T0 + 105)
    assert confirm.asked == "start_over" and "again from the top?" in text(confirm)
    over = COACH.yes(confirm.state, confirm.asked, T0 + 106)
    assert over.state.progress and over.state.progress.block == 0
    assert "Starting over" in text(over)
    unknown = COACH.go_to(over.state, "cartwheel", T0 + 106)
    assert "toe spread, marble pick up, calf drops, heel walk and toe walk" in text(unknown)
    assert unknown.state == over.state


def test_pause_and_resume_pick_up_at_the_interrupted_rep() -> None:
    plan = compile_plan(CATALOG.get("foot"))
    block = next(b for b in plan.blocks if b.kind == "work")
    rep3 = next(i for i, c in enumerate(block.cues) if c.resume_here and c.position.rep == 3)
    elapsed = block.seconds() - block.seconds(rep3) + 2
    paused = COACH.pause(served_at("foot", "normal", block.index, T0), T0 + elapsed)
    assert "Paused at toe spread, rep three of ten" in text(paused) and paused.ends_session
    resumed = COACH.resume(paused.state, T0 + 999)
    assert "Third one." in text(resumed) and "Second one." not in text(resumed)


def test_slower_and_faster_change_the_pace_within_limits() -> None:
    state = started(pace="normal")
    slower = COACH.change_pace(state, faster=False, now=T0 + 400)
    assert slower.state.preferences.pace == "slow" and 'rate="85%"' in slower.speech
    limit = COACH.change_pace(slower.state, faster=False, now=T0 + 401)
    assert "already my slowest" in text(limit)
    faster = COACH.change_pace(limit.state, faster=True, now=T0 + 402)
    assert faster.state.preferences.pace == "normal"


def test_questions_before_any_routine_get_a_helpful_answer() -> None:
    for ask in (COACH.next, COACH.reps_left, COACH.previous, COACH.repeat, COACH.pause):
        reply = ask(RunnerState(welcomed=True), T0)
        assert "no routine going" in text(reply)
        assert not reply.ends_session and "Shall we start" in text(reply)


def test_state_from_an_older_plan_falls_back_to_the_start_of_its_exercise() -> None:
    state = started()
    assert state.progress
    old = replace(
        state,
        progress=replace(
            state.progress,
            plan="0123456789abcdef",
            block=99,
            from_cue=7,
            exercise="calf_drops",
            served_at=None,
        ),
    )
    reply = COACH.launch(old, T0)
    assert "the start of the calf drops" in text(reply)
    gone = replace(old, progress=replace(old.progress, exercise="handstand", block=3))  # type: ignore[arg-type]
    assert "the start of the marble pick up" in text(COACH.launch(gone, T0))
    foreign = replace(old, progress=replace(old.progress, routine="yoga"))  # type: ignore[arg-type]
    assert COACH.launch(foreign, T0).asked == "start:foot"


def test_progress_report_counts_routines_and_the_streak() -> None:
    state = started("quick")
    day = 86400.0
    for n in range(3):
        now = T0 + n * day
        while state.progress is not None:
            now += 400  # every block long over
            state = COACH.next(state, now).state
        state = COACH.start(state, "quick", now + 1).state
    report = text(COACH.progress_report(state, T0 + 2 * day + 60))
    assert "You've finished three routines." in report
    assert "That's three days in a row." in report


# -- properties -------------------------------------------------------------------------------

routines = st.sampled_from(CATALOG.ids())
paces = st.sampled_from(PACE_ORDER)


@settings(max_examples=examples(300), deadline=None)
@given(routine=routines, pace=paces, data=st.data())
def test_reps_left_mid_set_is_within_one_rep_of_the_truth(routine: str, pace: str, data) -> None:  # type: ignore[no-untyped-def]
    plan = compile_plan(CATALOG.get(routine), pace)
    block = data.draw(st.sampled_from([b for b in plan.blocks if b.kind == "work"]))
    rate = data.draw(st.sampled_from([0.8, 1.0, 1.25]))
    reaction = data.draw(st.floats(min_value=0, max_value=4))
    moment = data.draw(st.floats(min_value=0, max_value=block.seconds() - 0.01))
    played = block.played(0, moment, rate)  # where this device really is
    if played >= block.work_end:
        return

    def coming(position: float) -> int:
        """The rep in progress, or the next one once this one's release words are said."""
        unit = block.units[block.unit_at(position)]
        rep = block.cues[unit.start].position.rep
        return rep + (1 if position >= unit.done else 0)

    truth = coming(played)
    # Every place a device at 0.8-1.25x the estimate may be, given when the request came.
    at = moment + reaction
    earliest, latest = coming(block.played(0, at - 4, 0.8)), coming(block.played(0, at, 1.25))
    exercise = plan.routine.exercises[block.exercise]
    state = served_at(routine, pace, block.index, T0)
    answer = text(COACH.reps_left(state, T0 + at))
    where = text(COACH.where_am_i(state, T0 + at))
    assert f"This is the {exercise.name}, exercise" in where
    if exercise.style == "reps":
        on = re.search(r"You're on rep (\w+) of", answer)  # this rep goes on
        done = re.search(r"You've done (\w+) of", answer)
        words = NUMBER_WORDS
        said = words.index(on.group(1)) if on else None
        if done:
            said = words.index(done.group(1)) + 1  # the set goes on with the next rep
        if said is None:
            assert "That's all" in answer
            said = exercise.rep_count + 1
        assert said >= truth, "a rep the runner finished is never done again"
        if latest - earliest <= 1:  # the window allows it: within one rep of the truth
            assert said - truth <= 1, (answer, truth)
    assert not COACH.reps_left(state, T0 + moment + reaction).ends_session


@settings(max_examples=examples(200), deadline=None)
@given(routine=routines, pace=paces, data=st.data())
def test_next_and_previous_are_inverse(routine: str, pace: str, data) -> None:  # type: ignore[no-untyped-def]
    plan = compile_plan(CATALOG.get(routine), pace)
    block = data.draw(st.integers(min_value=1, max_value=plan.last - 1))
    state = started(routine, pace)
    assert state.progress
    waiting = replace(
        state, progress=replace(state.progress, block=block, from_cue=0, served_at=None)
    )
    # Between blocks, "go back" is one block and "next" (once it has played out) the next one.
    back = COACH.previous(waiting, T0)
    assert back.state.progress and back.state.progress.block == block - 1
    assert back.state.progress.from_cue == 0
    forward = COACH.next(back.state, T0 + 1000)
    assert forward.state.progress and forward.state.progress.block == block
    # Mid-set, "go back" is one rep: it never leaves the block.
    behind = COACH.previous(forward.state, T0 + 1001)
    assert behind.state.progress and behind.state.progress.block == block
    if plan.blocks[block].units:
        assert behind.state.progress.from_cue == plan.blocks[block].units[0].start


commands = st.sampled_from(
    [
        "next",
        "next",
        "next",
        "reps_left",
        "where_am_i",
        "time_left",
        "repeat",
        "pause",
        "resume",
        "stop",
        "slower",
        "faster",
        "help",
        "launch",
        "yes",
        "no",
        "previous",
        "progress_report",
        "skip_exercise",
    ]
)


def run(command: str, state: RunnerState, asked, now: float) -> Reply:  # type: ignore[no-untyped-def]
    if command in ("slower", "faster"):
        return COACH.change_pace(state, faster=command == "faster", now=now)
    if command in ("yes", "no"):
        return getattr(COACH, command)(state, asked, now)  # type: ignore[no-any-return]
    return getattr(COACH, command)(state, now)  # type: ignore[no-any-return]


@settings(max_examples=examples(150), deadline=None)
@given(routine=routines, steps=st.lists(st.tuples(commands, st.floats(0, 400)), max_size=60))
def test_any_conversation_gives_valid_speech_and_a_state_that_survives_storage(
    routine: str, steps: list[tuple[str, float]]
) -> None:
    state = started(routine)
    now, asked = T0, None
    for command, wait in steps:
        now += wait
        reply = run(command, state, asked, now)
        check_ssml(reply.speech)
        if reply.reprompt:
            check_ssml(reply.reprompt)
        assert RunnerState.from_json(reply.state.to_json()) == reply.state
        state, asked = reply.state, reply.asked
        if state.progress:
            plan = compile_plan(CATALOG.get(state.progress.routine), state.preferences.pace)
            assert 0 <= state.progress.block <= plan.last
            assert 0 <= state.progress.from_cue < len(plan.blocks[state.progress.block].cues)


@settings(max_examples=examples(100), deadline=None)
@given(routine=routines, extras=st.lists(st.tuples(commands, st.floats(0, 30)), max_size=40))
def test_completing_a_routine_yields_exactly_one_history_entry(
    routine: str, extras: list[tuple[str, float]]
) -> None:
    state = started(routine)
    now, asked, completions = T0, None, 0
    extras = [e for e in extras if e[0] not in ("skip_exercise", "launch", "yes", "no")]
    for step in range(400):
        if step < len(extras):
            command, wait = extras[step]
            reply = run(command, state, asked, now + wait)
            state, asked, now = reply.state, reply.asked, now + wait
            completions += reply.completed is not None
            if state.progress is None:
                break
        now += 300  # every block long over
        reply = COACH.next(state, now)
        state = reply.state
        completions += reply.completed is not None
        if state.progress is None:
            break
    assert completions == 1
    assert len(state.history) == 1 and state.history[0].routine == routine
    # Afterwards nothing adds another entry for the same run.
    for command in ("next", "repeat", "resume", "stop", "launch"):
        assert run(command, state, None, now + 1).state.history == state.history


def test_a_routine_finished_weeks_after_it_started_survives_storage() -> None:
    # Paused on day one, finished three weeks later: the completion is recorded with a length
    # that loading accepts, so it is still there (and counted) after a round trip.
    state, now = started("quick"), T0
    for _ in range(40):
        now += 3600 * 24
        state = COACH.next(state, now).state
        if state.progress is None:
            break
    assert state.progress is None and len(state.history) == 1
    loaded = RunnerState.from_json(json.loads(json.dumps(state.to_json())))
    assert loaded.history == state.history and loaded.total_completed() == 1
    assert loaded.history[0].seconds == MAX_SECONDS


def test_progress_json_round_trip_and_garbage_never_crashes() -> None:
    state = started()
    assert RunnerState.from_json(state.to_json()) == state
    for garbage in (
        None,
        [],
        "x",
        {"progress": {"block": -1}},
        {"progress": {"routine": 3}},
        {"history": [{"id": 1}]},
        {"preferences": {"pace": "warp"}},
    ):
        loaded = RunnerState.from_json(garbage)
        assert loaded.progress is None
    assert Progress.from_json({"routine": "foot", "block": True, "run": "r"}) is None


@settings(max_examples=examples(300), deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_state_from_any_json_never_crashes_and_the_coach_copes(document) -> None:  # type: ignore[no-untyped-def]
    state = RunnerState.from_json(document)
    for command in ("launch", "next", "reps_left", "resume"):
        check_ssml(run(command, state, None, T0).speech)


def test_ready_or_continue_after_the_offer_to_start_starts_the_routine() -> None:
    offer = COACH.launch(RunnerState(), T0)
    assert offer.asked == "start:foot"
    for move in (COACH.next, COACH.resume):
        reply = move(offer.state, T0 + 2, offer.asked)
        assert "Let's start your foot routine" in text(reply)
        assert "no routine going" in text(move(offer.state, T0 + 2, None))


def test_a_long_history_stays_small_and_every_routine_still_counts() -> None:
    from skill.routine.state import HISTORY_KEPT, HistoryEntry

    state = RunnerState(welcomed=True)
    for n in range(HISTORY_KEPT + 50):
        routine = "foot" if n % 3 else "quick"
        state = state.with_completion(HistoryEntry(f"r{n}", routine, T0 + n * 86400, 600))
    assert len(state.history) == HISTORY_KEPT
    assert sum(state.completed().values()) == HISTORY_KEPT + 50
    assert state.completed()["quick"] == 50
    assert RunnerState.from_json(state.to_json()) == state
    assert len(json.dumps(state.to_json())) < 12_000, "fits in session attributes"
    report = text(COACH.progress_report(state, T0 + (HISTORY_KEPT + 49) * 86400 + 60))
    assert "You've finished 150 routines: 100 foot routines and 50 quick routines." in report
    assert "That's at least 100 days in a row." in report
    again = state.with_completion(state.history[-1])
    assert again == state, "the same run is never counted twice"
