"""The flip: ``conv(x, h) = corr(x, flip(h))`` and ``corr(x, h) = conv(x, flip(h))``, for
given shapes and options (instance) and for every size, stride, dilation and padding of the
SciPy modes and PyTorch layers (all sizes)."""

from __future__ import annotations

from .. import polyarray as pa
from ..derivation import Derivation, Step
from ..instance import Inst, bilinear_op, core_op, decide_pairs, op_latex, op_text, shape_note
from ..options import Options, all_sizes_limit, claim_keywords
from ..symbolic import (
    SymSet,
    assume_step,
    axis_intro,
    axis_tex,
    axis_txt,
    families,
    families_note,
    product_step,
    prove_same,
    sym_axis,
    syms,
)

TITLE = "Convolution is correlation with the kernel flipped along every axis"

FLIP_LATEX = (r"\operatorname{conv}(x, h)[m] = \operatorname{corr}(x, \tilde h)[m],\quad "
              r"\tilde h[k] = h[-k]")
FLIP_TEXT = "conv(x, h) = corr(x, flip(h)), flip(h)[k] = h[-k] on every axis; and " \
            "corr(x, h) = conv(x, flip(h))"


def instance(o: Options) -> Derivation:
    inst = Inst.make(o)
    reg, X, H = inst.reg, pa.leaf(inst.x), pa.leaf(inst.h)
    conv = core_op("conv", inst.x, inst.h, o)
    corr = core_op("corr", inst.x, inst.h, o)
    steps = [
        Step(op_latex(conv), "convolution, from the core's relation for these shapes and "
             "options", op_text(conv)),
        Step(r"\tilde h[k] = h[-k]", "the flip reflects every kernel axis; its index range is "
             "reflected too", "flip(h)[k] = h[-k]"),
        Step(op_latex(corr, h=r"\tilde h"), "correlation with the flipped kernel",
             op_text(corr, h="flip(h)")),
        Step(r"\tilde h[i-m] = h[m-i]", "substitute the flip: the kernel index i-m of "
             "correlation reads h at m-i, the convolution's index", "flip(h)[i-m] = h[m-i]"),
    ]
    fh = pa.reflect(H)
    pairs = [(bilinear_op("conv", X, H, o, reg), bilinear_op("corr", X, fh, o, reg),
              "conv(x, h) and corr(x, flip(h))"),
             (bilinear_op("corr", X, H, o, reg), bilinear_op("conv", X, fh, o, reg),
              "corr(x, h) and conv(x, flip(h)) (the converse)")]
    return decide_pairs(TITLE, "flip", FLIP_LATEX, FLIP_TEXT, steps, pairs, reg,
                        [shape_note(inst, o)])


def all_sizes(o: Options) -> Derivation:
    S_ = syms()
    steps: list[Step] = [product_step(o.dims or 1)]
    for fam in families(o):
        conv = sym_axis("conv", fam)
        beta_f = -(S_["beta"] + S_["K"] - 1)
        corr_f = sym_axis("corr", fam, beta=beta_f)
        steps += [Step(r"\text{" + fam + "}", axis_intro(fam), fam)]
        steps += assume_step(conv.assumptions, fam)
        steps.append(Step(axis_tex(conv), "convolution: the image index is s m - d k + c "
                          "(the minus sign is the flip)", axis_txt(conv)))
        steps.append(Step(axis_tex(corr_f, h=r"\tilde h"), "correlation with the flipped "
                          r"kernel, whose indices run from -(beta+K-1) to -beta",
                          axis_txt(corr_f, h="flip(h)")))
        a = SymSet.of(conv)
        b = SymSet.of(corr_f).negate("k")
        steps.append(Step(r"\tilde h[k'] = h[-k'],\ k' = -k",
                          "change the kernel variable: k' = -k turns the flipped kernel back "
                          "into h", "k' = -k"))
        steps += prove_same(a, b, "conv(x, h)", "corr(x, flip(h))")
        # the converse: corr(x, h) = conv(x, flip(h))
        corr = sym_axis("corr", fam)
        conv_f = sym_axis("conv", fam, beta=beta_f)
        steps += prove_same(SymSet.of(corr), SymSet.of(conv_f).negate("k"), "corr(x, h)",
                            "conv(x, flip(h))")
    return Derivation(TITLE, FLIP_LATEX, FLIP_TEXT, "proved", "all-sizes",
                      tuple(steps), None, (families_note(o),), "flip")


def beyond_all_sizes(o: Options) -> str | None:
    """Why the all-sizes proof cannot take these options (``None``: it can); it covers
    PyTorch's padding 'same' too."""
    return all_sizes_limit(o, same_padding=True)


#: The statement (LaTeX, text), for the derivation the claim engine writes.
CLAIM = (FLIP_LATEX, FLIP_TEXT)


def claim_form(o: Options) -> list[str] | None:
    """The theorem as claims of the claim language with these options (None when a claim
    cannot say them): the claim engine decides them where the proof above does not reach."""
    kw = claim_keywords(o)
    if kw is None:
        return None
    return [f"conv(x, h{kw}) == corr(x, flip(h){kw})", f"corr(x, h{kw}) == conv(x, flip(h){kw})"]
