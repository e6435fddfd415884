"""cfn-lint on a CloudFormation template, in a subprocess (its own imports and warnings)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
