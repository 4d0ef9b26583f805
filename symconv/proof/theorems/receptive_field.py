"""The receptive field of stacked layers: which input window one output reads.

Layer ``l`` (from the input up) has kernel ``K_l``, stride ``s_l``, dilation ``d_l`` and
padding ``p_l``: its output ``m`` reads its input at ``s_l m - p_l + d_l k``, ``0 <= k < K_l``
(PyTorch's layers, 0-based).  With the jump ``J_l = s_1 ... s_l`` (``J_0 = 1``), output ``m``
of layer ``L`` reads input pixels in the window

    from  m J_L - P_L,   P_L = sum_l p_l J_{l-1},
    of size  r_L = 1 + sum_l d_l (K_l - 1) J_{l-1}

(the span: with dilation the window may have gaps; indices below 0 or past the image are
the padding).  All sizes: by induction on the number of layers, each step an identity SymPy
checks in symbols (any number of layers, any sizes).  Instance (``--image``): every output of
the stack, its window from the composition of symconv's own relations, compared with the
formula.
"""

from __future__ import annotations

from typing import Any

from ...errors import InputError
from ..derivation import Derivation, Step
from ..options import Options

TITLE = "The receptive field of stacked layers: window size and offset of one output"
USES = frozenset({"layers", "image", "max_terms"})
CLAIM_LATEX = (r"\text{output } m \text{ of layer } L \text{ reads } "
               r"[\,m J_L - P_L,\ m J_L - P_L + r_L - 1\,],\quad J_L = \prod_{l \le L} s_l,\ "
               r"P_L = \sum_{l \le L} p_l J_{l-1},\ r_L = 1 + \sum_{l \le L} d_l (K_l - 1) "
               r"J_{l-1}")
CLAIM_TEXT = ("output m of layer L reads [m*J_L - P_L, m*J_L - P_L + r_L - 1], J_L = prod s_l, "
              "P_L = sum p_l J_{l-1}, r_L = 1 + sum d_l (K_l - 1) J_{l-1}")
#: Most layers a stack may have (the formula holds for any number; this bounds the work).
MAX_LAYERS = 64


def parse_layers(text: Any) -> list[tuple[int, int, int, int]]:
    """``"3,3:2,3:1:2"`` -> ``[(3, 1, 1, 0), (3, 2, 1, 0), (3, 1, 2, 0)]`` (K, s, d, p)."""
    if text is None:
        return []
    out = []
    for item in str(text).split(","):
        parts = item.strip().split(":")
        try:
            vals = [int(v) for v in parts]
        except ValueError:
            raise InputError(f"bad --layers {str(text)[:60]!r}: each layer is K[:s[:d[:p]]] "
                             "with integers, e.g. 3,3:2,3:1:2") from None
        if not 1 <= len(vals) <= 4:
            raise InputError(f"bad layer {item!r}: K[:s[:d[:p]]]")
        k, s, d, p = vals + [1, 1, 0][len(vals) - 1:]
        if min(k, s, d) < 1 or p < 0 or max(k, s, d, p) > 10_000:
            raise InputError(f"bad layer {item!r}: kernel, stride and dilation from 1, "
                             "padding from 0, each at most 10,000")
        out.append((k, s, d, p))
    if len(out) > MAX_LAYERS:
        raise InputError(f"--layers has {len(out)} layers; at most {MAX_LAYERS}")
    return out


def window(layers: list[tuple[int, int, int, int]]) -> tuple[int, int, int]:
    """``(J_L, P_L, r_L)`` of a stack: output m reads [m J - P, m J - P + r - 1]."""
    jump, offset, size = 1, 0, 1
    for k, s, d, p in layers:
        offset += p * jump
        size += d * (k - 1) * jump
        jump *= s
    return jump, offset, size


def _induction() -> list[Step]:
    """The all-sizes proof: the closed form holds for no layer (the identity) and is kept by
    adding a layer on top; each step is a SymPy identity in symbols."""
    import sympy as sp

    m, s, p, d, k = sp.symbols("m s p d K", integer=True)
    jump, off, r = sp.symbols("J_L P_L r_L", integer=True)

    def start(q: Any) -> Any:  # the first input pixel output q of layer L reads
        return q * jump - off

    # layer L+1: output m reads layer-L outputs s*m - p + d*t, 0 <= t <= K-1; start_L is
    # increasing (J_L >= 1), so the union of their windows spans from the first output's
    # start to the last output's start + r_L - 1
    first = start(s * m - p)
    last = start(s * m - p + d * (k - 1)) + r - 1
    new_jump, new_off = jump * s, off + p * jump
    new_r = r + d * (k - 1) * jump
    checks = [(first - (m * new_jump - new_off), "the window's start"),
              (last - first + 1 - new_r, "the window's size")]
    for expr, what in checks:
        if sp.simplify(sp.expand(expr)) != 0:  # pragma: no cover - would contradict algebra
            raise AssertionError(f"the induction step fails for {what}")
    base = Step(r"J_0 = 1,\ P_0 = 0,\ r_0 = 1",
                "no layer: output m is pixel m, a window of size 1 at m (the formula with "
                "empty sums and products)", "J_0 = 1, P_0 = 0, r_0 = 1")
    step1 = Step(r"\text{layer } L+1:\ m \mapsto s m - p + d t,\ 0 \le t \le K-1",
                 "adding a layer on top (kernel K, stride s, dilation d, padding p): its output "
                 "m reads layer L's outputs s m - p + d t", "m -> s*m - p + d*t")
    step2 = Step(r"(s m - p) J_L - P_L = m\,(J_L s) - (P_L + p J_L)",
                 "the window starts at the first of those outputs' windows (J_L >= 1: windows "
                 "move right with the output), so J_{L+1} = J_L s and P_{L+1} = P_L + p J_L "
                 "(SymPy: the difference expands to 0)",
                 "start: (s m - p) J_L - P_L = m J_{L+1} - P_{L+1}")
    step3 = Step(r"\bigl((s m - p + d(K-1)) J_L - P_L + r_L - 1\bigr) - \bigl((s m - p) J_L "
                 r"- P_L\bigr) + 1 = r_L + d (K-1) J_L",
                 "it ends at the last output's window's end, so r_{L+1} = r_L + d (K - 1) J_L "
                 "(SymPy: the difference expands to 0)",
                 "size: r_{L+1} = r_L + d (K-1) J_L")
    step4 = Step(r"\Rightarrow\ J_L = \prod_{l \le L} s_l,\ P_L = \sum_{l \le L} p_l J_{l-1},\ "
                 r"r_L = 1 + \sum_{l \le L} d_l (K_l - 1) J_{l-1}",
                 "by induction on L from J_0 = 1, P_0 = 0, r_0 = 1: for every number of layers "
                 "and every kernel, stride, dilation and padding",
                 "closed form by induction")
    return [base, step1, step2, step3, step4]


def all_sizes(o: Options) -> Derivation:
    layers = parse_layers(o.layers)
    steps = _induction()
    notes = ["scope all-sizes: every number of layers, kernel size, stride, dilation, "
             "padding and output index (induction; each step a SymPy identity); per axis, "
             "hence in every dimension",
             "the window is a span: with dilation it has gaps (the pixels between taps are "
             "not read); indices below 0 or past the image are padding"]
    if layers:
        j, p, r = window(layers)
        first, last = _affine(j, -p), _affine(j, r - 1 - p)
        steps.append(Step(rf"J = {j},\ P = {p},\ r = {r}",
                          f"for the layers {_describe(layers)}: output m reads input pixels "
                          f"{first} .. {last} ({r} wide)",
                          f"J = {j}, P = {p}, r = {r}: output m reads [{first}, {last}]"))
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "all-sizes", tuple(steps), None,
                      tuple(notes), "receptive-field")


def _affine(j: int, c: int) -> str:
    """``2m - 1``, ``m + 3``, ``4m``."""
    head = "m" if j == 1 else f"{j}m"
    return head if c == 0 else f"{head} {'+' if c > 0 else '-'} {abs(c)}"


def _describe(layers: list[tuple[int, int, int, int]]) -> str:
    return ", ".join(f"K={k} s={s} d={d} p={p}" for k, s, d, p in layers)


def decided_by_values(o: Options) -> bool:
    """An image size alone decides the instance (the layers are the kernels)."""
    return o.image is not None


def instance(o: Options) -> Derivation:
    """Every output of the stack at the given image size: its window from composing
    symconv's relations (the pixels each output depends on), against the formula."""
    import numpy as np

    from ...index.request import operation

    layers = parse_layers(o.layers) or [(3, 1, 1, 0)]
    if o.image is None:
        raise InputError("receptive-field at instance scope needs --image (a 1-D size)")
    try:
        n = int(str(o.image))
    except ValueError:
        raise InputError("receptive-field takes a 1-D --image size (the formula is per "
                         "axis)") from None
    # reach[q] = the set of input pixels feeding q, as a boolean matrix (outputs x pixels):
    # n x n cells at most, refused under the term limit before it is allocated
    from ...errors import LimitError
    from ...index.relation import check_limit
    from ...limits import check_memory

    limit = check_limit(o.max_terms)
    if n < 1 or n * n > limit:
        if n < 1:
            raise InputError("receptive-field: --image must be at least 1")
        raise LimitError(f"receptive-field at instance scope tracks {n} x {n} = {n * n:,} "
                         f"pixel dependencies, over the limit of {limit:,}; raise it with "
                         f"--max-terms {n * n} or use a smaller --image")
    check_memory(n * n, f"receptive-field ({n} x {n} pixel dependencies)", per=3)
    reach = np.eye(n, dtype=bool)
    size = n
    for k, s, d, p in layers:
        opn = operation("corr", str(size), str(k), origin="corner", stride=s, dilation=d,
                        padding=p)
        t = opn.relation.enumerate(max_terms=o.max_terms)
        counts = np.diff(t.starts)
        outs = np.repeat(np.arange(counts.size), counts)
        nxt = np.zeros((counts.size, n), dtype=bool)
        for q, i in zip(outs.tolist(), t.image[:, 0].tolist(), strict=True):
            nxt[q] |= reach[i]
        reach, size = nxt, counts.size
    j, off, r = window(layers)
    steps = [Step(rf"J = {j},\ P = {off},\ r = {r}",
                  f"the layers {_describe(layers)} on an image of {n} pixels: {size} outputs",
                  f"J = {j}, P = {off}, r = {r}")]
    interior = 0
    for q in range(size):
        read = np.flatnonzero(reach[q])
        lo, hi = q * j - off, q * j - off + r - 1
        whole = 0 <= lo and hi <= n - 1
        # inside the image the span is exactly the window; at a border the padding of the
        # layers between holds zeros, not outputs: what is read lies in the window
        # (an output over the padding only reads no pixel at all)
        ok = (read.size == 0 and not whole) or (
            read.size > 0 and lo <= int(read.min()) and int(read.max()) <= hi and (
                not whole or (int(read.min()), int(read.max())) == (lo, hi)))
        interior += whole
        if not ok:
            from ..instance import refuted_plain

            return refuted_plain(TITLE, "receptive-field", CLAIM_LATEX, CLAIM_TEXT, steps,
                                 f"output {q}: reads {read.tolist()}, the formula says "
                                 f"{lo}..{hi}", {"output": [q], "reads": read.tolist(),
                                                 "formula": [lo, hi]})
    steps.append(Step(r"\text{span} = [\,m J - P,\ m J - P + r - 1\,]",
                      f"each of the {size} outputs depends on pixels inside its window "
                      "(composing the layers' relations); for the "
                      f"{interior} whose window lies inside the image the first and last "
                      "pixel read are the window's ends exactly (at a border the layers' "
                      "padding holds zeros, so fewer pixels are read)",
                      f"{size} outputs checked, {interior} interior windows exact"))
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", "instance", tuple(steps), None,
                      (f"scope instance: image {n}, layers {_describe(layers)}",),
                      "receptive-field")
