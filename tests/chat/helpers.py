"""Shared bits for the chat console's tests: the real model files and a small model of our own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MODEL_FILES = sorted((REPO / "interaction_models").glob("*.json"))


def small_model_document() -> dict[str, Any]:
    """A model written for these tests: independent of the real models' wording."""
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": "foot coach",
                "intents": [
                    {"name": "StartRoutineIntent",
                     "slots": [{"name": "routine", "type": "RoutineName"}],
                     "samples": ["start {routine}", "start my {routine}",
                                 "start my {routine} routine", "start my foot routine",
                                 "let's go"]},
                    {"name": "NextStepIntent", "samples": ["next step", "i'm done", "next"]},
                    {"name": "RepsLeftIntent",
                     "samples": ["how many reps are left", "what's left"]},
                    {"name": "GoToExerciseIntent",
                     "slots": [{"name": "exercise", "type": "ExerciseName"}],
                     "samples": ["do {exercise}", "go to {exercise}", "go to the {exercise}"]},
                    {"name": "SetRepsIntent",
                     "slots": [{"name": "count", "type": "AMAZON.NUMBER"}],
                     "samples": ["do {count} reps"]},
                    {"name": "ShortHoldIntent", "samples": ["short hold"]},
                    {"name": "AMAZON.StopIntent", "samples": []},
                    {"name": "AMAZON.HelpIntent", "samples": []},
                    {"name": "AMAZON.YesIntent", "samples": []},
                    {"name": "AMAZON.FallbackIntent", "samples": []},
                ],
                "types": [
                    {"name": "RoutineName", "values": [
                        {"id": "foot", "name": {"value": "foot routine",
                                                "synonyms": ["foot", "whole routine"]}},
                        {"id": "quick", "name": {"value": "quick routine",
                                                 "synonyms": ["quick", "short version"]}},
                    ]},
                    {"name": "ExerciseName", "values": [
                        {"id": "calf_drops", "name": {"value": "calf drops",
                                                      "synonyms": ["heel drops"]}},
                        {"name": {"value": "toe spread"}},
                    ]},
                ],
            }
        }
    }


def write_small_model(directory: Path) -> Path:
    path = directory / "en-US.json"
    path.write_text(json.dumps(small_model_document()), encoding="utf-8")
    return path
