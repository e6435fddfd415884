"""Position arithmetic on a small hand-made block, with every number worked out by hand.

The block (estimated seconds at the normal pace; speech ~0.4 s a word, silences exact):

    0  speech 2.0  "A"        rep 1 opens (resume point)     [0.0, 2.0)
    1  pause  5.0  hold                                      [2.0, 7.0)
    2  speech 0.4  "relax"    rep 1 is done after this cue   [7.0, 7.4)
    3  pause  1.0  (work)                                    [7.4, 8.4)
    4  pause  2.0  rest                                      [8.4, 10.4)
    5  speech 2.0  "B"        rep 2 opens                    [10.4, 12.4)
    6  pause  5.0  hold                                      [12.4, 17.4)
    7  speech 0.4  "relax"    rep 2 is done after this cue   [17.4, 17.8)
    8  pause  1.0  (work)                                    [17.8, 18.8)
    9  speech 2.0  closing    (transition)                   [18.8, 20.8)
"""

from __future__ import annotations

import pytest

from skill.routine.catalog import Catalog
from skill.routine.cues import Cue, Position
from skill.routine.plan import Block, _block, compile_plan
from skill.routine.position import (
    Moment,
    Target,
    back_target,
    cut_release,
    is_timed,
    moment,
    next_target,
    repeat_target,
    resume_target,
    seconds_left_in_round,
    waiting_after,
)
from skill.routine.state import Progress

T0 = 1_000_000.0


def rep(rep_number: int, phase: str) -> Position:
    return Position(0, "both", 1, rep_number, phase)  # type: ignore[arg-type]


def speech(words: int, position: Position, *, start: bool = False) -> Cue:
    return Cue.say(" ".join(["word"] * words), position, resume_here=start)


BLOCK: Block = _block(
    3,
    "work",
    0,
    [
        speech(5, rep(1, "work"), start=True),
        Cue.pause(5, rep(1, "hold")),
        speech(1, rep(1, "work")),
        Cue.pause(1, rep(1, "work")),
        Cue.pause(2, rep(1, "rest")),
        speech(5, rep(2, "work"), start=True),
        Cue.pause(5, rep(2, "hold")),
        speech(1, rep(2, "work")),
        Cue.pause(1, rep(2, "work")),
        speech(5, rep(2, "transition")),
    ],
    "reprompt",
)


def progress(served_at: float | None = T0, from_cue: int = 0, lead_s: float = 0.0) -> Progress:
    return Progress("r", 3, from_cue, served_at, lead_s, "run", 0.0, "plan", "e")


def at(seconds: float, **options: float) -> Moment:
    return moment(BLOCK, progress(**options), T0 + seconds)  # type: ignore[arg-type]


def test_units_start_at_openings_and_are_done_after_their_release_words() -> None:
    assert [(u.start, u.done, u.end) for u in BLOCK.units] == [(0, 3, 5), (5, 8, 10)]
    assert BLOCK.work_end == 8
    assert BLOCK.units[0].release == "word"
    assert BLOCK.speech_before[-1] == pytest.approx(6.8)
    assert BLOCK.silence_before[-1] == pytest.approx(14.0)
    assert [BLOCK.unit_at(x) for x in (0, 4.9, 5, 9.5)] == [0, 0, 1, 1]
    assert not is_timed(BLOCK)


@pytest.mark.parametrize(
    ("seconds", "rate", "from_cue", "where"),
    [
        (0.0, 1.0, 0, 0.0),
        (-3.0, 1.0, 5, 5.0),
        (1.0, 1.0, 0, 0.5),
        (4.5, 1.0, 0, 1.5),
        (7.2, 1.0, 0, 2.5),
        (9.4, 1.0, 0, 4.5),
        (1.0, 2.0, 0, 1.0),
        (3.5, 2.0, 0, 1.5),
        (1.0, 1.0, 5, 5.5),
        (25.0, 1.0, 0, 10.0),
    ],
)
def test_played_counts_speech_at_the_rate_and_silence_exactly(
    seconds: float, rate: float, from_cue: int, where: float
) -> None:
    assert BLOCK.played(from_cue, seconds, rate) == pytest.approx(where)


def test_time_between_two_places() -> None:
    assert BLOCK.time_between(0.5, 5) == pytest.approx(9.4)
    assert BLOCK.time_between(1.5, 3, 2.0) == pytest.approx(2.7)
    assert BLOCK.time_between(4, 3) == 0.0
    assert BLOCK.time_between(0, 10) == pytest.approx(BLOCK.seconds())
    assert BLOCK.time_between(10, 10) == 0.0  # from the very end


def test_a_block_not_playing_is_waiting_where_it_stopped() -> None:
    m = at(100, served_at=None, from_cue=5)  # type: ignore[arg-type]
    assert (m.status, m.lo, m.hi, m.mid) == ("waiting", 5, 5, 5)


def test_the_window_reads_the_slowest_device_late_and_the_fastest_early() -> None:
    m = at(9.0)
    assert m.status == "playing"
    assert m.hi == pytest.approx(4.54)  # 1.25x, the request at the moment itself
    assert m.lo == pytest.approx(1.5)  # 0.8x, the request 4 s after the moment
    assert m.mid == pytest.approx(2.0)  # 1.0x, 2 s after
    assert m.early == pytest.approx(3.0)  # 0.8x, 1 s after (as when a runner barges in)
    assert at(13.5).early == pytest.approx(5.6) and at(15.0).early == pytest.approx(6.1)
    lead = at(9.0 + 2.5, lead_s=2.5)  # a lead of 2.5 s of speech, then the same
    assert lead.hi == pytest.approx(at(9.5).hi) and lead.lo == pytest.approx(at(8.375).lo)


def test_a_block_whose_work_may_be_over_is_finished() -> None:
    assert at(16.8).status == "playing"
    assert at(16.9).status == "finished"  # the fastest device said the last release
    assert at(30.0).status == "finished"


def test_after_the_release_the_set_goes_on_with_the_next_rep_closing_the_cut_one() -> None:
    m = at(9.0)  # fastest: resting after rep 1; slowest: still holding rep 1
    assert resume_target(m) == Target(1, True, 5)
    assert cut_release(BLOCK, resume_target(m)) == "word"
    assert next_target(m) == Target(1, True, 5)
    assert back_target(m) == Target(0, False, 0)
    assert repeat_target(m) == Target(0, False, 0)


def test_inside_a_rep_the_set_goes_on_from_its_start() -> None:
    m = at(15.0)  # in rep 2's hold on every device
    assert m.lo == pytest.approx(5.0) and m.hi == pytest.approx(6.696)
    assert resume_target(m) == Target(1, False, 5)
    assert cut_release(BLOCK, resume_target(m)) == ""
    assert next_target(m) == Target(2, True, 10)  # past the last rep: the block is over
    assert back_target(m) == Target(0, False, 0)
    assert repeat_target(m) == Target(1, False, 5)


def test_next_goes_to_the_rep_the_runner_most_likely_has_not_reached() -> None:
    m = at(11.0)  # fastest: rep 2 has begun; most likely: still resting after rep 1
    assert m.hi == pytest.approx(5.675) and m.mid == pytest.approx(4.3)
    assert m.lo == pytest.approx(1.9)
    assert next_target(m) == Target(1, True, 5)
    opening = at(13.5)  # most likely rep 2's opening words are still being said
    assert opening.mid == pytest.approx(5.55) and opening.lo == pytest.approx(4.25)
    assert next_target(opening) == Target(1, False, 5)
    # As the set starts (the slowest device may still be in the lead-in): the first rep, now.
    assert next_target(at(0.5)) == Target(0, False, 0)
    assert next_target(at(2.0, lead_s=2.0)) == Target(0, False, 0)
    assert next_target(at(3.0)) == Target(1, True, 5)  # "next" once the first rep has begun
    assert next_target(at(13.5, from_cue=5)) == Target(2, False, 10)


def test_a_cut_release_is_only_said_for_a_rep_before_the_target() -> None:
    assert cut_release(BLOCK, Target(0, True, 0)) == ""
    assert cut_release(BLOCK, Target(1, False, 5)) == ""
    assert cut_release(BLOCK, Target(1, True, 5)) == "word"


def walk(round_number: int, phase: str = "work") -> Position:
    return Position(0, "both", round_number, 0, phase)  # type: ignore[arg-type]


WALK: Block = _block(
    9,
    "work",
    0,
    [
        speech(5, walk(1), start=True),  # [0, 2)
        Cue.pause(20, walk(1)),  # [2, 22)
        speech(1, walk(1)),  # "Halfway." [22, 22.4)
        Cue.pause(17.6, walk(1)),  # [22.4, 40)
        speech(2, walk(1)),  # "Stop, rest." [40, 40.8)
        Cue.pause(10, walk(1, "rest")),  # [40.8, 50.8)
        speech(5, walk(2), start=True),  # [50.8, 52.8)
        Cue.pause(10, walk(2)),  # [52.8, 62.8)
        speech(1, walk(2)),  # "Stop." [62.8, 63.2)
        speech(5, walk(2, "transition")),
    ],
    "reprompt",
)


def test_a_walk_goes_on_where_it_was_with_the_rest_of_the_silence() -> None:
    assert is_timed(WALK)
    m = moment(WALK, progress(), T0 + 10.0)
    assert m.hi == pytest.approx(1 + 8.4 / 20)  # 1.6 s of words, then 8.4 s of the pause
    target = resume_target(m)
    assert target == Target(0, False, 2, pytest.approx(11.6))  # type: ignore[arg-type]
    assert seconds_left_in_round(m) == pytest.approx(40.8 - 8.0)  # from the middle reading
    in_rest = moment(WALK, progress(), T0 + 45.0)
    assert seconds_left_in_round(in_rest) is None
    # In the rest after round one: the rest of the rest, then round two - after round one's
    # last words, which the slowest device may still be saying.
    assert resume_target(in_rest) == Target(1, True, 6, pytest.approx(5.16))  # type: ignore[arg-type]
    assert cut_release(WALK, resume_target(in_rest)) == WALK.units[0].release == "word word"
    later = moment(WALK, progress(), T0 + 48.0)  # said on every device by then
    assert later.lo >= WALK.units[0].done and not resume_target(later).cut
    after_word = moment(WALK, progress(), T0 + 22.0)
    assert resume_target(after_word) == Target(0, False, 4, pytest.approx(17.52))  # type: ignore[arg-type]
    mostly = moment(WALK, progress(), T0 + 21.85)  # "Halfway." mostly said: not again
    assert resume_target(mostly) == Target(0, False, 3, 0.0)
    barely = moment(WALK, progress(), T0 + 21.65)  # barely begun: said again
    assert resume_target(barely) == Target(0, False, 2, 0.0)
    # The second round's words said on the fastest device, not yet on the slowest: the round
    # begins again, from its words.
    begun = moment(WALK, progress(), T0 + 52.5)
    assert begun.hi == pytest.approx(7.074) and begun.early == pytest.approx(5.99)
    assert resume_target(begun) == Target(1, False, 6)
    said = moment(WALK, progress(), T0 + 56.0)  # said on every device: the rest of its silence
    assert said.early == pytest.approx(7 + 0.9 / 10)
    assert resume_target(said) == Target(1, False, 8, pytest.approx(5.76))  # type: ignore[arg-type]
    assert seconds_left_in_round(moment(WALK, progress(served_at=None), T0)) is None


def test_the_time_left_in_a_round_ends_when_its_last_words_are_said() -> None:
    done = WALK.units[0].done
    assert done == 5
    said = Moment(WALK, "playing", 0, done - 1, done, done)
    assert seconds_left_in_round(said) is None
    saying = Moment(WALK, "playing", 0, done - 1.5, done - 0.5, done - 0.5)
    assert seconds_left_in_round(saying) == pytest.approx(0.4)
    assert seconds_left_in_round(Moment(BLOCK, "playing", 0, 1, 1, 1)) is None  # not a walk
    assert seconds_left_in_round(Moment(WALK, "finished", 0, 9, 9, 9)) is None


def test_an_intro_counts_as_heard_once_served() -> None:
    intro = _block(0, "intro", 0, [speech(20, rep(0, "intro")), speech(5, rep(0, "intro"))], "r")
    served = moment(intro, progress(), T0 + 1.0)
    assert served.status == "finished" and intro.units == () and intro.work_end == 2
    assert moment(intro, progress(served_at=None), T0).status == "waiting"


def reps_block(count: int) -> Block:
    """``count`` reps laid out as BLOCK's two, each closed by its own release word."""
    cues: list[Cue] = []
    for number in range(1, count + 1):
        cues += [
            speech(5, rep(number, "work"), start=True),
            Cue.pause(5, rep(number, "hold")),
            Cue.say(f"release{number}", rep(number, "work")),
            Cue.pause(1, rep(number, "work")),
            Cue.pause(2, rep(number, "rest")),
        ]
    return _block(3, "work", 0, [*cues, speech(5, rep(count, "transition"))], "reprompt")


def test_next_never_does_again_a_rep_the_fastest_device_may_have_finished() -> None:
    block = reps_block(3)  # rep 2 is cues 5-9: opens at 5, done after its release (cue 7)
    assert [(u.start, u.done) for u in block.units] == [(0, 3), (5, 8), (10, 13)]

    def window(hi: float) -> Moment:  # slowest: rep 2's opening words not yet all said
        return Moment(block, "playing", 0, lo=5.2, hi=hi, mid=6.5, early=5.5)

    # The fastest device is still in rep 2's hold: "next" starts rep 2 (a slow device has
    # not begun it; a fast one is told to go again from its opening).
    assert next_target(window(7.5)) == Target(1, False, 5)
    # The fastest device may have said rep 2's release: rep 2 is not done twice; rep 3 comes,
    # and the slow device is told so.
    assert next_target(window(8.5)) == Target(2, True, 10, passes_unheard=True)
    assert next_target(window(12.0)) == Target(2, True, 10, passes_unheard=True)
    # With rep 2 heard by every device, rep 3 is simply the next one.
    assert next_target(Moment(block, "playing", 0, 7.5, 8.5, 8.0, 7.0)) == Target(2, True, 10)


def test_go_back_is_the_rep_before_the_one_in_progress_or_the_one_just_finished() -> None:
    block = reps_block(3)

    def fastest_at(hi: float) -> Moment:
        return Moment(block, "playing", 0, hi - 1, hi, hi - 0.5, hi - 0.5)

    assert back_target(fastest_at(11.5)) == Target(1, False, 5)  # in rep 3: back to rep 2
    assert back_target(fastest_at(9.0)) == Target(1, False, 5)  # resting after rep 2: rep 2
    assert back_target(fastest_at(8.0)) == Target(1, False, 5)  # rep 2 just released
    assert back_target(fastest_at(7.5)) == Target(0, False, 0)  # still in rep 2: rep 1
    assert back_target(fastest_at(2.0)) == Target(0, False, 0)  # the first rep stays first


def test_the_release_said_first_is_the_one_of_the_rep_before_the_target() -> None:
    block = reps_block(3)
    assert cut_release(block, Target(2, True, 10)) == "release2"
    assert cut_release(block, Target(1, True, 5)) == "release1"
    # A rep counts as cut short until its release words are all said, and not after.
    assert next_target(Moment(block, "playing", 0, 7.99, 8.5, 8.2, 7.99)).cut
    assert not next_target(Moment(block, "playing", 0, 8.0, 8.5, 8.2, 8.0)).cut


def test_a_rep_is_over_once_the_fastest_device_said_its_release_words() -> None:
    block = reps_block(3)
    exactly = Moment(block, "playing", 0, 6.0, 8.0, 7.0, 6.5)
    assert resume_target(exactly).unit == 2  # rep 2's release all said: on to rep 3
    assert resume_target(exactly._replace(hi=7.99)).unit == 1  # not quite: rep 2 again
    # "next" as rep 2's release ends on the fastest device (a slow one before its opening
    # words): rep 2 is not done twice.
    passed = Moment(block, "playing", 0, 4.0, 8.0, 6.0, 5.5)
    assert next_target(passed) == Target(2, True, 10, passes_unheard=True)
    assert next_target(passed._replace(hi=7.99)) == Target(1, False, 5)
    # The opening words count as heard once all said, on the slowest reading.
    assert next_target(passed._replace(hi=7.5, early=6.0)) == Target(2, True, 10)
    assert next_target(passed._replace(hi=7.5, early=5.99)) == Target(1, False, 5)


def test_the_window_of_a_request_after_a_lead_moves_every_reading() -> None:
    plain, lead = at(9.5), at(9.5 + 2.5, lead_s=2.5)  # 2.5 s of lead words, at each rate
    assert lead.mid == pytest.approx(plain.mid)
    assert lead.early == pytest.approx(at(9.5 - 2.5 / 0.8 + 2.5).early)
    waiting = at(100, served_at=None, from_cue=5)  # type: ignore[arg-type]
    assert (waiting.early, waiting.from_cue) == (5, 5)
    over = at(30.0)
    assert over.status == "finished" and over.mid == pytest.approx(10) and over.early == 10
    assert over.lo == pytest.approx(10) and over.hi == pytest.approx(10)


def test_after_an_interruption_the_runner_waits_at_the_rep_to_resume_or_the_next_block() -> None:
    plan = compile_plan(Catalog.builtin().get("quick"), "normal")
    block = next(b for b in plan.blocks if b.kind == "work" and len(b.units) >= 3)
    second, last = block.units[1], block.units[-1]
    index = block.index

    def playing(hi: float) -> Moment:
        return Moment(block, "playing", 0, hi - 1, hi, hi - 0.5, hi - 0.5)

    assert waiting_after(plan, playing(second.start + 0.5)) == (index, second.start)
    assert waiting_after(plan, playing(second.done)) == (index, block.units[2].start)
    assert waiting_after(plan, playing(last.done)) == (index + 1, 0)  # its work all done
    assert waiting_after(plan, playing(last.done)._replace(status="finished")) == (index + 1, 0)
    waiting = Moment(block, "waiting", second.start, *[float(second.start)] * 4)
    assert waiting_after(plan, waiting) == (index, second.start)
    # The routine's last block stays the last.
    end = plan.blocks[plan.last]
    assert waiting_after(plan, Moment(end, "finished", 0, 1, 1, 1)) == (plan.last, 0)
    final = plan.blocks[plan.last - 1]
    end = final.work_end
    ending = Moment(final, "playing", 0, end - 1, end, end - 0.5, end - 1)
    assert waiting_after(plan, ending) == (plan.last, 0)


def test_next_in_a_walk_never_does_again_a_round_the_fastest_device_may_have_finished() -> None:
    m = Moment(WALK, "playing", 0, lo=4.0, hi=5.5, mid=5.0, early=4.5)  # resting after round 1
    assert next_target(m) == Target(1, True, 6)
    # Round two's "Stop." said on the fastest device, its opening words not yet on the slowest.
    passed = Moment(WALK, "playing", 0, lo=4.0, hi=9.0, mid=6.0, early=5.5)
    assert next_target(passed) == Target(2, True, len(WALK.cues), passes_unheard=True)
    assert next_target(passed._replace(hi=8.5)) == Target(1, True, 6)


def test_a_walk_going_on_in_its_rest_first_says_the_rounds_last_words_if_they_may_be_unsaid() -> (
    None
):
    # The fastest device has (mostly) said "Stop, rest."; the slowest is still walking.
    m = Moment(WALK, "playing", 0, lo=3.5, hi=4.7, mid=4.2, early=4.2)
    assert resume_target(m) == Target(0, True, 5)
    assert cut_release(WALK, resume_target(m)) == "word word"
    assert not resume_target(m._replace(lo=5.0)).cut  # said on every device
