"""The conventions atlas: notations found in textbooks, papers and library documentation,
each classified by ``symconv check`` (the page ``docs/conventions.md`` is generated from
this table by ``python -m tools.docgen atlas``, so no classification is typed by hand).
"""

from __future__ import annotations

import io

from tools.docgen import GENERATED_NOTE, register

#: (source, formula as written there, --image, --kernel); None: roles inferred by name.
ATLAS: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("Draelos (Glass Box), convolution",
     r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m-i,n-j]", None, None),
    ("Draelos (Glass Box), cross-correlation",
     r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m+i,n+j]", None, None),
    ("Song Ho Ahn, 2-D convolution",
     r"y[m,n] = \sum_{j}\sum_{i} x[i,j] \cdot h[m-i,n-j]", None, None),
    ("Oppenheim & Schafer, Discrete-Time Signal Processing, the convolution sum",
     r"y[n] = \sum_{k=-\infty}^{\infty} x[k] h[n-k]", None, None),
    ("Wikipedia, discrete convolution",
     r"(f * g)[n] = \sum_{m=-\infty}^{\infty} f[m] g[n-m]", "f", "g"),
    ("Gonzalez & Woods, Digital Image Processing, spatial correlation",
     r"g(x,y) = \sum_{s=-a}^{a} \sum_{t=-b}^{b} w(s,t) f(x+s, y+t)", "f", "w"),
    ("Gonzalez & Woods, spatial convolution",
     r"g(x,y) = \sum_{s=-a}^{a} \sum_{t=-b}^{b} w(s,t) f(x-s, y-t)", "f", "w"),
    ("Goodfellow et al., Deep Learning, eq. 9.4 (convolution)",
     r"S(i,j) = \sum_m \sum_n I(m,n) K(i-m, j-n)", "I", "K"),
    ("Goodfellow et al., eq. 9.5 (convolution, commuted)",
     r"S(i,j) = \sum_m \sum_n I(i-m, j-n) K(m,n)", "I", "K"),
    ("Goodfellow et al., eq. 9.6 (cross-correlation)",
     r"S(i,j) = \sum_m \sum_n I(i+m, j+n) K(m,n)", "I", "K"),
    ("d2l.ai, 2-D cross-correlation",
     r"[\mathbf{H}]_{i,j} = \sum_{a} \sum_{b} [\mathbf{V}]_{a,b} [\mathbf{X}]_{i+a,j+b}",
     "X", "V"),
    ("NumPy, numpy.convolve documentation",
     r"(a * v)_n = \sum_{m = -\infty}^{\infty} a_m v_{n - m}", "a", "v"),
    ("NumPy, numpy.correlate documentation",
     r"c_k = \sum_n a_{n+k} \cdot \overline{v_n}", "a", "v"),
    ("Strided correlation (CNN layer, stride 2)",
     "y[m] = sum_k x[2*m + k] * w[k]", None, None),
    ("Dilated (atrous) correlation, dilation 2",
     "y[m] = sum_k x[m + 2*k] * w[k]", None, None),
    ("Strided, padded correlation (PyTorch-style index)",
     "y[m] = sum_k x[s*m + d*k - p] * w[k]", None, None),
    ("TensorFlow, tf.nn.conv2d documentation (NHWC, strides)",
     "output[b, i, j, k] = sum_{di, dj, q} input[b, strides[1] * i + di, "
     "strides[2] * j + dj, q] * filter[di, dj, q, k]", "input", "filter"),
    ("Correlation with channels (d2l, multiple input channels)",
     "y[o,m,n] = sum_{c,k,l} x[c, m+k, n+l] * w[o, c, k, l]", None, None),
    ("Wikipedia, cross-correlation of complex signals",
     r"(f \star g)[n] = \sum_{m} \overline{f[m]} g[m+n]", "g", "f"),
    ("1-based indices (MATLAB-style conv)",
     "w[k] = sum_j u[j] * v[k-j+1]", "u", "v"),
    ("Transposed convolution, stride 2, padding 1 (PyTorch's ConvTranspose1d)",
     "y[o] = sum_i x[i] h[o - 2*i + 1]", None, None),
    ("Transposed convolution, symbolic stride and padding",
     "y[o] = sum_i x[i] h[o - s*i + p]", None, None),
    ("Transposed convolution in 2-D (Dumoulin and Visin's fractionally strided form)",
     r"y[m,n] = \sum_{i}\sum_{j} x[i,j]\, w[m - 2i, n - 2j]", "x", "w"),
)


#: Library functions identified on the page (NumPy and SciPy: test dependencies).
LIBRARIES: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    ("numpy.convolve", "6", "4", {"mode": "full"}),
    ("numpy.convolve", "6", "4", {"mode": "same"}),
    ("numpy.correlate", "6", "4", {"mode": "valid"}),
    ("numpy.correlate", "6", "4", {"mode": "same"}),
    ("scipy.signal.convolve", "6", "4", {"mode": "same"}),
    ("scipy.signal.correlate", "6", "4", {"mode": "same"}),
    ("scipy.signal.correlate2d", "6x6", "4x4", {"mode": "same"}),
)


def atlas_page() -> str:
    from symconv.classify.check import check_formula

    out = io.StringIO()
    out.write(f"{GENERATED_NOTE}\n\n# The conventions atlas\n\n")
    out.write("Formulas for convolution and correlation as they appear in textbooks, papers "
              "and library documentation, each classified by `symconv check`. *kind* is "
              "the per-axis normal form `pixel = s*m + sigma*d*k + c` read as an "
              "operation; *equivalent* writes the formula with the canonical "
              "`conv(x, h)[m] = sum_k x[m - k] h[k]` and `corr(x, h)[m] = sum_k x[m + k] "
              "h[k]`. Reproduce any row with `symconv check 'FORMULA'`.\n\n")
    out.write("| source | formula | kind | kernel flipped | stride, dilation, offset | "
              "equivalent |\n|---|---|---|---|---|---|\n")
    for source, formula, image, kernel in ATLAS:
        r = check_formula(formula, image=image, kernel=kernel).to_json()
        axes = "; ".join(f"{a['stride']}, {a['dilation']}, {a['offset']}" for a in r["axes"])
        cell = formula.replace("|", r"\|")
        out.write(f"| {source} | `{cell}` | {r['kind']} | "
                  f"{'yes' if r['flipped'] else 'no'} | {axes} | `{r['equivalent']}` |\n")
    out.write("\n## Library functions\n\nWhat `symconv identify` finds by probing each "
              "function with impulses (image 6, kernel 4 per axis, so that even-kernel "
              "'same' windows show):\n\n| function | kwargs | kind | equivalent | mode | padding "
              "(low:high) |\n|---|---|---|---|---|---|\n")
    from symconv.classify.identification import identify

    for fn, img, ker, kwargs in LIBRARIES:
        r = identify(fn, image=img, kernel=ker, kwargs=kwargs).to_json()
        pad = ",".join(f"{a}:{b}" for a, b in r["padding"]) if r.get("padding") else ""
        kw = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        out.write(f"| `{fn}` ({img} by {ker}) | {kw} | {r['kind']} | `{r['equivalent']}` | "
                  f"{r.get('mode') or ''} | {pad} |\n")
    out.write("\nA transposed convolution has an input stride u: its normal form is "
              "`u*pixel = s*m + sigma*d*k + c`, pixel i and tap k feeding output "
              "`u*i + d*k - p`; its *stride, dilation, offset* column gives PyTorch's stride "
              "(u), dilation and padding.\n")
    out.write("\n`torch.nn.functional.conv1d/2d/3d` identify as corr (not conjugated); "
              "`padding='same'` puts the extra zero of an even kernel on the high side, "
              "as TensorFlow's documented 'SAME' does (see "
              "`derivations/same-padding.toml`). They are probed in the test suite rather "
              "than here, so that this page builds without PyTorch. "
              "`torch.nn.functional.conv_transpose1d/2d/3d` identify as conv-transpose with "
              "their stride, padding, output padding and dilation (for example "
              "`conv_transpose1d(x, h, stride=2, padding=1, output_padding=1)`: "
              "`symconv identify torch.nn.functional.conv_transpose1d --kwargs "
              "'{\"stride\": 2, \"padding\": 1, \"output_padding\": 1}'`).\n")
    out.write(libraries_section())
    out.write(pooling_section())
    return out.getvalue()


#: Every library's 'same' on an image of 6: (call as written in that library, library,
#: symconv's operation, expand options, kernel layout).  The per-side padding is symconv's
#: model of the convention (``--convention``), property-tested against TensorFlow, JAX and
#: OpenCV, and compared with what ``symconv identify`` finds by probing the real functions
#: (tests/test_identify_libraries.py).
SAME_CALLS: tuple[tuple[str, str, str, dict[str, object], str], ...] = (
    ("numpy.convolve(x, h, 'same')", "numpy", "conv",
     {"mode": "same", "convention": "numpy"}, "1-D arrays"),
    ("scipy.signal.convolve(x, h, 'same')", "scipy", "conv", {"mode": "same"}, "N-D arrays"),
    ("scipy.signal.correlate(x, h, 'same')", "scipy", "corr", {"mode": "same"},
     "N-D arrays (kernel conjugated)"),
    ("MATLAB conv(x, h, 'same'), conv2, convn", "matlab", "conv",
     {"mode": "same", "convention": "matlab"}, "arrays, 1-based"),
    ("MATLAB filter2(h, x, 'same')", "matlab", "corr",
     {"mode": "same", "convention": "matlab"}, "arrays, 1-based"),
    ("torch.nn.functional.conv1d(x, h, padding='same')", "torch", "corr",
     {"padding": "same"}, "x (N, C, W), h (O, I, W)"),
    ("tf.nn.conv1d(x, h, stride, 'SAME'), tf.nn.convolution, keras Conv1D(padding='same')",
     "tensorflow", "corr", {"padding": "same", "convention": "tensorflow"},
     "x (N, W, C), h (W, I, O)"),
    ("jax.lax.conv_general_dilated(x, h, (s,), 'SAME')", "jax", "corr",
     {"padding": "same", "convention": "jax"}, "x (N, C, W), h (O, I, W) by default; any "
     "by dimension_numbers"),
    ("cv2.filter2D(x, -1, h) (2-D; one axis shown)", "opencv", "corr",
     {"convention": "opencv"}, "2-D image and kernel"),
)


def same_padding(op: str, kernel: int, stride: int, options: dict[str, object],
                 image: int = 6) -> tuple[int, int] | None:
    """The (low, high) padding a call's 'same' uses on one axis of ``image`` pixels, as
    symconv models it; None where the library refuses (or has no stride)."""
    from symconv.errors import InputError
    from symconv.expansion import expand

    opts = dict(options)
    two_d = opts.get("convention") == "opencv"
    if stride != 1:
        if opts.get("mode") or two_d:
            return None  # NumPy, SciPy, MATLAB, OpenCV: no stride
        opts["stride"] = (stride, 1) if two_d else stride
    try:
        e = expand(op, (image, image) if two_d else image, (kernel, kernel) if two_d
                   else kernel, origin="corner", **opts)
    except InputError:
        return None
    ax = e.relation.factors[0]
    m, k = ax.out_indices()[:, None], ax.ker_indices()[None, :]
    reach = ax.affine(m, k)
    return int(ax.img_lo - reach.min()), int(reach.max() - (ax.img_lo + ax.img_size - 1))


def libraries_section() -> str:
    out = io.StringIO()
    out.write("\n## 'same' in every library\n\nThe zeros (or border pixels) each library's "
              "'same' adds before:after an image of 6 pixels, for an odd (3) and an even (4) "
              "kernel at stride 1 and 2 (- where the library has no stride or refuses it: "
              "PyTorch's padding='same' needs stride 1). NumPy, SciPy and OpenCV put the "
              "extra zero of an even kernel before, PyTorch, TensorFlow, JAX and MATLAB "
              "after; MATLAB's conv 'same' keeps the central part of 'full' from floor(K/2), "
              "SciPy's from floor((K-1)/2). TensorFlow and JAX pad max((ceil(N/s) - 1)s + "
              "(K-1)d + 1 - N, 0) in all, the extra one at the end, so at stride 2 the "
              "padding depends on the image size. Reproduce a cell with `symconv expand OP "
              "--image 6 --kernel K --origin corner --convention LIB --padding same "
              "--format json`; `symconv identify` finds the same padding by probing "
              "tf.nn.conv1d, keras Conv1D, jax.lax.conv_general_dilated and cv2.filter2D "
              "(tested).\n\n| call | kind | kernel flipped | layout | K=3 | K=4 | K=3, "
              "stride 2 | K=4, stride 2 |\n|---|---|---|---|---|---|---|---|\n")
    for call, _lib, op, opts, layout in SAME_CALLS:
        cells = []
        for k, s in ((3, 1), (4, 1), (3, 2), (4, 2)):
            pad = same_padding(op, k, s, opts)
            cells.append("-" if pad is None else f"{pad[0]}:{pad[1]}")
        kind = "convolution" if op == "conv" else "correlation"
        out.write(f"| `{call}` | {kind} | {'yes' if op == 'conv' else 'no'} | {layout} | "
                  + " | ".join(cells) + " |\n")
    out.write("\nOpenCV's default border is BORDER_REFLECT_101 (symconv's reflect), not "
              "zeros; the others pad with zeros. For porting a call between these libraries "
              "with the same outputs, see `symconv port`.\n")
    return out.getvalue()


#: Pooling calls on the atlas page: (PyTorch call, op, image, window, options).
POOLINGS: tuple[tuple[str, str, str, str, dict[str, object]], ...] = (
    ("avg_pool1d(x, 2)", "avg-pool", "5", "2", {}),
    ("avg_pool1d(x, 2, ceil_mode=True)", "avg-pool", "5", "2", {"ceil_mode": True}),
    ("avg_pool1d(x, 3, stride=2, padding=1)", "avg-pool", "5", "3",
     {"stride": 2, "padding": 1}),
    ("avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False)", "avg-pool", "5", "3",
     {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("max_pool1d(x, 3, stride=2, padding=1)", "max-pool", "5", "3",
     {"stride": 2, "padding": 1}),
    ("max_pool1d(x, 3, stride=1, padding=1, dilation=2)", "max-pool", "5", "3",
     {"stride": 1, "padding": 1, "dilation": 2}),
)


def pooling_section() -> str:
    """Pooling as symconv derives it: each call's outputs, first and last window, and
    whether it is the constant-kernel correlation (``symconv prove pooling``)."""
    from symconv.expansion.pooling import Pooling

    out = io.StringIO()
    out.write("\n## Pooling\n\nPooling reads the correlation's windows `i = s*m + d*k - p` "
              "(no flip) and never mixes channels. Each row is `symconv expand avg-pool|max-pool "
              "--image 5 --kernel K ...` (PyTorch's functions of `torch.nn.functional`, "
              "indices from 0; the test suite compares every window and value with them). "
              "Average pooling is the correlation with the constant kernel 1/|K| exactly when "
              "every divisor is |K|: with the padding counted and floor's output count "
              "(`symconv prove pooling`, all sizes).\n\n"
              "| call (x of 5 pixels) | outputs | y[0] | last output | divisors | the "
              "constant-kernel correlation |\n|---|---|---|---|---|---|\n")
    for call, op, image, window, opts in POOLINGS:
        p = Pooling(op, image, window, **opts)  # type: ignore[arg-type]
        outs = list(p.outputs())
        last = outs[-1]
        divs = ", ".join(str(p.divisor(i)) for i in outs) if op == "avg-pool" else "-"
        corr = ("-" if op == "max-pool" else "yes" if not p.differs_from_correlation()
                else "no, at " + ", ".join(f"y[{i[0]}]" for i in p.differs_from_correlation()))
        out.write(f"| `{call}` | {len(outs)} | `{p.text(outs[0])}` | "
                  f"`y[{last[0]}] = {p.text(last)}` | {divs} | {corr} |\n")
    return out.getvalue()


register("atlas", "conventions.md", atlas_page)
