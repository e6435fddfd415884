"""Random conversations on the simulated Echo: properties of the device and of the session
protocol it speaks (not of the coach's words, which the engine owns)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from .echo import MIC_OPEN_SECONDS, heard_until
from .runner import (
    MAX_RATE,
    MAX_REACTION,
    MIN_RATE,
    MIN_REACTION,
    Conversation,
    Move,
    conversations,
    device_world,
    moves,
    play,
    rates,
    reactions,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(conversation=conversations(max_moves=15))
def test_random_conversations_follow_alexas_session_protocol(conversation: Conversation) -> None:
    with device_world(rate=conversation.rate) as (echo, clock):
        transcript = play(echo, conversation)
        note(transcript.render())
        turns = transcript.turns
        assert turns[0].request_type == "LaunchRequest"
        # Time only moves forward, and the app's clock is where the last request put it.
        sent = [t for t in turns if t.kind != "reprompt"]
        assert [t.started_at for t in sent] == sorted(t.started_at for t in sent)
        assert clock() >= max(t.started_at for t in sent) - 1e-6
        open_session: str | None = None
        attributes: dict[str, Any] = {}
        used: set[str] = set()
        waiting = None  # the response whose session is open
        for turn in turns:
            if turn.kind == "reprompt":
                assert open_session is not None and waiting is not None
                assert turn.ssml == waiting.reprompt_ssml
                assert turn.started_at >= waiting.ended_at + MIC_OPEN_SECONDS - 1e-6
                continue
            if turn.kind == "ended":
                assert turn.session_id == open_session  # only an open session is ended
                open_session = None
                continue
            assert turn.session_id is not None
            if turn.new_session:
                assert open_session is None  # an open session is ended before another starts
                assert turn.session_id not in used
                assert turn.request["session"]["attributes"] == {}
            else:
                assert turn.session_id == open_session
                assert turn.request["session"]["attributes"] == attributes
            used.add(turn.session_id)
            open_session = None if turn.ends_session else turn.session_id
            attributes, waiting = turn.session_attributes, turn
        # What the runner heard is the start of what was played, cut only by a barge-in.
        for turn in turns:
            assert turn.text.startswith(turn.heard_text)
            if turn.interrupted_at is None:
                assert turn.heard_text == turn.text
            else:
                assert turn.heard_text == heard_until(turn.ssml, turn.interrupted_at, echo.rate)


@SETTINGS
@given(rate=rates(), reaction=reactions(), fraction=st.floats(0, 0.99))
def test_barge_in_fractions_and_drawn_ranges(rate: float, reaction: float, fraction: float) -> None:
    assert MIN_RATE <= rate <= MAX_RATE
    assert MIN_REACTION <= reaction <= MAX_REACTION
    with device_world(rate=rate) as (echo, _):
        first = echo.launch(after=reaction)
        second = echo.say("AMAZON.HelpIntent", barge_in=fraction * first.duration)
        # Epoch seconds carry about 2e-7 s of float error: moments are compared to the millisecond.
        assert second.started_at - first.started_at == pytest.approx(
            fraction * first.duration, abs=1e-3
        )
        assert first.interrupted_at == pytest.approx(fraction * first.duration, abs=1e-3)


@settings(max_examples=50)
@given(move=moves())
def test_moves_describe_themselves(move: Move) -> None:
    text = move.describe()
    if move.kind == "say":
        assert move.intent is not None and move.intent in text
    else:
        assert move.kind.split("_")[0] in text
