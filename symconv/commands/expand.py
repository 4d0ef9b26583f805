"""``symconv expand OP --image SHAPE --kernel SHAPE``: y[m,n] term by term."""

from __future__ import annotations

import argparse
from typing import IO

from ..index.ops import OPS, op_help
from .common import (
    add_format,
    add_notation_options,
    add_operation_options,
    notation_kwargs,
    operation_kwargs,
    parse_index,
)

HELP = f"expand y = {'/'.join(OPS)} of symbolic arrays, with worked examples"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("op", choices=OPS, help=op_help())
    p.add_argument("--image", required=True, metavar="SHAPE", help="image shape: 5, 7x7, 2x5x5")
    p.add_argument("--kernel", required=True, metavar="SHAPE", help="kernel shape")
    p.add_argument("--at", metavar="I[,J...]",
                   help="one output, with the worked example (rows, grid, patch)")
    add_operation_options(p)
    add_format(p)
    add_notation_options(p)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..expansion.core import Expansion
    from ..index.request import operation
    from ..io import open_output
    from ..render import render

    style = notation_kwargs(args)
    op = operation(args.op, args.image, args.kernel, **operation_kwargs(args))
    exp = Expansion(op, max_terms=args.max_terms)
    at = parse_index(args.at) if args.at is not None else None
    if at is not None:
        exp.flat_position(at)  # validate before any output is opened
    else:
        op.relation.check_size(args.max_terms)  # the whole table: refused before any array
    with open_output(args.output, out) as stream:
        render(exp, args.format, stream, at=at, standalone=args.standalone,
               path=args.output, **style)
    return 0
