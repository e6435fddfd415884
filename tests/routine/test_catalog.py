"""The routine data: the seed's numbers, the coach's marked choices, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skill.routine.catalog import Catalog, RoutineError, load_routine_file, parse_routine

DATA = Path(__file__).resolve().parents[2] / "skill" / "routine" / "data"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.builtin()


def test_builtin_catalog_has_the_foot_routine_first_and_a_quick_one(catalog: Catalog) -> None:
    assert catalog.ids() == ["foot", "quick"]
    assert catalog.default.id == "foot"
    assert "doctor" in catalog.default.safety


def test_foot_routine_holds_every_number_of_the_seed(catalog: Catalog) -> None:
    foot = catalog.get("foot")
    assert [e.id for e in foot.exercises] == [
        "toe_spread",
        "marble_pickup",
        "calf_drops",
        "heel_walk",
        "toe_walk",
    ]
    toe_spread = foot.exercise("toe_spread")
    assert toe_spread.hold_s and toe_spread.hold_s.value == 10 and not toe_spread.hold_s.is_choice
    assert toe_spread.rep_count == 10 and toe_spread.sides == ("right", "left")
    assert toe_spread.equipment and "rubber band" in toe_spread.equipment
    assert toe_spread.reps and toe_spread.reps.seed and not toe_spread.reps.is_choice

    marble = foot.exercise("marble_pickup")
    assert marble.hold_s and marble.hold_s.value == 20 and not marble.hold_s.is_choice
    assert marble.rep_count == 2 and marble.sides == ("right", "left")
    assert any("marble" in line for line in marble.instructions)

    calf = foot.exercise("calf_drops")
    assert calf.reps and calf.reps.value in (10, 12) and calf.reps.seed == "10 to 12 times"
    assert calf.reps.is_choice, "10 or 12 is the coach's choice inside the seed's range"
    assert calf.hold_s and calf.hold_s.is_choice, "the seed gives no hold time at the top"
    assert any("step" in line for line in calf.instructions)

    heel = foot.exercise("heel_walk")
    assert heel.duration_s and heel.duration_s.value == 60 and not heel.duration_s.is_choice
    assert heel.set_count == 2 and heel.sets.seed == "rest and repeat twice"
    assert heel.rest_between_sets_s.is_choice

    toe = foot.exercise("toe_walk")
    assert toe.set_count == 3 and toe.sets.seed == "rest and repeat two more times"
    assert toe.rest_between_sets_s.is_choice


def test_every_number_says_where_it_comes_from(catalog: Catalog) -> None:
    for routine in catalog:
        for exercise in routine.exercises:
            for name, quantity in exercise.quantities():
                assert quantity.seed or quantity.choice, f"{routine.id}.{exercise.id}.{name}"


def test_quick_routine_is_shorter_with_fewer_reps(catalog: Catalog) -> None:
    foot, quick = catalog.get("foot"), catalog.get("quick")
    for full, short in zip(foot.exercises, quick.exercises, strict=True):
        assert short.id == full.id
        assert short.rep_count <= full.rep_count
        assert short.set_count <= full.set_count
    assert sum(e.rep_count for e in quick.exercises) < sum(e.rep_count for e in foot.exercises)


def _foot_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / "foot.json").read_text())
    return document


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [
        (lambda d: d["exercises"][0].pop("reps"), "exercises[0].reps", "required"),
        (
            lambda d: d["exercises"][2]["hold_s"].update(value="two"),
            "exercises[2].hold_s.value",
            "number",
        ),
        (lambda d: d["exercises"][1]["hold_s"].pop("seed"), "exercises[1].hold_s", "seed"),
        (lambda d: d["exercises"][0]["reps"].update(value=2.5), "exercises[0].reps.value", "whole"),
        (
            lambda d: d["exercises"][0]["hold_s"].update(value=500),
            "exercises[0].hold_s.value",
            "at most",
        ),
        (lambda d: d["exercises"][0].update(sides=["up"]), "exercises[0].sides", "right"),
        (lambda d: d["exercises"][3].update(style="dance"), "exercises[3].style", "one of"),
        (
            lambda d: d["exercises"][3].update(reps={"value": 3, "seed": "x"}),
            "exercises[3].reps",
            "does not apply",
        ),
        (lambda d: d["exercises"][1].update(id="toe_spread"), "exercises[1].id", "duplicate"),
        (lambda d: d.update(exercises=[]), "exercises", "non-empty"),
        (lambda d: d.pop("safety"), "safety", "non-empty string"),
        (
            lambda d: d["exercises"][0].update(instructions=[]),
            "exercises[0].instructions",
            "non-empty list",
        ),
    ],
)
def test_malformed_routine_names_file_field_and_problem(
    tmp_path: Path, mutate: Any, field: str, problem: str
) -> None:
    document = _foot_document()
    mutate(document)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    with pytest.raises(RoutineError) as caught:
        load_routine_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert caught.value.field == field
    assert problem in message


def test_invalid_json_and_missing_file_are_reported_with_the_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x",')
    with pytest.raises(RoutineError, match=r"bad\.json: \(file\): is not valid JSON \(line 1"):
        load_routine_file(path)
    with pytest.raises(RoutineError, match="cannot be read"):
        load_routine_file(tmp_path / "absent.json")


def test_a_folder_of_routines_loads_and_rejects_a_broken_one(tmp_path: Path) -> None:
    (tmp_path / "foot.json").write_text(json.dumps(_foot_document()))
    assert Catalog.from_folder(tmp_path).ids() == ["foot"]
    (tmp_path / "zzz.json").write_text("[]")
    with pytest.raises(RoutineError, match=r"zzz\.json: \(top level\): must be a JSON object"):
        Catalog.from_folder(tmp_path)


def test_parse_accepts_the_data_as_is() -> None:
    routine = parse_routine(_foot_document(), "foot.json")
    assert routine.exercise_index("calf_drops") == 2
