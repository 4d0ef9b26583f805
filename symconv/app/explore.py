"""``symconv explore``: one self-contained page where the reader points at an output and sees
where it comes from.

The page carries the operation's settings and a small hand-written script
(``explorer/page.js``) that holds the index relation itself: the output window (symconv's
``_axis`` and ``_transposed_axis``), the taps of each output with the boundary rule
(``AffineAxis.table``, ``map_boundary``) and the tap order, and the ports to NumPy, SciPy,
PyTorch, TensorFlow, JAX, OpenCV and MATLAB (``symconv.app.port``: the plan, the library
calls symconv's model of each library matches, and each printer).  So its controls
(operation, stride, padding, padding mode, dilation, kernel size, output padding) recompute
everything in the page; the browser tests compare the page's answers with ``symconv expand
--format json`` for every output, and its code with ``symconv port``.  No network: no
external script, style sheet or font, and it works from ``file://``.

Markup the tests rely on (DESIGN, "symconv explore and animations"): output cells
``data-output="m,n"``, input cells ``data-pixel="i,j"`` (padding cells too, with
``data-padding``; a transposed convolution's inserted zeros ``data-inserted``), kernel
cells ``data-kernel="k,l"``; the selected output, the pixels and padding cells it reads and
the kernel entries of its terms have ``aria-selected="true"``; the terms are MathML in the
element with ``data-terms``, one ``math`` per term with ``data-term="i,j|k,l"``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..errors import InputError
from ..index.ops import OPERATIONS, OPS
from ..index.request import Operation, operation
from ..render.palette import COLOURS

#: The largest image the page takes (pixels): a 64x64 image is about 4,900 cells with its
#: padding, which the browser lays out in well under a second.
MAX_PIXELS = 4096
#: The largest kernel side (the page's own kernel control goes to 7).
MAX_KERNEL_SIDE = 15
#: Milliseconds per output when the page plays the walk.
FRAME_MS = 900
#: Libraries of the code panel, as ``symconv port`` names them (the page writes their code
#: itself, as ``symconv.app.port`` does, for whatever its controls set).
LIBRARIES = ("torch", "numpy", "scipy", "tensorflow", "jax", "opencv", "matlab")


@dataclass(frozen=True)
class Explorer:
    """The explorer page of one operation: ``html`` is the whole page, ``save(path)``
    writes it, and a notebook shows it inline (``_repr_html_``: the page in a frame).

    >>> page = explore("corr", "4x4", "2x2", origin="corner", mode="valid")
    >>> page
    Explorer(corr, image 4x4, kernel 2x2: a page of ... characters)
    >>> page._repr_html_().startswith('<iframe title="symconv explorer"')
    True
    """

    operation: Operation
    html: str

    def __repr__(self) -> str:
        o = self.operation
        return (f"Explorer({o.op}, image {'x'.join(map(str, o.image.shape))}, kernel "
                f"{'x'.join(map(str, o.kernel.shape))}: a page of {len(self.html):,} "
                "characters)")

    def save(self, path: str) -> None:
        from ..io import open_output

        with open_output(path) as stream:
            stream.write(self.html)

    def _repr_html_(self) -> str:
        """The page in an ``iframe`` (its script and style stay inside it in a notebook)."""
        return ('<iframe title="symconv explorer" style="width:100%;height:760px;border:1px '
                f'solid #ccc" srcdoc="{html.escape(self.html, quote=True)}"></iframe>')


def explore(op: str, image: Any, kernel: Any, *, x: Any = None, h: Any = None,
            **options: Any) -> Explorer:
    """The explorer page of ``op`` on shapes ``image`` and ``kernel`` (expand's options).

    >>> page = explore("conv", "5x5", "3x3", padding=1, stride=2)
    >>> 'data-terms' in page.html and 'http' not in page.html.split('<script')[1]
    True
    """
    if op not in OPS:
        raise InputError(f"bad operation {op!r}: explore takes {', '.join(OPS)} (pooling "
                         "windows are shown by expand's figures)")
    for flag in ("layer", "conjugate"):
        if options.get(flag):
            raise InputError(f"explore shows one channel of real signals: --{flag} is not "
                             "in the page (use expand)")
    if options.get("groups", 1) != 1:
        raise InputError("explore shows one channel: --groups is not in the page")
    if options.get("convention", "scipy") != "scipy":
        raise InputError("explore draws SciPy's windows (--mode) and PyTorch's padding "
                         "(--padding): give those instead of --convention")
    max_terms = options.pop("max_terms", None)
    o = operation(op, image, kernel, x=x, h=h, **options)
    sd = o.spatial_dims
    if sd not in (1, 2):
        raise InputError(f"explore draws 1-D and 2-D operations, not {sd}-D")
    pixels = 1
    for n in o.image.shape:
        pixels *= n
    if pixels > MAX_PIXELS:
        raise InputError(f"the image has {pixels:,} pixels; the explorer page takes at most "
                         f"{MAX_PIXELS:,} (64x64)")
    if max(o.kernel.shape) > MAX_KERNEL_SIDE:
        raise InputError(f"kernel side {max(o.kernel.shape)}: the explorer page takes at "
                         f"most {MAX_KERNEL_SIDE}")
    o.relation.check_size(max_terms)
    cfg = _config(o, options, x, h)
    return Explorer(o, _page(o, cfg))


def _values(sig: Any, given: Any) -> dict[str, Any] | None:
    """A signal's values as the page uses them, per pixel in C order: ``text`` as a cell
    shows it; ``exact``, the value as ``"p/q"`` where it is rational (the page sums those
    exactly, with big integers); ``float`` where it is a float (summed as floats); both
    None for a symbol or a surd (the page then shows the terms, not a number).  ``option``
    is the ``--x``/``--h`` text that gives the values again; ``symbols``, the names used."""
    if sig.values is None:
        return None
    from fractions import Fraction

    import numpy as np

    from ..expansion.figures.layout import number
    from ..index.numbers import symbols_of

    flat = list(np.asarray(sig.values, dtype=object).ravel())
    exact: list[str | None] = []
    floats: list[float | None] = []
    for v in flat:
        if isinstance(v, (complex, np.complexfloating)) or (
                hasattr(v, "is_real") and v.is_real is False):
            raise InputError("explore shows real values: complex --x/--h are not in the page")
        # stored values are ints, Fractions, floats or non-rational SymPy expressions
        # (numbers.normalise); a boolean .npy keeps its dtype
        q: Fraction | None = None
        if isinstance(v, (bool, np.bool_, int, np.integer)):
            q = Fraction(int(v))
        elif isinstance(v, Fraction):
            q = v
        exact.append(None if q is None else f"{q.numerator}/{q.denominator}")
        floats.append(float(v) if isinstance(v, (float, np.floating)) else None)
    if isinstance(given, str) and not given.endswith(".npy"):
        option = given
    else:
        rows = np.asarray(sig.values, dtype=object)
        rows2 = rows.reshape(1, -1) if rows.ndim == 1 else rows
        option = ";".join(",".join(_value_option(v) for v in row) for row in rows2)
    return {"text": [number(v) for v in flat], "exact": exact, "float": floats,
            "option": option, "symbols": sorted(symbols_of(sig.values))}


def _value_option(v: Any) -> str:
    import numpy as np

    if isinstance(v, (bool, np.bool_)):
        return str(int(v))  # the values' grammar takes numbers, not True/False
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v).replace(" ", "")


def _config(o: Operation, options: dict[str, Any], x: Any, h: Any) -> dict[str, Any]:
    sd = o.spatial_dims
    origin = options.get("origin", "center")
    offsets: list[int] = []
    if not isinstance(origin, str):
        offsets = [int(v) for v in origin]
        origin = "explicit"
    transposed = OPERATIONS[o.op].in_stride
    pad = o.padding
    choice: str
    pairs: list[list[int]] = []
    if pad is None:
        choice = o.mode or "full"
    elif all(lo == hi == pad[0][0] for lo, hi in pad) and 0 <= pad[0][0] <= 4:
        choice = str(pad[0][0])
    else:
        choice = "custom"
        pairs = [[lo, hi] for lo, hi in pad]
    names = options.get("names") or {}
    entries_opt = options.get("entries", "default")
    ker = o.kernel
    return {
        "op": o.op,
        "image": list(o.image.shape),
        "kernel": list(ker.shape),
        "origin": origin,
        "origin_offsets": offsets,
        "axes": o.image.axes,
        "names": {"image": o.image.name, "kernel": ker.name, "output": o.output_name},
        "names_option": ",".join(f"{k}={v}" for k, v in names.items()) or None,
        "entries": list(ker.entries) if ker.entries is not None else None,
        "entries_option": None if entries_opt == "default" else (
            "indexed" if entries_opt in ("indexed", None) else
            (entries_opt if isinstance(entries_opt, str) else ",".join(entries_opt))),
        "padding_choice": choice,
        "padding_pairs": pairs,
        "padding_mode": o.boundary,
        "stride": list(o.stride),
        "dilation": list(o.dilation),
        "output_padding": list(o.output_padding) if transposed else [0] * sd,
        "x": _values(o.image, x),
        "h": _values(ker, h),
        "libraries": list(LIBRARIES),
        "frame_ms": FRAME_MS,
    }


def _asset(name: str) -> str:
    return (resources.files(__package__) / "explorer" / name).read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</``, no ``<!--``)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(o: Operation, cfg: dict[str, Any]) -> str:
    spec = OPERATIONS[o.op]
    colours = {"ink": "outline", "grid": "grid", "muted": "muted", "kernel": "kernel",
               "patch": "patch", "focus": "focus"}
    css_vars = ":root { " + " ".join(f"--{k}: {COLOURS[v][1]};" for k, v in colours.items()) \
        + " }\n"
    shape = "x".join(map(str, o.image.shape))
    kshape = "x".join(map(str, o.kernel.shape))
    title = f"symconv explore: {spec.word} of a {shape} image and a {kshape} kernel"
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="symconv explore">
<title>{e(title)}</title>
<style>
{css_vars}{_asset("page.css")}</style>
</head>
<body>
<h1>{e(title)}</h1>
<p class="lead">Point at an output (click, hover, or the arrow keys): the kernel lies on the
input where the relation puts it (flipped for a convolution), the pixels and padding it
reads and the kernel entries of its terms are marked, and its terms appear below.</p>
<noscript><p id="noscript">This page computes the relation with its own script: allow
JavaScript to use it.</p></noscript>
<form id="controls" onsubmit="return false">
<fieldset><legend>Operation</legend>
<label>operation <select id="c-op"></select></label>
<label>stride <select id="c-stride"></select></label>
<label>padding <select id="c-padding"></select></label>
<label>padding mode <select id="c-mode"></select></label>
<label>dilation <select id="c-dilation"></select></label>
<label>kernel size <select id="c-kernel"></select></label>
<label>output padding <select id="c-outpad"></select></label>
</fieldset>
</form>
<p id="error" role="alert" hidden></p>
<div class="walk">
<button type="button" id="play" aria-pressed="false">Play</button>
<input type="range" id="step" min="0" max="0" value="0" aria-label="output step">
<span id="where" aria-live="polite"></span>
</div>
<div class="legend" aria-hidden="true"><span><i class="out"></i>selected output</span>
<span><i class="win"></i>kernel entry on a cell</span><span><i class="read"></i>pixel it
reads</span><span><i class="pad"></i>padding (dashed)</span></div>
<div class="panels">
<section class="panel"><h2>input {e(o.image.name)} (padding dashed)</h2>
<div class="scroll" id="image"></div></section>
<section class="panel"><h2>kernel {e(o.kernel.name)}</h2>
<div class="scroll" id="kernel"></div></section>
<section class="panel"><h2>output {e(o.output_name)}</h2>
<div class="scroll" id="output"></div></section>
</div>
<section class="terms"><h2>terms of the selected output</h2>
<div id="terms" data-terms></div></section>
<p>Index relation: <span class="relation" id="relation"></span></p>
<p>The same with symconv: <code class="command" id="command"></code></p>
<section class="code"><h2>Code</h2>
<div id="libraries" role="tablist" aria-label="library"></div>
<div id="code-panel" role="tabpanel"><pre><code id="code"></code></pre>
<p id="notes"></p></div></section>
<script type="application/json" id="symconv-config">{_script_json(cfg)}</script>
<script>
{_asset("page.js")}</script>
</body>
</html>
"""
