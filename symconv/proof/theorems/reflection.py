"""The reflection: the article's correlation ``sum_i x[i] h[m+i]`` is the usual correlation
read at ``-m``."""

from __future__ import annotations

from .. import polyarray as pa
from ..derivation import Derivation, Step
from ..instance import Inst, bilinear_op, core_op, decide_pairs, op_latex, op_text, shape_note
from ..options import Options, claim_keywords
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
)

TITLE = "The article's correlation is the usual one read at -m"

REFL_LATEX = (r"\sum_{i=-\infty}^{\infty} x[i]\,h[m+i] = \operatorname{corr}(x, h)[-m]")
REFL_TEXT = "corr_reflected(x, h)[m] = corr(x, h)[-m] (the article's h[m+i] form)"


def instance(o: Options) -> Derivation:
    inst = Inst.make(o)
    reg, X, H = inst.reg, pa.leaf(inst.x), pa.leaf(inst.h)
    refl = core_op("corr-reflected", inst.x, inst.h, o)
    corr = core_op("corr", inst.x, inst.h, o)
    steps = [Step(op_latex(refl), "the article's cross-correlation, from the core's relation",
                  op_text(refl)),
             Step(op_latex(corr), "the usual cross-correlation (NumPy, PyTorch)",
                  op_text(corr)),
             Step(r"m \mapsto -m", "read the usual correlation at -m: its kernel index i-m "
                  "becomes m+i", "m -> -m")]
    pairs = [(bilinear_op("corr-reflected", X, H, o, reg),
              pa.reflect(bilinear_op("corr", X, H, o, reg)),
              "corr_reflected(x, h)[m] and corr(x, h)[-m]")]
    return decide_pairs(TITLE, "reflection", REFL_LATEX, REFL_TEXT, steps, pairs, reg,
                        [shape_note(inst, o)])


def all_sizes(o: Options) -> Derivation:
    steps: list[Step] = [product_step(o.dims or 1)]
    for fam in families(o):
        refl = sym_axis("corr-reflected", fam)
        corr = sym_axis("corr", fam)
        steps += [Step(r"\text{" + fam + "}", axis_intro(fam), fam)]
        steps += assume_step(corr.assumptions, fam)
        steps.append(Step(axis_tex(refl), "the article's form: the output index enters with "
                          "the opposite sign", axis_txt(refl)))
        steps.append(Step(axis_tex(corr), "the usual correlation", axis_txt(corr)))
        steps.append(Step(r"m \mapsto -m", "change the output variable", "m -> -m"))
        steps += prove_same(SymSet.of(refl), SymSet.of(corr).negate("m"), "corr_reflected(x, h)",
                            "corr(x, h)[-m]")
    return Derivation(TITLE, REFL_LATEX, REFL_TEXT, "proved", "all-sizes",
                      tuple(steps), None, (families_note(o),), "reflection")


#: The statement (LaTeX, text), for the derivation the claim engine writes.
CLAIM = (REFL_LATEX, REFL_TEXT)


def claim_form(o: Options) -> list[str] | None:
    """The theorem as claims of the claim language with these options (None when a claim
    cannot say them): the claim engine decides them where the proof above does not reach."""
    kw = claim_keywords(o)
    if kw is None:
        return None
    return [f"corr_reflected(x, h{kw}) == flip(corr(x, h{kw}))"]
