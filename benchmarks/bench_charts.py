"""Whole-chart rendering: kts against real Helm (helm_python) in the same process.

For each chart: warm re-render with new values (kts reuses its loaded chart and parsed
templates; Helm re-renders a loaded chart), cold load+render (both load from disk each time),
the ratio kts/Helm for each (below 1 means kts is faster), the median ratio over charts, and
the peak memory of one loaded kts chart (tracemalloc).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import helm_python

from kts.helm.api import load_chart

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "charts"
CHARTS = ["basic", "helpers", "globals", "aliases", "conditions", "imports", "library", "files", "schema",
          "crds-hooks", "legacy-v1", "nested", "packed-0.2.0.tgz", "kinds", "builtins", "multidoc",
          "singleuser"]


def _values(i: int) -> dict[str, Any]:
    # Keys no fixture requires: a new value set per render without changing what renders.
    return {"benchmarkRun": i, "benchmarkLabels": {"n": str(i)}}


def _time(fn: Callable[[int], Any], seconds: float) -> float:
    """Mean seconds per call, running for about ``seconds``."""
    fn(0)
    n, start = 0, time.perf_counter()
    while True:
        n += 1
        fn(n)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / n


def _helm_json(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(values))


def bench(chart: Path, seconds: float) -> dict[str, float]:
    loaded = load_chart(chart)
    helm_chart = helm_python.Chart.load(str(chart))
    warm_kts = _time(lambda i: loaded.render(_values(i)), seconds)
    warm_helm = _time(lambda i: helm_chart.render(_helm_json(_values(i))), seconds)
    cold_kts = _time(lambda i: load_chart(chart).render(_values(i)), seconds)
    cold_helm = _time(lambda i: helm_python.Chart.load(str(chart)).render(_helm_json(_values(i))), seconds)
    gc.collect()
    tracemalloc.start()
    kept = load_chart(chart)
    kept.render({})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return {"warm_kts": warm_kts, "warm_helm": warm_helm, "cold_kts": cold_kts, "cold_helm": cold_helm,
            "peak_kib": peak / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=0.3, help="time per measurement")
    parser.add_argument("--charts", nargs="*", default=CHARTS)
    args = parser.parse_args(argv)
    helm_python.disable_logging() if hasattr(helm_python, "disable_logging") else None
    print(f"{'chart':<18} {'warm kts ms':>11} {'warm helm ms':>12} {'ratio':>6} "
          f"{'cold kts ms':>11} {'cold helm ms':>12} {'ratio':>6} {'peak KiB':>9}")
    warm_ratios, cold_ratios = [], []
    with tempfile.TemporaryDirectory():
        for name in args.charts:
            path = FIXTURES / name
            if not path.exists():
                continue
            try:
                r = bench(path, args.seconds)
            except Exception as exc:
                print(f"{name:<18} failed: {exc}".splitlines()[0])
                continue
            wr, cr = r["warm_kts"] / r["warm_helm"], r["cold_kts"] / r["cold_helm"]
            warm_ratios.append(wr)
            cold_ratios.append(cr)
            print(f"{name:<18} {r['warm_kts'] * 1e3:11.3f} {r['warm_helm'] * 1e3:12.3f} {wr:6.2f} "
                  f"{r['cold_kts'] * 1e3:11.3f} {r['cold_helm'] * 1e3:12.3f} {cr:6.2f} {r['peak_kib']:9.0f}")
    if warm_ratios:
        print(f"median ratio kts/helm: warm {statistics.median(warm_ratios):.2f}, "
              f"cold {statistics.median(cold_ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
