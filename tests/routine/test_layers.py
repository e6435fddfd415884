"""The domain's boundaries: skill.routine imports nothing from Alexa, the web or storage, and the
coach's modules stack one way (run <- replies <- questions <- engine)."""

from __future__ import annotations

import ast
from pathlib import Path

ROUTINE = Path(__file__).resolve().parents[2] / "skill" / "routine"
OUTSIDE = ("ask_sdk", "flask", "werkzeug", "boto3", "botocore", "skill.alexa", "skill.storage",
           "skill.web", "skill.app", "skill.chat", "skill.cli")  # fmt: skip
# Each of the coach's modules, and the coach's modules it must not import (those built on it).
COACH_LAYERS = {
    "run": ("replies", "questions", "engine"),
    "replies": ("questions", "engine"),
    "questions": ("engine",),
    "engine": (),
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_domain_imports_nothing_from_alexa_the_web_or_storage() -> None:
    modules = sorted(ROUTINE.rglob("*.py"))
    assert len(modules) > 10
    for module in modules:
        for name in imported(module):
            assert not name.startswith(OUTSIDE), f"{module.name} imports {name}"


def test_the_coach_modules_import_only_the_layers_below_them() -> None:
    for layer, above in COACH_LAYERS.items():
        names = imported(ROUTINE / f"{layer}.py")
        for other in above:
            assert f"skill.routine.{other}" not in names, f"{layer}.py imports {other}.py"
            assert not any(n.startswith(f"skill.routine.{other}.") for n in names)
    # And each builds on the one below it.
    assert "skill.routine.run" in imported(ROUTINE / "replies.py")
    assert "skill.routine.replies" in imported(ROUTINE / "questions.py")
    assert "skill.routine.questions" in imported(ROUTINE / "engine.py")
