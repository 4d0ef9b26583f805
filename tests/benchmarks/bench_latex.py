"""Benchmark of the article's worked example to LaTeX, as a whole process (run as a script).

    python tests/benchmarks/bench_latex.py [--quick]

Target (issue 11): ``symconv expand conv --image 7x7 --kernel 3x3 --mode same --at 1,1
--format latex`` (the equation, the terms, the worked table, the drawing and the boxes)
under 0.4 s, median of 7 whole processes.  The LaTeX path does not import SymPy (its
notation is written from the relation's strings); the run checks that, and prints, in the
same run, what importing SymPy alone costs (the old path paid it) and a bare interpreter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMAND = ["expand", "conv", "--image", "7x7", "--kernel", "3x3", "--mode", "same",
           "--at", "1,1", "--format", "latex"]
#: Runs the command in-process and reports whether SymPy got imported.
PROBE = ("import sys\nfrom symconv.cli import main\nrc = main(sys.argv[1:])\n"
         "print('sympy imported' if 'sympy' in sys.modules else 'no sympy')\n")


def median_time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 runs each instead of 7")
    args = ap.parse_args()
    runs = 3 if args.quick else 7
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "worked.tex")
        bare = median_time([py, "-c", "pass"], runs)
        sympy = median_time([py, "-c", "import sympy"], runs)
        fragment = median_time([py, "-m", "symconv", *COMMAND, "-o", out], runs)
        whole = median_time([py, "-m", "symconv", *COMMAND, "--standalone", "-o", out], runs)
        probe = subprocess.run([py, "-c", PROBE, *COMMAND, "-o", out], capture_output=True,
                               text=True, check=True).stdout.strip()
    print(f"symconv LaTeX benchmark (python {sys.version.split()[0]}, median of {runs})")
    print(f"{'python -c pass':50} {bare:6.3f} s")
    label = 'python -c "import sympy" (what the old path paid)'
    print(f"{label:50} {sympy:6.3f} s")
    ok = True
    for label, t in (("worked example to LaTeX (fragment)", fragment),
                     ("worked example to LaTeX (--standalone)", whole)):
        good = t <= 0.4
        ok &= good
        print(f"{label:50} {t:6.3f} s  {t / sympy:4.2f}x the SymPy import alone  "
              f"<= 0.4 s {'PASS' if good else 'FAIL'}")
    no_sympy = probe == "no sympy"
    ok &= no_sympy
    print(f"{'SymPy imported on the LaTeX path':50} {probe}  {'PASS' if no_sympy else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
