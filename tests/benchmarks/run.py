"""Every benchmark in one command (not part of the test run).

    python tests/benchmarks/run.py [--quick]

Runs bench_core.py (expansion, enumeration, --help, worked example, 512x512 JSON) and
bench_prove.py (the duality proof against the naive SymPy script, all-sizes proofs), each
in its own process, prints their lines as they come, and exits 1 if any target is missed.
Every ratio is against the naive approach measured in the same run.
"""

from __future__ import annotations

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = ("bench_core.py", "bench_prove.py", "bench_claims.py", "bench_latex.py",
           "bench_hardening.py", "bench_exact.py", "bench_transpose.py", "bench_matrix.py",
           "bench_gif.py", "bench_explore.py")


def main(argv: list[str]) -> int:
    extra = [a for a in argv if a == "--quick"]
    unknown = [a for a in argv if a != "--quick"]
    if unknown:
        print(f"usage: python {os.path.relpath(__file__)} [--quick]", file=sys.stderr)
        return 2
    failed = []
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        rc = subprocess.call([sys.executable, os.path.join(HERE, script), *extra])
        if rc:
            failed.append(script)
    print("all benchmark targets met" if not failed else
          f"targets missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
