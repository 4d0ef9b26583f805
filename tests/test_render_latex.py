"""LaTeX: the printer (inline golden strings), escaping, golden documents, and every LaTeX
output these tests produce compiled with pdflatex (no shell escape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from conftest import need_tool
from renderkit import (
    CHECK_RESULT,
    NASTY,
    article,
    assert_golden,
    hand_derivation,
    pdflatex,
    rendered,
    thread,
)

from symconv.document import Document, ExpansionBlock, Heading, Paragraph
from symconv.errors import InputError
from symconv.expansion import expand
from symconv.expansion.figures import build
from symconv.render import latex as L
from symconv.render import mathtex as M
from symconv.render import sympytex as S
from symconv.render import tex as T

m, n, i, j = sp.symbols("m n i j")
h = sp.IndexedBase("h")
x = sp.IndexedBase("x")
PLAIN = T.Style(colour_indices=False)


# -- the printer ----------------------------------------------------------------------------
@pytest.mark.parametrize("expr, settings, expected", [
    pytest.param(h[m - i, n - j], {}, r"\mathbf{h}[m-i,n-j]", id="conv-index-written-order"),
    pytest.param(h[i - m, j - n], {}, r"\mathbf{h}[i-m,j-n]", id="corr-index"),
    pytest.param(h[m + i, n + j], {}, r"\mathbf{h}[m+i,n+j]", id="reflected-index-m-first"),
    pytest.param(h[m - i + 1], {}, r"\mathbf{h}[m-i+1]", id="constant-last"),
    pytest.param(h[1 - m - i], {}, r"\mathbf{h}[-m-i+1]", id="all-negative"),
    pytest.param(x[i, j], {}, r"\mathbf{x}[i,j]", id="pixel"),
    pytest.param(h[m - i], {"index_style": "subscripts"}, r"\mathbf{h}_{m-i}",
                 id="subscripts"),
    pytest.param(h[m - i], {"bold": False}, "h[m-i]", id="plain-names"),
    pytest.param(h[m - i, n - j], {"colour_indices": True},
                 r"\mathbf{h}[\textcolor{symconvM}{m-i},\textcolor{symconvN}{n-j}]",
                 id="m-red-n-green"),
    pytest.param(x[0, 0] * h[1, 1], {}, r"\mathbf{x}[0,0]\,\mathbf{h}[1,1]",
                 id="pixel-before-kernel"),
    pytest.param(sp.Sum(x[i, j] * h[m - i, n - j], (i, -sp.oo, sp.oo), (j, -sp.oo, sp.oo)),
                 {}, r"\sum_{j=-\infty}^{\infty} \sum_{i=-\infty}^{\infty} "
                 r"\mathbf{x}[i,j]\,\mathbf{h}[m-i,n-j]", id="nested-sums-j-outer"),
])
def test_printer(expr: Any, settings: dict, expected: str) -> None:
    assert S.SymconvLatexPrinter(settings).doprint(expr) == expected


def test_printer_refuses_unknown_settings() -> None:
    with pytest.raises(TypeError, match="Unknown setting 'colour'"):
        S.SymconvLatexPrinter({"colour": True})


def test_entry_h_is_not_the_kernel_h() -> None:
    """The article's entry named h prints plain; the kernel h prints bold."""
    exp = article()
    eq = M.output_equation(exp, (1, 1), PLAIN).latex()
    assert r"\mathbf{x}[1,0]\,h " in eq and r"\mathbf{h}" not in eq
    printed = S.make_printer(exp, PLAIN).doprint(exp.expr((1, 1)))
    assert r"\mathbf{x}[1,0]\,h" in printed and r"\mathbf{h}" not in printed
    assert printed.startswith(r"\mathbf{x}[0,0]\,i + \mathbf{x}[1,0]\,h")  # display order


@pytest.mark.parametrize("op, index, operator", [
    pytest.param("conv", r"\mathbf{h}[m-i,n-j]", r"\ast", id="conv"),
    pytest.param("corr", r"\mathbf{h}[i-m,j-n]", r"\star", id="corr"),
    pytest.param("corr-reflected", r"\mathbf{h}[m+i,n+j]", r"\star", id="corr-reflected"),
])
def test_formula(op: str, index: str, operator: str) -> None:
    f = M.formula_latex(article(op), PLAIN)
    assert f.endswith(r"\mathbf{x}[i,j]\," + index)
    assert rf"(\mathbf{{x}} {operator} \mathbf{{h}})" in f
    if op == "corr-reflected":
        assert "[-m,-n]" in f


@pytest.mark.parametrize("operator, symbol", [
    ("*", r"\ast"), ("star", r"\star"), ("circledast", r"\circledast"), ("otimes", r"\otimes")])
def test_operator_option(operator: str, symbol: str) -> None:
    st = T.style_from({"operator": operator, "colour_indices": False})
    assert rf"(\mathbf{{x}} {symbol} \mathbf{{h}})" in M.formula_latex(article(), st)


def test_dilation_prints_over_the_dilation() -> None:
    f = M.formula_latex(expand("corr", 8, 3, origin="corner", dilation=2, padding=1), PLAIN)
    assert f.endswith(r"\mathbf{h}[\frac{i-m+1}{2}]")


def test_bad_options() -> None:
    with pytest.raises(InputError, match="bad operator"):
        T.style_from({"operator": "+"})
    with pytest.raises(InputError, match="bad index_style"):
        T.style_from({"index_style": "dots"})
    with pytest.raises(TypeError, match="Unknown setting"):
        rendered("expansion", article(), "latex", colour="red")


@pytest.mark.parametrize("text, expected", [
    pytest.param("50% & $5", r"50\% \& \$5", id="percent-amp-dollar"),
    pytest.param(r"\relax {x}", r"\textbackslash{}relax \{x\}", id="backslash-braces"),
    pytest.param("#_^~", r"\#\_\textasciicircum{}\textasciitilde{}", id="hash-underscore"),
    pytest.param("<b>", r"\textless{}b\textgreater{}", id="angle-brackets"),
])
def test_escape_text(text: str, expected: str) -> None:
    assert T.escape_text(text) == expected


@pytest.mark.parametrize("names", [
    pytest.param({"image": "x\\"}, id="backslash"), pytest.param({"kernel": "h{"}, id="brace"),
    pytest.param({"output": "<y>"}, id="angle"), pytest.param({"image": "a&b"}, id="amp"),
    pytest.param({"kernel": "h%"}, id="percent"), pytest.param({"image": "$x"}, id="dollar"),
])
def test_names_with_specials_are_refused(names: dict) -> None:
    with pytest.raises(InputError):
        expand("conv", 5, 3, names=names)


def test_entries_with_specials_are_refused() -> None:
    with pytest.raises(InputError):
        expand("conv", 3, 2, entries=["a{", "b"])


# -- golden documents, compiled ---------------------------------------------------------------
def _outputs() -> dict[str, str]:
    conv = article()
    doc = Document("Specials in free text: " + NASTY, (
        Heading("Heading " + NASTY), Paragraph("A paragraph with math $x[i,j]$ and " + NASTY),
        ExpansionBlock(thread(), None, ("equation", "terms", "kernel", "output-map", "duality",
                                        "matrix", "duality-drawn", "matrix-drawn"),
                       "Thread " + NASTY),
    ), "specials", NASTY)
    small = expand("conv", "3x3", "2x2", origin="corner", mode="valid")
    return {
        "conv-7x7-y11.tex": rendered("expansion", conv, "latex", at=(1, 1), standalone=True,
                                     figures=("equation", "kernel", "image", "corner",
                                              "worked-article", "worked-article-drawn",
                                              "worked", "terms", "drawing", "boxes",
                                              "output-map")),
        "drawn-tables.tex": rendered("expansion", small, "latex", at=(1, 1), standalone=True,
                                     figures=("worked-drawn", "matrix-drawn", "matrix",
                                              "duality-drawn", "duality")),
        "corr-reflected-fragment.tex": rendered("expansion", article("corr-reflected"), "latex",
                                                at=(-1, -1)),
        "corr-1d-subscripts.tex": rendered("expansion", thread(), "latex", standalone=True,
                                           index_style="subscripts", bold=False,
                                           operator="otimes"),
        "derivation.tex": rendered("derivation", hand_derivation(), "latex", standalone=True),
        "refuted.tex": rendered("derivation", hand_derivation("refuted"), "latex",
                                standalone=True),
        "check.tex": rendered("check", CHECK_RESULT, "latex", standalone=True),
        "specials.tex": rendered("document", doc, "latex", standalone=True),
        "specials-slides.tex": rendered("document", doc, "beamer"),
        "derivation-slides.tex": rendered("derivation", hand_derivation(), "beamer"),
        "check-slides.tex": rendered("check", CHECK_RESULT, "beamer"),
    }


OUTPUTS = _outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_golden(name: str) -> None:
    assert_golden(name, OUTPUTS[name])


def test_deterministic() -> None:
    assert _outputs() == OUTPUTS


def test_preamble_names_its_packages() -> None:
    doc = OUTPUTS["conv-7x7-y11.tex"]
    head = doc.split("\\begin{document}")[0]
    assert "% Packages, all in TeX Live's base/recommended/pictures sets:" in head
    for pkg, _, _ in L.PACKAGES:
        assert f"{{{pkg}}}" in head
    assert "write18" not in doc and "\\immediate" not in doc


@pytest.mark.parametrize("name", ["conv-7x7-y11.tex", "specials-slides.tex",
                                  "derivation-slides.tex"])
def test_every_package_is_named_in_the_comment(name: str) -> None:
    """The comment at the top names the class and every package the preamble loads."""
    import re

    text = OUTPUTS[name]
    comment = next(line for line in text.splitlines() if line.startswith("% Packages"))
    head = text.split("\\begin{document}")[0]
    loaded = re.findall(r"\\(?:usepackage|documentclass)(?:\[[^]]*\])?\{([^}]*)\}", head)
    assert loaded and all(f" {p} (" in comment for p in loaded), (loaded, comment)


@pytest.mark.tools
def test_every_output_compiles(tmp_path: Path) -> None:
    exe = need_tool("pdflatex")
    for name, text in OUTPUTS.items():
        if name.endswith("fragment.tex"):
            (tmp_path / name).write_text(text, encoding="utf-8")
            wrapper = tmp_path / "wrapper.tex"
            wrapper.write_text("\\documentclass{article}\n\\usepackage{amsmath,amssymb,xcolor,"
                               "graphicx,tikz}\n\\begin{document}\n\\input{" + name[:-4]
                               + "}\n\\end{document}\n", encoding="utf-8")
            pdflatex(wrapper, exe)
            continue
        tex = tmp_path / name
        tex.write_text(text, encoding="utf-8")
        pdflatex(tex, exe)


# -- large requests still fit the page ----------------------------------------------------
def _large() -> Any:
    return expand("conv", "9x9", "5x5", stride=2, dilation=2, padding=2)


def test_output_equation_one_line_per_patch_row() -> None:
    """A dilated 5x5 kernel: five lines of five products (not one line per patch column)."""
    eq = M.output_equation(_large(), (0, 0), PLAIN).latex()
    lines = eq.split(T.ROW_SEP)
    assert len(lines) == 5 and all(ln.count(r"\,") == 5 for ln in lines)


def test_tall_worked_table_is_split() -> None:
    shown = M.Typesetter(PLAIN).displays(build("worked", _large(), (0, 0)))
    assert len(shown) > 1
    assert all(m.count(T.ROW_SEP) <= M.MAX_TABLE_ROWS for m in shown)  # + 1 header row


@pytest.mark.tools
def test_large_outputs_fit_the_page(tmp_path: Path) -> None:
    """Nothing sticks out by more than 10pt: tall tables split, wide lines broken or
    shrunk, every output of a 7x7 expansion over several slides."""
    exe = need_tool("pdflatex")
    cases = {
        "large.tex": rendered("expansion", _large(), "latex", at=(0, 0), standalone=True),
        "3d-slides.tex": rendered("expansion", expand("corr", "4x4x4", "2x2x2"), "beamer",
                                  at=(0, 0, 0)),
        "layer-slides.tex": rendered("expansion", expand(
            "conv", "2x6x6", "4x2x3x3", layer=True), "beamer", at=(0, 0, 0)),
        "terms-slides.tex": rendered("expansion", article(), "beamer"),
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        pdflatex(tmp_path / name, exe)


def test_comparison_side_by_side_matches_the_libraries() -> None:
    """The side-by-side table of a comparison: per output-array position, each variant's
    output index and value; the values are NumPy's and PyTorch's 'same' outputs."""
    from symconv.document import ComparisonBlock
    from symconv.render.mathtex import comparison_table
    from symconv.render.tex import Style

    x, h = [1, 2, 3, 4, 5], [1, 0, 0, 0]
    scipy_like = expand("corr", 5, 4, origin="corner", mode="same", x=x, h=h)
    torch_like = expand("corr", 5, 4, origin="corner", padding="same", x=x, h=h)
    block = ComparisonBlock("same", (("numpy", scipy_like), ("torch", torch_like)))
    side = comparison_table(block, Style(bold=False, colour_indices=False))
    assert side is not None
    table, caption = side
    rows = table.split("\\\\\n")[1:]
    got = [[cell.strip().split(" = ")[1] for cell in row.split("&")[1:]] for row in rows]
    want_np = np.correlate(x, h, "same").tolist()  # [0, 0, 1, 2, 3]
    want_torch = [0, 1, 2, 3, 4]  # torch conv1d padding='same' puts the extra zero after
    assert [int(r[0]) for r in got] == want_np
    assert [int(r[1].split("\n")[0]) for r in got] == want_torch
    assert "(1) numpy; (2) torch" in caption
