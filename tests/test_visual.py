"""The printed pages, measured: the demo's documents and every derivation compiled with
pdflatex, their words read back with ``pdftotext -bbox`` and the pages rendered with
``pdftoppm``.  What a reader would see is asserted where it can be measured:

- every figure is numbered and its caption lies on the page of its figure (a float holds
  both; no page begins with a caption, no page holds only a caption);
- no text is set below the minimum size: 8 pt for words (a word box of 7.0 pt: box heights
  are about 0.88 of the font size in Latin Modern), 6 pt for anything (the scripts of 8 pt
  text), so nothing was shrunk to fit;
- nothing sticks out of the text block (overfull boxes over 2 pt);
- the pages render (pdftoppm) to pictures that are not blank.

The rest (balance, legibility) is looked at: the PNGs of the last run are kept in the
pytest temporary folder for that.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import need_tool
from renderkit import pdflatex

pytestmark = pytest.mark.tools

ROOT = Path(__file__).resolve().parent.parent
#: Word box heights (pt) for 8 pt text and for 6 pt scripts, with Latin Modern.
MIN_WORD_BOX = 6.9
MIN_GLYPH_BOX = 5.2
MAX_OVERFULL_PT = 2.0
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"(.*?)</word>")
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
#: Pieces of extensible delimiters and big operators (cmex glyphs read back as letters or
#: punctuation: the sum sign as X, brace pieces as z or { }); not text.
DELIMITER_PIECE = re.compile(r"\A(?:[|{}()\[\]⟨⟩XPRz′]|{z|}|z}|\|+)\Z")
#: Slides: 7 pt words, 5 pt glyphs as printed on the slide (beamer's 10 pt type).
SLIDE_WORD_BOX = 5.8
SLIDE_GLYPH_BOX = 4.4


def pages_of(pdf: Path) -> list[list[tuple[float, float, float, str]]]:
    """Per page, its words as (top, height, page height, text), in reading order."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages: list[list[tuple[float, float, float, str]]] = []
    height = 0.0
    for line in out.splitlines():
        m = PAGE.search(line)
        if m:
            pages.append([])
            height = float(m.group(2))
            continue
        m = WORD.search(line)
        if m and pages:
            top, bottom = float(m.group(2)), float(m.group(4))
            pages[-1].append((top, bottom - top, height, html.unescape(m.group(5))))
    return pages


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``symconv demo`` run once for every test of this module."""
    import io

    from symconv.app.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    run_demo(str(out), io.StringIO())
    return out


def documents(demo: Path, tmp: Path) -> list[Path]:
    """The demo's three documents and every derivation's article, copied to ``tmp``."""
    texs = [demo / f"{name}.tex" for name in ("article", "thread", "duality")]
    for tex in sorted((ROOT / "derivations").glob("*/*.tex")):
        if tex.name.endswith("-slides.tex"):
            continue
        dest = tmp / tex.parent.name
        dest.mkdir(exist_ok=True)
        shutil.copy(tex, dest / tex.name)
        texs.append(dest / tex.name)
    return texs


@pytest.fixture(scope="module")
def compiled(demo: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> list[tuple[Path, Path]]:
    tool = need_tool("pdflatex")
    tmp = tmp_path_factory.mktemp("visual")
    return [(tex, pdflatex(tex, tool, runs=2, max_overfull=MAX_OVERFULL_PT))
            for tex in documents(demo, tmp)]


def test_figures_are_numbered_and_captions_stay_with_them(
        compiled: list[tuple[Path, Path]]) -> None:
    for tex, pdf in compiled:
        source = tex.read_text(encoding="utf-8")
        figures = source.count("\\begin{figure}") + source.count("\\captionof{figure}")
        assert source.count("\\caption{") + source.count("\\captionof{figure}") == figures
        pages = pages_of(pdf)
        numbers = []
        for n, words in enumerate(pages, 1):
            body = [w for w in words if w[0] < 0.92 * w[2]]  # the page number excluded
            assert body, f"{tex.name}: page {n} is empty"
            text = " ".join(w[3] for w in body)
            assert not text.startswith("Figure "), f"{tex.name}: page {n} begins with a caption"
            numbers += [int(v) for v in re.findall(r"Figure (\d+):", text)]
            captions = re.findall(r"Figure \d+:", text)
            if captions:  # a page of figures has more on it than their captions
                caption_words = sum(len(c.split()) for c in re.split(r"Figure \d+:", text)[1:])
                assert len(body) > caption_words + 2 * len(captions) or "\\draw" in source, (
                    f"{tex.name}: page {n} holds only captions")
        assert numbers == list(range(1, figures + 1)), (tex.name, numbers[:5], figures)


def small_text(pdf: Path, word_box: float, glyph_box: float) -> list[str]:
    """Words (three letters or more) under ``word_box`` and anything under ``glyph_box``
    points, the page number and the pieces of big delimiters excepted."""
    small = []
    for n, words in enumerate(pages_of(pdf), 1):
        for top, h, page_h, text in words:
            if top > 0.92 * page_h or DELIMITER_PIECE.match(text):
                continue
            letters = sum(ch.isalpha() for ch in text)
            if (letters >= 3 and h < word_box) or h < glyph_box:
                small.append(f"{pdf.name} p{n}: {text!r} {h:.1f} pt")
    return small


def test_no_text_below_the_minimum_size(compiled: list[tuple[Path, Path]]) -> None:
    small = [line for _, pdf in compiled
             for line in small_text(pdf, MIN_WORD_BOX, MIN_GLYPH_BOX)]
    assert not small, small[:10]


def test_pages_render(compiled: list[tuple[Path, Path]], tmp_path: Path) -> None:
    need_tool("pdftoppm")
    tex, pdf = compiled[0]
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(pages_of(pdf))
    assert all(p.stat().st_size > 2000 for p in pngs)  # not blank


@pytest.fixture(scope="module")
def decks(demo: Path) -> list[tuple[Path, Path]]:
    """The demo's three slide decks, compiled."""
    tool = need_tool("pdflatex")
    return [(tex, pdflatex(tex, tool, runs=2)) for tex in
            (demo / f"{name}-slides.tex" for name in ("article", "thread", "duality"))]


def test_slides_keep_text_at_7pt(decks: list[tuple[Path, Path]]) -> None:
    """Split, not shrunk: on every slide words are 7 pt or more as printed, scripts 5 pt."""
    small = [line for _, pdf in decks for line in small_text(pdf, SLIDE_WORD_BOX,
                                                               SLIDE_GLYPH_BOX)]
    assert not small, small[:10]
    # the output maps' cell text ("i: -3..-2") too: split by columns, not shrunk
    maps = [f"{pdf.name} p{n}: {h:.1f}" for _, pdf in decks
            for n, words in enumerate(pages_of(pdf), 1)
            for _, h, _, text in words if text in ("i:", "j:") and h < SLIDE_WORD_BOX]
    assert not maps, maps[:5]
    article = decks[0][0].read_text(encoding="utf-8")
    assert "Output map of convolution, columns part 1 of 2" in article


def test_every_frame_says_what_it_shows(decks: list[tuple[Path, Path]]) -> None:
    """No two frames of a deck share both title and subtitle; captions are one line (the
    subtitle), never a paragraph under the figure."""
    for tex, _ in decks:
        source = tex.read_text(encoding="utf-8")
        frames = re.findall(r"\\begin\{frame\}\n\\frametitle\{(.*?)\}\n"
                            r"(?:\\framesubtitle\{(.*?)\}\n)?", source)
        assert len(frames) > 5
        assert len(set(frames)) == len(frames), tex.name
        for _, sub in frames:
            assert len(re.sub(r"\\[a-zA-Z]+|[{}$]", "", sub)) <= 110, sub


def test_large_slides_are_split_not_shrunk(tmp_path: Path) -> None:
    """The issue's deck: a 9 x 25 matrix and a 2-D duality table over a strided, padded
    5x5 image.  Before: the matrix at about 2 pt, a placeholder frame for the drawn matrix.
    Now every block is its own frame, at 7 pt or more."""
    from symconv.expansion import expand
    from symconv.render import render

    tool = need_tool("pdflatex")
    exp = expand("corr", "5x5", "3x3", stride=2, padding=1, origin="corner")
    tex = tmp_path / "large-slides.tex"
    with tex.open("w", encoding="utf-8") as fh:
        render(exp, "beamer", fh, at=(0, 0), figures=["equation", "worked", "matrix",
                                                       "matrix-drawn", "duality",
                                                       "duality-drawn"])
    source = tex.read_text(encoding="utf-8")
    assert "would be" not in source  # no placeholder frame
    assert "pixels 11-20 of 25" in source and "backward, pixels" in source
    pdf = pdflatex(tex, tool, runs=1)
    assert not small_text(pdf, SLIDE_WORD_BOX, SLIDE_GLYPH_BOX)
