"""``symconv explore OP --image S --kernel S [expand's options] -o PAGE.html``: the
interactive page (:mod:`symconv.app.explore`)."""

from __future__ import annotations

import argparse
from typing import IO

from ..index.ops import OPS
from .common import add_operation_options, operation_kwargs

HELP = "an interactive page: point at an output, see its patch, kernel entries and terms"
DESCRIPTION = (
    "Write one self-contained HTML page (no network; it works from file://) where clicking "
    "or hovering an output cell shows the input cells under the kernel (flipped for a "
    "convolution), the padding it reads, the kernel entries of its terms and the terms in "
    "MathML; a play button and a step slider walk the outputs, the arrow keys move the "
    "selection, and controls for the operation, stride, padding, padding mode, dilation, "
    "kernel size and output padding recompute everything in the page, which carries the "
    "index relation itself. A code panel shows the symconv port snippets for the current "
    "settings. 1-D and 2-D, one channel, real values.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("op", choices=OPS, help="the operation, as in expand")
    p.add_argument("--image", required=True, metavar="SHAPE", help="image shape: 5, 7x7")
    p.add_argument("--kernel", required=True, metavar="SHAPE", help="kernel shape: 3, 3x3")
    add_operation_options(p)
    p.add_argument("-o", "--output", metavar="PATH",
                   help="write the page to PATH (atomically) instead of standard output")
    p.set_defaults(output_file=True)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..app.explore import explore
    from ..io import open_output

    kw = operation_kwargs(args)
    kw["max_terms"] = args.max_terms
    page = explore(args.op, args.image, args.kernel, **kw)
    with open_output(args.output, out) as stream:
        stream.write(page.html)
    return 0
