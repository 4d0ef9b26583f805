"""The HTML as Chromium lays it out: a copy of each demo page gets a probe script that reads
computed styles and writes them into the DOM, which headless Chromium dumps (``--dump-dom``).

Asserted: every rule of the page's style sheet reached the browser (the ``ol.steps li``
spacing: a rule lost to escaping would leave it 0); SVG text as rendered is at least 80 %
of the body's font size; MathML is laid out as math (a ``math`` element with a box), the
convolution star is the centred U+2217; the ``.xhtml`` fragment opened alone is styled.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import need_tool

pytestmark = pytest.mark.tools

PROBE = """
<script>
window.addEventListener('load', () => {
  const px = v => parseFloat(v) || 0;
  const body = px(getComputedStyle(document.body).fontSize);
  const texts = [...document.querySelectorAll('svg text')].map(t => {
    const svg = t.ownerSVGElement;
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    return px(getComputedStyle(t).fontSize) * scale;
  });
  const steps = [...document.querySelectorAll('ol.steps li')]
    .map(li => px(getComputedStyle(li).marginBottom));
  // a list item that clips its overflow hides its number (the marker sits outside)
  const clipped = [...document.querySelectorAll('ol.steps li')]
    .filter(li => getComputedStyle(li).overflowX !== 'visible').length;
  const maths = [...document.querySelectorAll('math')]
    .map(m => m.getBoundingClientRect().height);
  const section = document.querySelector('section.symconv');
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    body, texts, steps, maths, clipped,
    sectionFont: section ? getComputedStyle(section).fontFamily : null,
    stylesheets: document.styleSheets.length,
    rules: [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0),
  });
  document.body.appendChild(out);
});
</script>
"""


def probe(page: Path, exe: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / page.name.replace(".xhtml", ".html")
        text = page.read_text(encoding="utf-8")
        if "<body" not in text:  # the MathML fragment: a bare section, opened as a page
            text = ("<!DOCTYPE html><html><head><meta charset='utf-8'/></head><body>"
                    f"{text}</body></html>")
        copy.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
        proc = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/u",
             "--virtual-time-budget=5000", "--window-size=1200,2000", "--dump-dom",
             copy.as_uri()], capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stderr[-1500:]
    import html

    return json.loads(html.unescape(m.group(1)))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    import io

    from symconv.app.demo import run_demo

    exe = need_tool("chromium")
    out = tmp_path_factory.mktemp("browser")
    run_demo(str(out), io.StringIO())
    return {name: probe(out / name, exe)
            for name in ("article.html", "duality.html", "article-mathml.xhtml")}


def test_every_style_rule_reaches_the_browser(pages: dict[str, dict[str, Any]]) -> None:
    duality = pages["duality.html"]
    assert duality["steps"] and min(duality["steps"]) > 5  # 0.8em: the rule was read
    assert duality["clipped"] == 0  # the steps keep their numbers
    assert pages["article.html"]["rules"] >= 12


def test_svg_text_is_at_least_80_percent_of_the_body(pages: dict[str, dict[str, Any]]) -> None:
    for name in ("article.html", "duality.html"):
        p = pages[name]
        assert p["texts"], name
        assert min(p["texts"]) >= 0.8 * p["body"], (name, min(p["texts"]), p["body"])


def test_mathml_is_laid_out(pages: dict[str, dict[str, Any]]) -> None:
    for p in pages.values():
        assert p["maths"] and max(p["maths"]) > 10


def test_the_fragment_opened_alone_is_styled(pages: dict[str, dict[str, Any]]) -> None:
    frag = pages["article-mathml.xhtml"]
    assert frag["stylesheets"] == 1 and frag["rules"] >= 12
    assert "Latin Modern" in (frag["sectionFont"] or "")


def test_the_page_writes_no_escaped_css_and_a_centred_star(tmp_path: Path) -> None:
    from symconv.expansion import expand
    from symconv.render import render
    from symconv.render.xhtml import CSS

    assert not set("<>&") & set(CSS)
    import io

    buf = io.StringIO()
    render(expand("conv", 3, 2), "html", buf)
    assert "<mo>*</mo>" not in buf.getvalue() and "\u2217" in buf.getvalue()
