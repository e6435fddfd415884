"""The simulated Echo itself: playback arithmetic, barge-in, sessions, reprompts, one-shots.

These tests assert the device's behaviour, not the coach's words (the engine owns those).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from skill.routine.catalog import Catalog
from skill.routine.plan import PACES, compile_plan
from skill.routine.speech import cues_ssml

from .echo import (
    DEFAULT_START,
    MIC_OPEN_SECONDS,
    Echo,
    FakeClock,
    Turn,
    heard_until,
    playback_seconds,
    spoken_text,
)

RATES = (0.8, 1.0, 1.25)
SECONDS_PER_WORD = 60 / 150  # the skill's documented estimate

TEN_WORDS = '<speak>One two three four five.<break time="3000ms"/>Six seven eight nine ten.</speak>'

EchoFactory = Callable[..., Echo]


def stamp(turn: Turn) -> float:
    """The request timestamp as the skill received it (Alexa sends whole seconds)."""
    value = turn.request["request"]["timestamp"]
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


# -- playback arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize("rate", RATES)
def test_words_take_the_estimate_over_the_rate_and_breaks_are_exact(rate: float) -> None:
    words = 10 * SECONDS_PER_WORD
    assert playback_seconds(TEN_WORDS, rate) == pytest.approx(words / rate + 3.0)


@pytest.mark.parametrize("rate", RATES)
def test_prosody_rate_stretches_the_words_but_not_the_breaks(rate: float) -> None:
    ssml = (
        '<speak><prosody rate="85%">one two three four five'
        '<break time="10000ms"/><break time="2500ms"/>six</prosody></speak>'
    )
    expected = 6 * SECONDS_PER_WORD / 0.85 / rate + 12.5
    assert playback_seconds(ssml, rate) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("pace", sorted(PACES))
def test_every_planned_block_plays_its_words_over_the_rate_and_its_silences_exactly(
    pace: str, rate: float
) -> None:
    catalog = Catalog.builtin()
    prosody = PACES[pace].prosody_rate
    stretch = float(prosody.rstrip("%")) / 100 if prosody else 1.0
    checked = 0
    for routine_id in catalog.ids():
        plan = compile_plan(catalog.get(routine_id), pace)
        for block in plan.blocks:
            ssml = cues_ssml(block.cues, prosody_rate=prosody)
            words = sum(len(c.text.split()) for c in block.cues if c.kind == "speech")
            silence = sum(c.seconds for c in block.cues if c.kind == "pause")
            expected = words * SECONDS_PER_WORD / stretch / rate + silence
            assert playback_seconds(ssml, rate) == pytest.approx(
                expected, abs=0.002 * len(block.cues)
            ), (
                routine_id,
                block.index,
            )
            if pace == "normal":
                # At the normal pace the device and the skill's own estimate agree exactly.
                estimate = sum(c.seconds for c in block.cues)
                assert playback_seconds(ssml) == pytest.approx(
                    estimate, abs=0.002 * len(block.cues)
                )
            checked += 1
    assert checked > 10


def test_invalid_rates_are_refused() -> None:
    for rate in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            playback_seconds(TEN_WORDS, rate)


@pytest.mark.parametrize("rate", RATES)
def test_heard_until_cuts_at_whole_words(rate: float) -> None:
    word = SECONDS_PER_WORD / rate
    assert heard_until(TEN_WORDS, 0.0, rate) == ""
    assert heard_until(TEN_WORDS, word * 0.99, rate) == ""
    assert heard_until(TEN_WORDS, word, rate) == "One"
    assert heard_until(TEN_WORDS, word * 2.5, rate) == "One two"
    # Inside the break: the whole first sentence, nothing of the second.
    assert heard_until(TEN_WORDS, word * 5 + 1.0, rate) == "One two three four five."
    assert heard_until(TEN_WORDS, word * 6 + 3.0, rate) == "One two three four five. Six"
    end = playback_seconds(TEN_WORDS, rate)
    assert heard_until(TEN_WORDS, end, rate) == spoken_text(TEN_WORDS)
    assert heard_until(TEN_WORDS, end + 60, rate) == spoken_text(TEN_WORDS)


def test_fake_clock_moves_only_forward() -> None:
    clock = FakeClock()
    assert clock() == DEFAULT_START
    assert clock.advance(2.5) == DEFAULT_START + 2.5
    clock.advance_to(DEFAULT_START)  # a moment already past: no change
    assert clock.now == DEFAULT_START + 2.5
    with pytest.raises(ValueError):
        clock.advance(-1)


# -- the device against the real app ----------------------------------------------------------


@pytest.mark.parametrize("rate", RATES)
def test_each_response_plays_for_its_playback_time_then_the_runner_answers(
    echo_factory: EchoFactory, fake_clock: FakeClock, rate: float
) -> None:
    echo = echo_factory(rate=rate)
    first = echo.launch(after=1.5)
    assert first.started_at == pytest.approx(DEFAULT_START + 1.5)
    assert first.duration == pytest.approx(playback_seconds(first.ssml, rate))
    assert first.duration > 0 and first.text
    assert not first.ends_session and first.reprompt_text
    second = echo.say("AMAZON.HelpIntent", after=3.0)
    assert second.started_at == pytest.approx(first.started_at + first.duration + 3.0)
    assert fake_clock() == pytest.approx(second.started_at)  # the app's "now" for the turn
    assert stamp(second) == int(second.started_at)
    assert first.heard_text == first.text  # played to its end


def test_a_slower_voice_takes_longer_on_the_same_response(echo_factory: EchoFactory) -> None:
    slow, fast = echo_factory(rate=0.8), echo_factory(rate=1.25)
    a, b = slow.launch(), fast.launch()
    assert a.ssml == b.ssml
    assert a.duration > b.duration
    assert a.duration == pytest.approx(playback_seconds(a.ssml, 0.8))
    assert b.duration == pytest.approx(playback_seconds(b.ssml, 1.25))


def test_session_attributes_and_id_travel_between_turns(echo_factory: EchoFactory) -> None:
    echo = echo_factory(person_id="amzn1.ask.person.ann", locale="en-GB")
    first = echo.launch()
    second = echo.say("AMAZON.YesIntent")
    third = echo.say("AMAZON.HelpIntent")
    assert first.new_session and not second.new_session and not third.new_session
    assert first.session_id == second.session_id == third.session_id
    assert first.request["session"]["attributes"] == {}
    assert second.request["session"]["attributes"] == first.session_attributes
    assert third.request["session"]["attributes"] == second.session_attributes
    system = second.request["context"]["System"]
    assert system["person"] == {"personId": "amzn1.ask.person.ann"}
    assert second.request["request"]["locale"] == "en-GB"


def test_slots_are_sent_as_alexa_resolves_them(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    echo.launch()
    turn = echo.say("GoToExerciseIntent", {"exercise": "calf drops|calf_drops"})
    slot = turn.request["request"]["intent"]["slots"]["exercise"]
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert slot["value"] == "calf drops"
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"]["id"] == "calf_drops"
    unresolved = echo.say("GoToExerciseIntent", {"exercise": "the wobbly one"})
    slot = unresolved.request["request"]["intent"]["slots"]["exercise"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == (
        "ER_SUCCESS_NO_MATCH"
    )
    assert unresolved.text  # the skill answered in speech


@pytest.mark.parametrize("rate", RATES)
def test_barge_in_cuts_what_the_runner_heard(
    echo_factory: EchoFactory, fake_clock: FakeClock, rate: float
) -> None:
    echo = echo_factory(rate=rate)
    echo.launch()
    long = echo.say("AMAZON.YesIntent")  # the start of a routine: a long response
    assert long.duration > 6
    question = echo.say("RepsLeftIntent", barge_in=5.0)
    assert long.interrupted_at == 5.0
    assert long.ended_at == pytest.approx(long.started_at + 5.0)
    assert long.heard_text == heard_until(long.ssml, 5.0, rate)
    assert long.text.startswith(long.heard_text) and long.heard_text != long.text
    # About five seconds of words (the rate decides how many), not the whole response.
    assert 0 < len(long.heard_text.split()) <= int(5.0 / (SECONDS_PER_WORD / rate)) + 1
    assert question.started_at == pytest.approx(long.started_at + 5.0)
    assert question.session_id == long.session_id and not question.new_session
    assert fake_clock() == pytest.approx(question.started_at)


def test_a_barge_in_past_the_end_is_an_answer_after_the_playback(
    echo_factory: EchoFactory,
) -> None:
    echo = echo_factory()
    first = echo.launch()
    second = echo.say("AMAZON.HelpIntent", barge_in=first.duration + 1.0)
    assert first.interrupted_at is None and first.heard_text == first.text
    assert second.started_at == pytest.approx(first.started_at + first.duration + 1.0)


def test_silence_plays_the_reprompt_then_ends_the_session(
    echo_factory: EchoFactory,
) -> None:
    echo = echo_factory(rate=0.8)
    first = echo.launch()
    reprompt = echo.silence()
    assert reprompt is not None and reprompt.kind == "reprompt"
    assert reprompt.ssml == first.reprompt_ssml
    assert reprompt.started_at == pytest.approx(first.ended_at + MIC_OPEN_SECONDS)
    assert reprompt.duration == pytest.approx(playback_seconds(reprompt.ssml, 0.8))
    ended = echo.turns[-1]
    assert ended.kind == "ended" and ended.request_type == "SessionEndedRequest"
    assert ended.request["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert ended.session_id == first.session_id
    assert ended.started_at == pytest.approx(reprompt.ended_at + MIC_OPEN_SECONDS)
    assert not echo.session_open
    assert echo.silence() is None  # nothing open: nothing happens
    # Anything said now is a one-shot: a new session, no attributes carried.
    one_shot = echo.say("RepsLeftIntent", after=30.0)
    assert one_shot.new_session and one_shot.session_id != first.session_id
    assert one_shot.request["session"]["attributes"] == {}
    assert one_shot.started_at == pytest.approx(ended.started_at + 30.0)


def test_an_answer_after_the_reprompt_stays_in_the_session(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    first = echo.launch()
    reprompt_seconds = playback_seconds(first.reprompt_ssml or "", 1.0)
    late = MIC_OPEN_SECONDS + reprompt_seconds + 3.0
    answer = echo.say("AMAZON.HelpIntent", after=late)
    kinds = [turn.kind for turn in echo.turns]
    assert kinds == ["response", "reprompt", "response"]
    assert echo.turns[1].heard_text == echo.turns[1].text
    assert answer.session_id == first.session_id and not answer.new_session
    assert answer.started_at == pytest.approx(first.ended_at + late)


def test_an_answer_during_the_reprompt_cuts_it(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    first = echo.launch()
    answer = echo.say("AMAZON.HelpIntent", after=MIC_OPEN_SECONDS + 1.0)
    reprompt = echo.turns[1]
    assert reprompt.kind == "reprompt" and reprompt.interrupted_at == pytest.approx(1.0)
    assert reprompt.text.startswith(reprompt.heard_text) and reprompt.heard_text != reprompt.text
    assert answer.session_id == first.session_id


def test_an_answer_after_both_windows_is_a_one_shot(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    first = echo.launch()
    answer = echo.say("RepsLeftIntent", after=120.0)
    kinds = [turn.kind for turn in echo.turns]
    assert kinds == ["response", "reprompt", "ended", "response"]
    assert echo.turns[2].request["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert answer.new_session and answer.session_id != first.session_id
    assert answer.started_at == pytest.approx(first.ended_at + 120.0)


def test_a_response_that_ends_the_session_gets_no_session_ended_request(
    echo_factory: EchoFactory,
) -> None:
    echo = echo_factory()
    first = echo.launch()
    goodbye = echo.say("AMAZON.StopIntent")
    assert goodbye.ends_session and not echo.session_open
    assert echo.stop_session() is None and echo.silence() is None
    # Even a barge-in into the goodbye is "Alexa, ask foot coach ...": a new session.
    again = echo.say("RepsLeftIntent", barge_in=0.5)
    assert again.new_session and again.session_id != first.session_id
    assert [turn.request_type for turn in echo.turns] == [
        "LaunchRequest",
        "IntentRequest",
        "IntentRequest",
    ]


def test_stop_session_sends_a_session_ended_request(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    first = echo.launch()
    ended = echo.stop_session(after=1.0)
    assert ended is not None and ended.request["request"]["reason"] == "USER_INITIATED"
    assert ended.session_id == first.session_id
    assert ended.started_at == pytest.approx(first.ended_at + 1.0)
    assert not echo.session_open


def test_launch_in_an_open_session_starts_a_new_one(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    first = echo.launch()
    second = echo.launch()
    assert [t.request_type for t in echo.turns] == [
        "LaunchRequest",
        "SessionEndedRequest",
        "LaunchRequest",
    ]
    assert second.new_session and second.session_id != first.session_id


def test_waiting_a_day_runs_the_session_out(
    echo_factory: EchoFactory, fake_clock: FakeClock
) -> None:
    echo = echo_factory()
    first = echo.launch()
    echo.wait(24 * 3600)
    assert [t.kind for t in echo.turns] == ["response", "reprompt", "ended"]
    assert fake_clock() == pytest.approx(first.ended_at + 24 * 3600)
    later = echo.launch(after=2.0)
    assert later.started_at == pytest.approx(first.ended_at + 24 * 3600 + 2.0)
    assert later.new_session


def test_a_clock_moved_on_by_the_test_counts_as_idle_time(
    echo_factory: EchoFactory, fake_clock: FakeClock
) -> None:
    echo = echo_factory()
    echo.launch()
    fake_clock.advance(3600)
    answer = echo.say("RepsLeftIntent", after=2.0)
    assert [t.kind for t in echo.turns] == ["response", "reprompt", "ended", "response"]
    assert answer.new_session
    assert answer.started_at == pytest.approx(fake_clock())


def test_bad_moments_are_refused(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    with pytest.raises(ValueError):
        echo.say("RepsLeftIntent", barge_in=1.0)  # nothing has played yet
    echo.launch()
    with pytest.raises(ValueError):
        echo.say("RepsLeftIntent", after=-1.0)
    with pytest.raises(ValueError):
        echo.say("RepsLeftIntent", barge_in=-0.5)


def test_timestamps_never_go_backwards_and_two_devices_share_the_clock(
    echo_factory: EchoFactory,
) -> None:
    user = "amzn1.ask.account.household"
    kitchen, hall = echo_factory(user_id=user), echo_factory(user_id=user, rate=1.25)
    kitchen.launch()
    kitchen.say("AMAZON.YesIntent")
    hall.launch()
    kitchen.say("RepsLeftIntent", barge_in=3.0)
    hall.silence()
    kitchen.say("AMAZON.StopIntent")
    sent = sorted((*kitchen.turns, *hall.turns), key=lambda t: t.started_at)
    stamps = [stamp(t) for t in sent if t.kind != "reprompt"]
    assert stamps == sorted(stamps)
    assert {t.request["session"]["user"]["userId"] for t in sent if t.request} == {user}
    devices = {t.request["context"]["System"]["device"]["deviceId"] for t in sent if t.request}
    assert len(devices) == 2


def test_requests_are_dated_by_the_fake_clock(echo_factory: EchoFactory) -> None:
    echo = echo_factory()
    turn = echo.launch(after=2.0)
    expected = datetime.fromtimestamp(DEFAULT_START + 2.0, UTC)
    assert turn.request["request"]["timestamp"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_no_barge_in_into_a_playback_that_is_over(
    echo_factory: EchoFactory, fake_clock: FakeClock
) -> None:
    echo = echo_factory()
    echo.launch()
    echo.silence()  # the reprompt played out and the session ended after it
    assert echo.playing is None
    with pytest.raises(ValueError):
        echo.say("RepsLeftIntent", barge_in=0.0)
    echo.launch()
    echo.wait(3600)
    assert echo.playing is None
    with pytest.raises(ValueError):
        echo.say("RepsLeftIntent", barge_in=1.0)
    assert fake_clock() >= echo.turns[-1].started_at
