"""``symconv prove THEOREM | --claim "LHS == RHS"``: derivations with a verdict and a scope."""

from __future__ import annotations

import argparse
from typing import IO

from ..index.ops import CONVENTIONS
from ..proof.theorems import NAMES
from .common import add_format, latex_options

HELP = f"prove a theorem ({', '.join(NAMES)}) or a claim"
DESCRIPTION = (
    f"Prove a named theorem ({', '.join(NAMES)}) or "
    "decide a claim such as \"conv(x, h) == corr(x, flip(h))\". Scope 'all-sizes' is a proof "
    "for every size (symbolic N, K); 'instance' is exact for the shapes given with --image "
    "and --kernel. A search over sizes is never a proof: what is neither proved nor refuted "
    "is undecided. Exit 0 proved, 1 refuted (a counterexample is printed), 2 bad input, "
    "3 undecided.")
#: Options of the theorems that a claim writes in its own text (refused with --claim).
THEOREM_ONLY = (("mode", "mode="), ("stride", "stride="), ("padding", "padding="),
                ("dilation", "dilation="), ("padding_mode", None), ("layer", None),
                ("groups", None), ("forward", None), ("wrt", None),
                ("output_padding", "output_padding="), ("op", None), ("ceil_mode", None),
                ("count_include_pad", None), ("convention", "convention="),
                ("layers", None))


def add_arguments(p: argparse.ArgumentParser) -> None:
    # The choices are the registry's names (the theorem modules' files; none is imported).
    p.add_argument("theorem", nargs="?", choices=NAMES, metavar="THEOREM",
                   help="one of: " + ", ".join(NAMES))
    p.add_argument("--claim", metavar="'LHS == RHS'",
                   help="decide a claim in the small claim language: conv, corr, "
                        "corr_reflected, flip, conj, dilate, conv_transpose, grad, sum, "
                        "cconv, dft, idft, names, + - * (elementwise), keyword arguments "
                        "mode/stride/padding/dilation/convention")
    p.add_argument("--dims", type=int, help="number of spatial dimensions, 1 to 3 (default 1, "
                                            "or from the shapes)")
    p.add_argument("--where", metavar="CONDITIONS",
                   help="--claim: size conditions, such as \"N >= K\" or \"N >= 2*K - 1, "
                        "K <= 5\" (N, K; N1, K2... per axis)")
    p.add_argument("--image", metavar="SHAPE", help="image shape (5, 7x7; with --layer "
                                                    "C_in x spatial)")
    p.add_argument("--kernel", metavar="SHAPE", help="kernel shape (with --layer C_out x "
                                                     "C_in/groups x spatial)")
    p.add_argument("--scope", choices=("instance", "all-sizes"),
                   help="instance (exact, given shapes) or all-sizes (symbolic); default: "
                        "instance when shapes are given, else all-sizes")
    p.add_argument("--forward", choices=("conv", "corr"),
                   help="duality: the forward operation (default corr, as PyTorch)")
    p.add_argument("--wrt", choices=("input", "kernel"),
                   help="duality: the gradient with respect to the input or the kernel")
    p.add_argument("--origin", choices=("center", "corner"),
                   help="index origin (default center, the article; corner for PyTorch)")
    p.add_argument("--mode", choices=("full", "valid", "same"), help="NumPy/SciPy output window")
    p.add_argument("--stride", help="stride, one value or one per axis")
    p.add_argument("--padding", help="PyTorch padding: an int, one per axis, low:high, same "
                                     "or valid")
    p.add_argument("--padding-mode", help="zeros (default), circular, reflect, replicate")
    p.add_argument("--layers", metavar="K[:s[:d[:p]]],...",
                   help="receptive-field: the stacked layers from the input up, each kernel "
                        "size with optional stride, dilation and padding, e.g. 3,3:2,3:1:2")
    p.add_argument("--convention", choices=CONVENTIONS,
                   help="whose window --mode/--padding mean, as in expand (default scipy; "
                        "matlab, tensorflow, jax, opencv are decided at instance scope, "
                        "claims write convention='...' in the call)")
    p.add_argument("--dilation", help="dilation, one value or one per axis")
    p.add_argument("--op", choices=("conv-transpose", "pool"),
                   help="sizes: derive the transposed convolution's output sizes (the "
                        "convolution arithmetic guide's relationships 8-14) or pooling's "
                        "(floor or ceil mode)")
    p.add_argument("--ceil-mode", action="store_true",
                   help="pooling (pooling, sizes --op pool): PyTorch's ceil_mode")
    p.add_argument("--count-include-pad", action=argparse.BooleanOptionalAction,
                   default=None, help="pooling: count the padding in avg-pool's divisor "
                                      "(default, as PyTorch) or not")
    p.add_argument("--output-padding", help="transpose: the transposed convolution's output "
                                            "padding, one value or one per axis")
    p.add_argument("--layer", action="store_true", help="PyTorch layer shapes with channels")
    p.add_argument("--groups", type=int, help="channel groups (with --layer)")
    p.add_argument("--x", help="image values (symmetric: an image to show a difference; "
                               "--claim: the image names take these integers)")
    p.add_argument("--h", help="kernel values (symmetric: test this kernel; --claim: the "
                               "kernel names take these integers, e.g. the thread's 1,-1)")
    p.add_argument("--let", action="append", metavar="NAME=VALUES",
                   help="--claim: exact values for a named array of the claim (repeat for "
                        "several), e.g. --let u='1;2;1' --let v='1,0,-1'")
    p.add_argument("--compare", choices=("indices", "positions"), default="indices",
                   help="--claim: compare outputs at equal indices (signals, the default) or "
                        "at equal array positions (as NumPy compares arrays)")
    p.add_argument("--max-terms", type=int, help="refuse requests with more product terms")
    add_format(p, ("text", "json", "latex", "mathml", "html", "markdown"))


def parse_let(items: list[str] | None) -> dict[str, str]:
    """``["u=1;2;1", "v=1,0,-1"]`` -> ``{"u": "1;2;1", "v": "1,0,-1"}``."""
    from ..errors import InputError
    from ..index.signal import check_name

    out: dict[str, str] = {}
    for item in items or []:
        name, sep, values = item.partition("=")
        if not sep:
            raise InputError(f"bad --let {item[:40]!r}: write NAME=VALUES, as u=1,2,1")
        name = check_name(name.strip(), "array")
        if name in out:
            raise InputError(f"--let {name} is given twice")
        out[name] = values
    return out


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..errors import InputError
    from ..io import open_output
    from ..render import render

    if (args.theorem is None) == (args.claim is None):
        raise InputError(f"give a THEOREM ({', '.join(NAMES)}) or --claim 'LHS == RHS', "
                         "not both")
    if args.claim is not None:
        from ..proof.claims import prove_claim

        for dest, keyword in THEOREM_ONLY:
            if getattr(args, dest) not in (None, False):
                flag = "--" + dest.replace("_", "-")
                raise InputError(f"{flag} does not apply to --claim: "
                                 + (f"write it in the claim, as conv(x, h, {keyword}...)"
                                    if keyword else "a claim states its operations itself"))
        if args.scope == "instance" and (args.image is None or args.kernel is None) and \
                args.x is None and args.h is None:
            raise InputError("--scope instance needs the shapes: give --image and --kernel")
        derivation = prove_claim(args.claim, dims=args.dims, image=args.image,
                                 kernel=args.kernel, origin=args.origin or "center",
                                 max_terms=args.max_terms, x=args.x, h=args.h,
                                 compare=args.compare, where=args.where,
                                 let=parse_let(args.let))
        if args.scope == "all-sizes" and derivation.scope == "instance" and \
                derivation.proved:
            from dataclasses import replace

            derivation = replace(derivation, notes=(
                "all-sizes scope was asked for, but shapes were given: the claim is "
                "decided for exactly those shapes; leave out --image/--kernel for every "
                "size",) + derivation.notes)
    else:
        from ..proof.options import Options
        from ..proof.theorems import prove

        if args.where is not None:
            raise InputError("--where applies to --claim (a theorem states its sizes itself)")
        if args.let:
            raise InputError("--let applies to --claim (a theorem takes --x and --h)")
        if args.compare != "indices":
            raise InputError("--compare applies to --claim")
        opts = Options(dims=args.dims, image=args.image, kernel=args.kernel,
                       forward=args.forward, wrt=args.wrt, mode=args.mode, stride=args.stride,
                       padding=args.padding, dilation=args.dilation,
                       padding_mode=args.padding_mode or "zeros", layer=args.layer,
                       groups=1 if args.groups is None else args.groups,
                       origin=args.origin, x=args.x, h=args.h, max_terms=args.max_terms,
                       output_padding=args.output_padding, op=args.op,
                       ceil_mode=args.ceil_mode, count_include_pad=args.count_include_pad,
                       convention=args.convention or "scipy", layers=args.layers)
        derivation = prove(args.theorem, scope=args.scope, options=opts)
    with open_output(args.output, out) as stream:
        render(derivation, args.format, stream, **latex_options(args))
    return derivation.exit_code
