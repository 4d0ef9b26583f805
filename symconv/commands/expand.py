"""``symconv expand OP --image SHAPE --kernel SHAPE``: y[m,n] term by term."""

from __future__ import annotations

import argparse
from typing import IO

from ..index.ops import OPS, POOLS, op_help
from ..render import ANIMATIONS
from .common import (
    FORMATS,
    add_format,
    add_notation_options,
    add_operation_options,
    notation_kwargs,
    operation_kwargs,
    parse_index,
)

HELP = f"expand y = {'/'.join(OPS)} of symbolic arrays, with worked examples"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("op", choices=OPS + POOLS,
                   help=op_help() + "; avg-pool / max-pool: PyTorch's pooling over "
                        "--kernel windows (no --h)")
    p.add_argument("--image", required=True, metavar="SHAPE", help="image shape: 5, 7x7, 2x5x5")
    p.add_argument("--kernel", required=True, metavar="SHAPE", help="kernel shape")
    p.add_argument("--at", metavar="I[,J...]",
                   help="one output, with the worked example (rows, grid, patch)")
    add_operation_options(p)
    g = p.add_argument_group("pooling (avg-pool, max-pool)")
    g.add_argument("--ceil-mode", action="store_true",
                   help="count outputs with ceil instead of floor (PyTorch's ceil_mode)")
    g.add_argument("--count-include-pad", action=argparse.BooleanOptionalAction,
                   default=None, help="avg-pool: divide by the window clipped to the padded "
                                      "image (default, as PyTorch) or, with --no-count-"
                                      "include-pad, by the pixels inside the image")
    add_format(p, FORMATS + ANIMATIONS,
               note="gif, mp4: the kernel sliding over the (padded) image, one frame per "
                    "output, written to -o FILE (needs Pillow, and PyAV for mp4: pip "
                    "install 'symconv[anim]')")
    add_notation_options(p)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..expansion.core import Expansion
    from ..index.request import operation
    from ..io import open_output
    from ..render import render

    style = notation_kwargs(args)
    if args.format in ANIMATIONS:
        return _animation(args)
    if args.op in POOLS:
        return _pooling(args, out, style)
    if args.ceil_mode or args.count_include_pad is not None:
        from ..errors import InputError

        raise InputError(f"--{'ceil-mode' if args.ceil_mode else 'count-include-pad'} "
                         "applies to avg-pool and max-pool only")
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


def _animation(args: argparse.Namespace) -> int:
    """``--format gif|mp4``: the sliding-kernel animation, written whole to ``-o FILE``
    (refused from the shape, before anything is drawn, when too large)."""
    from ..errors import InputError
    from ..expansion.core import Expansion
    from ..index.request import operation
    from ..render import raster

    fmt = args.format
    if args.op in POOLS:
        raise InputError(f"--format {fmt} animates convolutions and correlations, not "
                         f"{args.op} (use --format text, json, latex, html or markdown)")
    if args.output in (None, "-"):
        raise InputError(f"--format {fmt} writes a binary file: give -o FILE.{fmt}")
    if args.at is not None:
        raise InputError(f"--at does not apply to --format {fmt}: the animation shows every "
                         "output, one frame each")
    if args.ceil_mode or args.count_include_pad is not None:
        raise InputError(f"--{'ceil-mode' if args.ceil_mode else 'count-include-pad'} "
                         "applies to avg-pool and max-pool only")
    raster.require(fmt)
    op = operation(args.op, args.image, args.kernel, **operation_kwargs(args))
    op.relation.check_size(args.max_terms)  # as for the whole table: --max-terms holds
    exp = Expansion(op, max_terms=args.max_terms)
    raster.save_animation(exp, fmt, args.output)  # refused when too large before drawing
    return 0


#: expand's options that mean nothing to a pooling, with their defaults.
_NOT_POOLING = {"mode": None, "convention": "scipy", "padding_mode": None,
                "output_padding": None, "conjugate": False, "layer": False, "groups": 1,
                "names": None, "entries": None, "h": None, "axes": "xy"}


def _pooling(args: argparse.Namespace, out: IO[str], style: dict[str, object]) -> int:
    """avg-pool / max-pool: the window of each output, PyTorch's sizes and divisors."""
    from ..errors import InputError
    from ..expansion.pooling import Pooling
    from ..io import open_output
    from ..render import render

    given = [k for k, v in _NOT_POOLING.items() if getattr(args, k, v) != v]
    if args.origin not in ("center", "corner"):
        given.append("origin")
    if given:
        names = ", ".join("--" + k.replace("_", "-") for k in given)
        raise InputError(f"{names} {'does' if len(given) == 1 else 'do'} not apply to "
                         f"{args.op} (it reads --kernel as the window, --stride (default: the "
                         "window), --padding, --dilation (max-pool), --ceil-mode, "
                         "--count-include-pad (avg-pool), --x; indices from 0)")
    pad = args.padding
    if pad is not None and (":" in pad or pad.strip().lower() in ("same", "valid")):
        raise InputError(f"bad --padding {pad!r} for {args.op}: one integer per axis, "
                         "both sides (PyTorch's pooling padding)")
    p = Pooling(args.op, args.image, args.kernel, stride=args.stride, padding=pad,
                dilation=args.dilation, ceil_mode=args.ceil_mode,
                count_include_pad=args.count_include_pad, x=args.x,
                max_terms=args.max_terms)
    at = parse_index(args.at) if args.at is not None else None
    if at is not None:
        p.check_index(at)
    with open_output(args.output, out) as stream:
        render(p, args.format, stream, at=at, standalone=args.standalone,
               path=args.output, **style)
    return 0
