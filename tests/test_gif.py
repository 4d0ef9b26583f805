"""``symconv expand ... --format gif`` (and ``mp4``): the sliding-kernel animation.

The frames are read back from the GIF and checked at pixels whose places are computed from
the layout (the input at x = 1, y = 1.4 model units, the output 1.6 units right of it, a
unit 40 px): one frame per output, the current output's cell filled where that output is
drawn, the kernel's cells filled on the input where its taps are, the padding ring dashed,
text large and dark enough; the kernel entries on each frame's cells are the terms of
``--format json``; the bytes are the same on every run; errors are one line, exit 2 and no
file.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REQUIRE_TOOLS, need_module, run_cli

from symconv.expansion.core import expand
from symconv.render import palette

#: The layout of the sliding figure (symconv/expansion/figures/sliding.py, _layout), in
#: model units: the input's top-left cell, the gap between input and output.
X0, Y0, GAP = 1.0, 1.4, 1.6

#: (name, CLI arguments, expand() keywords): 1-D, 2-D, stride, padding zeros and reflect,
#: dilation, conv-transpose, values.
CASES: list[tuple[str, list[str], dict[str, Any]]] = [
    ("1d", ["conv", "--image", "5", "--kernel", "3", "--origin", "corner", "--mode", "valid"],
     dict(op="conv", image="5", kernel="3", origin="corner", mode="valid")),
    ("2d-full", ["conv", "--image", "4x4", "--kernel", "3x3"],
     dict(op="conv", image="4x4", kernel="3x3")),
    ("stride2", ["conv", "--image", "5x5", "--kernel", "3x3", "--origin", "corner",
                 "--padding", "1", "--stride", "2"],
     dict(op="conv", image="5x5", kernel="3x3", origin="corner", padding=1, stride=2)),
    ("reflect", ["corr", "--image", "4x4", "--kernel", "3x3", "--origin", "corner",
                 "--padding", "1", "--padding-mode", "reflect"],
     dict(op="corr", image="4x4", kernel="3x3", origin="corner", padding=1,
          padding_mode="reflect")),
    ("dilation", ["corr", "--image", "7", "--kernel", "3", "--origin", "corner", "--mode",
                  "valid", "--dilation", "2", "--x", "1,2,0,-1,3,2,1", "--h", "1,0,-1"],
     dict(op="corr", image="7", kernel="3", origin="corner", mode="valid", dilation=2,
          x=[1, 2, 0, -1, 3, 2, 1], h=[1, 0, -1])),
    ("transpose", ["conv-transpose", "--image", "2x2", "--kernel", "3x3", "--origin",
                   "corner", "--stride", "2", "--padding", "1", "--output-padding", "1"],
     dict(op="conv-transpose", image="2x2", kernel="3x3", origin="corner", stride=2,
          padding=1, output_padding=1)),
    ("values-ij", ["corr", "--image", "4x4", "--kernel", "2x2", "--origin", "corner",
                   "--axes", "ij", "--stride", "2", "--x", "1,2,3,4;5,6,7,8;9,10,11,12;"
                   "13,14,15,16", "--h", "1,2;3,-4"],
     dict(op="corr", image="4x4", kernel="2x2", origin="corner", axes="ij", stride=2,
          x="1,2,3,4;5,6,7,8;9,10,11,12;13,14,15,16", h="1,2;3,-4")),
    ("x-only", ["conv", "--image", "3x3", "--kernel", "2x2", "--origin", "corner",
                "--padding", "1", "--x", "1,2,3;4,5,6;7,8,9"],
     dict(op="conv", image="3x3", kernel="2x2", origin="corner", padding=1,
          x="1,2,3;4,5,6;7,8,9")),
]
IDS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def pil() -> Any:
    return need_module("PIL")


def _exp(kw: dict[str, Any]) -> Any:
    kw = dict(kw)
    return expand(kw.pop("op"), kw.pop("image"), kw.pop("kernel"), **kw)


def make_gif(tmp: Path, argv: list[str], name: str = "a.gif") -> tuple[bytes, list[Any]]:
    """Run the CLI to ``tmp/name``; the file's bytes and its frames as RGB images."""
    from PIL import Image

    path = tmp / name
    res = run_cli("expand", *argv, "--format", "gif", "-o", str(path))
    assert res.code == 0, res.err
    assert res.out == "" and res.err == ""
    data = path.read_bytes()
    im = Image.open(io.BytesIO(data))
    frames = []
    for k in range(im.n_frames):
        im.seek(k)
        frames.append(im.convert("RGB"))
    return data, frames


class Geometry:
    """Where the cells of the sliding figure are, in pixels, from the layout alone."""

    def __init__(self, exp: Any) -> None:
        from symconv.expansion.figures.sliding import Window, sliding_kernel
        from symconv.render.raster import PX_PER_CM

        self.exp = exp
        self.w = Window(exp)
        self.base, self.frames = sliding_kernel(exp)
        self.s = self.base.unit * PX_PER_CM
        self.cw = 1.35 if exp.substitutes else 1.0
        self.ox = X0 + self.w.dims()[0] * self.cw + GAP
        self.xy = len(exp.shape) == 1 or exp.operation.image.axes == "xy"

    def px(self, v: float) -> int:
        return round(v * self.s)

    def output_cell(self, idx: tuple[int, ...]) -> tuple[int, int, int, int]:
        rel = [i - lo for i, lo in zip(idx, self.exp.out_lo, strict=True)]
        c, r = (rel[0], 0) if len(rel) == 1 else (rel[0], rel[1]) if self.xy else \
            (rel[1], rel[0])
        x, y = self.ox + c * self.cw, Y0 + r
        return self.px(x), self.px(y), self.px(x + self.cw), self.px(y + 1)

    def input_cell(self, pos: tuple[int, ...]) -> tuple[int, int, int, int]:
        c, r = self.w.place(pos)
        x, y = X0 + c * self.cw, Y0 + r
        return self.px(x), self.px(y), self.px(x + self.cw), self.px(y + 1)

    def input_slots(self) -> list[tuple[int, ...]]:
        return [s.pos for s in self.w.slots()]

    def unplace(self, x: float, y: float) -> tuple[int, ...]:
        """The slot (per axis) of an input cell drawn at model (x, y)."""
        c, r = round((x - X0) / self.cw), round(y - Y0)
        if len(self.exp.shape) == 1:
            return (self.w.lo[0] + c,)
        a, b = (c, r) if self.xy else (r, c)
        return self.w.lo[0] + a, self.w.lo[1] + b


def _reading_order(exp: Any) -> Any:
    """Rows from the top, each from the left: the second index is the row with axes xy,
    the first with ij."""
    if len(exp.shape) == 1:
        return lambda i: i
    if exp.operation.image.axes == "xy":
        return lambda i: (i[1], i[0])
    return lambda i: i


def corner(img: Any, box: tuple[int, int, int, int]) -> tuple[int, int, int]:
    """The colour just inside a cell's top-left corner (clear of borders, outlines and
    text)."""
    return img.getpixel((box[0] + 6, box[1] + 6))


# -- frames and pixels -------------------------------------------------------------------------
@pytest.mark.parametrize("name,argv,kw", CASES, ids=IDS)
def test_one_frame_per_output_highlight_and_kernel_where_drawn(
        pil: Any, tmp_path: Path, name: str, argv: list[str], kw: dict[str, Any]) -> None:
    exp = _exp(kw)
    _, frames = make_gif(tmp_path, argv)
    outputs = sorted(exp.indices(), key=_reading_order(exp))
    assert len(frames) == len(outputs) == len(list(exp.indices()))
    g = Geometry(exp)
    focus, kernel, white = palette.rgb("focus"), palette.rgb("kernel"), (255, 255, 255)
    slots = g.input_slots()
    for img, fr, at in zip(frames, g.frames, outputs, strict=True):
        assert fr.index == at  # reading order
        # the current output's cell, and only it, is filled with the focus colour
        for idx in outputs:
            want = focus if idx == at else white
            assert corner(img, g.output_cell(idx)) == want, (name, at, idx)
        # the kernel's cells are filled on the input exactly at this output's taps
        taps = {pos for pos, _ in g.w.taps(at)}
        assert taps
        for pos in slots:
            got = corner(img, g.input_cell(pos))
            assert (got == kernel) == (pos in taps), (name, at, pos, got)
            assert got in (kernel, white)


def test_frame_durations_loop_and_caption(pil: Any, tmp_path: Path) -> None:
    from PIL import Image

    from symconv.render.raster import FRAME_MS, LAST_FRAME_MS

    data, frames = make_gif(tmp_path, CASES[2][1])
    im = Image.open(io.BytesIO(data))
    assert im.info["loop"] == 0  # forever
    times = []
    for k in range(im.n_frames):
        im.seek(k)
        times.append(im.info["duration"])
    assert times == [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    assert 500 <= FRAME_MS <= 900
    im.seek(0)
    assert b"sliding" in im.info.get("comment", b"")  # the figure's caption, for readers


def _border_run(img: Any, y: int, x0: int, x1: int) -> list[bool]:
    """Whether each pixel of row ``y`` from ``x0`` to ``x1`` is ink (a border)."""
    return [sum(img.getpixel((x, y))) < 3 * 200 for x in range(x0, x1)]


@pytest.mark.parametrize("argv,kw,padded", [
    (CASES[2][1], CASES[2][2], True),
    (CASES[3][1], CASES[3][2], True),
    (CASES[0][1], CASES[0][2], False),
    (["corr", "--image", "4x4", "--kernel", "2x2", "--origin", "corner", "--mode", "valid"],
     dict(op="corr", image="4x4", kernel="2x2", origin="corner", mode="valid"), False),
], ids=["zeros", "reflect", "1d-valid", "2d-valid"])
def test_padding_ring_is_dashed_and_only_with_padding(
        pil: Any, tmp_path: Path, argv: list[str], kw: dict[str, Any], padded: bool) -> None:
    exp = _exp(kw)
    _, frames = make_gif(tmp_path, argv)
    g = Geometry(exp)
    last = frames[-1]  # the kernel at the far corner: the top-left cell is not under it
    x0, y0, _, _ = g.input_cell(g.input_slots()[0])
    _, _, x1, _ = g.input_cell(g.input_slots()[-1])
    top = _border_run(last, y0, x0 + 2, x1 - 2)
    assert g.w.padded == padded
    if padded:
        # the outer edge of the ring: dashes, with gaps between them (several a cell)
        gaps = sum(1 for a, b in zip(top, top[1:], strict=False) if a and not b)
        assert gaps >= 3 * g.w.dims()[0], top
        assert 0.4 < sum(top) / len(top) < 0.85
    else:
        assert all(top), "the image's edge is a solid line"


# -- legibility ----------------------------------------------------------------------------
def _ink_box(img: Any, box: tuple[int, int, int, int], bg: tuple[int, int, int],
             tol: int = 60) -> tuple[int, int, int, int] | None:
    """Bounding box of the pixels inside ``box`` (borders excluded) that differ from
    ``bg``."""
    xs, ys = [], []
    for y in range(box[1] + 3, box[3] - 2):
        for x in range(box[0] + 3, box[2] - 2):
            p = img.getpixel((x, y))
            if sum(abs(a - b) for a, b in zip(p, bg, strict=True)) > tol:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs) + 1, max(ys) + 1) if xs else None


def luminance(rgb: tuple[int, ...]) -> float:
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_is_legible_at_100_percent(pil: Any, tmp_path: Path) -> None:
    """Digits in the cells are at least 12 px tall (the glyphs of an 18 px font), the
    index labels at least 11 px; the dark text on each fill has a contrast of 4.5:1 or
    more in grey (WCAG's body text), the muted grey 3:1."""
    name, argv, kw = CASES[4]  # 1-D with values: digits in every cell
    exp = _exp(kw)
    _, frames = make_gif(tmp_path, argv)
    g = Geometry(exp)
    img = frames[0]
    white, kernel, focus = (255, 255, 255), palette.rgb("kernel"), palette.rgb("focus")
    # an output's value ("-2", "0"...) and a pixel's ("1", "2") on white
    heights = []
    for idx in list(exp.indices())[1:]:
        box = _ink_box(img, g.output_cell(idx), white)
        assert box is not None
        heights.append(box[3] - box[1])
    unlit = [p for p in g.input_slots() if p not in {q for q, _ in g.w.taps((0,))}]
    box = _ink_box(img, g.input_cell(unlit[0]), white)
    assert box is not None
    heights.append(box[3] - box[1])
    assert min(heights) >= 12, heights
    # the products on the kernel's cells ("1·a") and the current output's value
    for pos, _ in g.w.taps((0,)):
        box = _ink_box(img, g.input_cell(pos), kernel)
        assert box is not None and box[3] - box[1] >= 12 and box[2] - box[0] >= 20, box
    focus_box = _ink_box(img, g.output_cell((0,)), focus)
    assert focus_box is not None and focus_box[3] - focus_box[1] >= 12
    # a header label (the index 0 over the first pixel) on white
    x0, y0, x1, _ = g.input_cell(g.input_slots()[0])
    head = _ink_box(img, (x0, y0 - g.px(0.7), x1, y0), white)
    assert head is not None and head[3] - head[1] >= 11, head
    # contrast, measured: the darkest pixel of the text against the cell's fill
    for box, bg, least in ((g.input_cell(g.w.taps((0,))[0][0]), kernel, 4.5),
                           (g.output_cell((0,)), focus, 4.5),
                           (g.output_cell((1,)), white, 4.5)):
        ink = min((img.getpixel((x, y)) for y in range(box[1] + 3, box[3] - 2)
                   for x in range(box[0] + 3, box[2] - 2)), key=luminance)
        assert contrast(ink, bg) >= least, (box, ink, bg)
    # and for every text colour on every fill the figures use (greyscale: luminance)
    inks = [(0, 0, 0), palette.rgb("m"), palette.rgb("n")]
    for ink in inks:
        for bg in (white, kernel, focus):
            if ink != (0, 0, 0) and bg != white:
                continue  # index colours are only on white (headers)
            assert contrast(ink, bg) >= 4.5, (ink, bg)
    assert contrast(palette.rgb("muted"), kernel) >= 3.0
    assert contrast(palette.rgb("muted"), white) >= 4.5


def test_caption_glyph_height(pil: Any) -> None:
    """The frame's caption (``y[1,1] = 27/2``) and the cells' text: measured in a rendered
    frame, capitals and digits at least 12 px tall, brackets at least 16 px."""
    from symconv.render import raster

    exp = _exp(CASES[6][2])
    base, frames, images = raster.sliding_images(exp)
    img = images[-1]
    g = Geometry(exp)
    cx, cy = raster.caption_at(base)
    top = g.px(cy) - 20
    box = _ink_box(img, (g.px(cx) - 3, top, img.size[0] - 1, min(img.size[1], top + 42)),
                   (255, 255, 255))
    assert box is not None and box[3] - box[1] >= 16, box  # "[" spans ascender to descender
    assert raster.cap_height(raster.CAPTION_PX) >= 13
    assert raster.cap_height(raster.CELL_PX[base.font]) >= 12
    assert raster.MIN_PX >= 12


# -- the model: the kernel entries drawn are the terms of --format json ---------------------
@pytest.mark.parametrize("name,argv,kw", CASES, ids=IDS)
def test_frame_cells_are_the_json_terms(name: str, argv: list[str], kw: dict[str, Any]
                                        ) -> None:
    """For every output: the (pixel, entry) pairs on the frame's non-muted kernel cells
    (a padding cell read as the pixel it repeats) are exactly the terms that ``expand
    --format json`` lists for that output; the muted ones are the zero padding and the
    inserted zeros, which the terms leave out.  With values, each cell's number is the
    pixel's value."""
    from symconv.expansion.figures.model import text

    res = run_cli("expand", *argv, "--format", "json")
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    terms = {tuple(o["index"]): sorted((tuple(t["x"]), t["entry"]) for t in o["terms"])
             for o in doc["outputs"]}
    exp = _exp(kw)
    g = Geometry(exp)
    assert [fr.index for fr in g.frames] == sorted(terms, key=_reading_order(exp))
    img = exp.operation.image
    for fr in g.frames:
        drawn = []
        for c in fr.cells:
            if c.fill != "kernel":
                continue
            (line,) = c.lines
            slot = g.w.slot(g.unplace(c.x, c.y))
            if all(sp.muted for sp in line):
                assert slot.pixel is None or (slot.padding and slot.source is None), slot
                continue
            pixel = slot.source if slot.source is not None else slot.pixel
            assert pixel is not None
            (entry,) = [sp.text for sp in line if sp.role == "entry"]
            drawn.append((pixel, entry))
            if img.values is not None:
                xv = img.values[tuple(i - a for i, a in zip(pixel, img.lo, strict=True))]
                assert text(line) == f"{xv}\u00b7{entry}", (line, xv)
        assert sorted(drawn) == terms[fr.index], (name, fr.index)
        assert drawn, "every output here has a term"


# -- determinism --------------------------------------------------------------------------
def test_same_command_same_bytes(pil: Any, tmp_path: Path) -> None:
    argv = ["conv", "--image", "7x7", "--kernel", "3x3", "--mode", "same"]
    a, frames = make_gif(tmp_path, argv, "a.gif")
    b, _ = make_gif(tmp_path, argv, "b.gif")
    assert a == b
    assert len(frames) == 49
    assert a[:6] == b"GIF89a"


# -- mp4 -----------------------------------------------------------------------------------
def test_mp4_frames_match_the_gif(pil: Any, tmp_path: Path) -> None:
    av = need_module("av")
    import numpy as np

    from symconv.render.raster import FRAME_MS, LAST_FRAME_MS

    argv = CASES[2][1]
    _, gif_frames = make_gif(tmp_path, argv)
    path = tmp_path / "a.mp4"
    res = run_cli("expand", *argv, "--format", "mp4", "-o", str(path))
    assert res.code == 0, res.err
    data = path.read_bytes()
    res = run_cli("expand", *argv, "--format", "mp4", "-o", str(tmp_path / "b.mp4"))
    assert (tmp_path / "b.mp4").read_bytes() == data  # bit-exact: no dates
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        total = stream.duration * stream.time_base
        decoded = [(f.pts * f.time_base, f.to_image()) for f in c.decode(video=0)]
    assert len(decoded) == len(gif_frames)
    times = [float(t) for t, _ in decoded]
    steps = [round((b - a) * 1000) for a, b in zip(times, times[1:], strict=False)]
    assert steps == [FRAME_MS] * (len(decoded) - 1)
    # the last frame held LAST_FRAME_MS: the track ends that long after it starts
    assert float(total) == pytest.approx(times[-1] + LAST_FRAME_MS / 1000)
    for (_, img), ref in zip(decoded, gif_frames, strict=True):
        w, h = ref.size
        got = np.asarray(img.convert("RGB"), dtype=float)[:h, :w]
        want = np.asarray(ref, dtype=float)
        assert got.shape == want.shape
        assert np.abs(got - want).mean() < 4.0  # lossy, but the same picture
        # the current output's fill, far from edges, within a few levels
    g = Geometry(_exp(CASES[2][2]))
    for (_, img), fr in zip(decoded, g.frames, strict=True):
        x, y = g.output_cell(fr.index)[:2]
        got = img.convert("RGB").getpixel((x + 12, y + 12))
        assert max(abs(a - b) for a, b in zip(got, palette.rgb("focus"), strict=True)) < 12


# -- errors: one line, exit 2, no file ---------------------------------------------------------
def _no_file(folder: Path) -> None:
    assert sorted(os.listdir(folder)) == [], os.listdir(folder)


@pytest.mark.parametrize("argv,needle", [
    (["conv", "--image", "17x17", "--kernel", "3x3", "--format", "gif", "-o", "{}/a.gif"],
     "361 frames"),
    (["conv", "--image", "40", "--kernel", "3", "--format", "gif", "-o", "{}/a.gif"],
     "pixels"),
    (["conv", "--image", "2x5x5", "--kernel", "2x3x3", "--format", "gif", "-o", "{}/a.gif"],
     "1-D and 2-D"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif"], "-o FILE.gif"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif", "-o", "-"],
     "-o FILE.gif"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "mp4"], "-o FILE.mp4"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif", "-o", "{}/no/a.gif"],
     "does not exist"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif", "-o", "{}"],
     "folder"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif", "-o", "{}/a.gif",
      "--at", "1,1"], "--at"),
    (["conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif", "-o", "{}/a.gif",
      "--plain"], "notation options"),
    (["max-pool", "--image", "4x4", "--kernel", "2x2", "--format", "gif", "-o",
      "{}/a.gif"], "not max-pool"),
], ids=["frames", "wide", "3-d", "no-o", "stdout", "mp4-no-o", "no-folder", "a-folder",
        "at", "notation", "pooling"])
def test_errors_are_one_line_and_leave_no_file(tmp_path: Path, argv: list[str],
                                               needle: str) -> None:
    argv = [a.replace("{}", str(tmp_path)) for a in argv]
    res = run_cli("expand", *argv)
    assert res.code == 2, res
    assert res.out == "" and res.err.count("\n") == 1 and needle in res.err, res.err
    assert "Traceback" not in res.err
    _no_file(tmp_path)


def test_size_refused_before_drawing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Too many frames is refused from the shape: nothing is drawn."""
    from symconv.render import raster

    def boom(*a: Any, **k: Any) -> Any:
        raise AssertionError("drew an animation that is refused")

    monkeypatch.setattr(raster.Raster, "image", boom)
    monkeypatch.setattr(raster.Raster, "frame", boom)
    for argv, needle in ((["15x15", "--kernel", "3x3"], "289 frames"),
                         (["40", "--kernel", "3"], "3556 x 152 pixels"),
                         (["16x16", "--kernel", "3x3", "--mode", "valid"], "452 cells")):
        res = run_cli("expand", "conv", "--image", *argv, "--format", "gif",
                      "-o", str(tmp_path / "a.gif"))
        assert res.code == 2 and needle in res.err, res.err
    _no_file(tmp_path)


@pytest.mark.parametrize("fmt,missing,needle", [("gif", "PIL", "Pillow"),
                                                ("mp4", "PIL", "Pillow"),
                                                ("mp4", "av", "PyAV")])
def test_missing_library_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                     fmt: str, missing: str, needle: str) -> None:
    """Without Pillow (or PyAV for mp4): exit 2 and what to install, no file."""
    for mod in list(sys.modules):
        if mod == missing or mod.startswith(missing + "."):
            monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, missing, None)  # import raises ImportError
    res = run_cli("expand", "conv", "--image", "3x3", "--kernel", "2x2", "--format", fmt,
                  "-o", str(tmp_path / f"a.{fmt}"))
    assert res.code == 2, res
    assert res.err.count("\n") == 1 and needle in res.err and "symconv[anim]" in res.err
    _no_file(tmp_path)


def test_encoding_error_leaves_no_file(pil: Any, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    """A failure while the GIF is made leaves neither the file nor a temporary; an old file
    of that name is kept whole."""
    from symconv.render import raster

    old = tmp_path / "a.gif"
    old.write_bytes(b"old")

    def fail(*a: Any, **k: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(raster, "gif_bytes", fail)
    res = run_cli("expand", "conv", "--image", "3x3", "--kernel", "2x2", "--format", "gif",
                  "-o", str(old))
    assert res.code == 2 and res.err.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["a.gif"] and old.read_bytes() == b"old"


def test_require_tools_installs_pillow() -> None:
    """CI (SYMCONV_REQUIRE_TOOLS=1, ``pip install -e '.[test]'``) has Pillow and PyAV: the
    GIF and MP4 tests run there, never skip."""
    if not REQUIRE_TOOLS:
        pytest.skip("only under SYMCONV_REQUIRE_TOOLS=1")
    need_module("PIL")
    need_module("av")


def test_long_cell_text_shrinks_then_is_cut(pil: Any) -> None:
    """A product that does not fit its cell is set smaller (not below MIN_PX), and what
    still does not fit is cut with an ellipsis: never over the next cell."""
    from symconv.expansion.figures.model import Span
    from symconv.render import raster

    short = (Span("3"), Span("*", "op"), Span("a", "entry"))
    assert raster.fitted(short, 18, 32) == (short, 18)
    t, size = raster.fitted((Span("-12"), Span("*", "op"), Span("a", "entry")), 18, 32)
    assert raster.MIN_PX <= size < 18 and raster.text_width(t, size) <= 32
    long = (Span(r"1 + \sqrt{2} + \frac{1}{3}", "math"),)
    t, size = raster.fitted(long, 18, 32)
    assert size == raster.MIN_PX and t[-1].text == "\u2026"
    assert raster.text_width(t, size) <= 32
    assert raster.span_text(long[0]).startswith("1 + sqrt")  # no glyph: ASCII
