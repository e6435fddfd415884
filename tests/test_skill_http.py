"""The skill end to end over real HTTP: routines, resume, one-shots, reps left, bad input."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from alexa_client import Echo, get, post
from device.echo import FakeClock
from flask import Flask
from servers import ServiceProcess
from ssml_rules import check_ssml

from skill.alexa.skill import HANDLED_INTENTS
from skill.app import create_app, encode_answer
from skill.routine.catalog import Catalog
from skill.routine.plan import compile_plan


@pytest.fixture
def clock() -> FakeClock:
    """The coach's CLOCK: it moves only when a device plays something (Echo(advance=...))."""
    return FakeClock(time.time())


@pytest.fixture
def app(store_url: str, clock: FakeClock) -> Flask:
    config = {"STORE_URL": store_url, "VERIFY_SIGNATURES": False, "SKILL_ID": None}
    return create_app({**config, "CLOCK": clock})


def finish_routine(echo: Echo, routine: str = "foot") -> list[str]:
    """Start ``routine`` and say "next" until the coach ends the session; returns the speech."""
    spoken = [echo.intent("StartRoutineIntent", routine=f"{routine} routine|{routine}").speech]
    for _ in range(60):
        answer = echo.intent("NextStepIntent")
        assert answer.status == 200
        check_ssml(answer.ssml)
        spoken.append(answer.speech)
        if answer.ends_session:
            return spoken
        assert answer.reprompt, "an open session must come with a reprompt"
    raise AssertionError("the routine never finished")


def test_a_whole_routine_from_launch_to_completion(
    live_url: str, app: Flask, clock: FakeClock
) -> None:
    # The runner answers "next" 2 s after each response has played out, as on an Echo.
    echo = Echo(live_url + "/alexa", advance=clock.advance)
    launch = echo.launch()
    assert launch.status == 200 and "doctor" in launch.speech and not launch.ends_session
    first = echo.intent("AMAZON.YesIntent")
    assert "Let's start your foot routine" in first.speech
    spoken = [first.speech]
    for _ in range(60):
        answer = echo.intent("NextStepIntent")
        spoken.append(answer.speech)
        if answer.ends_session:
            break
    plan = compile_plan(Catalog.builtin().get("foot"))
    # Said after each block has played out, every "next" serves the following block, once.
    assert len(spoken) == len(plan.blocks)
    assert "That's your whole foot routine. Great work! That's one routine in all." in spoken[-1]
    store = app.extensions["footcoach"].store
    assert store.reads == 1, "one read when the session started, none per turn"
    assert store.writes == len(spoken) + 1  # launch (welcomed) + every served block
    again = Echo(live_url + "/alexa", user_id=echo.user_id).launch()
    assert "You've finished one routine so far" in again.speech


def test_quick_routine_and_how_am_i_doing(live_url: str, clock: FakeClock) -> None:
    echo = Echo(live_url + "/alexa", advance=clock.advance)
    spoken = finish_routine(echo, "quick")
    assert "That's your whole quick routine" in spoken[-1]
    report = echo.one_shot("ProgressReportIntent")
    assert "You've finished one routine." in report.speech
    assert "Your last one was today." in report.speech


def test_reps_left_mid_set_and_continue_from_that_rep(live_url: str) -> None:
    echo = Echo(live_url + "/alexa")
    echo.intent("StartRoutineIntent", routine="foot routine|foot")
    echo.intent("NextStepIntent")  # the right foot's reps start playing now
    answer = echo.intent("RepsLeftIntent")  # barge-in within the first rep
    # Answered, and the set goes on in the same response from the rep in progress.
    assert answer.speech.startswith(
        "You're on rep one of ten on your right foot: nine to go, then ten on the left foot. "
        "Right foot. Spread your toes"
    )
    where = echo.intent("WhereAmIIntent")
    assert where.speech.startswith("This is the toe spread, exercise one of five. You're on rep")


def test_one_shot_next_step_after_the_session_ended_continues(live_url: str) -> None:
    echo = Echo(live_url + "/alexa")
    echo.intent("StartRoutineIntent", routine="foot routine|foot")
    echo.end_session()
    answer = echo.one_shot("NextStepIntent")
    assert "Right foot. Spread your toes" in answer.speech
    assert answer.speech.startswith("Sit down with your feet flat on the floor. Starting in three")
    echo.end_session()
    reps = echo.one_shot("RepsLeftIntent")
    assert re.search(r"rep \w+ of ten on your right foot", reps.speech)


def test_each_recognised_person_keeps_their_own_progress(live_url: str) -> None:
    url = live_url + "/alexa"
    household = "amzn1.ask.account.household"
    anna = Echo(url, user_id=household, person_id="amzn1.ask.person.anna")
    ben = Echo(url, user_id=household, person_id="amzn1.ask.person.ben")
    anna.intent("StartRoutineIntent", routine="quick routine|quick")
    anna.intent("SkipExerciseIntent")
    ben_hears = ben.launch().speech
    assert "doctor" in ben_hears and "You stopped" not in ben_hears, "Ben is new here"
    assert (
        "You stopped at the start of the marble pick up"
        in Echo(url, user_id=household, person_id="amzn1.ask.person.anna").launch().speech
    )


def test_every_built_in_and_custom_intent_answers_sensibly_before_any_routine(
    live_url: str,
) -> None:
    names = [*sorted(HANDLED_INTENTS), "SomeIntentWeNeverDeclared"]
    for name in names:
        echo = Echo(live_url + "/alexa")
        answer = echo.one_shot(name)
        assert answer.status == 200, name
        check_ssml(answer.ssml)
        assert answer.speech, name
        assert answer.ends_session or answer.reprompt, name


def test_unknown_slot_values_get_a_spoken_list(live_url: str) -> None:
    echo = Echo(live_url + "/alexa")
    routine = echo.intent("StartRoutineIntent", routine="yoga")
    assert "I can coach you through the foot routine or the quick routine." in routine.speech
    exercise = echo.intent("GoToExerciseIntent", exercise="cartwheels")
    assert "toe spread, marble pick up, calf drops, heel walk and toe walk" in exercise.speech
    went = echo.intent("GoToExerciseIntent", exercise="calf raises|calf_drops")
    assert "Exercise three of five: calf drops." in went.speech


def test_resume_after_the_server_process_restarts(tmp_path: Path) -> None:
    env = {
        "FOOTCOACH_STORE": f"sqlite:///{tmp_path / 'progress.db'}",
        "FOOTCOACH_VERIFY_SIGNATURES": "0",
    }
    service = ServiceProcess(env)
    with service:
        echo = Echo(service.url + "/alexa")
        echo.intent("StartRoutineIntent", routine="foot routine|foot")
        echo.intent("NextStepIntent")
        stopped = echo.intent("AMAZON.StopIntent")
        assert "I've saved your place: the start of the toe spread" in stopped.speech
        service.kill()
        service.start()
        welcome = Echo(service.url + "/alexa", user_id=echo.user_id).launch()
        assert "Welcome back. You stopped at the start of the toe spread." in welcome.speech


def test_bad_requests_get_a_json_400_and_change_nothing(live_url: str, app: Flask) -> None:
    url = live_url + "/alexa"
    store = app.extensions["footcoach"].store
    cases = [b"", b"not json", b"[1, 2]", b'{"request": 5}', b"\xff\xfe{}", b'{"version": "1.0"}']
    for body in cases:
        answer = post(url, body)
        assert answer.status == 400, body
        assert set(answer.body) == {"error"} and answer.body["error"]
    big = post(url, b"{" + b" " * (200 * 1024) + b"}")
    assert big.status == 413 and "error" in big.body
    assert store.writes == 0
    assert get(live_url + "/healthz").body == {"status": "ok"}


def test_method_and_path_errors_are_json(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/alexa").status_code == 405
    assert client.get("/alexa").get_json()["error"]
    assert client.get("/nowhere").status_code == 404
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_envelope_with_wrong_types_is_rejected_not_crashed(client) -> None:  # type: ignore[no-untyped-def]
    envelope = json.loads(json.dumps(Echo("x").envelope({"type": "LaunchRequest"})))
    envelope["request"]["timestamp"] = "yesterday"
    response = client.post("/alexa", json=envelope)
    assert response.status_code == 400
    envelope = Echo("x").envelope({"type": "IntentRequest", "intent": "not an object"})
    response = client.post("/alexa", json=envelope)
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_locale_does_not_change_the_coaching(client, locale: str) -> None:  # type: ignore[no-untyped-def]
    envelope = Echo("x").envelope({"type": "LaunchRequest"})
    envelope["request"]["locale"] = locale
    body = client.post("/alexa", json=envelope).get_json()
    assert "Foot Coach" in body["response"]["outputSpeech"]["ssml"]


def test_slot_words_without_alexas_resolution_are_resolved_by_the_skill(live_url: str) -> None:
    echo = Echo(live_url + "/alexa")
    envelope_slot = {"name": "routine", "value": "the short version", "confirmationStatus": "NONE"}
    started = echo.send(
        {
            "type": "IntentRequest",
            "intent": {
                "name": "StartRoutineIntent",
                "confirmationStatus": "NONE",
                "slots": {"routine": envelope_slot},
            },
        }
    )
    assert "Let's start your quick routine" in started.speech
    went = echo.send(
        {
            "type": "IntentRequest",
            "intent": {
                "name": "GoToExerciseIntent",
                "confirmationStatus": "NONE",
                "slots": {"exercise": {"name": "exercise", "value": "Calf Raises"}},
            },
        }
    )
    assert "Exercise three of five: calf drops." in went.speech


def test_an_answer_is_compact_utf8_json_even_carrying_a_lone_surrogate_back() -> None:
    answer = {"response": {"ssml": "<speak>Fußübungen</speak>"}, "sessionAttributes": {"n": 1.5}}
    expected = '{"response":{"ssml":"<speak>Fußübungen</speak>"},"sessionAttributes":{"n":1.5}}'
    assert encode_answer(answer) == expected.encode()
    carried = {"sessionAttributes": {"a": "\ud800"}}  # only a request can bring one
    assert json.loads(encode_answer(carried)) == carried
