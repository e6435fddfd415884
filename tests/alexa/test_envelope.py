"""The fast envelope path builds exactly what ask-sdk's own deserialiser builds, or steps aside."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from alexa_client import Echo
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.request_envelope import RequestEnvelope
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.alexa.envelope import fast_request_envelope, fast_response_dict
from skill.alexa.skill import EnvelopeSerializer, SkillRunner, build_skill, needed_parts
from skill.storage.sqlite import SQLiteStore

GENERIC = DefaultSerializer()


def generic(envelope: dict[str, Any]) -> RequestEnvelope:
    request: RequestEnvelope = GENERIC.deserialize(json.dumps(envelope), RequestEnvelope)
    return request


def sample_envelopes() -> list[dict[str, Any]]:
    echo = Echo("unused", person_id="amzn1.ask.person.someone")
    echo.attributes = {"runner": {"version": 3, "state": {"progress": None}}, "asked": "start"}
    slot = {
        "name": "exercise",
        "value": "calf raises",
        "confirmationStatus": "NONE",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.x.ExerciseName",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "calf drops", "id": "calf_drops"}}],
                }
            ]
        },
    }
    envelopes = [
        echo.envelope({"type": "LaunchRequest"}),
        echo.envelope(
            {
                "type": "IntentRequest",
                "dialogState": "COMPLETED",
                "intent": {
                    "name": "GoToExerciseIntent",
                    "confirmationStatus": "NONE",
                    "slots": {"exercise": slot},
                },
            }
        ),
        echo.envelope({"type": "IntentRequest", "intent": {"name": "AMAZON.YesIntent"}}),
        echo.envelope({"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}),
    ]
    shared = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "alexa-signed"
    envelopes += [
        json.loads((folder / "body.json").read_bytes())
        for folder in sorted(shared.glob("*"))
        if (folder / "body.json").exists()
    ]
    return envelopes


@pytest.mark.parametrize("envelope", sample_envelopes())
def test_fast_path_equals_ask_sdk_on_real_envelopes(envelope: dict[str, Any]) -> None:
    needed = needed_parts(envelope)
    fast = fast_request_envelope(needed)
    slow = generic(needed)
    if fast is not None:
        assert fast == slow
    assert EnvelopeSerializer().request_envelope(envelope) == slow


def test_the_skills_own_requests_take_the_fast_path() -> None:
    for envelope in sample_envelopes()[:4]:
        assert fast_request_envelope(needed_parts(envelope)) is not None


def test_unusual_shapes_step_aside() -> None:
    envelope = sample_envelopes()[1]
    for mutate in (
        lambda e: e["request"].update(type="Alexa.Presentation.APL.UserEvent"),
        lambda e: e["request"].update(dialogState="SOMETHING_NEW"),
        lambda e: e["request"]["intent"].update(name=5),
        lambda e: e["request"].update(timestamp="yesterday"),
        lambda e: e["session"].update(new="yes"),
        lambda e: e["request"].update(extra=1),
    ):
        changed = copy.deepcopy(envelope)
        mutate(changed)
        assert fast_request_envelope(changed) is None


def mutations() -> st.SearchStrategy[Any]:
    leaf = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=8)
        | st.sampled_from(
            ["NONE", "COMPLETED", "ER_SUCCESS_MATCH", "2026-11-25T09:00:00Z", "IntentRequest"]
        )
    )
    return st.recursive(
        leaf,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=6,
    )


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    return found


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_whenever_the_fast_path_answers_it_agrees_with_ask_sdk(data: st.DataObject) -> None:
    envelope = needed_parts(copy.deepcopy(data.draw(st.sampled_from(sample_envelopes()[:4]))))
    path = data.draw(st.sampled_from(paths(envelope)[1:]))
    parent = envelope
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(mutations())
    fast = fast_request_envelope(envelope)
    if fast is not None:
        assert fast == generic(envelope)


def test_fast_responses_equal_ask_sdks_serialisation(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "p.db")
    runner = SkillRunner(build_skill(store))
    echo = Echo("unused")
    seen = 0
    for request in (
        {"type": "LaunchRequest"},
        {"type": "IntentRequest", "intent": {"name": "AMAZON.YesIntent"}},
        {"type": "IntentRequest", "intent": {"name": "RepsLeftIntent"}},
        {"type": "IntentRequest", "intent": {"name": "AMAZON.StopIntent"}},
        {"type": "SessionEndedRequest", "reason": "USER_INITIATED"},
    ):
        envelope = runner.serializer.request_envelope(echo.envelope(request))
        response = runner.skill.invoke(request_envelope=envelope, context=None)
        fast = fast_response_dict(response)
        assert fast is not None
        assert fast == runner.serializer.serialize(response)
        echo.attributes, echo.new = fast.get("sessionAttributes") or {}, False
        seen += 1
    assert seen == 5
    store.close()
