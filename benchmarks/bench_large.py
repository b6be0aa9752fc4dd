"""Large inputs that are super-linear if done naively: kts against real Helm, one render each.

Each case renders a one-template chart once with kts (limits raised so the input fits) and once
with Helm (helm_python). Printed: seconds for each and the ratio kts/Helm.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kts

CASES = {
    "uniq (until 20000)": "{{ until 20000 | uniq | len }}",
    "join 3M items": '{{ join "," (until 3000000) | len }}',
    "100,000 variables": "".join(f"{{{{ $v{i} := {i} }}}}" for i in range(100_000)) + "{{ $v99999 }}",
    "300,000 actions": "{{ 1 }}" * 300_000,
    'regexFindAll "x*" 1 MB': '{{ regexFindAll "x*" (repeat 1000000 "y") -1 | len }}',
}

ROOMY = kts.RenderLimits(max_list=10_000_000, max_iterations=100_000_000, max_allocation=1 << 32)


def main() -> int:
    import helm_python

    print(f"{'case':<26} {'kts s':>8} {'helm s':>8} {'kts/helm':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in CASES.items():
            chart = Path(tmp) / f"c{len(name)}{abs(hash(name))}" / "mychart"
            (chart / "templates").mkdir(parents=True)
            (chart / "Chart.yaml").write_text("apiVersion: v2\nname: mychart\nversion: 0.1.0\n")
            (chart / "templates" / "t.yaml").write_text(text)
            start = time.perf_counter()
            kts.render_chart(chart, limits=ROOMY)
            ours = time.perf_counter() - start
            start = time.perf_counter()
            helm_python.Chart.load(str(chart)).render(None, name="release-name", namespace="default",
                                                      revision=1, is_install=True, is_upgrade=False)
            helm = time.perf_counter() - start
            print(f"{name:<26} {ours:>8.2f} {helm:>8.2f} {ours / helm:>9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
