"""Reading an ASK interaction model (interaction_models/<locale>.json) into plain data."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.chat.errors import ModelError

MODELS_DIR_NAME = "interaction_models"


@dataclass(frozen=True)
class SlotTypeValue:
    """One value of a custom slot type: what Alexa reports as `id` and `name`."""

    id: str | None
    name: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class IntentModel:
    name: str
    slot_types: Mapping[str, str]  # slot name -> slot type name
    samples: tuple[str, ...]


@dataclass(frozen=True)
class InteractionModel:
    locale: str
    invocation_name: str
    intents: tuple[IntentModel, ...]
    types: Mapping[str, tuple[SlotTypeValue, ...]]
    source: Path | None = None

    def intent(self, name: str) -> IntentModel | None:
        return next((intent for intent in self.intents if intent.name == name), None)


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise ModelError(f"{where}: missing {key!r}")
    return mapping[key]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ModelError(f"{where}: expected a list of strings")
    if not all(isinstance(item, str) for item in value):
        raise ModelError(f"{where}: expected a list of strings")
    return tuple(value)


def parse_model(document: Mapping[str, Any], locale: str,
                source: Path | None = None) -> InteractionModel:
    """Validate the parts of the ASK format the console uses and return them as data."""
    language = _require(_require(document, "interactionModel", "model"), "languageModel",
                        "interactionModel")
    invocation = _require(language, "invocationName", "languageModel")
    if not isinstance(invocation, str) or not invocation.strip():
        raise ModelError("languageModel.invocationName must be a non-empty string")
    intents: list[IntentModel] = []
    for index, raw in enumerate(_require(language, "intents", "languageModel")):
        where = f"intents[{index}]"
        name = _require(raw, "name", where)
        if not isinstance(name, str):
            raise ModelError(f"{where}.name must be a string")
        slot_types: dict[str, str] = {}
        for slot_index, slot in enumerate(raw.get("slots") or ()):
            slot_where = f"{where}.slots[{slot_index}]"
            slot_types[str(_require(slot, "name", slot_where))] = str(
                _require(slot, "type", slot_where))
        intents.append(IntentModel(name, slot_types, _strings(raw.get("samples"), where)))
    types: dict[str, tuple[SlotTypeValue, ...]] = {}
    for index, raw in enumerate(language.get("types") or ()):
        where = f"types[{index}]"
        values: list[SlotTypeValue] = []
        for value_index, entry in enumerate(_require(raw, "values", where)):
            name_part = _require(entry, "name", f"{where}.values[{value_index}]")
            value = _require(name_part, "value", f"{where}.values[{value_index}].name")
            values.append(SlotTypeValue(
                id=entry.get("id"),
                name=str(value),
                synonyms=_strings(name_part.get("synonyms"), f"{where}.values[{value_index}]"),
            ))
        types[str(_require(raw, "name", where))] = tuple(values)
    return InteractionModel(locale, invocation, tuple(intents), types, source)


def model_search_dirs() -> list[Path]:
    """Where interaction_models/ may live: the current directory, then the source checkout."""
    checkout = Path(__file__).resolve().parents[2] / MODELS_DIR_NAME
    dirs = [Path.cwd() / MODELS_DIR_NAME]
    if checkout not in dirs:
        dirs.append(checkout)
    return dirs


def find_model_file(locale: str, search_dirs: Sequence[Path] | None = None) -> Path:
    if os.sep in locale or "/" in locale or not locale:
        raise ModelError(f"not a locale: {locale!r}")
    dirs = list(search_dirs) if search_dirs is not None else model_search_dirs()
    for directory in dirs:
        candidate = directory / f"{locale}.json"
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(directory) for directory in dirs)
    raise ModelError(f"no interaction model for {locale} (looked in {looked})")


def load_model(path: Path, locale: str | None = None) -> InteractionModel:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot read {path}: {error}") from error
    return parse_model(document, locale or path.stem, path)
