"""``symconv demo``: the article's worked examples and the thread's numbers, every format."""

from __future__ import annotations

import argparse
from typing import IO

HELP = "write the article's worked examples and the thread's numbers to ./symconv-demo/"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", default="symconv-demo", help="output folder (default: "
                                                         "./symconv-demo)")


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..app.demo import run_demo

    return run_demo(args.dir, out)
