"""MathML and HTML: every output parses as XML, holds no leftover LaTeX command and no
stray ``&``; free text is escaped; the page is self-contained; golden pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from renderkit import (
    CHECK_RESULT,
    NASTY,
    article,
    assert_golden,
    check_xml,
    hand_derivation,
    rendered,
    thread,
)

from symconv.document import Document, ExpansionBlock, Heading, Paragraph
from symconv.render import palette
from symconv.render.mathml import latex_to_mathml
from symconv.render.plainmath import plain
from symconv.render.svg import svg_drawing

ALL_FIGURES = ("equation", "kernel", "image", "corner", "worked-article",
               "worked-article-drawn", "worked", "terms", "drawing", "boxes", "output-map")


def _doc() -> Document:
    return Document("Specials " + NASTY, (
        Heading("Heading " + NASTY), Paragraph("Inline $x[i,j]\\,h[m-i]$ math, then " + NASTY
                                               .replace("$", "")),
        ExpansionBlock(article(), (1, 1), ALL_FIGURES, "Conv " + NASTY),
        ExpansionBlock(thread(), None, ("equation", "terms", "duality", "matrix",
                                        "duality-drawn", "matrix-drawn"), "1-D"),
    ), "specials", NASTY)


OUTPUTS = {
    "conv-7x7-y11.html": rendered("expansion", article(), "html", at=(1, 1),
                                  figures=ALL_FIGURES),
    "derivation.html": rendered("derivation", hand_derivation(), "html"),
    "refuted.html": rendered("derivation", hand_derivation("refuted"), "html"),
    "check.html": rendered("check", CHECK_RESULT, "html"),
    "specials.html": rendered("document", _doc(), "html"),
}
MATHML = {
    "conv-mathml": rendered("expansion", article("corr-reflected"), "mathml", at=(-1, -1)),
    "derivation-mathml": rendered("derivation", hand_derivation(), "mathml"),
    "check-mathml": rendered("check", CHECK_RESULT, "mathml"),
    "document-mathml": rendered("document", _doc(), "mathml"),
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_golden(name: str) -> None:
    assert_golden(name, OUTPUTS[name])


@pytest.mark.parametrize("name", sorted(OUTPUTS) + sorted(MATHML))
def test_parses_as_xml_without_leftovers(name: str) -> None:
    text = OUTPUTS.get(name) or MATHML[name]
    root = check_xml(text, name)
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    if name.startswith(("conv", "specials", "document")):
        assert "math" in tags
    if name in ("conv-7x7-y11.html", "specials.html"):
        assert "svg" in tags and "figure" in tags


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_self_contained(name: str) -> None:
    text = OUTPUTS[name]
    assert text.startswith("<!DOCTYPE html>\n")
    assert "<script" not in text and "<link" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/', "")
    assert "https://" not in text and "@import" not in text


def test_free_text_is_escaped() -> None:
    page = OUTPUTS["specials.html"]
    assert "<b>y</b>" not in page and "&lt;b&gt;y&lt;/b&gt;" in page
    root = check_xml(page, "specials")
    h1 = next(el for el in root.iter() if el.tag.endswith("h1"))
    assert h1.text == "Specials " + NASTY  # the text survives, escaped on the way


@pytest.mark.parametrize("latex", [
    pytest.param(r"\begin{array}{l|ll} \textcolor{symconvM}{1} & b & c \\ d & e & f"
                 r"\end{array}", id="array-with-colour"),
    pytest.param(r"\begin{align*} y &= a \\ &\quad + b \end{align*}", id="align"),
    pytest.param(r"\boxed{x}\,\overline{h[k]}", id="boxed-overline"),
])
def test_latex_to_mathml(latex: str) -> None:
    el = latex_to_mathml(latex)
    text = ET.tostring(el, encoding="unicode")
    check_xml(text, latex)
    assert el.get("xmlns") == "http://www.w3.org/1998/Math/MathML"
    assert "symconvM" not in text  # palette names become colours browsers know


def test_worked_table_rule_and_alignment_as_css() -> None:
    """MathML Core ignores columnlines/columnalign; the cells carry them as CSS."""
    from symconv.expansion.figures import build
    from symconv.render.mathtex import worked_latex
    from symconv.render.tex import Style

    tab = worked_latex(build("worked-article", article(), (1, 1)), Style())
    el = latex_to_mathml(tab)
    styles = [td.get("style", "") for td in el.iter("mtd")]
    assert any("border-right: 1px solid" in s for s in styles)
    assert any("text-align: left" in s for s in styles)


def test_svg_is_built_with_elementtree() -> None:
    from symconv.expansion.figures import build

    model = build("boxes", article(), (1, 1))
    svg = svg_drawing(model)
    assert svg.tag == "svg" and svg.find("title").text == plain(model.caption)
    outlines = {(r.get("stroke"), r.get("stroke-dasharray")) for r in svg.iter("rect")
                if r.get("fill") == "none"}
    # conv solid, the article's correlation dashed, the standard one dotted
    assert {(palette.hex_colour("conv"), None),
            (palette.hex_colour("corr-reflected"), palette.SVG_DASH["dashed"]),
            (palette.hex_colour("corr"), palette.SVG_DASH["dotted"])} <= outlines
    # ... and the legend draws each line beside its operation
    samples = {(ln.get("stroke"), ln.get("stroke-dasharray")) for ln in svg.iter("line")}
    assert outlines <= samples


def test_jupyter_reprs() -> None:
    exp = thread()
    assert exp._repr_latex_().startswith("$$")
    check_xml(exp._repr_html_(), "repr_html")
    d = hand_derivation()
    assert d._repr_latex_().startswith("$$\\begin{array}")
    check_xml(d._repr_html_(), "derivation repr_html")


def _balanced(latex: str) -> bool:
    depth = 0
    for k, ch in enumerate(latex):
        if latex[k - 1:k] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_jupyter_reprs_of_check_results_and_documents() -> None:
    from symconv.classify.check import CheckResult, check_formula

    res = check_formula(r"y[m,n]=\sum_{j}\sum_{i} x[i,j]\,h[m-i,n-j]")
    assert isinstance(res, CheckResult)
    tex = res._repr_latex_()
    assert tex.startswith("$$\\begin{array}") and _balanced(tex)
    # the formula typed as LaTeX is typeset (MathJax has no \\textbackslash either)
    assert "\\textbackslash" not in tex and r"\displaystyle y[m,n]=\sum_{j}\sum_{i}" in tex
    root = check_xml(res._repr_html_(), "check repr_html")
    assert any(el.text == "formula" for el in root.iter("dt"))
    doc = _doc()
    html = doc._repr_html_()
    root = check_xml(html, "document repr_html")
    assert {"svg", "math", "h1"} <= {el.tag.split("}")[-1] for el in root.iter()}
    style = next(el for el in root.iter("style")).text or ""
    selectors = [p.strip() for sel in re.findall(r"([^{}]+)\{", style) for p in sel.split(",")]
    assert "body" not in style and all(p.startswith("div.symconv") for p in selectors)
    tex = doc._repr_latex_()
    assert "$$" in tex and "\\begin{align*}" in tex


def test_signs_open_groups_as_prefix_operators() -> None:
    """-infinity under a sum is one signed quantity, not a binary minus between operators."""
    from symconv.render.mathml import latex_to_mathml

    el = latex_to_mathml(r"\sum_{i={-\infty}}^{\infty} x_{i-1} \sum_{k=-\infty} h[-k]")
    signs = [mo for mo in el.iter("mo") if mo.text == "\u2212"]
    assert [mo.get("form") for mo in signs] == ["prefix", None, "prefix", "prefix"]
    assert signs[0].get("rspace") == "0"  # the minus of i-1 stays binary
    assert not [mo for mo in el.iter("mo") if mo.text == "\u221e"]
    assert len([mi for mi in el.iter("mi") if mi.text == "\u221e"]) == 3
    names = latex_to_mathml(r"\operatorname{conv}(x, h)")
    assert [mi.text for mi in names.iter("mi")][:1] == ["conv"]


def test_check_display_typesets_a_latex_formula() -> None:
    """A formula typed as LaTeX is set as math in the notebook display (not as its source
    text with escaped backslashes); plain text stays text."""
    import symconv

    tex = symconv.check_formula(r"S(i,j) = \sum_m \sum_n I(i+m, j+n) K(m,n)")._repr_latex_()
    assert r"\displaystyle S(i,j) = \sum_m \sum_n I(i+m, j+n) K(m,n) \\" in tex
    assert r"\backslash" not in tex
    plain = symconv.check_formula("y[m] = sum_k x[m-k] h[k]")._repr_latex_()
    assert r"\text{y[m] = sum_k x[m-k] h[k]}" in plain
