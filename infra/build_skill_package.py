"""Copy the interaction models into the ASK CLI v2 skill package.

interaction_models/<locale>.json is the canonical copy (edited by hand, read by the tests and the
chat console); skill-package/interactionModels/custom/<locale>.json is what `ask deploy` uploads.
The copies are byte-identical so the two can never drift.

    python infra/build_skill_package.py          # write the skill package copies
    python infra/build_skill_package.py --check  # exit 1 if any copy is missing or stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALES: tuple[str, ...] = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


class SkillPackageError(Exception):
    """The interaction models or the skill package are not in a deployable state."""


def models_dir(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "interaction_models"


def package_models_dir(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "skill-package" / "interactionModels" / "custom"


def manifest_path(project_root: Path = PROJECT_ROOT) -> Path:
    return project_root / "skill-package" / "skill.json"


def _source_bytes(project_root: Path, locale: str) -> bytes:
    source = models_dir(project_root) / f"{locale}.json"
    try:
        data = source.read_bytes()
    except FileNotFoundError as exc:
        raise SkillPackageError(f"missing interaction model {source}") from exc
    try:
        json.loads(data)
    except ValueError as exc:
        raise SkillPackageError(f"{source} is not valid JSON: {exc}") from exc
    return data


def _check_manifest_locales(project_root: Path) -> None:
    manifest = json.loads(manifest_path(project_root).read_text(encoding="utf-8"))
    declared = set(manifest["manifest"]["publishingInformation"]["locales"])
    if declared != set(LOCALES):
        raise SkillPackageError(
            f"skill.json publishes locales {sorted(declared)}, expected {sorted(LOCALES)}"
        )


def stale_copies(project_root: Path = PROJECT_ROOT) -> list[Path]:
    """The skill package copies that are missing or differ from interaction_models/."""
    stale = []
    for locale in LOCALES:
        target = package_models_dir(project_root) / f"{locale}.json"
        if not target.is_file() or target.read_bytes() != _source_bytes(project_root, locale):
            stale.append(target)
    return stale


def build(project_root: Path = PROJECT_ROOT) -> list[Path]:
    """Write every locale's copy into the skill package; return the files that changed."""
    _check_manifest_locales(project_root)
    changed = stale_copies(project_root)
    package_models_dir(project_root).mkdir(parents=True, exist_ok=True)
    for target in changed:
        target.write_bytes(_source_bytes(project_root, target.stem))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="only report missing or stale copies (exit 1)"
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            _check_manifest_locales(PROJECT_ROOT)
            stale = stale_copies(PROJECT_ROOT)
            for path in stale:
                print(f"stale: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
            return 1 if stale else 0
        for path in build(PROJECT_ROOT):
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    except SkillPackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
