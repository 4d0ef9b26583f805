"""Markdown: golden files with the SVG figures written beside them; inline SVG on a stream;
free text escaped; colours MathJax knows."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

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
from symconv.errors import InputError
from symconv.render import render
from symconv.render.markdown import md_escape, md_text


def _doc() -> Document:
    return Document("Specials " + NASTY, (
        Heading("Heading " + NASTY), Paragraph("Math $x[i,j]$ then " + NASTY.replace("$", "")),
        ExpansionBlock(article(), (1, 1), ("equation", "kernel", "worked-article", "drawing",
                                           "boxes"), "Conv " + NASTY),
        ExpansionBlock(thread(), None, ("terms", "output-map", "duality"), "1-D"),
    ), "specials", NASTY)


def test_document_with_svgs_beside(tmp_path: Path) -> None:
    path = tmp_path / "specials.md"
    with open(path, "w", encoding="utf-8") as fh:
        written = render(_doc(), "markdown", fh, path=str(path))
    text = path.read_text(encoding="utf-8")
    assert_golden("specials.md", text)
    names = [Path(w).name for w in written]
    assert names == ["specials-01-kernel.svg", "specials-02-drawing-conv.svg",
                     "specials-03-boxes.svg", "specials-04-output-map-corr.svg"]
    for name in names:
        assert f"]({name})" in text
        svg = (tmp_path / name).read_text(encoding="utf-8")
        check_xml(svg[svg.index("<svg"):], name)
        assert_golden(f"md/{name}", svg)
    assert "<svg" not in text


def test_stream_inlines_svg() -> None:
    buf = io.StringIO()
    written = render(article(), "markdown", buf, at=(1, 1),
                     figures=("kernel", "worked"))
    assert written == []
    text = buf.getvalue()
    start = text.index("<svg")
    ET.fromstring(text[start:text.index("</svg>") + len("</svg>")])
    assert "```math\n\\begin{array}{l|ll}" in text


def test_golden_derivation_and_check() -> None:
    assert_golden("derivation.md", rendered("derivation", hand_derivation("refuted"),
                                            "markdown"))
    assert_golden("check.md", rendered("check", CHECK_RESULT, "markdown"))


def test_colours_are_mathjax_names() -> None:
    text = rendered("expansion", article(), "markdown", at=(1, 1), figures=("equation",))
    # MathJax knows neither the document's colour names nor hex: RGB specifications
    assert r"\textcolor[RGB]{194,84,0}{m}" in text and r"\textcolor[RGB]{11,61,145}{n}" in text
    assert "symconvM" not in text


@pytest.mark.parametrize("text, expected", [
    pytest.param("*a* _b_", r"\*a\* \_b\_", id="emphasis"),
    pytest.param("<b>&", r"\<b\>\&", id="html"),
    pytest.param("[x](y) | `c`", r"\[x\](y) \| \`c\`", id="link-table-code"),
    pytest.param("#1 ~ $5", r"\#1 \~ \$5", id="hash-tilde-dollar"),
])
def test_md_escape(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_math_spans_survive() -> None:
    assert md_text("a $x_1$ b_c") == r"a $x_1$ b\_c"


def test_missing_assets_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        render(article(), "markdown", io.StringIO(), at=(1, 1),
               assets_dir=str(tmp_path / "nope"))
