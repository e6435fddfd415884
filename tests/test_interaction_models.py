"""The ASK interaction models, the ASK CLI v2 skill package and its manifest.

interaction_models/<locale>.json is generated from interaction_models/source/model.json and the
routine data by infra/build_skill_package.py; skill-package/ holds identical copies.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "interaction_models"
PACKAGE_DIR = ROOT / "skill-package"
BUILD_SCRIPT = ROOT / "infra" / "build_skill_package.py"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
INVOCATION_NAME = "foot coach"
DISCLAIMER = "Check with your doctor before starting new exercises"

CUSTOM_INTENT_SLOTS: dict[str, dict[str, str]] = {
    "StartRoutineIntent": {"routine": "RoutineName"},
    "NextStepIntent": {},
    "RepsLeftIntent": {},
    "WhereAmIIntent": {},
    "TimeLeftIntent": {},
    "SkipExerciseIntent": {"exercise": "ExerciseName"},
    "GoToExerciseIntent": {"exercise": "ExerciseName"},
    "WhatsNextIntent": {},
    "HoldTimeIntent": {},
    "ExerciseInfoIntent": {"exercise": "ExerciseName"},
    "MissingEquipmentIntent": {"equipment": "EquipmentName"},
    "SlowerIntent": {},
    "FasterIntent": {},
    "ProgressReportIntent": {},
}
BUILT_IN_INTENTS = {
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
}
# Alexa rejects sample utterances on these built-ins.
BUILT_INS_WITHOUT_SAMPLES = {"AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent"}
SLOT_VALUES: dict[str, dict[str, str]] = {
    "RoutineName": {"foot": "foot routine", "quick": "quick routine"},
    "ExerciseName": {
        "toe_spread": "toe spread",
        "marble_pickup": "marble pick up",
        "calf_drops": "calf drops",
        "heel_walk": "heel walk",
        "toe_walk": "toe walk",
    },
    "EquipmentName": {"marble": "marble", "step": "step", "band": "band"},
}
# Phrases the AMAZON built-ins already own: a custom intent claiming one would conflict.
BUILT_IN_PHRASES = {
    "next": "AMAZON.NextIntent",
    "go back": "AMAZON.PreviousIntent",
    "previous": "AMAZON.PreviousIntent",
    "repeat": "AMAZON.RepeatIntent",
    "say that again": "AMAZON.RepeatIntent",
    "start over": "AMAZON.StartOverIntent",
    "restart": "AMAZON.StartOverIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "continue": "AMAZON.ResumeIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "help": "AMAZON.HelpIntent",
    "stop": "AMAZON.StopIntent",
    "cancel": "AMAZON.CancelIntent",
    "never mind": "AMAZON.CancelIntent",
}
# Phrases the product design promises, and the intent each must reach.
PROMISED_PHRASES = {
    "start my foot routine": "StartRoutineIntent",
    "start the quick routine": "StartRoutineIntent",
    "let's do my quick routine": "StartRoutineIntent",
    "next": "AMAZON.NextIntent",
    "next step": "NextStepIntent",
    "the next step": "NextStepIntent",
    "ready": "NextStepIntent",
    "done": "NextStepIntent",
    "i'm done": "NextStepIntent",
    "how many reps are left": "RepsLeftIntent",
    "how many left on this foot": "RepsLeftIntent",
    "what exercise is this": "WhereAmIIntent",
    "which foot": "WhereAmIIntent",
    "how much longer": "TimeLeftIntent",
    "skip this exercise": "SkipExerciseIntent",
    "do calf drops": "GoToExerciseIntent",
    "go to the marble": "GoToExerciseIntent",
    "switch to walk on my heels": "GoToExerciseIntent",
    "slower": "SlowerIntent",
    "faster": "FasterIntent",
    "how am i doing": "ProgressReportIntent",
    "what's my streak": "ProgressReportIntent",
    "go back": "AMAZON.PreviousIntent",
    "repeat": "AMAZON.RepeatIntent",
    "start over": "AMAZON.StartOverIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "continue": "AMAZON.ResumeIntent",
    "keep going": "AMAZON.ResumeIntent",
    "carry on": "AMAZON.ResumeIntent",
    "pick up where i left off": "AMAZON.ResumeIntent",
    "help": "AMAZON.HelpIntent",
    "stop": "AMAZON.StopIntent",
    # contract A (the coordinator's decisions for issue 10)
    "what's next": "WhatsNextIntent",
    "which exercise is next": "WhatsNextIntent",
    "what comes after this": "WhatsNextIntent",
    "how long do i hold": "HoldTimeIntent",
    "how long do i hold it": "HoldTimeIntent",
    "how long do i walk": "HoldTimeIntent",
    "how long is this hold": "HoldTimeIntent",
    "what does this exercise do": "ExerciseInfoIntent",
    "how do i do this": "ExerciseInfoIntent",
    "why am i doing this": "ExerciseInfoIntent",
    "how do i do calf drops": "ExerciseInfoIntent",
    "i don't have a marble": "MissingEquipmentIntent",
    "i don't have a step": "MissingEquipmentIntent",
    "no rubber band": "MissingEquipmentIntent",
    "skip the marbles": "SkipExerciseIntent",
    "skip calf drops": "SkipExerciseIntent",
    "next exercise": "SkipExerciseIntent",
    "go to the next exercise": "SkipExerciseIntent",
    "skip": "SkipExerciseIntent",
    "heel walk": "GoToExerciseIntent",
    "the quick one": "StartRoutineIntent",
    "i'm in position": "NextStepIntent",
    "i'm on the step": "NextStepIntent",
    "switch feet": "NextStepIntent",
    "i switched feet": "NextStepIntent",
    "next rep": "NextStepIntent",
    "next set": "NextStepIntent",
    "go ahead": "NextStepIntent",
    "proceed": "NextStepIntent",
    "i'm ready": "NextStepIntent",
    "wait": "AMAZON.PauseIntent",
    "hold on": "AMAZON.PauseIntent",
    "wait a second": "AMAZON.PauseIntent",
    "give me a second": "AMAZON.PauseIntent",
    "one moment": "AMAZON.PauseIntent",
    "i need a rest": "AMAZON.PauseIntent",
    "stop for today": "AMAZON.StopIntent",
    "that's it for today": "AMAZON.StopIntent",
    "i have to go": "AMAZON.StopIntent",
    "end the routine": "AMAZON.StopIntent",
    "we're done": "AMAZON.StopIntent",
    "how long is the workout": "TimeLeftIntent",
    "are we almost done": "TimeLeftIntent",
}
# ASK sample syntax: words (letters, inner apostrophes), abbreviations like "a.m.", and {slots}.
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|(?:[a-z]\.)+")
SLOT = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
# Alexa's limits (characters per sample and per slot value) and the project's caps.
MIN_CUSTOM_SAMPLES, MAX_CUSTOM_SAMPLES, MAX_TOTAL_SAMPLES = 10, 500, 4000
MAX_SAMPLE_CHARS, MAX_SLOT_VALUE_CHARS, MAX_MODEL_BYTES = 200, 140, 1_500_000
# Only these samples are a bare slot: answers to "which routine / which exercise?".
SLOT_ONLY_SAMPLES = {"StartRoutineIntent": "{routine}", "GoToExerciseIntent": "{exercise}"}


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _language_model(locale: str) -> dict[str, Any]:
    model: dict[str, Any] = _load_json(MODELS_DIR / f"{locale}.json")
    return model["interactionModel"]["languageModel"]  # type: ignore[no-any-return]


def _intents(locale: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in _language_model(locale)["intents"]}


def _types(locale: str) -> dict[str, dict[str, Any]]:
    return {slot_type["name"]: slot_type for slot_type in _language_model(locale)["types"]}


def _value_phrases(slot_type: dict[str, Any]) -> list[str]:
    phrases = []
    for value in slot_type["values"]:
        phrases.append(value["name"]["value"])
        phrases.extend(value["name"].get("synonyms", []))
    return phrases


def _expanded_utterances(locale: str) -> dict[str, set[str]]:
    """Every utterance a sample can match, with its slots filled by every value and synonym."""
    types = _types(locale)
    claims: dict[str, set[str]] = defaultdict(set)
    for name, intent in _intents(locale).items():
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            expansions = [sample.lower()]
            for slot_name in SLOT.findall(sample):
                phrases = _value_phrases(types[slot_types[slot_name]])
                expansions = [
                    text.replace(f"{{{slot_name.lower()}}}", phrase.lower())
                    for text in expansions
                    for phrase in phrases
                ]
            for text in expansions:
                claims[" ".join(text.split())].add(name)
    return claims


def _import_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_skill_package", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- interaction models ---------------------------------------------------------------------


def test_one_model_per_locale_and_nothing_else() -> None:
    assert sorted(path.stem for path in MODELS_DIR.glob("*.json")) == sorted(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_model_parses_with_the_invocation_name(locale: str) -> None:
    model = _language_model(locale)
    assert model["invocationName"] == INVOCATION_NAME
    assert set(model) == {"invocationName", "intents", "types"}


@pytest.mark.parametrize("locale", LOCALES)
def test_intents_are_exactly_the_contract(locale: str) -> None:
    names = [intent["name"] for intent in _language_model(locale)["intents"]]
    assert len(names) == len(set(names)), "an intent is declared twice"
    assert set(names) == set(CUSTOM_INTENT_SLOTS) | BUILT_IN_INTENTS


@pytest.mark.parametrize("locale", LOCALES)
def test_slots_are_named_and_typed_as_the_handlers_expect(locale: str) -> None:
    for name, intent in _intents(locale).items():
        declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        assert declared == CUSTOM_INTENT_SLOTS.get(name, {}), name


@pytest.mark.parametrize("locale", LOCALES)
def test_samples_use_only_valid_ask_syntax(locale: str) -> None:
    for name, intent in _intents(locale).items():
        for sample in intent["samples"]:
            assert sample == sample.strip() and "  " not in sample, (name, sample)
            tokens = sample.split(" ")
            for token in tokens:
                assert WORD.fullmatch(token) or SLOT.fullmatch(token), (name, sample, token)
            for left, right in itertools.pairwise(tokens):
                assert not (SLOT.fullmatch(left) and SLOT.fullmatch(right)), (name, sample)
            slots = SLOT.findall(sample)
            assert len(slots) == len(set(slots)), (name, sample)


@pytest.mark.parametrize("locale", LOCALES)
def test_models_stay_within_alexa_limits(locale: str) -> None:
    assert (MODELS_DIR / f"{locale}.json").stat().st_size <= MAX_MODEL_BYTES
    assert sum(len(intent["samples"]) for intent in _intents(locale).values()) <= MAX_TOTAL_SAMPLES
    for name, intent in _intents(locale).items():
        for sample in intent["samples"]:
            assert len(sample) <= MAX_SAMPLE_CHARS, (name, sample)
    for slot_type in _types(locale).values():
        for phrase in _value_phrases(slot_type):
            assert len(phrase) <= MAX_SLOT_VALUE_CHARS, phrase


@pytest.mark.parametrize("locale", LOCALES)
def test_bare_slot_samples_only_answer_which_routine_or_exercise(locale: str) -> None:
    bare = {
        name: sample
        for name, intent in _intents(locale).items()
        for sample in intent["samples"]
        if SLOT.fullmatch(sample)
    }
    assert bare == SLOT_ONLY_SAMPLES
    routine_words = set(map(str.lower, _value_phrases(_types(locale)["RoutineName"])))
    exercise_words = set(map(str.lower, _value_phrases(_types(locale)["ExerciseName"])))
    assert routine_words.isdisjoint(exercise_words)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_custom_intent_has_enough_natural_samples(locale: str) -> None:
    for name in CUSTOM_INTENT_SLOTS:
        samples = _intents(locale)[name]["samples"]
        assert MIN_CUSTOM_SAMPLES <= len(samples) <= MAX_CUSTOM_SAMPLES, (name, len(samples))


@pytest.mark.parametrize("locale", LOCALES)
def test_fallback_and_navigate_home_carry_no_samples(locale: str) -> None:
    for name in BUILT_INS_WITHOUT_SAMPLES:
        assert _intents(locale)[name]["samples"] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_is_repeated_within_or_across_intents(locale: str) -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for name, intent in _intents(locale).items():
        for sample in intent["samples"]:
            owners[sample.lower()].append(name)
    repeated = {sample: names for sample, names in owners.items() if len(names) > 1}
    assert repeated == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_no_utterance_reaches_two_intents_once_slots_are_filled(locale: str) -> None:
    conflicts = {
        text: names for text, names in _expanded_utterances(locale).items() if len(names) > 1
    }
    assert conflicts == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_slot_in_a_sample_is_declared_and_every_slot_is_used(locale: str) -> None:
    for name, intent in _intents(locale).items():
        declared = {slot["name"] for slot in intent.get("slots", [])}
        used = {slot for sample in intent["samples"] for slot in SLOT.findall(sample)}
        assert used <= declared, (name, used - declared)
        assert declared <= used, (name, declared - used)


@pytest.mark.parametrize("locale", LOCALES)
def test_slot_types_have_exactly_the_contract_ids_and_names(locale: str) -> None:
    types = _types(locale)
    assert set(types) == set(SLOT_VALUES)
    for type_name, expected in SLOT_VALUES.items():
        values = types[type_name]["values"]
        assert {value["id"]: value["name"]["value"] for value in values} == expected
        assert len(values) == len(expected), f"{type_name} repeats an id"


@pytest.mark.parametrize("locale", LOCALES)
def test_slot_synonyms_are_plentiful_valid_and_unambiguous(locale: str) -> None:
    for type_name, slot_type in _types(locale).items():
        phrases = [phrase.lower() for phrase in _value_phrases(slot_type)]
        assert len(phrases) == len(set(phrases)), f"{type_name}: a phrase names two values"
        for phrase in phrases:
            assert all(WORD.fullmatch(token) for token in phrase.split(" ")), phrase
        for value in slot_type["values"]:
            assert len(value["name"].get("synonyms", [])) >= 3, value["id"]


@pytest.mark.parametrize("locale", LOCALES)
def test_custom_intents_leave_built_in_phrases_to_the_built_ins(locale: str) -> None:
    claims = _expanded_utterances(locale)
    for phrase, built_in in BUILT_IN_PHRASES.items():
        assert claims.get(phrase, {built_in}) == {built_in}, phrase


@pytest.mark.parametrize("locale", LOCALES)
def test_promised_phrases_reach_their_intents(locale: str) -> None:
    claims = _expanded_utterances(locale)
    for phrase, intent in PROMISED_PHRASES.items():
        assert claims.get(phrase) == {intent}, phrase


def test_locales_share_one_structure() -> None:
    def shape(locale: str) -> tuple[object, ...]:
        intents = _intents(locale)
        slots = {name: CUSTOM_INTENT_SLOTS.get(name) for name in intents}
        ids = {name: sorted(v["id"] for v in t["values"]) for name, t in _types(locale).items()}
        return (sorted(intents), slots, ids)

    reference = shape(LOCALES[0])
    for locale in LOCALES[1:]:
        assert shape(locale) == reference, locale


# --- skill package --------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_skill_package_copy_is_identical_to_the_canonical_model(locale: str) -> None:
    packaged = PACKAGE_DIR / "interactionModels" / "custom" / f"{locale}.json"
    assert packaged.read_bytes() == (MODELS_DIR / f"{locale}.json").read_bytes(), (
        "run: python infra/build_skill_package.py"
    )


def test_skill_package_holds_no_stray_models() -> None:
    packaged = PACKAGE_DIR / "interactionModels" / "custom"
    assert sorted(path.stem for path in packaged.glob("*.json")) == sorted(LOCALES)


def test_build_script_check_passes_on_the_repository() -> None:
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _project_copy(tmp_path: Path) -> Path:
    """The parts of the project the build reads and writes, copied to tmp_path."""
    shutil.copytree(MODELS_DIR, tmp_path / "interaction_models")
    shutil.copytree(PACKAGE_DIR, tmp_path / "skill-package")
    shutil.copytree(ROOT / "skill" / "routine" / "data", tmp_path / "skill" / "routine" / "data")
    return tmp_path


def test_build_script_detects_and_repairs_drift(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    build = _import_build_script()
    assert build.stale_copies(root) == []

    drifted = root / "skill-package" / "interactionModels" / "custom" / "en-GB.json"
    drifted.write_text(drifted.read_text(encoding="utf-8").replace("how am i doing", "hi"))
    (root / "skill-package" / "interactionModels" / "custom" / "en-IN.json").unlink()
    hand_edited = root / "interaction_models" / "en-US.json"
    hand_edited.write_text(hand_edited.read_text(encoding="utf-8").replace('"ready"', '"red"'))
    stale = build.stale_copies(root)
    assert sorted(str(path.relative_to(root)) for path in stale) == [
        "interaction_models/en-US.json",
        "skill-package/interactionModels/custom/en-GB.json",
        "skill-package/interactionModels/custom/en-IN.json",
    ]

    assert sorted(path.name for path in build.build(root)) == sorted(path.name for path in stale)
    assert build.stale_copies(root) == []
    assert drifted.read_bytes() == (MODELS_DIR / "en-GB.json").read_bytes()
    assert hand_edited.read_bytes() == (MODELS_DIR / "en-US.json").read_bytes()


def test_slot_values_follow_the_routine_data(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    data = root / "skill" / "routine" / "data" / "foot.json"
    document = json.loads(data.read_text(encoding="utf-8"))
    document["exercises"][2]["aliases"].append("stair drops")
    data.write_text(json.dumps(document), encoding="utf-8")
    quick = root / "skill" / "routine" / "data" / "quick.json"
    quick_document = json.loads(quick.read_text(encoding="utf-8"))
    quick_document["exercises"][2]["aliases"].append("stair drops")
    quick.write_text(json.dumps(quick_document), encoding="utf-8")
    build = _import_build_script()
    assert len(build.stale_copies(root)) == 2 * len(LOCALES)
    build.build(root)
    model = json.loads((root / "interaction_models" / "en-CA.json").read_text(encoding="utf-8"))
    types = {t["name"]: t for t in model["interactionModel"]["languageModel"]["types"]}
    calf = next(v for v in types["ExerciseName"]["values"] if v["id"] == "calf_drops")
    assert "stair drops" in calf["name"]["synonyms"]


def test_locales_differ_only_by_the_sources_locale_settings() -> None:
    us = {name: set(intent["samples"]) for name, intent in _intents("en-US").items()}
    gb = {name: set(intent["samples"]) for name, intent in _intents("en-GB").items()}
    assert any("practice" in sample for sample in us["StartRoutineIntent"])
    assert not any("practice" in sample for samples in gb.values() for sample in samples)
    assert {s.replace("practice", "practise") for s in us["StartRoutineIntent"]} == gb[
        "StartRoutineIntent"
    ]
    assert gb["ProgressReportIntent"] - us["ProgressReportIntent"] == {"how am i getting on"}
    assert _types("en-US") == _types("en-GB")


def test_build_script_expands_templates() -> None:
    build = _import_build_script()
    assert build.expand_template("(a|b|) c (d |)e") == ["a c d e", "a c e", "b c d e", "b c e",
                                                          "c d e", "c e"]
    assert build.expand_template("how many <x>", {"x": ["reps", "sets"]}) == [
        "how many reps", "how many sets"]
    with pytest.raises(build.SkillPackageError, match="unbalanced"):
        build.expand_template("(a (b|c)|d)")
    with pytest.raises(build.SkillPackageError, match="unknown placeholder"):
        build.expand_template("<nothing>")


def test_build_script_refuses_a_conflicting_source(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    source = json.loads((ROOT / "interaction_models" / "source" / "model.json").read_text())
    intents = {intent["name"]: intent for intent in source["intents"]}
    intents["SlowerIntent"]["samples"].append("(pause|wait)")
    (root / "interaction_models" / "source" / "model.json").write_text(json.dumps(source))
    build = _import_build_script()
    with pytest.raises(build.SkillPackageError, match="'pause' is a sample of"):
        build.build(root)


def test_build_script_refuses_a_slot_value_another_intent_owns(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    source = json.loads((ROOT / "interaction_models" / "source" / "model.json").read_text())
    intents = {intent["name"]: intent for intent in source["intents"]}
    intents["SlowerIntent"]["samples"].append("skip the heel walks")
    (root / "interaction_models" / "source" / "model.json").write_text(json.dumps(source))
    build = _import_build_script()
    with pytest.raises(build.SkillPackageError, match="'skip the heel walks' reaches"):
        build.build(root)


def test_build_script_refuses_a_broken_source(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    (root / "interaction_models" / "source" / "model.json").write_text("{not json")
    build = _import_build_script()
    with pytest.raises(build.SkillPackageError, match=r"model\.json is not valid JSON"):
        build.build(root)


def test_ask_resources_deploys_the_skill_package_only() -> None:
    resources = _load_json(ROOT / "ask-resources.json")
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    profile = resources["profiles"]["default"]
    assert set(profile) == {"skillMetadata"}, "self-hosted: no code or skillInfrastructure"
    source = ROOT / profile["skillMetadata"]["src"]
    assert source.resolve() == PACKAGE_DIR.resolve()
    assert (source / "skill.json").is_file()


# --- manifest -------------------------------------------------------------------------------


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = _load_json(PACKAGE_DIR / "skill.json")
    return manifest["manifest"]  # type: ignore[no-any-return]


def test_manifest_is_a_self_hosted_custom_skill() -> None:
    manifest = _manifest()
    assert manifest["manifestVersion"] == "1.0"
    assert manifest["apis"]["custom"]["endpoint"] == {
        "uri": "https://footcoach.example.com/alexa",
        "sslCertificateType": "Trusted",
    }
    assert manifest["privacyAndCompliance"] == {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    publishing = manifest["publishingInformation"]
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert sorted(publishing["locales"]) == sorted(LOCALES)
    assert sorted(publishing["distributionCountries"]) == sorted(
        locale.split("-")[1] for locale in LOCALES
    )
    assert publishing["testingInstructions"].strip()


@pytest.mark.parametrize("locale", LOCALES)
def test_manifest_locale_is_complete_and_carries_the_disclaimer(locale: str) -> None:
    info = _manifest()["publishingInformation"]["locales"][locale]
    assert info["name"] == "Foot Coach"
    assert 0 < len(info["summary"]) <= 160
    assert DISCLAIMER in info["description"]
    assert len(info["description"]) <= 4000
    assert 0 < len(info["keywords"]) <= 30


@pytest.mark.parametrize("locale", LOCALES)
def test_example_phrases_are_valid_and_match_sample_utterances(locale: str) -> None:
    phrases = _manifest()["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert len(phrases) == 3
    assert phrases[0] == f"Alexa, open {INVOCATION_NAME}"
    claims = _expanded_utterances(locale)
    ask_prefix = f"Alexa, ask {INVOCATION_NAME} "
    for phrase in phrases[1:]:
        assert phrase.startswith(ask_prefix), phrase
        request = phrase.removeprefix(ask_prefix).lower()
        first, _, rest = request.partition(" ")
        candidates = (
            [request, rest] if first in {"to", "for", "about", "if", "whether"} else [request]
        )
        assert any(claims.get(text) for text in candidates), phrase
