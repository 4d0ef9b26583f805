"""Benchmark of the hardening targets (issue 12), as whole processes (run as a script).

    python tests/benchmarks/bench_hardening.py [--quick]

Targets:
- every hostile request of the table below is refused in under 1 s and 100 MB (peak RSS
  of the process, read from wait4);
- the largest ``expand`` the default limit accepts, in its two worst shapes (all terms:
  a 3x3 kernel over 890x890 'same'; all outputs: a 1x1 kernel over 2000x2000), written as
  JSON, within 1 GiB peak RSS.
The baseline of the same run is a bare interpreter and ``symconv --help`` (what any run
costs before its work), printed beside each figure as a ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

REFUSALS = {
    "padding 1e8": ["expand", "conv", "--image", "5", "--kernel", "3", "--padding",
                    "100000000"],
    "padding 2000 (2-D)": ["expand", "conv", "--image", "5x5", "--kernel", "3x3",
                           "--padding", "2000"],
    "prove 10000x10000": ["prove", "flip", "--image", "10000x10000", "--kernel", "3x3"],
    "prove 100000x100000": ["prove", "flip", "--image", "100000x100000", "--kernel", "3x3"],
    "claim --dims 12": ["prove", "--claim", "conv(x,h)==corr(x,flip(h))", "--dims", "12"],
    "30-digit stride": ["expand", "conv", "--image", "5", "--kernel", "3", "--stride",
                        "9" * 30],
    "4096x4096 * 9x9 same": ["expand", "conv", "--image", "4096x4096", "--kernel", "9x9",
                             "--mode", "same"],
    "1,900 unary minus": ["prove", "--claim", "conv(x,h) == " + "-" * 1900 + "x"],
    "60,000 [ in --kwargs": ["identify", "numpy.convolve", "--kwargs", "[" * 60000],
}
LARGEST = {
    "890x890 * 3x3 same (terms)": ["expand", "conv", "--image", "890x890", "--kernel", "3x3",
                                   "--mode", "same", "--format", "json"],
    "2000x2000 * 1x1 (outputs)": ["expand", "conv", "--image", "2000x2000", "--kernel", "1x1",
                                  "--format", "json"],
}
REFUSAL_SECONDS = 1.0
REFUSAL_MB = 100
ACCEPTED_MB = 1024


def measure(argv: list[str]) -> tuple[int, float, float]:
    """(exit code, seconds, peak RSS in MB) of one whole process."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="refusals only (the largest accepted requests take ~40 s)")
    args = ap.parse_args()
    py = [sys.executable, "-m", "symconv"]
    _, bare_s, bare_mb = measure([sys.executable, "-c", "pass"])
    _, help_s, help_mb = measure([*py, "--help"])
    print(f"baseline: bare python {bare_s:.2f} s {bare_mb:.0f} MB; symconv --help "
          f"{help_s:.2f} s {help_mb:.0f} MB")
    missed = []
    for name, argv in REFUSALS.items():
        code, s, mb = measure([*py, *argv])
        ok = code == 2 and s < REFUSAL_SECONDS and mb < REFUSAL_MB
        print(f"refused {name:24s} exit {code}  {s:.2f} s ({s / help_s:.1f}x --help)  "
              f"{mb:.0f} MB ({mb / help_mb:.1f}x)  {'ok' if ok else 'MISSED'}")
        if not ok:
            missed.append(name)
    if not args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            for name, argv in LARGEST.items():
                code, s, mb = measure([*py, *argv, "-o", os.path.join(tmp, "out.json")])
                size = os.path.getsize(os.path.join(tmp, "out.json")) / 2**20
                ok = code == 0 and mb < ACCEPTED_MB
                print(f"accepted {name:27s} exit {code}  {s:.1f} s  {mb:.0f} MB peak "
                      f"(target < {ACCEPTED_MB})  {size:.0f} MB of JSON  "
                      f"{'ok' if ok else 'MISSED'}")
                if not ok:
                    missed.append(name)
    print("hardening targets met" if not missed else f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
