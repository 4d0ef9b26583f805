"""``symconv demo``: every document in every format, the LaTeX compiled, the HTML parsed and
opened in headless Chromium, the screenshot checked to be non-blank."""

from __future__ import annotations

import importlib.util
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import need_tool
from pngutil import non_white_fraction
from renderkit import check_xml, pdflatex

from symconv.app.demo import (
    DEMO_ANIMATION,
    DEMO_DOCUMENTS,
    DEMO_EXPLORER,
    run_demo,
    write_animation,
)

#: Chromium flags: headless, no sandbox (containers), nothing from the network.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "symconv-demo"
    buf = io.StringIO()
    assert run_demo(str(out), buf) == 0
    return out, buf.getvalue()


def test_every_document_in_every_format(demo: tuple[Path, str]) -> None:
    out, printed = demo
    for name in ("article", "thread", "duality"):
        for suffix in (".tex", "-slides.tex", ".html", ".md", ".txt", ".json",
                       "-mathml.xhtml"):
            path = out / f"{name}{suffix}"
            assert path.exists() and path.stat().st_size > 200, path
            assert path.name in printed
    assert len(DEMO_DOCUMENTS) == 3
    assert "proved (all-sizes)" in printed and printed.rstrip().endswith("files")
    svgs = sorted(p.name for p in out.glob("article-*.svg"))
    assert any("kernel" in s for s in svgs) and any("boxes" in s for s in svgs)
    assert any("output-map-corr-reflected" in s for s in svgs)
    # the tables drawn too: every figure of the issue has an SVG
    for fig in ("worked-article-drawn", "matrix-drawn", "duality-drawn", "drawing-conv",
                "image", "corner"):
        assert any(s.endswith(f"-{fig}.svg") for s in svgs), fig
    assert (out / "duality-01-duality-drawn.svg").exists()
    # the article's sliding kernel as a GIF when Pillow is there, else a line saying so
    gif = out / DEMO_ANIMATION
    if importlib.util.find_spec("PIL") is not None:
        assert gif.read_bytes()[:6] == b"GIF89a" and DEMO_ANIMATION in printed
    else:
        assert not gif.exists() and f"skipped {DEMO_ANIMATION}" in printed
    # the explorer page of the article's convolution: self-contained, 49 outputs to point at
    page = (out / DEMO_EXPLORER).read_text(encoding="utf-8")
    assert DEMO_EXPLORER in printed and 'id="symconv-config"' in page and "data-terms" in page
    files = [p for p in out.iterdir() if p.is_file()]
    assert printed.rstrip().endswith(f"wrote {len(files)} files")


def test_demo_without_pillow_skips_the_gif(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    """Without Pillow the demo still succeeds: it says it skipped the GIF, writes none."""
    import sys

    for mod in [m for m in sys.modules if m == "PIL" or m.startswith("PIL.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "PIL", None)
    buf = io.StringIO()
    assert write_animation(str(tmp_path), buf) == []
    assert f"skipped {DEMO_ANIMATION}" in buf.getvalue() and "symconv[anim]" in buf.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_article_figures_are_all_there(demo: tuple[Path, str]) -> None:
    out, _ = demo
    tex = (out / "article.tex").read_text(encoding="utf-8")
    for needle in (r"\mathbf{h}[\textcolor{symconvM}{m-i}",  # fig 1: the equation
                   "indices of",                             # fig 2: the kernel grid
                   "lower-right corner",                     # fig 3: imagex and its corner
                   r"\begin{array}{l|ll}",                   # figs 4/7: worked examples
                   r"rotated by $180^\circ$",               # fig 5: the drawing
                   "as drawn: cross-correlation does not flip",  # fig 8
                   "symconvRefl",                            # fig 6: the dashed box
                   "Output map of convolution", "Output map of the article",  # fig 7
                   r"C^\top",                                # the matrix and its transpose
                   "backward: each pixel"):                  # the duality figure
        assert needle in tex, needle
    # ... and drawn in TikZ: the worked example, the matrix with its transpose, the duality
    pictures = tex.split("\\begin{tikzpicture}")[1:]
    for needle in ("pixel and kernel index", "forward: ", r"C^\top \mathbf{g}",
                   r"backward: each pixel's }\partial L/\partial \mathbf{x}"):
        assert any(needle in p for p in pictures), needle
    slides = (out / "article-slides.tex").read_text(encoding="utf-8")
    assert r"\uncover<16->" in slides and r"\only<49>" in slides


def test_html_and_svg_parse(demo: tuple[Path, str]) -> None:
    out, _ = demo
    for page in sorted([*out.glob("*.html"), *out.glob("*.xhtml")]):
        if page.name == DEMO_EXPLORER:
            continue  # the interactive page: a script by design (tests/test_explore.py)
        text = page.read_text(encoding="utf-8")
        check_xml(text, page.name)
        # self-contained: nothing fetched, no script (readable without JavaScript)
        assert "<script" not in text and "<link" not in text and "@import" not in text
        assert not re.search(r'(?<!xmlns=")https?://', text), page.name
    for svg in sorted(out.glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        check_xml(text[text.index("<svg"):], svg.name)


@pytest.mark.tools
def test_latex_compiles(demo: tuple[Path, str]) -> None:
    exe = need_tool("pdflatex")
    out, _ = demo
    for tex in sorted(out.glob("*.tex")):
        pdflatex(tex, exe)


@pytest.mark.tools
@pytest.mark.parametrize("page", ["article.html", "duality.html", "thread-mathml.xhtml"])
def test_html_renders_in_chromium(demo: tuple[Path, str], page: str) -> None:
    exe = need_tool("chromium")
    out, _ = demo
    with tempfile.TemporaryDirectory() as profile:
        shot = Path(profile) / "shot.png"
        proc = subprocess.run(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}/user",
             f"--screenshot={shot}", "--window-size=1200,2400",
             (out / page).resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
        assert shot.exists(), proc.stderr[-2000:]
        data = shot.read_bytes()
    assert len(data) > 20_000
    # The top of the page: title, text, equations, figures: far from blank.
    assert non_white_fraction(data, step=3, max_rows=700) > 0.02
