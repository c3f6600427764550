"""`report --uncertainty-samples N` without the analysis extra: one line and exit 2, up front.

Run in a real subprocess with numpy, scipy and SALib blocked (`None` in sys.modules makes
their import raise ImportError), as on an install without `riskscore[analysis]`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import MINI, ROOT

BLOCKED = """
import sys
for name in ("numpy", "scipy", "SALib", "SALib.sample", "SALib.sample.sobol",
             "SALib.analyze", "SALib.analyze.sobol"):
    sys.modules[name] = None
from riskscore.commands.app import main
sys.argv = ["riskscore", *sys.argv[1:]]
main()
"""


def test_missing_extra_is_one_line_and_exit_2_before_any_work(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED, "report", str(ROOT / "tests/corpus/profiles/empty.yaml"),
         "-c", str(MINI), "-o", str(page), "--uncertainty-samples", "16"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    # The profile does not even load: the extra is checked before any profile is read.
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "report --uncertainty-samples needs numpy and SALib, which are optional: "
        "pip install 'riskscore[analysis]'\n"
    )
    assert done.stdout == "" and not page.exists()
