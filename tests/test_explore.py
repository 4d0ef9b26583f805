"""``symconv explore`` in a real browser: Playwright drives the Chromium CI installs (its
executable path, no browser download) and clicks every output of several operations, and of
the settings the page's own controls make, comparing what the page highlights and its terms
with ``symconv expand --format json`` of the command the page shows, and its code panel
with ``symconv port``.  Keyboard, play button, step slider, hover, 320 px width, greyscale
contrast and self-containment are tested too.  Screenshots go to ``$SYMCONV_ARTIFACTS``
(default: a temporary folder) and the click timings to ``explore-timings.json`` there.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from conftest import need_module, need_tool, run_cli

from symconv.expansion.core import Expansion
from symconv.index.request import operation

#: (name, arguments of ``symconv explore``)
CONFIGS = [
    ("article-conv", ["conv", "--image", "7x7", "--kernel", "3x3", "--mode", "same"]),
    ("corr-stride-values", ["corr", "--image", "5x5", "--kernel", "3x3", "--padding", "1",
                            "--stride", "2", "--x", "1,2,3,4,5;6,7,8,9,10;1,1,1,1,1;0,0,0,0,0;"
                            "2,2,2,2,2", "--h", "1,0,-1;2,0,-2;1,0,-1"]),
    ("corr-reflected-ij", ["corr-reflected", "--image", "6x5", "--kernel", "3x2", "--origin",
                           "corner", "--axes", "ij"]),
    ("transpose", ["conv-transpose", "--image", "3x3", "--kernel", "3x3", "--stride", "2",
                   "--padding", "1", "--output-padding", "1"]),
    ("dilated-reflect", ["conv", "--image", "6x6", "--kernel", "3x3", "--dilation", "2",
                         "--padding", "2", "--padding-mode", "reflect"]),
    ("1d-values", ["conv", "--image", "8", "--kernel", "4", "--stride", "3", "--x",
                   "1,2,3,4,5,6,7,8", "--h", "1,-1,2,1/2", "--origin", "corner"]),
    ("circular-custom", ["corr", "--image", "5x4", "--kernel", "2x3", "--padding", "1:2,0:1",
                         "--padding-mode", "circular"]),
    ("transpose-1d-uneven", ["conv-transpose", "--image", "4", "--kernel", "3", "--stride",
                             "3", "--dilation", "2", "--padding", "0:1"]),
    ("symmetric-valid-names", ["corr", "--image", "5x5", "--kernel", "3x3", "--padding", "2",
                               "--padding-mode", "symmetric", "--names",
                               "image=f,kernel=w,output=g"]),
    ("offset-origin-indexed", ["conv", "--image", "4x5", "--kernel", "3x3", "--origin",
                               "1,2", "--entries", "indexed", "--mode", "valid"]),
    # values the page sums exactly (decimals are exact: 0.1 + 0.2 - 0.3 is 0), large ones
    # kept whole, and a symbol (no number shown: symconv's value is 2*t + 1)
    ("exact-decimals", ["corr", "--image", "3", "--kernel", "3", "--mode", "valid",
                        "--x", "0.1,0.2,0.3", "--h", "1,1,-1"]),
    ("large-values", ["corr", "--image", "3", "--kernel", "2", "--x",
                      "123456789.5,-82.174,1/3", "--h", "1,2"]),
    ("symbol-values", ["corr", "--image", "3", "--kernel", "2", "--x", "1,t,2", "--h",
                       "1,2", "--origin", "corner"]),
    ("kernel-values-only", ["conv", "--image", "5", "--kernel", "3", "--h", "1,2,3"]),
    # a symbol times zero is zero: symconv's value is a number there (3/2)
    ("symbol-times-zero", ["corr", "--image", "3", "--kernel", "2", "--origin", "corner",
                           "--mode", "valid", "--x", "t,3,u", "--h", "0,1/2"]),
    # long values and entry names set smaller in their cells
    ("long-texts", ["corr", "--image", "3", "--kernel", "2", "--x", "1/3,2/7,-5/11", "--h",
                    "1/13,1/17", "--padding", "1", "--padding-mode", "reflect", "--entries",
                    "alpha_long_entry,beta"]),
]

#: Settings the page's controls make from the article's page: (control id, value).
CONTROL_STEPS = [
    [("c-op", "corr")],
    [("c-op", "corr-reflected"), ("c-stride", "2")],
    [("c-op", "conv"), ("c-padding", "1"), ("c-stride", "2"), ("c-dilation", "2")],
    [("c-padding", "2"), ("c-mode", "reflect"), ("c-kernel", "4")],
    [("c-mode", "circular"), ("c-kernel", "5"), ("c-padding", "valid")],
    [("c-op", "conv-transpose"), ("c-kernel", "3"), ("c-stride", "2")],
    [("c-outpad", "1"), ("c-padding", "1")],
    [("c-op", "corr"), ("c-padding", "full"), ("c-kernel", "2")],
    [("c-mode", "symmetric"), ("c-padding", "same"), ("c-dilation", "3")],
]

ARTIFACTS = Path(os.environ.get("SYMCONV_ARTIFACTS", "")) if os.environ.get(
    "SYMCONV_ARTIFACTS") else None
TIMINGS: list[float] = []


@pytest.fixture(scope="module")
def browser() -> Any:
    need_module("playwright")
    from playwright.sync_api import sync_playwright

    exe = need_tool("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()
    if TIMINGS:
        out = _artifacts() / "explore-timings.json"
        s = sorted(TIMINGS)
        out.write_text(json.dumps({"clicks": len(s), "median_ms": s[len(s) // 2],
                                   "max_ms": s[-1]}, indent=1))


_TMP: dict[str, Path] = {}


def _artifacts() -> Path:
    if ARTIFACTS is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        return ARTIFACTS
    if "dir" not in _TMP:
        import tempfile

        _TMP["dir"] = Path(tempfile.mkdtemp(prefix="symconv-explore-"))
    return _TMP["dir"]


def open_page(browser: Any, args: list[str], tmp: Path, width: int = 1200) -> Any:
    path = tmp / "page.html"
    r = run_cli("explore", *args, "-o", str(path))
    assert r.code == 0, r.err
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]")
    page.requests = requests  # type: ignore[attr-defined]
    return page


READ = """() => {
  const sel = (q) => [...document.querySelectorAll(q)];
  const on = (q) => sel(q + '[aria-selected=true]');
  return {
    outputs: on('[data-output]').map((e) => e.dataset.output),
    pixels: on('[data-pixel]:not([data-padding])').map((e) => e.dataset.pixel),
    padding: on('[data-padding]').map((e) => e.dataset.pixel),
    kernel: on('[data-kernel]').map((e) => e.dataset.kernel),
    terms: sel('[data-terms] math[data-term]').map((e) => e.getAttribute('data-term')),
    value: (document.querySelector('[data-terms] [data-value]') || {}).textContent || null,
    ms: window.symconvExplorer.lastMs,
  };
}"""


def key(v: Any) -> str:
    return ",".join(str(int(a)) for a in v)


def expected_padding(exp: Expansion, at: tuple[int, ...]) -> set[str]:
    """The padding cells under the kernel for output ``at``, from symconv's relation: the
    taps whose image index ``(s*m + sigma*d*k + c)/u`` is an integer outside the image."""
    import itertools

    per = []
    for f, m in zip(exp.relation.factors, at, strict=True):
        per.append([int(f.affine(m, k)) for k in range(f.ker_lo, f.ker_lo + f.ker_size)])
    out = set()
    for raws in itertools.product(*per):
        facs = exp.relation.factors
        if any(r % f.in_stride for r, f in zip(raws, facs, strict=True)):
            continue  # an inserted zero, not a pixel
        idx = [r // f.in_stride for r, f in zip(raws, facs, strict=True)]
        if any(not f.img_lo <= i < f.img_lo + f.img_size for i, f in zip(idx, facs,
                                                                          strict=True)):
            out.add(key(idx))
    return out


def command_args(page: Any, port: bool = False) -> list[str]:
    cmd = page.evaluate(f"() => window.symconvExplorer.command({'true' if port else ''})")
    assert cmd[:2] == ["symconv", "port" if port else "expand"]
    if not port:
        shown = page.inner_text("#command")
        assert shlex.split(shown) == cmd  # the line shown is the command, quoted for a shell
    return cmd[2:]


def expansion_of(args: list[str]) -> Expansion:
    """symconv's own Expansion of the page's command (through the CLI's parser)."""
    from symconv.cli import _join_negative_values, build_parser
    from symconv.commands.common import operation_kwargs

    ns = build_parser().parse_args(_join_negative_values(["expand", *args]))
    return Expansion(operation(ns.op, ns.image, ns.kernel, **operation_kwargs(ns)))


#: Every output clicked inside the page (``element.click()``, the same handler), the
#: selection read after each: one round trip for a whole configuration.
READ_ALL = ("() => window.symconvExplorer.outputs().map((m) => {\n"
            "  document.querySelector(`[data-output=\"${m.join(',')}\"]`).click();\n"
            "  return (" + READ + ")();\n})")


RATIONAL = re.compile(r"-?\d+(/\d+)?")


def check_value(shown: str | None, out: dict[str, Any], what: str, m: str) -> None:
    """The value the page shows is symconv's: its exact rational as SymPy prints it, a
    float to 12 digits, or nothing where the value holds a symbol or a surd."""
    exact = out.get("exact")
    if shown is None:
        assert exact is None or not RATIONAL.fullmatch(exact), (what, m, exact)
        return
    shown = shown.removeprefix("= ")
    if RATIONAL.fullmatch(shown):
        assert shown == exact, (what, m, shown, exact)
    else:
        value = float(out["value"])
        assert abs(float(shown) - value) <= 1e-9 * max(1.0, abs(value)), (what, m, shown)


def check_every_output(page: Any, what: str, real: bool = True) -> int:
    """Click every output (with Playwright's mouse when ``real``, else in the page) and
    compare the selection with symconv's JSON of the command the page shows."""
    args = command_args(page)
    r = run_cli("expand", *args, "--format", "json")
    assert r.code == 0, (what, args, r.err)
    data = json.loads(r.out)
    exp = expansion_of(args)
    page_outputs = [key(m) for m in page.evaluate("() => window.symconvExplorer.outputs()")]
    assert page_outputs == [key(o["index"]) for o in data["outputs"]], what
    batch = None if real else page.evaluate(READ_ALL)
    for n, o in enumerate(data["outputs"]):
        m = key(o["index"])
        if batch is None:
            page.click(f'[data-output="{m}"]')
            got = page.evaluate(READ)
        else:
            got = batch[n]
        TIMINGS.append(got["ms"])
        terms = [f'{key(t["x"])}|{key(t["h"])}' for t in o["terms"]]
        assert got["outputs"] == [m], (what, m)
        assert got["terms"] == terms, (what, m)
        assert set(got["pixels"]) == {key(t["x"]) for t in o["terms"]}, (what, m)
        assert len(got["pixels"]) == len(set(got["pixels"]))
        assert set(got["kernel"]) == {key(t["h"]) for t in o["terms"]}, (what, m)
        assert set(got["padding"]) == expected_padding(exp, tuple(o["index"])), (what, m)
        check_value(got["value"], o, what, m)
    return len(data["outputs"])


LIBRARIES = ("numpy", "scipy", "torch", "tensorflow", "jax", "opencv", "matlab")


def check_code(page: Any, what: str) -> None:
    """The code panel's snippets, which the page writes itself, are ``symconv port``'s for
    the page's command, for all seven libraries (notes included), and the panel shows the
    chosen library's."""
    args = command_args(page, port=True)
    ports = page.evaluate("() => window.symconvExplorer.ports()")
    assert sorted(ports) == sorted(LIBRARIES), what
    r = run_cli("port", *args, "--format", "json", "--to", ",".join(LIBRARIES))
    assert r.code == 0, r.err
    for want in json.loads(r.out)["ports"]:
        got = ports[want["library"]]
        source = "" if want["code"] is None else (
            want["imports"] + "\n\n" + want["code"]).strip() + "\n"
        assert got["source"] == source, (what, want["library"], got["source"], source)
        assert got["notes"] == want["notes"], (what, want["library"])
    shown = page.get_attribute("#code", "data-library")
    assert page.inner_text("#code").strip() == ports[shown]["source"].strip(), what


@pytest.mark.parametrize("name,args", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_every_output_matches_symconv(browser: Any, tmp_path: Path, name: str,
                                      args: list[str]) -> None:
    page = open_page(browser, args, tmp_path)
    assert check_every_output(page, name) > 0
    check_code(page, name)
    page.click('[data-output]')
    page.screenshot(path=str(_artifacts() / f"explore-{name}.png"), full_page=True)
    assert page.requests == [(tmp_path / "page.html").as_uri()]  # nothing else is loaded
    page.close()


def test_controls_recompute_in_the_page(browser: Any, tmp_path: Path) -> None:
    page = open_page(browser, CONFIGS[0][1], tmp_path)
    total = 0
    for n, steps in enumerate(CONTROL_STEPS):
        for control, value in steps:
            page.select_option(f"#{control}", value)
        what = f"controls step {n}: {steps}"
        assert page.is_hidden("#error"), (what, page.inner_text("#error"))
        total += check_every_output(page, what, real=False)
        check_code(page, what)
    assert total > 200
    page.screenshot(path=str(_artifacts() / "explore-controls.png"), full_page=True)
    page.close()


def test_refused_settings_say_so_as_symconv_does(browser: Any, tmp_path: Path) -> None:
    page = open_page(browser, ["conv", "--image", "5x5", "--kernel", "3x3", "--padding", "0"],
                     tmp_path)
    page.select_option("#c-kernel", "7")  # larger than the unpadded image
    assert page.is_visible("#error")
    message = page.inner_text("#error")
    r = run_cli("expand", *command_args(page), "--format", "json")
    assert r.code == 2
    assert message.removeprefix("symconv would refuse this: ") in r.err
    assert page.locator("[data-output]").count() == 0
    # while refused: no output, no relation, no step to walk
    assert page.inner_text("#where") == "no output" and page.inner_text("#relation") == ""
    assert page.get_attribute("#step", "max") == "0"
    page.select_option("#c-padding", "3")  # padded enough again
    assert page.is_hidden("#error")
    check_every_output(page, "after the refusal")
    page.close()
    # a symbol among the image's values that becomes a kernel entry's name once the kernel's
    # values are dropped (another kernel size): refused, as symconv refuses it
    page = open_page(browser, ["corr", "--image", "3", "--kernel", "2", "--x", "1,e,2"],
                     tmp_path)
    page.select_option("#c-kernel", "5")
    assert page.is_visible("#error")
    r = run_cli("expand", *command_args(page), "--format", "json")
    assert r.code == 2 and "symbol 'e'" in r.err
    assert page.inner_text("#error").removeprefix("symconv would refuse this: ") in r.err
    page.close()


def test_keyboard_slider_play_and_hover(browser: Any, tmp_path: Path) -> None:
    page = open_page(browser, CONFIGS[0][1], tmp_path)  # 7x7 outputs, axes xy
    sel = lambda: page.evaluate(READ)["outputs"]  # noqa: E731
    page.click('[data-output="0,0"]')
    page.keyboard.press("ArrowRight")  # the first index runs across
    assert sel() == ["1,0"]
    page.keyboard.press("ArrowDown")
    assert sel() == ["1,1"]
    assert page.evaluate("document.activeElement.dataset.output") == "1,1"
    page.keyboard.press("End")
    assert sel() == ["3,3"]
    page.keyboard.press("Home")
    assert sel() == ["-3,-3"]
    page.keyboard.press("ArrowLeft")  # stays at the edge
    assert sel() == ["-3,-3"]
    # the step slider walks outputs in order (C order over positions)
    page.eval_on_selector("#step", "e => { e.value = 9; e.dispatchEvent(new Event('input')); }")
    assert sel() == ["-2,-1"]
    # the play button walks on by itself; pressing it again stops
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "true"
    page.wait_for_function("document.querySelector('#step').value === '11'", timeout=5000)
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "false"
    stopped = sel()
    page.wait_for_timeout(1200)
    assert sel() == stopped
    page.hover('[data-output="2,3"]')
    assert sel() == ["2,3"]
    # the code panel's tabs: each library's code, the chosen tab marked
    for lib in ("matlab", "jax", "torch"):
        page.click(f'#libraries [data-library="{lib}"]')
        assert page.get_attribute("#code", "data-library") == lib
        assert page.get_attribute(f'#libraries [data-library="{lib}"]',
                                  "aria-selected") == "true"
        want = page.evaluate(f"() => window.symconvExplorer.ports().{lib}.source")
        assert page.inner_text("#code").strip() == want.strip()
    # the tabs keep the focus and the arrow keys move between them
    page.focus('#libraries [data-library="torch"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.library") == "torch"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.library") == "numpy"
    assert page.get_attribute("#code", "data-library") == "numpy"
    # every control has a label; the output cells are reachable with Tab
    assert page.evaluate("[...document.querySelectorAll('select')].every(s => s.closest('label'))")
    page.close()


def test_narrow_screen_and_greyscale(browser: Any, tmp_path: Path) -> None:
    page = open_page(browser, CONFIGS[1][1], tmp_path, width=320)
    page.click('[data-output="0,0"]')
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, width  # grids scroll inside their panels, the page does not
    page.screenshot(path=str(_artifacts() / "explore-320px.png"), full_page=True)
    page.close()
    # text against its cell in grey levels (the relative luminance contrast, WCAG): the
    # selected output, kernel entries on the input (on pixels, on zeros, on padding that
    # repeats a pixel), the pixels it reads, padding, every cell; zero and circular padding
    for name in ("corr-stride-values", "circular-custom"):
        page = open_page(browser, dict(CONFIGS)[name], tmp_path)
        page.locator("[data-output]").first.click()  # the corner: it reads padding
        assert page.locator(".cell.win[data-padding], .cell.muted-tap").count() > 0
        check_contrast(page)
        page.close()


def check_contrast(page: Any) -> None:
    contrast = page.evaluate("""() => {
      const lum = (c) => {
        const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((x) => x / 255)
          .map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
      };
      const ratio = (e) => {
        const s = getComputedStyle(e);
        const a = lum(s.color), b = lum(s.backgroundColor);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      };
      const q = (s) => document.querySelector(s);
      const worst = (s) => Math.min(...[...document.querySelectorAll(s)].map(ratio));
      return {
        output: ratio(q('[data-output][aria-selected=true]')),
        window: worst('.cell.win'),
        muted: worst('.cell.muted-tap'),
        read: worst('.cell.read'),
        padding: worst('[data-padding]'),
        cells: worst('.cell'),
        fills: ['.cell.win', '[data-output][aria-selected=true]',
                '[data-pixel].read:not(.win)', '[data-padding]:not(.win):not(.muted-tap)']
          .map((s) => q(s) ? lum(getComputedStyle(q(s)).backgroundColor) : null),
      };
    }""")
    for what in ("output", "window", "muted", "read", "padding", "cells"):
        assert contrast[what] >= 4.5, (what, contrast)
    fills = [f for f in contrast["fills"] if f is not None]
    # the states' fills are different greys (and each has its own border besides)
    assert all(abs(a - b) > 0.05 for i, a in enumerate(fills) for b in fills[i + 1:]), fills


def test_page_is_self_contained_and_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for p in (a, b):
        assert run_cli("explore", *CONFIGS[1][1], "-o", str(p)).code == 0
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<link" not in text and "@import" not in text and "url(" not in text
    assert "data-terms" in text and 'id="symconv-config"' in text


@pytest.mark.parametrize("args,message", [
    (["avg-pool", "--image", "5x5", "--kernel", "3x3"], "invalid choice"),
    (["conv", "--image", "3x3x3", "--kernel", "2x2x2"], "1-D and 2-D"),
    (["conv", "--image", "4x5x5", "--kernel", "2x4x3x3", "--layer"], "--layer"),
    (["conv", "--image", "65x65", "--kernel", "3x3"], "at most 4,096"),
    (["conv", "--image", "9x9", "--kernel", "16x3"], "kernel side 16"),
    (["corr", "--image", "5", "--kernel", "3", "--conjugate"], "--conjugate"),
    (["conv", "--image", "5", "--kernel", "3", "--convention", "matlab"], "--convention"),
    (["conv", "--image", "5", "--kernel", "3", "--x", "1,2,3,4,1+2j"], "complex"),
])
def test_refusals_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "page.html"
    r = run_cli("explore", *args, "-o", str(out))
    assert r.code == 2
    assert message in r.err and r.err.count("\n") == 1, r.err
    assert not out.exists() and not list(tmp_path.iterdir())


def test_notebook_display_is_an_isolated_frame() -> None:
    from symconv.app.explore import explore

    page = explore("corr", "4x4", "2x2", origin="corner")
    frame = page._repr_html_()
    assert frame.startswith("<iframe") and "srcdoc=" in frame and "<script" not in frame


def test_large_page_size_and_click_timings(browser: Any, tmp_path: Path) -> None:
    """The issue's benchmark page (32x32 image, 5x5 kernel): at most 500 KB; every fourth
    output clicked in the page, a sample clicked with the mouse and checked against symconv;
    the handler's time and the click-to-paint time reported in
    ``explore-32x32-timings.json`` (not asserted: they are the machine's)."""
    args = ["conv", "--image", "32x32", "--kernel", "5x5", "--mode", "same"]
    page = open_page(browser, args, tmp_path, width=1400)
    size = (tmp_path / "page.html").stat().st_size
    assert size <= 500_000, size
    ms = page.evaluate("""() => [...document.querySelectorAll('[data-output]')]
      .filter((c, n) => n % 4 === 0)
      .map((c) => { c.click(); return window.symconvExplorer.lastMs; })""")
    assert len(ms) == 256
    s = sorted(ms)
    data = json.loads(run_cli("expand", *args, "--format", "json").out)
    paints = []
    for o in data["outputs"][::97]:
        m = key(o["index"])
        page.evaluate("window.symconvExplorer.lastPaintMs = null")
        page.click(f'[data-output="{m}"]')
        got = page.evaluate(READ)
        assert got["terms"] == [f'{key(t["x"])}|{key(t["h"])}' for t in o["terms"]], m
        paints.append(page.wait_for_function("window.symconvExplorer.lastPaintMs").json_value())
    (_artifacts() / "explore-32x32-timings.json").write_text(json.dumps(
        {"page_bytes": size, "handler_clicks": len(s), "handler_median_ms": s[len(s) // 2],
         "handler_max_ms": s[-1], "mouse_clicks": len(paints),
         "click_to_paint_median_ms": sorted(paints)[len(paints) // 2],
         "click_to_paint_max_ms": max(paints)}, indent=1))
    page.close()


def _random_args(rng: Any) -> list[str]:
    """A random request the page takes: 1-D or 2-D, every operation, window or padding,
    every padding mode, stride, dilation, origin and axes (symconv may refuse it)."""
    dims = rng.choice([1, 2])
    op = rng.choice(["conv", "corr", "corr-reflected", "conv-transpose"])
    img = [rng.randint(1, 6) for _ in range(dims)]
    ker = [rng.randint(1, 4) for _ in range(dims)]
    args = [op, "--image", "x".join(map(str, img)), "--kernel", "x".join(map(str, ker))]
    args += ["--origin", rng.choice(["center", "corner", ",".join(
        str(rng.randint(-2, 2)) for _ in range(dims))])]
    if dims == 2:
        args += ["--axes", rng.choice(["xy", "ij"])]
    args += ["--stride", ",".join(str(rng.randint(1, 3)) for _ in range(dims))]
    args += ["--dilation", ",".join(str(rng.randint(1, 2)) for _ in range(dims))]
    if op == "conv-transpose":
        args += ["--padding", ",".join(f"{rng.randint(0, 2)}:{rng.randint(0, 2)}"
                                       for _ in range(dims))]
        args += ["--output-padding", str(rng.randint(0, 1))]
    elif rng.random() < 0.4:
        args += ["--mode", rng.choice(["full", "same", "valid"])]
    else:
        args += ["--padding", ",".join(f"{rng.randint(0, 3)}:{rng.randint(0, 3)}"
                                       for _ in range(dims))]
        args += ["--padding-mode", rng.choice(["zeros", "circular", "reflect", "replicate",
                                               "symmetric"])]
    return args


def test_random_requests_match_symconv(browser: Any, tmp_path: Path) -> None:
    """60 random requests (a fixed seed): where symconv makes the page, every output's
    highlighted cells and terms are symconv's, and so are the PyTorch and NumPy ports."""
    import random

    rng = random.Random(17)
    made = outputs = 0
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    while made < 60:
        args = _random_args(rng)
        path = tmp_path / "page.html"
        r = run_cli("explore", *args, "-o", str(path))
        if r.code:
            assert r.code == 2 and r.err.count("\n") == 1, (args, r.err)
            continue
        made += 1
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]")
        outputs += check_every_output(page, f"random {args}", real=False)
        check_code(page, f"random {args}")
    assert outputs > 200
    page.close()


def test_cell_text_fits_its_cell(browser: Any, tmp_path: Path) -> None:
    """Long values and entry names are set smaller (and wrap at the smallest size) rather
    than run past their cells: every text of every cell, for every output selected."""
    page = open_page(browser, dict(CONFIGS)["long-texts"], tmp_path)
    over = page.evaluate("""() => window.symconvExplorer.outputs().flatMap((m) => {
      document.querySelector(`[data-output="${m.join(',')}"]`).click();
      return [...document.querySelectorAll('.cell span')].filter((s) => s.textContent)
        .filter((s) => s.getBoundingClientRect().width > s.parentElement.clientWidth + 1)
        .map((s) => s.textContent);
    })""")
    assert over == [], over
    page.close()


def test_boolean_values_from_npy(tmp_path: Path) -> None:
    """Values from a boolean .npy print as 1 and 0 in the page's command (the values'
    grammar takes numbers), which symconv accepts."""
    import numpy as np

    from symconv.app.explore import explore

    path = tmp_path / "x.npy"
    np.save(path, np.array([True, False, True]))
    page = explore("corr", "3", "2", x=str(path), h="1,2")
    config = json.loads(page.html.split('id="symconv-config">')[1].split("</script>")[0])
    assert config["x"]["option"] == "1,0,1"
    assert run_cli("expand", "corr", "--image", "3", "--kernel", "2", "--x", "1,0,1",
                   "--h", "1,2", "--format", "json").code == 0
