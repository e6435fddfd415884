"""The timeline: every block of every routine at every pace fits Alexa and counts correctly."""

from __future__ import annotations

import pytest
from ssml_rules import check_ssml

from skill.routine.catalog import Catalog
from skill.routine.cues import WORDS_PER_MINUTE, Position, speech_seconds
from skill.routine.plan import PACES, compile_plan
from skill.routine.speech import break_tags, cues_ssml, escape_text

CATALOG = Catalog.builtin()
PLANS = [compile_plan(routine, pace) for routine in CATALOG for pace in PACES]


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p.routine.id}-{p.pace.name}")
def test_every_block_from_every_resume_point_is_valid_alexa_ssml(plan) -> None:  # type: ignore[no-untyped-def]
    for block in plan.blocks:
        starts = {0, *block.resume_points()}
        for start in starts:
            ssml = cues_ssml(
                block.cues[start:],
                before="Picking up at toe spread, rep 10 of 10 on your right foot.",
                prosody_rate=plan.pace.prosody_rate,
            )
            seconds = check_ssml(ssml)
            assert seconds == pytest.approx(block.seconds(start) + 4, abs=20)


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p.routine.id}-{p.pace.name}")
def test_every_rep_and_round_of_the_routine_is_in_the_plan_once(plan) -> None:  # type: ignore[no-untyped-def]
    seen = []
    for block in plan.blocks:
        for cue in block.cues:
            if cue.resume_here:
                p = cue.position
                seen.append((p.exercise, p.side, p.set, p.rep))
    expected = []
    for index, exercise in enumerate(plan.routine.exercises):
        if exercise.style == "timed":
            expected += [(index, "both", n, 0) for n in range(1, exercise.set_count + 1)]
        else:
            for side in exercise.sides:
                for set_number in range(1, exercise.set_count + 1):
                    expected += [
                        (index, side, set_number, rep) for rep in range(1, exercise.rep_count + 1)
                    ]
    assert seen == expected


def test_block_boundaries_do_not_depend_on_the_pace() -> None:
    for routine in CATALOG:
        shapes = {
            pace: [(b.kind, b.exercise, len(b.cues)) for b in compile_plan(routine, pace).blocks]
            for pace in PACES
        }
        assert shapes["slow"] == shapes["normal"] == shapes["fast"]


def test_long_sets_are_split_at_rep_boundaries() -> None:
    plan = compile_plan(CATALOG.get("foot"), "normal")
    toe_walk = plan.routine.exercise_index("toe_walk")
    work = [b for b in plan.blocks if b.exercise == toe_walk and b.kind == "work"]
    assert len(work) >= 2, "three one-minute walks with rests cannot fit in one response"
    for block in work:
        assert block.cues[0].resume_here


def test_holds_are_silence_with_a_spoken_countdown() -> None:
    plan = compile_plan(CATALOG.get("foot"), "normal")
    block = next(b for b in plan.blocks if b.kind == "work")
    hold = [c for c in block.cues if c.position.rep == 1 and c.position.phase == "hold"]
    spoken = [c.text for c in hold if c.kind == "speech"]
    assert spoken == ["Three.", "Two.", "One."]
    assert sum(c.seconds for c in hold) == pytest.approx(10.0, abs=0.01)
    ssml = cues_ssml(block.cues)
    assert 'and hold.<break time="7000ms"/>Three.' in ssml  # 7 s of the hold in silence


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p.routine.id}-{p.pace.name}")
def test_the_spoken_hold_time_is_the_time_from_hold_to_the_release(plan) -> None:  # type: ignore[no-untyped-def]
    """ "Holding for 10 seconds" means 10 s from the end of "... and hold." to "And relax." """
    for block in plan.blocks:
        for unit in block.units:
            exercise = plan.routine.exercises[block.exercise]
            if exercise.style != "reps":
                continue
            assert exercise.hold_s is not None
            release = next(
                i
                for i in range(unit.start + 1, unit.end)
                if block.cues[i].text == exercise.release_cue
            )
            held = sum(c.seconds for c in block.cues[unit.start + 1 : release])
            assert held == pytest.approx(exercise.hold_s.value, abs=0.01)
            assert block.cues[unit.start].text.endswith("hold.")
        intro = " ".join(c.text for c in block.cues) if block.kind == "intro" else ""
        exercise = plan.routine.exercises[block.exercise]
        if intro and exercise.style == "reps":
            assert exercise.hold_s is not None
            assert f"holding for {round(exercise.hold_s.value)} seconds" in intro


def test_purposes_are_the_source_articles() -> None:
    purposes = {e.id: e.purpose for r in CATALOG for e in r.exercises}
    assert "strengthens the muscles in the lower leg" in purposes["marble_pickup"]
    assert "strengthens the muscles in the feet, ankles and shins" in purposes["heel_walk"]
    assert "strengthens the muscles in the feet, ankles and shins" in purposes["toe_walk"]
    assert "tiny muscles in the toes and helps improve balance" in purposes["toe_spread"]
    assert "tones and strengthens the calves" in purposes["calf_drops"]


def test_a_split_set_ends_on_the_runners_next_not_on_an_announced_rest() -> None:
    plan = compile_plan(CATALOG.get("foot"), "normal")
    toe_walk = plan.routine.exercise_index("toe_walk")
    work = [b for b in plan.blocks if b.exercise == toe_walk and b.kind == "work"]
    for block in work[:-1]:
        assert not any(c.text.startswith("Rest for") for c in block.cues)
        assert "Say next when you're ready for round" in block.cues[-1].text


def test_reps_are_counted_like_a_coach_not_a_litany() -> None:
    plan = compile_plan(CATALOG.get("foot"), "normal")
    openings = [
        c.text
        for b in plan.blocks
        for c in b.cues
        if c.resume_here and c.position.exercise == 0 and c.position.side == "right"
    ]
    assert openings[0].startswith("Right foot.")
    assert openings[1].startswith("Second one.")
    assert openings[5].startswith("Halfway there.")
    assert openings[-1].startswith("Last one.")
    assert not any(" of 10" in text for text in openings)


def test_timed_walks_announce_halfway_and_count_down() -> None:
    plan = compile_plan(CATALOG.get("foot"), "normal")
    heel = plan.routine.exercise_index("heel_walk")
    cues = [c for b in plan.blocks if b.exercise == heel and b.kind == "work" for c in b.cues]
    texts = [c.text for c in cues if c.kind == "speech"]
    assert texts.count("Halfway.") == 2
    first_round = [c for c in cues if c.position.set == 1 and c.position.phase == "work"]
    # A minute from the end of the opening words to "stop".
    assert sum(c.seconds for c in first_round[1:-1]) == pytest.approx(60.0, abs=0.01)
    assert "Rest for 30 seconds. Next: round two." in texts


def test_pace_changes_speech_rate_and_rests_but_not_holds() -> None:
    slow = compile_plan(CATALOG.get("foot"), "slow")
    fast = compile_plan(CATALOG.get("foot"), "fast")
    assert slow.seconds_from(0) > fast.seconds_from(0)

    def hold_total(plan):  # type: ignore[no-untyped-def]
        return sum(c.seconds for b in plan.blocks for c in b.cues if c.position.phase == "hold")

    assert hold_total(slow) == pytest.approx(hold_total(fast), rel=0.02)


def test_break_tags_chain_long_silences_and_escape_text() -> None:
    assert break_tags(25) == (
        '<break time="10000ms"/><break time="10000ms"/><break time="5000ms"/>'
    )
    assert break_tags(0) == ""
    assert escape_text('Toes & heels <fast> "now"') == (
        "Toes &amp; heels &lt;fast&gt; &quot;now&quot;"
    )


def test_speech_estimate_uses_one_documented_rate() -> None:
    words = " ".join(["word"] * 30)
    assert speech_seconds(words) == pytest.approx(30 * 60 / WORDS_PER_MINUTE)
    assert speech_seconds(words, rate=0.85) > speech_seconds(words)


def test_a_routine_with_several_sets_rests_between_them_and_counts_them() -> None:
    from skill.routine.engine import Coach
    from skill.routine.state import Preferences, RunnerState

    routine = sets_routine(20)
    plan = compile_plan(routine)
    texts = [c.text for b in plan.blocks if b.exercise == 0 for c in b.cues]
    assert "Rest for 20 seconds. Next: set two, right foot." in texts
    assert any(t.startswith("Set two. ") for t in texts)
    # Both sets of the right foot, then both of the left: the feet switch after a second set.
    closings = [b.cues[-1].text for b in plan.blocks if b.exercise == 0 and b.kind == "work"]
    assert closings == [
        "Good. Say next when you're ready for set two.",
        "That's your right foot. Switch to your left foot, and say next when you're ready.",
        "Good. Say next when you're ready for set two.",
        "That's the toe spread done. Next up: marble pick up. Say next when you're ready.",
    ]
    coach = Coach(Catalog([routine]))
    state = coach.start(RunnerState(preferences=Preferences(), welcomed=True), "sets", 0).state
    state = coach.next(state, 100).state  # the first set plays from t=100
    answer = coach.reps_left(state, 101)
    assert (
        "rep one of five on your right foot: four to go, then one more set, then two sets of five "
        "on the left" in (answer.speech.replace("&apos;", "'"))
    )
    finished = coach.reps_left(state, 100 + 10_000).speech.replace("&apos;", "'")
    assert "That's all five on your right foot in this set. Next: set two." in finished


def test_blocks_of_an_exercise_and_intros_are_found_by_index() -> None:
    plan = compile_plan(CATALOG.get("foot"), "normal")
    for index in range(len(plan.routine.exercises)):
        work = plan.exercise_work(index)
        assert work and all(b.exercise == index and b.kind == "work" for b in work)
        assert plan.blocks[plan.intro_block(index)].kind == "intro"
        assert plan.intro_block(index) == work[0].index - 1
    with pytest.raises(KeyError, match="99"):
        plan.intro_block(99)
    assert plan.exercise_work(99) == []


def cues_of(block):  # type: ignore[no-untyped-def]
    return [
        (c.kind, round(c.seconds, 3), c.text, c.resume_here, tuple(vars(c.position).values()))
        for c in block.cues
    ]


def test_the_quick_routines_first_intro_word_for_word() -> None:
    plan = compile_plan(CATALOG.get("quick"), "normal")
    at = (0, "right", 1, 0, "intro")
    assert cues_of(plan.blocks[0]) == [
        ("speech", 2.8, "Let's start your quick routine: five exercises.", False, at),
        (
            "speech",
            7.2,
            "Exercise one of five: toe spread. It strengthens the tiny muscles in the toes and "
            "helps improve balance.",
            False,
            at,
        ),
        ("speech", 4.4, "Sit on a chair with your feet flat on the floor.", False, at),
        (
            "speech",
            5.2,
            "Slowly spread your toes apart as far as they will go, and hold.",
            False,
            at,
        ),
        ("speech", 4.0, "For more resistance, put a rubber band around your toes.", False, at),
        ("speech", 4.8, "We'll do it 5 times on each foot, holding for 5 seconds.", False, at),
        ("speech", 4.0, "Say ready when you're in position for the toe spread.", False, at),
    ]
    assert (
        plan.blocks[0].reprompt
        == "Sit down with your feet flat on the floor. Then say ready, or say skip."
    )
    second = plan.blocks[plan.intro_block(1)]
    assert second.cues[0].text.startswith("Exercise two of five: marble pick up. It strengthens")
    assert second.cues[0].position == Position(1, "right", 1, 0, "intro")
    assert "We'll do it once on each foot, holding for 15 seconds." in [c.text for c in second.cues]


def test_a_rep_word_for_word() -> None:
    plan = compile_plan(CATALOG.get("quick"), "normal")

    def at(rep: int, phase: str) -> tuple[object, ...]:
        return (0, "right", 1, rep, phase)

    assert cues_of(plan.blocks[1])[:12] == [
        (
            "speech",
            5.2,
            "Right foot. Spread your toes as wide as they will go, and hold.",
            True,
            at(1, "work"),
        ),
        ("pause", 2.0, "", False, at(1, "hold")),
        ("speech", 0.4, "Three.", False, at(1, "hold")),
        ("pause", 0.6, "", False, at(1, "hold")),
        ("speech", 0.4, "Two.", False, at(1, "hold")),
        ("pause", 0.6, "", False, at(1, "hold")),
        ("speech", 0.4, "One.", False, at(1, "hold")),
        ("pause", 0.6, "", False, at(1, "hold")),
        ("speech", 0.8, "And relax.", False, at(1, "work")),
        ("pause", 1.0, "", False, at(1, "work")),
        ("pause", 3.0, "", False, at(1, "rest")),
        ("speech", 2.0, "Second one. Spread, and hold.", True, at(2, "work")),
    ]
    last = plan.blocks[1].cues[plan.blocks[1].units[-1].start]
    assert last.text == "Last one. Spread, and hold." and last.position.rep == 5
    assert plan.blocks[2].cues[0].text.startswith("Left foot. Spread your toes")
    assert plan.blocks[1].cues[-1].text == (
        "That's your right foot. Switch to your left foot, and say next when you're ready."
    )
    assert plan.blocks[1].reprompt == "Say next when you're ready, or ask how many reps are left."
    assert plan.blocks[2].reprompt == "Say next to move on, or say repeat."
    foot = compile_plan(CATALOG.get("foot"), "normal")
    openings = [foot.blocks[1].cues[u.start].text for u in foot.blocks[1].units]
    assert openings[5] == "Halfway there. Sixth one. Spread, and hold."
    assert openings[6] == "Seventh one. Spread, and hold."
    slow = compile_plan(CATALOG.get("quick"), "slow")
    assert slow.blocks[1].cues[10].seconds == pytest.approx(4.5)  # rests stretch at the slow pace


def test_a_round_word_for_word() -> None:
    plan = compile_plan(CATALOG.get("quick"), "normal")
    at = (3, "both", 1, 0, "work")
    assert cues_of(plan.blocks[9]) == [
        ("speech", 2.4, "Walk on your heels, toes up.", True, at),
        ("pause", 15.0, "", False, at),
        ("speech", 0.4, "Halfway.", False, at),
        ("pause", 11.6, "", False, at),
        ("speech", 0.4, "Three.", False, at),
        ("pause", 0.6, "", False, at),
        ("speech", 0.4, "Two.", False, at),
        ("pause", 0.6, "", False, at),
        ("speech", 0.4, "One.", False, at),
        ("pause", 0.6, "", False, at),
        ("speech", 0.4, "Stop.", False, at),
        (
            "speech",
            5.6,
            "That's the heel walk done. Next up: toe walk. Say next when you're ready.",
            False,
            (3, "both", 1, 0, "transition"),
        ),
    ]
    foot = compile_plan(CATALOG.get("foot"), "normal")
    heel = foot.blocks[foot.intro_block(3) + 1]
    texts = [c.text for c in heel.cues]
    assert texts[0] == "Round one of two. Walk on your heels, toes up."
    assert "Stop, and rest." in texts and "Round two of two. Back on your heels, and walk." in texts
    rest = next(c for c in heel.cues if c.position.phase == "rest" and c.kind == "pause")
    assert rest.seconds == 30.0 and rest.position == Position(3, "both", 1, 0, "rest")
    assert foot.seconds_from(foot.last) == pytest.approx(foot.blocks[-1].seconds())
    assert foot.seconds_from(foot.last + 1) == 0.0
    assert foot.seconds_from(0) == pytest.approx(sum(b.seconds() for b in foot.blocks))
    assert foot.seconds_from(1, 2) == pytest.approx(
        sum(b.seconds() for b in foot.blocks[1:]) - sum(c.seconds for c in foot.blocks[1].cues[:2])
    )


def test_doses_closings_and_reprompts_word_for_word() -> None:
    from skill.routine.phrases import ENGLISH_PHRASES
    from skill.routine.plan import dose_sentence

    foot = compile_plan(CATALOG.get("foot"), "normal")
    quick = compile_plan(CATALOG.get("quick"), "normal")
    assert [dose_sentence(e, ENGLISH_PHRASES) for e in foot.routine.exercises] == [
        "We'll do it 10 times on each foot, holding for 10 seconds.",
        "We'll do it twice on each foot, holding for 20 seconds.",
        "We'll do it 12 times, holding for 2 seconds.",
        "We'll walk for a minute, two times, with a rest in between.",
        "We'll walk for a minute, three times, with a rest in between.",
    ]
    assert [dose_sentence(e, ENGLISH_PHRASES) for e in quick.routine.exercises][1:4] == [
        "We'll do it once on each foot, holding for 15 seconds.",
        "We'll do it 8 times, holding for 2 seconds.",
        "We'll walk for 30 seconds.",
    ]
    switch = "That's your right foot. Switch to your left foot, and say next when you're ready."
    assert [b.cues[-1].text for b in foot.blocks if b.kind != "intro"] == [
        switch,
        "That's the toe spread done. Next up: marble pick up. Say next when you're ready.",
        switch,
        "That's the marble pick up done. Next up: calf drops. Say next when you're ready.",
        "That's the calf drops done. Next up: heel walk. Say next when you're ready.",
        "That's the heel walk done. Next up: toe walk. Say next when you're ready.",
        "Rest now. Say next when you're ready for round two.",
        "Rest now. Say next when you're ready for round three.",
        "That's the toe walk done, and that was the last exercise. Say done to finish.",
        "That's your whole foot routine. Great work!",
    ]
    assert quick.blocks[-1].cues[0].text == "That's your whole quick routine. Great work!"
    assert quick.blocks[-1].cues[0].position == Position(4, None, 0, 0, "done")
    ready = "Say next when you're ready, or ask how many reps are left."
    on = "Say next to move on, or say repeat."
    assert [b.reprompt for b in foot.blocks] == [
        "Sit down with your feet flat on the floor. Then say ready, or say skip.",
        ready,
        on,
        "Sit down with the marble in front of your foot. Then say ready, or say skip.",
        ready,
        on,
        "Get onto your step. Then say ready, or say skip.",
        on,
        "Find a clear stretch of floor. Then say ready, or say skip.",
        on,
        "Find a clear stretch of floor. Then say ready, or say skip.",
        ready,
        ready,
        on,
        "",
    ]


def sets_routine(rest_s: int):  # type: ignore[no-untyped-def]
    """The quick routine with its toe spread in two sets per foot, ``rest_s`` apart."""
    import json
    from pathlib import Path

    from skill.routine.catalog import parse_routine

    data = json.loads((Path(__file__).parents[2] / "skill/routine/data/quick.json").read_text())
    data["id"] = "sets"
    spread = data["exercises"][0]
    spread["sets"] = {"value": 2, "choice": "test"}
    spread["rest_between_sets_s"] = {"value": rest_s, "choice": "test"}
    return parse_routine(data, "sets.json")


@pytest.mark.parametrize(("pace", "seconds"), [("slow", 30), ("normal", 20), ("fast", 15)])
def test_the_rest_between_sets_closes_a_set_but_not_the_last(pace: str, seconds: int) -> None:
    plan = compile_plan(sets_routine(20), pace)
    cues = [c for b in plan.blocks if b.exercise == 0 for c in b.cues]
    rests = [(i, c) for i, c in enumerate(cues) if c.position.phase == "rest" and c.kind == "pause"]
    said = [c.text for c in cues if c.text.startswith("Rest for")]
    # One rest per foot, after its first set only, sized by the pace.
    assert said == [
        f"Rest for {seconds} seconds. Next: set two, right foot.",
        f"Rest for {seconds} seconds. Next: set two, left foot.",
    ]
    long_rests = [c for _, c in rests if c.seconds == pytest.approx(seconds)]
    assert [(c.position.side, c.position.set, c.position.rep) for c in long_rests] == [
        ("right", 1, 5),
        ("left", 1, 5),
    ]
    # The rest ends the set; the runner says next for set two, on the same foot.
    for index, cue in rests:
        if cue.seconds == pytest.approx(seconds):
            assert cues[index + 1].text == "Good. Say next when you're ready for set two."


def test_no_rest_between_sets_when_the_data_gives_none() -> None:
    plan = compile_plan(sets_routine(0), "normal")
    texts = [c.text for b in plan.blocks if b.exercise == 0 for c in b.cues]
    assert not any(t.startswith("Rest for") for t in texts)
    assert sum(t.startswith("Set two. ") for t in texts) == 2
