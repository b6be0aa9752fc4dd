"""Run every benchmark in this folder, one process each, and print their reports.

Figures are ratios against real Helm (helm_python) measured in the same run, or counts of API
requests against the emulator; they are never asserted by tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["bench_template.py", "bench_large.py", "bench_codec.py", "bench_charts.py", "bench_kube.py",
         "bench_spawner.py", "bench_emulator.py"]


def main() -> int:
    failures = 0
    for name in ORDER:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], cwd=HERE.parent)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
