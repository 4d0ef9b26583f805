"""Composition: convolution is associative, commutative and distributive over addition;
stacked correlations compose by a *convolution* of their kernels (correlation itself is not
associative).

All sizes: each identity is a claim decided by the claim engine in integer linear
arithmetic, with the two kernels given sizes of their own (``K`` and ``L`` per axis), so
the proof covers kernels of different sizes.  The contrast (correlation is not associative)
is refuted with a counterexample.  Instance: the same claims at the given shapes (both
kernels of the kernel's shape), decided exactly.
"""

from __future__ import annotations

from ...errors import InputError
from ..derivation import Derivation, Step
from ..options import Options

TITLE = ("Convolution is associative, commutative and distributive; stacked correlations "
         "compose by a convolution of their kernels")
#: What this theorem reads (no mode, padding, stride or dilation: composition is a
#: statement about full convolutions; a window cuts what the next layer would read).
USES = frozenset({"dims", "image", "kernel", "origin", "max_terms"})

CLAIMS = (
    ("conv(conv(x, a), b) == conv(x, conv(a, b))", "associativity"),
    ("corr(corr(x, a), b) == corr(x, conv(a, b))",
     "two correlations are one correlation with the convolution of the kernels"),
    ("conv(x, a) == conv(a, x)", "commutativity"),
    ("conv(x, a + b) == conv(x, a) + conv(x, b)", "distributivity over addition"),
    ("corr(x, a + b) == corr(x, a) + corr(x, b)", "correlation distributes too"),
)
#: Correlation is not associative: refuted, with its counterexample shown.
CONTRAST = "corr(corr(x, a), b) == corr(x, corr(a, b))"

CLAIM_LATEX = (r"(x \ast a) \ast b = x \ast (a \ast b),\ x \ast a = a \ast x,\ "
               r"x \ast (a + b) = x \ast a + x \ast b,\ "
               r"(x \star a) \star b = x \star (a \ast b)")
CLAIM_TEXT = ("conv(conv(x,a),b) = conv(x,conv(a,b)); conv(x,a) = conv(a,x); conv(x,a+b) = "
              "conv(x,a)+conv(x,b); corr(corr(x,a),b) = corr(x,conv(a,b))")
CLAIM = (CLAIM_LATEX, CLAIM_TEXT)


def refuse(o: Options) -> None:
    if o.layer:
        raise InputError("associativity is about the spatial operation: no --layer")


def _decide(o: Options, shapes: bool) -> Derivation:
    from ..claims import prove_claim

    steps: list[Step] = []
    notes: list[str] = []
    scope = "instance" if shapes else "all-sizes"
    for text, what in CLAIMS:
        d = prove_claim(text, dims=o.dims or None, image=o.image if shapes else None,
                        kernel=o.kernel if shapes else None, origin=o.origin or "center",
                        max_terms=o.max_terms, distinct_sizes=not shapes)
        if d.verdict != "proved" or d.scope != scope:
            # a refutation stands; anything short of a proof is not one
            from dataclasses import replace

            verdict = d.verdict if d.verdict == "refuted" else "undecided"
            return replace(d, title=TITLE, name="associativity", verdict=verdict,
                           notes=(f"the theorem's claim {text} ({what}) is {d.verdict} "
                                  f"at scope {d.scope}",) + d.notes)
        steps.append(Step(d.claim_latex, f"{what}: {text}", d.claim_text))
        steps += list(d.steps[1:])
        notes.append(f"{what}: {d.notes[0] if d.notes else 'proved'}")
    contrast = prove_claim(CONTRAST, dims=o.dims or None, origin=o.origin or "center",
                           image=o.image if shapes else None,
                           kernel=o.kernel if shapes else None, max_terms=o.max_terms)
    if contrast.verdict == "refuted" and contrast.counterexample:
        cex = contrast.counterexample
        steps.append(Step(r"(x \star a) \star b \neq x \star (a \star b)",
                          "correlation is not associative: with shapes "
                          f"{cex['shapes']} and values {cex['values']} the sides differ at "
                          f"output {cex['output']} ({cex['left']} against {cex['right']}); "
                          "the composed kernel of two correlations is the convolution of "
                          "the kernels, not their correlation",
                          f"{CONTRAST}: refuted at output {cex['output']}"))
    return Derivation(TITLE, CLAIM_LATEX, CLAIM_TEXT, "proved", scope, tuple(steps), None,
                      tuple(notes), "associativity")


def instance(o: Options) -> Derivation:
    return _decide(o, shapes=True)


def all_sizes(o: Options) -> Derivation:
    return _decide(o, shapes=False)
