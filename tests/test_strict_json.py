"""skill.strict_json: JSON from outside the service, read strictly."""

from __future__ import annotations

import pytest

from skill import strict_json
from skill.alexa.runner import state_document
from skill.routine.state import RunnerState


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', '[-Infinity]', '{"a": 1e999}'])
def test_non_finite_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        strict_json.loads(text)


def test_finite_numbers_read_as_json_does() -> None:
    assert strict_json.loads('{"a": [1, 2.5, -3e10, true, null]}') == {
        "a": [1, 2.5, -3e10, True, None]
    }


def test_what_orjson_refuses_but_json_allows_is_read_as_json_does() -> None:
    huge = "9" * 400  # past a float's range: only an exact integer holds it
    assert strict_json.loads(f'{{"n": {huge}}}') == {"n": int(huge)}
    assert strict_json.loads('["\\ud800"]') == ["\ud800"]


def test_nesting_is_bounded_and_a_shallow_document_passes() -> None:
    deep = '{"a":' * 70 + "1" + "}" * 70
    assert strict_json.nested_too_deep(deep, strict_json.loads(deep))
    at_limit = '{"a":' * strict_json.MAX_NESTING + "1" + "}" * strict_json.MAX_NESTING
    assert not strict_json.nested_too_deep(at_limit, strict_json.loads(at_limit))
    # Many containers side by side are not deep.
    wide = "[" + ",".join(["{}"] * 200) + "]"
    assert not strict_json.nested_too_deep(wide, strict_json.loads(wide))


def test_a_carried_state_text_is_read_only_when_this_service_could_have_written_it() -> None:
    text = RunnerState(welcomed=True).encode().text
    assert state_document(text) == RunnerState(welcomed=True).to_json()
    for foreign in ("not json", "[1, 2]", '{"welcomed": NaN}', '{"a":' * 70 + "1" + "}" * 70):
        assert state_document(foreign) is None, foreign
