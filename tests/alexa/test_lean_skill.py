"""LeanSkill: ask-sdk's CustomSkill invoked without the parts this skill never configures gives
the answers CustomSkill.invoke gives, and never changes the request's own session attributes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from alexa_client import Echo
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_runtime.exceptions import AskSdkException

from skill.alexa.runner import lift_carried
from skill.alexa.skill import EnvelopeSerializer, LeanSkill, build_skill
from skill.storage.sqlite import SQLiteStore

NOW = 1_800_000_000.0


def request(envelope: dict[str, Any]) -> tuple[RequestEnvelope, Any]:
    lifted, carried = lift_carried(envelope)
    return EnvelopeSerializer().request_envelope(lifted), carried


def conversation() -> list[dict[str, Any]]:
    echo = Echo("unused", user_id="amzn1.ask.account.lean", device_id="amzn1.ask.device.lean")
    return [
        echo.envelope({"type": "LaunchRequest"}),
        echo.envelope({"type": "IntentRequest", "intent": {"name": "AMAZON.HelpIntent"}}),
        echo.envelope({"type": "IntentRequest", "intent": {"name": "NoSuchIntent"}}),
        echo.envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}),
        echo.envelope({"type": "Display.ElementSelected", "token": "x"}),
    ]


def test_the_lean_invoke_answers_as_ask_sdks_own(tmp_path: Path) -> None:
    lean = build_skill(SQLiteStore(tmp_path / "lean.db"), clock=lambda: NOW)
    stock = build_skill(SQLiteStore(tmp_path / "stock.db"), clock=lambda: NOW)
    assert isinstance(lean, LeanSkill)
    serializer = DefaultSerializer()
    attributes: dict[str, Any] = {"asked": "start", "kept": {"nested": [1, 2]}}
    for envelope in conversation():
        envelope["session"]["new"] = envelope["request"]["type"] == "LaunchRequest"
        envelope["session"]["attributes"] = attributes
        sent = copy.deepcopy(attributes)
        model, carried = request(envelope)
        mine = serializer.serialize(lean.invoke(model, carried))
        model, carried = request(envelope)
        theirs = serializer.serialize(CustomSkill.invoke(stock, model, carried))
        assert mine == theirs
        assert attributes == sent, "the request's own session attributes are left alone"
        assert mine["sessionAttributes"]["kept"] == {"nested": [1, 2]}


def test_a_skill_configured_beyond_this_skill_is_invoked_the_stock_way(tmp_path: Path) -> None:
    skill = build_skill(SQLiteStore(tmp_path / "progress.db"), clock=lambda: NOW)
    assert isinstance(skill, LeanSkill)
    skill.skill_id = "amzn1.ask.skill.another"
    model, carried = request(conversation()[0])
    with pytest.raises(AskSdkException, match="Skill ID Verification failed"):
        skill.invoke(model, carried)


def test_no_session_means_no_session_attributes(tmp_path: Path) -> None:
    skill = build_skill(SQLiteStore(tmp_path / "progress.db"), clock=lambda: NOW)
    envelope = conversation()[0]
    del envelope["session"]
    model, carried = request(envelope)
    answer = skill.invoke(model, carried)
    assert answer.session_attributes is None
    assert answer.response is not None
