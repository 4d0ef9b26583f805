"""The transposed convolution, two readings of one relation: (a) the adjoint of the strided
correlation, ``<corr(x, h), g> = <x, conv_transpose(g, h)>``, so the gradient of a strided
correlation with respect to its input; (b) a stride-1 correlation of the zero-inserted input
with the flipped (dilated) kernel.

Both are decided by the claim engine: for every size when there is no padding (the claims
below), and for the shapes given with ``--image/--kernel`` otherwise, where the output
padding that brings the adjoint back to the image's size is ``(N + 2p - d(K-1) - 1) mod s``
(``symconv prove sizes``).  With padding the adjoint's output size depends on N modulo the
stride, which one claim cannot say for every size: that case is the instance scope's (and
``prove duality``'s, which derives it in its own all-sizes engine).
"""

from __future__ import annotations

from dataclasses import replace

from ..derivation import Derivation, Step
from ..options import COMMON_OPTIONS, Options

TITLE = ("The transposed convolution is the adjoint of the strided correlation and a "
         "correlation of the zero-inserted input with the flipped kernel")
#: The transposed convolution has no SciPy mode and no boundary rule: --mode and
#: --padding-mode are refused (exit 2), never read as a claim about zero padding.
USES = (COMMON_OPTIONS - {"mode", "padding_mode"}) | frozenset({"output_padding"})

T_LATEX = (r"\langle \operatorname{corr}_s(x, h), g\rangle = \langle x, "
           r"\operatorname{conv}^{\top}_s(g, h)\rangle,\quad \operatorname{conv}^{\top}_s(x, h) "
           r"= \operatorname{corr}(x\uparrow_s, \tilde h)")
T_TEXT = ("<corr(x, h, stride=s), g> = <x, conv_transpose(g, h, stride=s)>; "
          "conv_transpose(x, h, stride=s) = corr(dilate(x, s), flip(h))")


def _keywords(o: Options, nd: int) -> tuple[str, str, list[int], list[int], list[int]]:
    """(the corr keywords, the conv_transpose keywords, strides, dilations, paddings)."""
    from ...index.request import parse_padding, per_axis

    s = list(per_axis(o.stride, nd, "stride", 1))
    d = list(per_axis(o.dilation, nd, "dilation", 1))
    pad = parse_padding(o.padding, nd)
    if isinstance(pad, str) or (pad is not None and any(lo != hi for lo, hi in pad)):
        from ...errors import InputError

        raise InputError("prove transpose takes an integer padding per axis (PyTorch's "
                         "conv_transpose padding), not same/valid or low:high")
    p = [lo for lo, _ in pad] if pad is not None else [0] * nd

    def tup(v: list[int]) -> str:
        return str(v[0]) if len(set(v)) == 1 else "(" + ", ".join(map(str, v)) + ")"

    kw = f"stride={tup(s)}" + (f", dilation={tup(d)}" if any(v != 1 for v in d) else "") \
        + (f", padding={tup(p)}" if any(p) else "")
    return kw, kw, s, d, p


def claims(o: Options, output_padding: list[int] | None = None) -> list[tuple[str, str]]:
    """The theorem's claims with these options: (claim, what it says)."""
    nd = o.dims or 1
    kw, tkw, s, d, p = _keywords(o, nd)
    a = ""
    if output_padding and any(output_padding):
        a = ", output_padding=" + (str(output_padding[0]) if len(set(output_padding)) == 1
                                   else "(" + ", ".join(map(str, output_padding)) + ")")
    out = [(f"sum(corr(x, h, {kw}) * g) == sum(x * conv_transpose(g, h, {tkw}{a}))",
            "(a) the adjoint: the inner product of the strided correlation with any g equals "
            "the inner product of x with the transposed convolution of g; so "
            "dL/dx = conv_transpose(dL/dy, h)")]
    if not any(p):
        # output padding adds outputs no pixel reaches: zeros, as outside a claim's arrays
        dil = "h" if all(v == 1 for v in d) else \
            "dilate(h, " + (str(d[0]) if len(set(d)) == 1 else
                            "(" + ", ".join(map(str, d)) + ")") + ")"
        ups = "x" if all(v == 1 for v in s) else \
            "dilate(x, " + (str(s[0]) if len(set(s)) == 1 else
                            "(" + ", ".join(map(str, s)) + ")") + ")"
        out.append((f"conv_transpose(x, h, {tkw}{a}) == corr({ups}, flip({dil}))",
                    "(b) the gather view: insert s-1 zeros between the pixels, then slide the "
                    "flipped kernel with stride 1 (a correlation); the kernel IS flipped"))
    return out


def _decide(o: Options, texts: list[tuple[str, str]], image: str | None,
            kernel: str | None) -> Derivation:
    from ..claims import prove_claim

    steps: list[Step] = []
    scope = "all-sizes"
    for text, why in texts:
        d = prove_claim(text, dims=o.dims or 1, origin=o.origin or "corner",
                        max_terms=o.max_terms, image=image, kernel=kernel)
        if d.verdict != "proved":
            return replace(d, title=TITLE, name="transpose", notes=(
                f"the claim {text} is {d.verdict}",) + d.notes)
        scope = d.scope if d.scope == "instance" else scope
        steps += [Step(d.claim_latex, why, d.claim_text)] + list(d.steps[1:])
    return Derivation(TITLE, T_LATEX, T_TEXT, "proved", scope, tuple(steps), None,
                      (("scope all-sizes: proved for every image and kernel size by the "
                        "claim engine" if scope == "all-sizes" else
                        f"scope instance: image {image}, kernel {kernel}")
                       + " (origin " + (o.origin or "corner") + "), the "
                       + ("claim" if len(texts) == 1 else f"{len(texts)} claims")
                       + " above",), "transpose")


def beyond_all_sizes(o: Options) -> str | None:
    from ...index.request import parse_padding

    pad = parse_padding(o.padding, o.dims or 1)
    if pad is not None and not isinstance(pad, str) and any(lo for lo, _ in pad):
        return ("with padding the output padding that returns the adjoint to the image's "
                "size depends on N mod s, which one claim cannot say for every N (give "
                "--image and --kernel, or see prove duality)")
    return None


def all_sizes(o: Options) -> Derivation:
    from ...index.request import per_axis

    nd = o.dims or 1
    a = list(per_axis(o.output_padding, nd, "output padding", 0, minimum=0)) \
        if o.output_padding is not None else None
    s = list(per_axis(o.stride, nd, "stride", 1))
    d = list(per_axis(o.dilation, nd, "dilation", 1))
    if a is not None and any(ai >= max(si, di) for ai, si, di in zip(a, s, d, strict=True)):
        from ...errors import InputError

        raise InputError(f"--output-padding {a} must be smaller than the stride or the "
                         "dilation on each axis (as PyTorch's)")
    return _decide(o, claims(o, a), None, None)


def instance(o: Options) -> Derivation:
    """For the given shapes: the output padding that returns the adjoint to the image's
    size, then the claims at those shapes."""
    from ...index.request import per_axis
    from ...index.signal import parse_shape

    nd = o.dims or 1
    n = parse_shape(o.image or "5")[-nd:]
    k = parse_shape(o.kernel or "3")[-nd:]
    _, _, s, d, p = _keywords(o, nd)
    a = [(ni + 2 * pi - di * (ki - 1) - 1) % si
         for ni, pi, di, ki, si in zip(n, p, d, k, s, strict=True)]
    if o.output_padding is not None:
        given = list(per_axis(o.output_padding, nd, "output padding", 0, minimum=0))
        if given != a:
            from ...errors import InputError

            raise InputError(f"--output-padding {given} does not return the adjoint to the "
                             f"image's size here: it must be (N + 2p - d(K-1) - 1) mod s = "
                             f"{a}")
    d_ = _decide(o, claims(o, a), o.image, o.kernel)
    return replace(d_, steps=(Step(
        r"a = (N + 2p - d(K-1) - 1) \bmod s", "the output padding that brings the "
        f"transposed convolution back to the image's size: {a} here (symconv prove sizes)",
        f"output_padding = {a}"),) + d_.steps)
