"""Options shared by subcommands (no heavy imports here: ``--help`` must stay fast)."""

from __future__ import annotations

import argparse
from typing import Any

from ..expansion.figures import FIGURES as _FIGURES
from ..index.ops import CONVENTIONS
from ..render import FORMATS as _REGISTRY

#: Every output format, from the registry (symconv.render.FORMATS).
FORMATS = tuple(_REGISTRY)
#: Formats that print notation (the notation options apply to them only).
NOTATION_FORMATS = tuple(name for name, f in _REGISTRY.items() if f.notation)
#: Every figure, from the registry (symconv.expansion.figures.FIGURES).
FIGURE_NAMES = tuple(_FIGURES)


def add_format(p: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS,
               note: str = "") -> None:
    # Whatever has a LaTeX rendering has slides too: the beamer renderer reads the same
    # objects (expansions, derivations, check results), so a list naming latex gets beamer.
    if "latex" in formats and "beamer" not in formats:
        k = formats.index("latex") + 1
        formats = formats[:k] + ("beamer",) + formats[k:]
    p.add_argument("--format", choices=formats, default="text",
                   help="output format (default: text)" + (f"; {note}" if note else ""))
    p.add_argument("-o", "--output", metavar="PATH",
                   help="write to PATH (atomically: a regular file is replaced whole; a "
                        "FIFO or device is written through; a symbolic link's target is "
                        "replaced) instead of standard output")
    p.set_defaults(output_file=True)  # cli.main checks the path before any work
    if "latex" in formats:
        p.add_argument("--standalone", action="store_true",
                       help="with --format latex: a whole document for pdflatex (default: a "
                            "fragment to \\input)")


def latex_options(args: argparse.Namespace) -> dict[str, Any]:
    """``standalone=True`` for ``--format latex --standalone`` (the other formats are whole
    pages or slides already)."""
    return {"standalone": True} if getattr(args, "standalone", False) and \
        args.format == "latex" else {}


def add_notation_options(p: argparse.ArgumentParser) -> None:
    """How LaTeX, slides, MathML, HTML and Markdown print the notation."""
    g = p.add_argument_group("notation (latex, beamer, mathml, html, markdown)")
    g.add_argument("--operator", choices=("*", "star", "circledast", "otimes"),
                   help="the operation's symbol (default: * for conv, star for corr)")
    g.add_argument("--index-style", choices=("brackets", "subscripts"),
                   help="x[i,j] (default) or x_{i,j}")
    g.add_argument("--plain", action="store_true", help="plain array names instead of bold")
    g.add_argument("--no-colour", action="store_true",
                   help="formulas without the coloured indices m and n (figures keep their "
                        "colours)")
    g.add_argument("--rows", choices=("window", "article"),
                   help="worked-example rows: the window one ring wider than the patch "
                        "(default) or the article's selection")
    g.add_argument("--figures", metavar="LIST",
                   help="comma-separated figures to draw, from: " + ", ".join(FIGURE_NAMES))


def notation_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Renderer options from the notation flags; refused with a format that has no notation."""
    from ..errors import InputError

    kw: dict[str, Any] = {}
    if args.operator:
        kw["operator"] = args.operator
    if args.index_style:
        kw["index_style"] = args.index_style
    if args.plain:
        kw["bold"] = False
    if args.no_colour:
        kw["colour_indices"] = False
    if args.rows:
        kw["subset"] = args.rows
    if args.figures:
        figs = tuple(f.strip() for f in args.figures.split(",") if f.strip())
        bad = [f for f in figs if f not in FIGURE_NAMES]
        if bad or not figs:
            raise InputError(f"bad --figures {args.figures!r}: use {', '.join(FIGURE_NAMES)}")
        kw["figures"] = figs
    if kw and args.format not in NOTATION_FORMATS:
        raise InputError(f"notation options apply to --format {', '.join(NOTATION_FORMATS)}, "
                         f"not {args.format}")
    return kw


def add_operation_options(p: argparse.ArgumentParser) -> None:
    """The options that describe an operation (shared by expand and prove)."""
    p.add_argument("--origin", default="center",
                   help="index origin: center (the article: -k..k), corner (0-based, "
                        "NumPy/PyTorch) or offsets per axis such as 1,1 (default: center)")
    p.add_argument("--axes", choices=("xy", "ij"), default="xy",
                   help="xy: first index horizontal (the article); ij: first index is the "
                        "row (NumPy). Affects drawings and default entry names only")
    p.add_argument("--mode", choices=("full", "valid", "same"),
                   help="output window as NumPy/SciPy (default: full)")
    p.add_argument("--convention", choices=CONVENTIONS, default="scipy",
                   help="whose window: scipy (N-D, default), numpy (1-D; differs when the "
                        "kernel is longer than the image), matlab ('same' from floor(K/2), "
                        "where SciPy starts at floor((K-1)/2)), tensorflow and jax "
                        "(--padding same|valid for any stride and dilation, the extra zero "
                        "at the end), opencv (cv2.filter2D: a correlation, the image's size, "
                        "BORDER_REFLECT_101 unless --padding-mode says otherwise)")
    p.add_argument("--stride", help="stride, one value or one per axis (2 or 2,1)")
    p.add_argument("--padding",
                   help="PyTorch-style padding: an int, one per axis (1,2), low:high per axis "
                        "(0:1,1:0), same or valid")
    p.add_argument("--padding-mode", default=None,
                   help="zeros (default), circular, reflect, replicate or symmetric (SciPy's "
                        "fill, wrap, symm are accepted; with --convention opencv also "
                        "OpenCV's BORDER_* names, default BORDER_REFLECT_101)")
    p.add_argument("--dilation", help="dilation, one value or one per axis")
    p.add_argument("--output-padding",
                   help="conv-transpose: extra outputs at the high end, one value or one per "
                        "axis, smaller than the stride or the dilation (PyTorch's "
                        "output_padding)")
    p.add_argument("--conjugate", action="store_true",
                   help="conjugate the kernel in a correlation (complex signals, as "
                        "numpy.correlate)")
    p.add_argument("--layer", action="store_true",
                   help="PyTorch layer semantics: image C_in x spatial, kernel C_out x "
                        "C_in/groups x spatial (conv-transpose: C_in x C_out/groups x "
                        "spatial)")
    p.add_argument("--groups", type=int, default=1, help="channel groups (with --layer)")
    p.add_argument("--names", help="rename arrays: image=I,kernel=K,output=S")
    p.add_argument("--entries", help="kernel entry names in display order: a,b,c,... "
                                     "or 'indexed' for h[i,j]")
    p.add_argument("--x", help="image values: 2,1,3 or rows split by ';' (0,1;2,3) or a .npy")
    p.add_argument("--h", help="kernel values, same forms as --x")
    p.add_argument("--max-terms", type=int,
                   help="refuse requests with more product terms plus outputs (default "
                        "8,000,000: the largest such request takes about 20 s and 0.8 GB)")


def parse_names(text: str | None) -> dict[str, str] | None:
    from ..errors import InputError

    if not text:
        return None
    out: dict[str, str] = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(f"bad --names {text!r}: use image=I,kernel=K,output=S")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def parse_origin(text: str) -> Any:
    from ..errors import InputError

    if text in ("center", "corner"):
        return text
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"bad origin {text!r}: use center, corner or offsets per axis "
                         "such as 1,1") from None


def operation_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Turn parsed options into keyword arguments of :func:`symconv.index.request.operation`."""
    entries: Any = "default"
    if args.entries:
        entries = "indexed" if args.entries == "indexed" else args.entries
    return dict(origin=parse_origin(args.origin), axes=args.axes, mode=args.mode,
                stride=args.stride, padding=args.padding, padding_mode=args.padding_mode,
                dilation=args.dilation, conjugate=args.conjugate, layer=args.layer,
                groups=args.groups, convention=args.convention,
                names=parse_names(args.names), entries=entries, x=args.x, h=args.h,
                output_padding=getattr(args, "output_padding", None))


def parse_index(text: str) -> tuple[int, ...]:
    """``--at``: :func:`symconv.index.signal.parse_index` (imported when used: ``symconv
    --help`` loads no NumPy)."""
    from ..index.signal import parse_index as parse

    return parse(text)
