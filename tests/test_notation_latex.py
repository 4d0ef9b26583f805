"""The LaTeX notation written from the relation's strings (render/mathtex.py) agrees with
SymPy printing the same objects (render/sympytex.py), and the LaTeX path never imports
SymPy (issue 11's benchmark: the worked example to LaTeX in under 0.4 s)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy as sp

from symconv.expansion import expand
from symconv.index.notation import axis_names
from symconv.index.relation import ChannelAxis
from symconv.render.mathtex import formula_latex, pixel_latex
from symconv.render.sympytex import make_printer
from symconv.render.tex import Style

CASES = [
    pytest.param("conv", "7x7", "3x3", {}, id="conv-2d"),
    pytest.param("corr", "7x7", "3x3", {}, id="corr-2d"),
    pytest.param("corr-reflected", "7x7", "3x3", {}, id="article-corr"),
    pytest.param("conv", "9", "3", {"dilation": [2], "stride": [2]}, id="dilated-strided"),
    pytest.param("conv", "8", "3", {"stride": [3], "origin": "corner"}, id="offset"),
    pytest.param("corr", "6x6", "2x2", {"dilation": [2, 3]}, id="even-dilated"),
    pytest.param("corr", "5", "3", {"conjugate": True}, id="conjugate"),
    pytest.param("conv", "2x5x5", "3x2x3x3", {"layer": True}, id="layer"),
    pytest.param("conv", "4x5x5", "4x2x3x3", {"layer": True, "groups": 2}, id="groups"),
    pytest.param("corr", "4x5", "8x1x2", {"layer": True, "groups": 4}, id="depthwise-x2"),
    pytest.param("conv", "4x4", "3x3", {"padding": [[1, 1], [1, 1]]}, id="padded"),
    pytest.param("conv", "2x2x2", "2x2x2", {}, id="3-d"),
]
STYLES = [Style(), Style(bold=False, index_style="subscripts", colour_indices=False)]


def sympy_formula(exp, style: Style, annotate: bool) -> str:  # type: ignore[no-untyped-def]
    """The formula built as SymPy objects and printed by the SymPy printer (the way
    mathtex did it before it dropped SymPy): an independent implementation."""
    op = exp.operation
    facs = exp.relation.factors
    outs, imgs = axis_names(facs)
    M = [sp.Symbol(v) for v in outs]
    Ii = [sp.Symbol(v) for v in imgs]
    kidx = []
    for f, m, i in zip(facs, M, Ii, strict=False):
        if isinstance(f, ChannelAxis):
            kidx.append(m)
            per = f.out_channels // f.groups
            kidx.append(i if f.groups == 1 else
                        i - f.taps * (m if per == 1 else sp.floor(m / per)))
        else:
            num = f.sigma * (i - f.stride * m - f.offset)
            kidx.append(num if f.dilation == 1 else
                        sp.Mul(sp.Rational(1, f.dilation), num, evaluate=False))
    x, h, y = (sp.IndexedBase(n) for n in (op.image.name, op.kernel.name, op.output_name))
    hk = h[tuple(kidx)]
    if op.conjugate:
        hk = sp.conjugate(hk)
    p = make_printer(exp, style)
    xi, hk_s = p._print(x[tuple(Ii)]), p._print(hk)
    if annotate:
        xi = rf"\underbrace{{{xi}}}_{{\text{{image}}}}"
        hk_s = rf"\underbrace{{{hk_s}}}_{{\text{{kernel}}}}"
    sums = "".join(rf"\sum_{{{v}={{-\infty}}}}^{{\infty}} " for v in reversed(imgs))
    lhs = p._print(y[tuple(M)])
    if annotate:
        lhs = rf"\underbrace{{{lhs}}}_{{\text{{output}}}}"
    from symconv.index.ops import OPERATIONS

    spec = OPERATIONS[op.op]
    at = ",".join(p._index(-sp.Symbol(v) if spec.reflect else sp.Symbol(v), a)
                  for a, v in enumerate(outs))
    return (f"{lhs} = ({p._print(x)} {spec.operator} {p._print(h)})[{at}] = {sums}"
            f"{xi}\\,{hk_s}")


@pytest.mark.parametrize("op,image,kernel,options", CASES)
@pytest.mark.parametrize("style", STYLES, ids=["default", "plain-subscripts"])
@pytest.mark.parametrize("annotate", [False, True], ids=["bare", "annotated"])
def test_formula_agrees_with_sympy_printing(op: str, image: str, kernel: str,
                                            options: dict, style: Style,
                                            annotate: bool) -> None:
    exp = expand(op, image, kernel, **options)
    assert formula_latex(exp, style, annotate) == sympy_formula(exp, style, annotate)


@pytest.mark.parametrize("style", STYLES, ids=["default", "plain-subscripts"])
def test_pixels_agree_with_sympy_printing(style: Style) -> None:
    exp = expand("conv", "7x7", "3x3")
    p = make_printer(exp, style)
    for idx in [(0, 0), (-3, 2), (3, -1)]:
        assert pixel_latex(exp, idx, style) == p._print(sp.IndexedBase("x")[idx])


def test_the_latex_path_does_not_import_sympy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    probe = ("import sys\nfrom symconv.cli import main\nrc = main(sys.argv[1:])\n"
             "assert rc == 0, rc\nprint(sorted(m for m in sys.modules if m.split('.')[0] == "
             "'sympy')[:3])\n")
    out = subprocess.run([sys.executable, "-c", probe, "expand", "conv", "--image", "7x7",
                          "--kernel", "3x3", "--mode", "same", "--at", "1,1", "--format",
                          "latex", "--standalone", "-o", str(tmp_path / "w.tex")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
