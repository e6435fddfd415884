"""The console against a skill endpoint on loopback: sessions, silence, commands, barge-in."""

from __future__ import annotations

import io
import os
import select
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from skill.chat.console import ChatOptions, run_chat
from skill.chat.envelopes import identity_for_profile, validate_request_envelope

from .helpers import REPO, write_small_model
from .stub_skill import StubSkill, speech


def chat(stub: StubSkill, model: Path, script: str, **options: Any) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    interactive = options.pop("interactive", False)
    status = run_chat(ChatOptions(url=stub.url, model_path=model, **options),
                      stdin=io.StringIO(script), stdout=stdout, stderr=stderr,
                      interactive=interactive)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture()
def model(tmp_path: Path) -> Path:
    return write_small_model(tmp_path)


@pytest.fixture()
def stub() -> Any:
    with StubSkill().running() as running:
        yield running


def test_a_scripted_conversation(stub: StubSkill, model: Path) -> None:
    status, out, err = chat(stub, model, "open foot coach\nnext step\ndo calf drops\nstop\n")
    assert status == 0, err
    assert out.splitlines() == [
        "you> open foot coach",
        "coach> Welcome. Ready?",
        "you> next step",
        "coach> You said NextStepIntent.",
        "you> do calf drops",
        "coach> Hold.",
        "       · · · 20 s",
        "       Relax.",
        "you> stop",
        "coach> Goodbye.",
        "(session ended)",
    ]
    assert stub.kinds() == ["*LaunchRequest", "IntentRequest:NextStepIntent",
                            "IntentRequest:GoToExerciseIntent", "IntentRequest:AMAZON.StopIntent"]
    for envelope in stub.envelopes:
        assert validate_request_envelope(envelope) == []
    # One session throughout, attributes carried from each response to the next request.
    assert len({e["session"]["sessionId"] for e in stub.envelopes}) == 1
    assert [e["session"]["attributes"].get("turn") for e in stub.envelopes] == [None, 1, 2, 3]
    slot = stub.envelopes[2]["request"]["intent"]["slots"]["exercise"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == \
        "calf_drops"


def test_profile_gives_a_stable_user_and_the_locale_is_sent(stub: StubSkill, model: Path) -> None:
    chat(stub, model, "next step\n", profile="ann", locale="en-GB")
    chat(stub, model, "next step\n", profile="ann", locale="en-GB")
    users = {e["session"]["user"]["userId"] for e in stub.envelopes}
    assert users == {identity_for_profile("ann").user_id}
    assert {e["request"]["locale"] for e in stub.envelopes} == {"en-GB"}


def test_phrases_without_a_session_are_one_shots(stub: StubSkill, model: Path) -> None:
    status, out, _ = chat(stub, model, "stop\nnext step\nalexa ask foot coach what's left\n")
    assert status == 0
    # stop ends the session; "next step" is then a one-shot; naming the skill always starts a
    # new session, so the open one is ended first.
    assert stub.kinds() == ["*IntentRequest:AMAZON.StopIntent", "*IntentRequest:NextStepIntent",
                            "SessionEndedRequest:USER_INITIATED", "*IntentRequest:RepsLeftIntent",
                            "SessionEndedRequest:USER_INITIATED"]
    session_ids = [e["session"]["sessionId"] for e in stub.envelopes]
    assert session_ids[1] == session_ids[2] != session_ids[3] == session_ids[4]
    assert "SessionEndedRequest" not in out


def test_silence_reprompts_once_then_alexa_closes(stub: StubSkill, model: Path) -> None:
    status, out, _ = chat(stub, model, "open foot coach\n\n\n\n")
    assert status == 0
    assert out.splitlines() == [
        "you> open foot coach",
        "coach> Welcome. Ready?",
        "you> (silence)",
        "coach (reprompt)> Are you ready?",
        "you> (silence)",
        "(no answer: Alexa closed the session)",
        "you> (silence)",
    ]
    assert stub.kinds() == ["*LaunchRequest", "SessionEndedRequest:EXCEEDED_MAX_REPROMPTS"]


def test_quit_and_end_of_input_close_the_open_session(stub: StubSkill, model: Path) -> None:
    chat(stub, model, "open foot coach\n/quit\nnext step\n")
    assert stub.kinds() == ["*LaunchRequest", "SessionEndedRequest:USER_INITIATED"]
    chat(stub, model, "open foot coach\n")
    assert stub.kinds()[-1] == "SessionEndedRequest:USER_INITIATED"
    chat(stub, model, "# a comment line is skipped\n")
    assert len(stub.envelopes) == 4


def test_intent_command_sends_the_exact_intent(stub: StubSkill, model: Path) -> None:
    status, out, _ = chat(stub, model,
                          "/intent GoToExerciseIntent exercise=heel drops\n"
                          "/intent StopIntent\n/intent\n/intent Made.Up x\n")
    assert status == 0
    assert stub.kinds()[:2] == ["*IntentRequest:GoToExerciseIntent",
                                "IntentRequest:AMAZON.StopIntent"]
    slot = stub.envelopes[0]["request"]["intent"]["slots"]["exercise"]
    assert slot["value"] == "heel drops"
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == \
        "ER_SUCCESS_MATCH"
    assert "(usage: /intent NAME slot=value ...)" in out
    assert "(expected slot=value, got 'x')" in out


def test_help_state_and_unknown_commands(stub: StubSkill, model: Path) -> None:
    _, out, _ = chat(stub, model, "/help\n/state\n/frobnicate\n/end\n")
    assert "start foot routine" in out and "StartRoutineIntent" in out
    assert "alexa, ask foot coach for the next step" in out
    assert "/intent NAME slot=value" in out
    assert "/state is not available remotely" in out
    assert "(unknown command /frobnicate; /help lists them)" in out
    assert "(no session is open)" in out
    assert stub.envelopes == []


def test_show_intents(stub: StubSkill, model: Path) -> None:
    _, out, _ = chat(stub, model, "go to the moonwalk\n", show_intents=True)
    assert ("» IntentRequest GoToExerciseIntent exercise='moonwalk' (ER_SUCCESS_NO_MATCH ?)"
            in out.splitlines())


def test_say_sends_one_one_shot_and_prints_the_answer(stub: StubSkill, model: Path) -> None:
    status, out, _ = chat(stub, model, "", say="do calf drops")
    assert status == 0
    assert out.splitlines() == ["Hold.", "· · · 20 s", "Relax."]
    assert stub.kinds() == ["*IntentRequest:GoToExerciseIntent"]
    status, _, err = chat(stub, model, "", say="alexa")
    assert status == 2 and "nothing to say" in err


def test_interactive_launches_and_prompts(stub: StubSkill, model: Path) -> None:
    status, out, _ = chat(stub, model, "stop\n\n", interactive=True)
    assert status == 0
    assert stub.kinds()[:2] == ["*LaunchRequest", "IntentRequest:AMAZON.StopIntent"]
    assert "you> coach> Goodbye." in out           # the prompt while the session is open
    assert "(idle) you> " in out                   # and once the skill has ended it
    assert "you> stop" not in out                  # typed text is not echoed at a terminal


def test_skill_errors_are_reported_and_fail_the_script(model: Path) -> None:
    with StubSkill(lambda envelope: (400, {"error": "wrong skill id"})).running() as stub:
        status, out, err = chat(stub, model, "next step\nnext step\n")
    assert status == 1
    assert err.count("the skill answered HTTP 400") == 2 and "wrong skill id" in err
    assert out.splitlines() == ["you> next step", "you> next step"]


def test_an_unreachable_service_is_reported(stub: StubSkill, model: Path) -> None:
    url = stub.url
    with StubSkill().running() as other:
        dead = other.url
    status, _, err = run_chat_status(ChatOptions(url=dead, model_path=model, say="next step"))
    assert status == 1 and "cannot reach" in err and url != dead


def run_chat_status(options: ChatOptions) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run_chat(options, stdin=io.StringIO(""), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def test_bad_setup_is_a_usage_error(model: Path, tmp_path: Path) -> None:
    status, _, err = run_chat_status(ChatOptions(url="ftp://x", model_path=model))
    assert status == 2 and "--url must be an http(s) URL" in err
    status, _, err = run_chat_status(ChatOptions(url="http://127.0.0.1:9/alexa",
                                                 model_path=tmp_path / "missing.json"))
    assert status == 2 and "cannot read" in err


def test_realtime_waits_out_pauses(model: Path) -> None:
    with StubSkill().running() as stub:
        started = time.monotonic()
        status, out, _ = chat(stub, model, "short hold\n", realtime=True)
        elapsed = time.monotonic() - started
    assert status == 0
    assert out.splitlines() == ["you> short hold", "coach> Hold.", "       · · · 1.2 s",
                                "       Relax."]
    # 1.2 s of silence plus two short phrases at the skill's speaking rate (0.4 s each).
    assert 2.0 <= elapsed < 4.0


def test_typing_during_a_pause_barges_in(model: Path) -> None:
    """In --realtime, input is read while a block plays and sent at once."""
    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "r")
    stdout, stderr = io.StringIO(), io.StringIO()
    with StubSkill().running() as stub:
        options = ChatOptions(url=stub.url, model_path=model, realtime=True)
        result: list[int] = []
        runner = threading.Thread(target=lambda: result.append(run_chat(
            options, stdin=stdin, stdout=stdout, stderr=stderr, interactive=False,
            concurrent_input=True)))
        runner.start()
        with os.fdopen(write_end, "w") as typing:
            typing.write("do calf drops\n")
            typing.flush()
            time.sleep(1.0)  # well inside the 20 s hold
            typing.write("what's left\n")
            typing.flush()
            time.sleep(0.3)
        runner.join(timeout=10)
        stdin.close()
    assert not runner.is_alive() and result == [0], stderr.getvalue()
    assert stub.kinds() == ["*IntentRequest:GoToExerciseIntent", "IntentRequest:RepsLeftIntent",
                            "SessionEndedRequest:USER_INITIATED"]
    waited = stub.arrivals[1] - stub.arrivals[0]
    assert 0.9 <= waited < 2.5
    lines = stdout.getvalue().splitlines()
    assert lines[:5] == ["you> do calf drops", "coach> Hold.", "       · · · 20 s",
                         "(interrupted)", "you> what's left"]
    assert "Relax." not in lines


def test_speak_without_espeak_says_so_once(stub: StubSkill, model: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = chat(stub, model, "next step\nnext step\n", speak=True)
    assert status == 0
    assert err.count("not installed") == 1 and len(err.splitlines()) == 1 and "espeak-ng" in err
    assert out.count("coach> You said NextStepIntent.") == 2


def test_speak_gives_espeak_the_words_only(stub: StubSkill, model: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    heard = tmp_path / "heard.txt"
    fake = bin_dir / "espeak-ng"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {heard}\ncat >> {heard}\necho >> {heard}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    status, _, err = chat(stub, model, "do calf drops\n", speak=True)
    assert status == 0 and "espeak" not in err
    assert heard.read_text().splitlines() == ["--stdin", "Hold. Relax."]


def test_a_response_without_speech(model: Path) -> None:
    with StubSkill(lambda e: (200, speech("<speak></speak>", end=True))).running() as stub:
        _, out, _ = chat(stub, model, "next step\n")
    assert "coach> (silence: the skill said nothing)" in out


def test_at_a_terminal_realtime_counts_down_and_listens_while_playing(model: Path) -> None:
    """A real pseudo-terminal: the console launches, prompts, counts down, and barges in."""
    pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal (pty module)")

    def read_until(fd: int, needle: bytes, seen: bytearray, limit: float) -> None:
        deadline = time.monotonic() + limit
        while needle not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen.extend(os.read(fd, 4096))
                except OSError:  # the child closed the terminal
                    return

    with StubSkill().running() as stub:
        leader, follower = pty.openpty()
        child = subprocess.Popen(
            [sys.executable, "-m", "skill.chat", "--url", stub.url, "--model", str(model),
             "--realtime"],
            stdin=follower, stdout=follower, stderr=follower, cwd=REPO, close_fds=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        os.close(follower)
        seen = bytearray()
        try:
            read_until(leader, b"you> ", seen, 10)          # launched, then prompted
            os.write(leader, b"do calf drops\n")
            read_until(leader, "· · · 20 s  19…".encode(), seen, 10)
            os.write(leader, b"what's left\n")
            read_until(leader, b"You said RepsLeftIntent.", seen, 10)
            os.write(leader, b"/quit\n")
            assert child.wait(timeout=10) == 0
            read_until(leader, b"\0", seen, 0.2)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            os.close(leader)
    text = seen.decode("utf-8", errors="replace")
    assert stub.kinds() == ["*LaunchRequest", "IntentRequest:GoToExerciseIntent",
                            "IntentRequest:RepsLeftIntent", "SessionEndedRequest:USER_INITIATED"]
    assert "coach> Welcome. Ready?" in text
    assert "\r\x1b[K       · · · 20 s  20…" in text    # a live countdown, rewritten in place
    assert "(interrupted)" in text
    assert "Relax." not in text
    assert stub.arrivals[2] - stub.arrivals[1] < 5


def test_debug_shows_every_envelope(stub: StubSkill, model: Path) -> None:
    _, out, err = chat(stub, model, "next step\n", debug=True)
    assert '"type": "IntentRequest"' in err and '"sessionAttributes"' in err
    assert err.count("→ {") == 2 and err.count("← {") == 2  # the intent, then SessionEnded
    assert "coach> You said NextStepIntent." in out


def test_a_terminal_that_cannot_show_the_pause_mark(stub: StubSkill, model: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill.chat", "--url", stub.url, "--model", str(model),
         "--say", "do calf drops"],
        capture_output=True, cwd=REPO, timeout=30, check=False,
        env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("ascii").splitlines() == ["Hold.", "? ? ? 20 s", "Relax."]
