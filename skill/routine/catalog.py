"""Routines as data: load the JSON files under ``data/`` and validate them into typed objects.

Every number the coach says comes from these files. A number is written as
``{"value": 10, "seed": "..."}`` when the source article gives it, or with a ``"choice"`` that
explains the coach's pick where the article leaves it open (both may be present: a choice made
inside a range the article gives).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

Side = Literal["right", "left", "both"]
Style = Literal["reps", "timed"]

SIDES: tuple[Side, ...] = ("right", "left", "both")
STYLES: tuple[Style, ...] = ("reps", "timed")
DATA_PACKAGE = "skill.routine"
DATA_FOLDER = "data"


class RoutineError(ValueError):
    """A routine file is missing, malformed or inconsistent; the message names file and field."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Quantity:
    """A number of the routine, with where it comes from."""

    value: float
    seed: str | None = None
    choice: str | None = None

    @property
    def is_choice(self) -> bool:
        return self.choice is not None

    def __int__(self) -> int:
        return int(self.value)


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    plural: str
    aliases: tuple[str, ...]
    purpose: str
    instructions: tuple[str, ...]
    equipment: str | None
    sides: tuple[Side, ...]
    style: Style
    sets: Quantity
    rest_between_sets_s: Quantity
    cue: str
    short_cue: str
    release_cue: str
    # "reps" style
    reps: Quantity | None = None
    hold_s: Quantity | None = None
    move_s: Quantity | None = None
    release_s: Quantity | None = None
    rest_s: Quantity | None = None
    # "timed" style
    duration_s: Quantity | None = None
    # What the lead-in says before a set starts cold ("Get onto your step."), and the seconds
    # of silence it leaves to get there.
    get_ready: str | None = None
    get_ready_s: Quantity | None = None
    # Equipment id ("marble", "step", "band") -> what to do without it.
    alternatives: tuple[tuple[str, str], ...] = ()

    def alternative(self, equipment: str) -> str | None:
        return dict(self.alternatives).get(equipment)

    @property
    def rep_count(self) -> int:
        return int(self.reps.value) if self.reps else 0

    @property
    def set_count(self) -> int:
        return int(self.sets.value)

    def quantities(self) -> Iterator[tuple[str, Quantity]]:
        for field in QUANTITY_FIELDS:
            quantity = getattr(self, field)
            if quantity is not None:
                yield field, quantity


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    aliases: tuple[str, ...]
    description: str
    source: str
    safety: str
    exercises: tuple[Exercise, ...]

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def exercise_index(self, exercise_id: str) -> int:
        for index, exercise in enumerate(self.exercises):
            if exercise.id == exercise_id:
                return index
        raise KeyError(exercise_id)


QUANTITY_FIELDS = (
    "reps",
    "sets",
    "hold_s",
    "move_s",
    "release_s",
    "rest_s",
    "rest_between_sets_s",
    "duration_s",
    "get_ready_s",
)
EQUIPMENT_IDS = ("marble", "step", "band")
REQUIRED_BY_STYLE: Mapping[Style, tuple[str, ...]] = {
    "reps": ("reps", "hold_s", "move_s", "release_s", "rest_s"),
    "timed": ("duration_s",),
}
# Limits that keep the plan within Alexa's limits and the coaching sensible.
MAX_VALUE: Mapping[str, float] = {
    "reps": 50,
    "sets": 10,
    "hold_s": 120,
    "move_s": 30,
    "release_s": 30,
    "rest_s": 120,
    "rest_between_sets_s": 180,
    "duration_s": 180,
    "get_ready_s": 15,
}
MIN_VALUE: Mapping[str, float] = {"reps": 1, "sets": 1, "duration_s": 5}


class _Reader:
    """Reads fields from one JSON object, raising RoutineError with the field's full path."""

    def __init__(self, source: str, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise RoutineError(source, path or "(top level)", "must be a JSON object")
        self.source = source
        self.data: dict[str, Any] = data
        self.path = path

    def field(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> RoutineError:
        return RoutineError(self.source, self.field(name), problem)

    def text(self, name: str, *, optional: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "must be a non-empty string")
        return value.strip()

    def required_text(self, name: str) -> str:
        value = self.text(name)
        assert value is not None
        return value

    def optional_text_list(self, name: str) -> tuple[str, ...]:
        return self.text_list(name) if name in self.data else ()

    def text_list(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name)
        if not isinstance(value, list) or not value:
            raise self.fail(name, "must be a non-empty list of strings")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{name}[{index}]", "must be a non-empty string")
        return tuple(item.strip() for item in value)

    def quantity(self, name: str) -> Quantity | None:
        if name not in self.data:
            return None
        raw = self.data[name]
        if not isinstance(raw, dict):
            raise self.fail(name, 'must be an object like {"value": 10, "seed": "..."}')
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{name}.value", "must be a number")
        if value < MIN_VALUE.get(name, 0):
            raise self.fail(f"{name}.value", f"must be at least {MIN_VALUE.get(name, 0)}")
        if value > MAX_VALUE[name]:
            raise self.fail(f"{name}.value", f"must be at most {MAX_VALUE[name]}")
        if name in ("reps", "sets") and value != int(value):
            raise self.fail(f"{name}.value", "must be a whole number")
        seed, choice = raw.get("seed"), raw.get("choice")
        for label, note in (("seed", seed), ("choice", choice)):
            if note is not None and (not isinstance(note, str) or not note.strip()):
                raise self.fail(f"{name}.{label}", "must be a non-empty string")
        if seed is None and choice is None:
            raise self.fail(
                name, 'needs "seed" (what the article says) or "choice" (why the coach chose it)'
            )
        unknown = set(raw) - {"value", "seed", "choice"}
        if unknown:
            raise self.fail(name, f"unknown keys {sorted(unknown)}")
        return Quantity(value=value, seed=seed, choice=choice)


def _parse_exercise(source: str, data: Any, path: str) -> Exercise:
    reader = _Reader(source, data, path)
    style = reader.data.get("style")
    if style not in STYLES:
        raise reader.fail("style", f"must be one of {list(STYLES)}")
    sides = reader.data.get("sides")
    if (
        not isinstance(sides, list)
        or not sides
        or any(side not in SIDES for side in sides)
        or len(set(sides)) != len(sides)
        or ("both" in sides and len(sides) > 1)
    ):
        raise reader.fail("sides", 'must be ["both"] or a list of distinct "right"/"left"')
    quantities = {name: reader.quantity(name) for name in QUANTITY_FIELDS}
    for name in ("sets", "rest_between_sets_s", *REQUIRED_BY_STYLE[style]):
        if quantities[name] is None:
            raise reader.fail(name, f"is required for a {style!r} exercise")
    for other_style, names in REQUIRED_BY_STYLE.items():
        if other_style == style:
            continue
        for name in names:
            if quantities[name] is not None and name not in REQUIRED_BY_STYLE[style]:
                raise reader.fail(name, f"does not apply to a {style!r} exercise")
    identifier = reader.required_text("id")
    if not identifier.replace("_", "").isalnum() or not identifier.islower():
        raise reader.fail("id", "must be lower-case letters, digits and underscores")
    sets = quantities["sets"]
    rest_between_sets = quantities["rest_between_sets_s"]
    assert sets is not None and rest_between_sets is not None
    return Exercise(
        id=identifier,
        name=reader.required_text("name"),
        plural=reader.required_text("plural"),
        aliases=reader.optional_text_list("aliases"),
        purpose=reader.required_text("purpose"),
        instructions=reader.text_list("instructions"),
        equipment=reader.text("equipment", optional=True),
        sides=tuple(sides),
        style=style,
        sets=sets,
        rest_between_sets_s=rest_between_sets,
        cue=reader.required_text("cue"),
        short_cue=reader.required_text("short_cue"),
        release_cue=reader.required_text("release_cue"),
        reps=quantities["reps"],
        hold_s=quantities["hold_s"],
        move_s=quantities["move_s"],
        release_s=quantities["release_s"],
        rest_s=quantities["rest_s"],
        duration_s=quantities["duration_s"],
        get_ready=reader.text("get_ready", optional=True),
        get_ready_s=quantities["get_ready_s"],
        alternatives=_alternatives(reader),
    )


def _alternatives(reader: _Reader) -> tuple[tuple[str, str], ...]:
    raw = reader.data.get("alternatives")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise reader.fail("alternatives", "must be an object of equipment id -> text")
    pairs = []
    for key, text in raw.items():
        if key not in EQUIPMENT_IDS:
            raise reader.fail(f"alternatives.{key}", f"must be one of {list(EQUIPMENT_IDS)}")
        if not isinstance(text, str) or not text.strip():
            raise reader.fail(f"alternatives.{key}", "must be a non-empty string")
        pairs.append((key, text.strip()))
    return tuple(pairs)


def parse_routine(data: Any, source: str) -> Routine:
    """Validate one routine document; ``source`` names the file in error messages."""
    reader = _Reader(source, data, "")
    raw_exercises = reader.data.get("exercises")
    if not isinstance(raw_exercises, list) or not raw_exercises:
        raise reader.fail("exercises", "must be a non-empty list")
    exercises = tuple(
        _parse_exercise(source, item, f"exercises[{index}]")
        for index, item in enumerate(raw_exercises)
    )
    seen: set[str] = set()
    for index, exercise in enumerate(exercises):
        if exercise.id in seen:
            raise RoutineError(source, f"exercises[{index}].id", f"duplicate id {exercise.id!r}")
        seen.add(exercise.id)
    return Routine(
        id=reader.required_text("id"),
        name=reader.required_text("name"),
        aliases=reader.optional_text_list("aliases"),
        description=reader.required_text("description"),
        source=reader.required_text("source"),
        safety=reader.required_text("safety"),
        exercises=exercises,
    )


def load_routine_file(path: Path) -> Routine:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RoutineError(str(path), "(file)", f"cannot be read: {error.strerror}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RoutineError(
            str(path), "(file)", f"is not valid JSON (line {error.lineno}: {error.msg})"
        ) from error
    return parse_routine(data, str(path))


class Catalog:
    """All routines the coach knows, by id, in a stable order (the default first)."""

    DEFAULT_ROUTINE = "foot"

    def __init__(self, routines: list[Routine]) -> None:
        if not routines:
            raise ValueError("a catalog needs at least one routine")
        self._routines: dict[str, Routine] = {}
        for routine in routines:
            if routine.id in self._routines:
                raise RoutineError(routine.id, "id", "two routines share this id")
            self._routines[routine.id] = routine

    @classmethod
    def from_folder(cls, folder: Path) -> Catalog:
        files = sorted(folder.glob("*.json"))
        if not files:
            raise RoutineError(str(folder), "(folder)", "holds no routine files")
        return cls([load_routine_file(path) for path in files])

    @classmethod
    def builtin(cls) -> Catalog:
        folder = resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER)
        return cls.from_folder(Path(str(folder)))

    def __iter__(self) -> Iterator[Routine]:
        return iter(self._routines.values())

    def __contains__(self, routine_id: object) -> bool:
        return routine_id in self._routines

    def get(self, routine_id: str) -> Routine:
        return self._routines[routine_id]

    @property
    def default(self) -> Routine:
        if self.DEFAULT_ROUTINE in self._routines:
            return self._routines[self.DEFAULT_ROUTINE]
        return next(iter(self._routines.values()))

    def ids(self) -> list[str]:
        return list(self._routines)

    def find_routine(self, spoken: str) -> str | None:
        """The id of the routine a runner named, by id, name or alias."""
        wanted = normalise(spoken)
        for routine in self:
            if wanted in {normalise(word) for word in (routine.id, routine.name, *routine.aliases)}:
                return routine.id
        return None


def find_exercise(routine: Routine, spoken: str) -> str | None:
    """The id of the exercise of ``routine`` a runner named, by id, name, plural or alias."""
    wanted = normalise(spoken)
    for exercise in routine.exercises:
        names = (exercise.id, exercise.name, exercise.plural, *exercise.aliases)
        if wanted in {normalise(word) for word in names}:
            return exercise.id
    return None


def normalise(spoken: str) -> str:
    """Lower case, words only, without a leading "the" or "my": how names are compared."""
    words = "".join(c if c.isalnum() or c == "'" else " " for c in spoken.lower()).split()
    while words and words[0] in ("the", "my"):
        words = words[1:]
    return " ".join(words)
