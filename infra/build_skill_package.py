"""Generate every locale's interaction model from one source per language, and the skill package.

interaction_models/source/model.json holds the English intents, their sample templates, the
equipment slot type and the small per-locale differences (en-US, en-GB, en-CA, en-AU, en-IN);
model.de.json, model.es.json and model.fr.json hold the same intents (same names, same slots) in
German (de-DE), Spanish (es-ES, es-US, es-MX) and French (fr-FR, fr-CA). The routine and exercise
slot values and their synonyms come from the routine data: skill/routine/data/*.json in English,
the text overlays skill/routine/data/i18n/<lang>/*.json in the other languages. The build writes
interaction_models/<locale>.json (read by the tests and the chat console) and byte-identical
copies in skill-package/interactionModels/custom/ (what `ask deploy` uploads).

    python infra/build_skill_package.py          # write the models and the skill package copies
    python infra/build_skill_package.py --check  # exit 1 if any file is missing or stale
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# One source per language; each language's locales share it.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("en-US", "en-GB", "en-CA", "en-AU", "en-IN"),
    "de": ("de-DE",),
    "es": ("es-ES", "es-US", "es-MX"),
    "fr": ("fr-FR", "fr-CA"),
}
LOCALES: tuple[str, ...] = tuple(locale for group in LANGUAGES.values() for locale in group)

# Alexa's documented limits, and the project's own (stricter) caps.
MAX_SAMPLE_CHARS = 200  # Alexa: a sample utterance is at most 200 characters
MAX_SLOT_VALUE_CHARS = 140  # Alexa: a slot value or synonym is at most 140 characters
MAX_INTENTS = 250  # Alexa: at most 250 intents per model
MAX_SAMPLES_PER_INTENT = 500  # project caps, conservative: developers report models of
MAX_SAMPLES_TOTAL = 4000  # several thousand samples saving fine, but size limits are hidden
MAX_TEMPLATE_EXPANSION = 200  # project cap: one template never floods an intent
MAX_MODEL_BYTES = 1_500_000  # Alexa: the interaction model JSON must stay under 1.5 MB

_GROUP = re.compile(r"\(([^()]*)\)")
_PLACEHOLDER = re.compile(r"<([a-z_]+)>")
# Words in any of the languages (letters with their accents, inner apostrophes: "l'exercice").
_SAMPLE_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\{[A-Za-z][A-Za-z0-9_]*\}")
_SLOT = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


class SkillPackageError(Exception):
    """The model source, the models or the skill package are not in a deployable state."""


def source_path(project_root: Path = PROJECT_ROOT, language: str = "en") -> Path:
    name = "model.json" if language == "en" else f"model.{language}.json"
    return project_root / "interaction_models" / "source" / name


def routine_data_dir(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "skill" / "routine" / "data"


def models_dir(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "interaction_models"


def package_models_dir(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "skill-package" / "interactionModels" / "custom"


def manifest_path(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "skill-package" / "skill.json"


# -- templates -------------------------------------------------------------------------------


def expand_template(
    template: str, placeholders: Mapping[str, Iterable[str]] | None = None
) -> list[str]:
    """Every sample a template stands for: '(a|b|)' groups, '<name>' placeholders."""
    choices: list[list[str]] = []
    parts: list[str] = []
    position = 0
    pattern = re.compile(f"{_GROUP.pattern}|{_PLACEHOLDER.pattern}")
    for match in pattern.finditer(template):
        parts.append(template[position : match.start()])
        if match.group(1) is not None:
            choices.append(match.group(1).split("|"))
        else:
            name = match.group(2)
            if placeholders is None or name not in placeholders:
                raise SkillPackageError(f"unknown placeholder <{name}> in {template!r}")
            choices.append(list(placeholders[name]))
        position = match.end()
    tail = template[position:]
    if "(" in tail or ")" in tail or "|" in tail or any("(" in p or ")" in p for p in parts):
        raise SkillPackageError(f"unbalanced group in {template!r}")
    samples: list[str] = []
    for picked in itertools.product(*choices):
        text = "".join(part + choice for part, choice in zip(parts, picked, strict=True)) + tail
        sample = " ".join(text.lower().split())
        if sample and sample not in samples:
            samples.append(sample)
    if len(samples) > MAX_TEMPLATE_EXPANSION:
        raise SkillPackageError(f"{template!r} expands to {len(samples)} samples")
    return samples


def _respell(sample: str, spelling: Mapping[str, str]) -> str:
    return " ".join(spelling.get(word, word) for word in sample.split(" "))


# -- the routine data ------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SkillPackageError(f"missing {path}") from exc
    except ValueError as exc:
        raise SkillPackageError(f"{path} is not valid JSON: {exc}") from exc


def _routine_documents(project_root: Path, language: str = "en") -> list[dict[str, Any]]:
    """The routine files; in another language, each routine's text overlay
    (skill/routine/data/i18n/<lang>/<id>.json: name, aliases and per exercise name, plural and
    aliases) laid over the English ids, so a routine or exercise the overlay lacks is an error."""
    files = sorted(routine_data_dir(project_root).glob("*.json"))
    if not files:
        raise SkillPackageError(f"no routine data in {routine_data_dir(project_root)}")
    documents = [_read_json(path) for path in files]
    if language == "en":
        return documents
    localized = []
    for document in documents:
        path = routine_data_dir(project_root) / "i18n" / language / f"{document['id']}.json"
        overlay = _read_json(path)
        texts = overlay.get("exercises", {})
        exercises = []
        for exercise in document["exercises"]:
            text = texts.get(exercise["id"])
            if not isinstance(text, dict) or "name" not in text:
                raise SkillPackageError(f"{path}: no name for exercise {exercise['id']}")
            exercises.append(
                {
                    "id": exercise["id"],
                    "name": text["name"],
                    "plural": text.get("plural", text["name"]),
                    "aliases": text.get("aliases", []),
                }
            )
        if "name" not in overlay:
            raise SkillPackageError(f"{path}: no routine name")
        localized.append(
            {
                "id": document["id"],
                "name": overlay["name"],
                "aliases": overlay.get("aliases", []),
                "exercises": exercises,
            }
        )
    return localized


def _value(value_id: str, name: str, synonyms: Iterable[str]) -> dict[str, Any]:
    unique = [s.lower() for s in dict.fromkeys(synonyms) if s.lower() != name.lower()]
    return {"id": value_id, "name": {"value": name.lower(), "synonyms": unique}}


def slot_types_from_data(
    project_root: Path, language: str = "en"
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """RoutineName and ExerciseName values from the routine data, and the exercise plurals."""
    routines: list[dict[str, Any]] = []
    exercises: dict[str, dict[str, Any]] = {}
    plurals: list[str] = []
    for document in _routine_documents(project_root, language):
        routines.append(_value(document["id"], document["name"], document.get("aliases", [])))
        for exercise in document["exercises"]:
            value = _value(exercise["id"], exercise["name"], exercise.get("aliases", []))
            known = exercises.setdefault(exercise["id"], value)
            if known != value:
                raise SkillPackageError(
                    f"exercise {exercise['id']} is named differently in two routines"
                )
            plural = exercise.get("plural", exercise["name"]).lower()
            if plural not in plurals:
                plurals.append(plural)
    return {"RoutineName": routines, "ExerciseName": list(exercises.values())}, plurals


# -- generation ------------------------------------------------------------------------------


def _load_source(project_root: Path, language: str = "en") -> dict[str, Any]:
    path = source_path(project_root, language)
    try:
        source: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SkillPackageError(f"missing model source {path}") from exc
    except ValueError as exc:
        raise SkillPackageError(f"{path} is not valid JSON: {exc}") from exc
    return source


def _check_same_intents(
    reference: Mapping[str, Any], source: Mapping[str, Any], language: str
) -> None:
    """Every language declares the English intents, in the same order, with the same slots."""

    def shape(document: Mapping[str, Any]) -> list[tuple[str, dict[str, str]]]:
        return [(intent["name"], dict(intent.get("slots", {}))) for intent in document["intents"]]

    if shape(source) != shape(reference):
        raise SkillPackageError(
            f"the {language} source does not declare the English intents and slots"
        )
    if set(source.get("types", {})) != set(reference.get("types", {})):
        raise SkillPackageError(f"the {language} source does not declare the English types")
    for type_name, values in reference.get("types", {}).items():
        ids = [value["id"] for value in values]
        if [value["id"] for value in source["types"][type_name]] != ids:
            raise SkillPackageError(f"the {language} {type_name} values are not {ids}")


def _check_sample(intent: str, sample: str, slots: Mapping[str, str]) -> None:
    if len(sample) > MAX_SAMPLE_CHARS:
        raise SkillPackageError(f"{intent}: sample longer than {MAX_SAMPLE_CHARS}: {sample!r}")
    tokens = sample.split(" ")
    if not all(_SAMPLE_TOKEN.fullmatch(token) for token in tokens):
        raise SkillPackageError(f"{intent}: not valid sample syntax: {sample!r}")
    used = _SLOT.findall(sample)
    if len(used) != len(set(used)) or not set(used) <= set(slots):
        raise SkillPackageError(f"{intent}: undeclared or repeated slot in {sample!r}")


def generate_document(
    source: Mapping[str, Any],
    locale: str,
    data_types: Mapping[str, list[dict[str, Any]]],
    plurals: list[str],
) -> dict[str, Any]:
    """The interaction model of one locale, as the ASK JSON document."""
    settings = source["locales"].get(locale)
    if settings is None:
        raise SkillPackageError(f"the source has no settings for {locale}")
    spelling: Mapping[str, str] = settings.get("spelling", {})
    extra: Mapping[str, list[str]] = settings.get("add", {})
    placeholders = {"exercise_plural": plurals}
    owners: dict[str, str] = {}
    intents: list[dict[str, Any]] = []
    declared_types: set[str] = set()
    for raw in source["intents"]:
        name = raw["name"]
        slots: dict[str, str] = raw.get("slots", {})
        samples: list[str] = []
        for template in [*raw["samples"], *extra.get(name, [])]:
            for sample in expand_template(template, placeholders):
                sample = _respell(sample, spelling)
                _check_sample(name, sample, slots)
                owner = owners.setdefault(sample, name)
                if owner != name:
                    raise SkillPackageError(f"{sample!r} is a sample of {owner} and {name}")
                if sample not in samples:
                    samples.append(sample)
        if len(samples) > MAX_SAMPLES_PER_INTENT:
            raise SkillPackageError(
                f"{name}: {len(samples)} samples (max {MAX_SAMPLES_PER_INTENT})"
            )
        used = {slot for sample in samples for slot in _SLOT.findall(sample)}
        if used != set(slots):
            raise SkillPackageError(f"{name}: slots declared {sorted(slots)}, used {sorted(used)}")
        intent: dict[str, Any] = {"name": name}
        if slots:
            intent["slots"] = [
                {"name": slot, "type": type_name, "samples": []}
                for slot, type_name in slots.items()
            ]
            declared_types.update(slots.values())
        intent["samples"] = samples
        intents.append(intent)
    total = sum(len(intent["samples"]) for intent in intents)
    if total > MAX_SAMPLES_TOTAL:
        raise SkillPackageError(f"{locale}: {total} samples (max {MAX_SAMPLES_TOTAL})")
    if len(intents) > MAX_INTENTS:
        raise SkillPackageError(f"{len(intents)} intents (max {MAX_INTENTS})")
    all_types: dict[str, list[dict[str, Any]]] = dict(data_types)
    for type_name, values in source.get("types", {}).items():
        all_types[type_name] = [_value(v["id"], v["name"], v.get("synonyms", [])) for v in values]
    types = []
    for type_name in sorted(declared_types):
        if type_name.startswith("AMAZON."):
            continue
        if type_name not in all_types:
            raise SkillPackageError(f"slot type {type_name} has no values")
        for value in all_types[type_name]:
            for text in (value["name"]["value"], *value["name"]["synonyms"]):
                if len(text) > MAX_SLOT_VALUE_CHARS:
                    raise SkillPackageError(f"{type_name}: value too long: {text!r}")
        types.append({"name": type_name, "values": all_types[type_name]})
    _check_filled_conflicts(intents, all_types)
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": settings.get("invocationName", source["invocationName"]),
                "intents": intents,
                "types": types,
            }
        }
    }


def _check_filled_conflicts(
    intents: list[dict[str, Any]], types: Mapping[str, list[dict[str, Any]]]
) -> None:
    """No phrase reaches two intents once slots are filled with their values and synonyms
    ("skip the {exercise}" against a literal sample of another intent, a bare "{routine}"
    against another intent's one-word sample...)."""
    owners: dict[str, str] = {}
    for intent in intents:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            texts = [sample]
            for slot in _SLOT.findall(sample):
                values = types.get(slot_types[slot], [])
                words = [w for v in values for w in (v["name"]["value"], *v["name"]["synonyms"])]
                texts = [text.replace("{" + slot + "}", word) for text in texts for word in words]
            for text in texts:
                owner = owners.setdefault(text, intent["name"])
                if owner != intent["name"]:
                    raise SkillPackageError(
                        f"{text!r} reaches {owner} and {intent['name']} (from {sample!r})"
                    )


def generate(project_root: Path = PROJECT_ROOT) -> dict[str, bytes]:
    """Every locale's model as the bytes the build writes."""
    english = _load_source(project_root)
    documents: dict[str, bytes] = {}
    for language, locales in LANGUAGES.items():
        source = english if language == "en" else _load_source(project_root, language)
        if language != "en":
            _check_same_intents(english, source, language)
        data_types, plurals = slot_types_from_data(project_root, language)
        for locale in locales:
            document = generate_document(source, locale, data_types, plurals)
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
            data = text.encode("utf-8")
            if len(data) > MAX_MODEL_BYTES:
                raise SkillPackageError(f"{locale}: model is {len(data)} bytes")
            documents[locale] = data
    return documents


def _check_manifest_locales(project_root: Path) -> None:
    manifest = json.loads(manifest_path(project_root).read_text(encoding="utf-8"))
    declared = set(manifest["manifest"]["publishingInformation"]["locales"])
    if declared != set(LOCALES):
        raise SkillPackageError(
            f"skill.json publishes locales {sorted(declared)}, expected {sorted(LOCALES)}"
        )


def _targets(project_root: Path, locale: str) -> tuple[Path, Path]:
    name = f"{locale}.json"
    return models_dir(project_root) / name, package_models_dir(project_root) / name


def stale_copies(project_root: Path = PROJECT_ROOT) -> list[Path]:
    """The generated files (models and skill package copies) that are missing or stale."""
    stale = []
    for locale, data in generate(project_root).items():
        for target in _targets(project_root, locale):
            if not target.is_file() or target.read_bytes() != data:
                stale.append(target)
    return stale


def build(project_root: Path = PROJECT_ROOT) -> list[Path]:
    """Write every locale's model and skill package copy; return the files that changed."""
    _check_manifest_locales(project_root)
    changed = []
    for locale, data in generate(project_root).items():
        for target in _targets(project_root, locale):
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(target)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="only report missing or stale files (exit 1)"
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            _check_manifest_locales(PROJECT_ROOT)
            stale = stale_copies(PROJECT_ROOT)
            for path in stale:
                print(f"stale: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
            if stale:
                print("run: python infra/build_skill_package.py", file=sys.stderr)
            return 1 if stale else 0
        for path in build(PROJECT_ROOT):
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    except SkillPackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
