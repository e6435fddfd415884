"""The coach's commands (skill.routine.engine): moves, barge-in, completion and whole
conversations, by example and by property."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from ssml_rules import check_ssml

from skill.routine.engine import Reply
from skill.routine.plan import compile_plan
from skill.routine.state import Progress, RunnerState

from .coaching import CATALOG, COACH, T0, examples, paces, routines, served_at, started, text


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


# -- properties -------------------------------------------------------------------------------


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
