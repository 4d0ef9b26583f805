"""Drawings as pixels, and the sliding kernel as an animated GIF or an MP4.

A third backend of the figure model (:mod:`symconv.expansion.figures.model`), after
:mod:`.tikz` and :mod:`.svg`: the same cells, dashed padding, boxes in the operations' line
styles, labels and frames, in the palette's colours (:mod:`.palette`), drawn with Pillow.
The animation is :func:`~symconv.expansion.figures.sliding.sliding_kernel`: its static
picture drawn once, then one frame per output, in reading order.

Pillow (and PyAV for MP4) are optional: they are imported when an animation is asked for,
and their absence is one line (``pip install 'symconv[anim]'``), exit code 2.  Nothing
here runs an external program.

Text is set in Pillow's own embedded font (Aileron, :func:`PIL.ImageFont.load_default`), so
the pixels depend on no system font: the same request gives the same bytes on every
machine with the same Pillow wheel (its FreeType draws the glyphs).  Array names are bold
(a thin stroke), kernel entries and index letters italic (the glyphs sheared), as the other
backends set them; characters the font lacks are written in ASCII (``√2`` as ``sqrt2``,
the minus sign as a hyphen).

Sizes: one model unit is ``Drawing.unit`` times :data:`PX_PER_CM` pixels (the sliding
figure's cell is 40 px square), cell text :data:`CELL_PX` px, labels :data:`LABEL_PX` px, so
that the text is legible at 100 % (``tests/test_gif.py`` measures the glyphs).  An
animation is refused from its shape and its model, before anything is drawn, when it would
have more than :data:`~symconv.limits.MAX_ANIMATION_FRAMES` frames or be wider or taller
than :data:`~symconv.limits.MAX_ANIMATION_PX` pixels.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
from collections.abc import Sequence
from typing import Any

from ..errors import InputError, LimitError, ToolError
from ..expansion.figures.model import Box, Cell, Drawing, Frame, Label, Line, Span, Text
from ..limits import MAX_ANIMATION_FRAMES, MAX_ANIMATION_PX
from . import palette
from .plainmath import convert

#: Pixels per centimetre of the model (``Drawing.unit`` cm per unit): the sliding figure's
#: unit of 0.7 cm is a 40 px cell.
PX_PER_CM = 40 / 0.7
#: Cell text (px, the font's em) per ``Drawing.font``; a text too wide for its cell is set
#: smaller, down to :data:`MIN_PX`.
CELL_PX = {"normal": 20, "small": 19, "tiny": 18}
#: Labels (headers, index letters, titles) and the frame's caption line.
LABEL_PX = 16
CAPTION_PX = 19
MIN_PX = 12
#: Room left between a cell's text and its borders (pixels, both sides together).
CELL_MARGIN = 8
#: Line widths in pixels: cell borders, and the kernel's outline and the current output's.
GRID_W = 1
BOX_W = 3
#: Dash patterns in pixels (on, off, ...): :data:`.palette.SVG_DASH`'s, in whole pixels.
DASH = {style: tuple(round(float(v)) for v in (dash or "").split())
        for style, dash in palette.SVG_DASH.items()}
#: How far italic glyphs lean (horizontal shift per pixel of height).
SLANT = 0.2
#: Frame timing (milliseconds): every output shown this long, the last one longer before
#: the loop starts again.
FRAME_MS = 700
LAST_FRAME_MS = 2000
#: Characters Pillow's embedded font lacks, in ASCII (the rest falls back to "?").
FALLBACK = {"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u221a": "sqrt", "\u03c0": "pi",
            "\u00d7": "x", "\u22c5": "\u00b7", "\u2202": "d", "\u2264": "<=", "\u2265": ">=",
            "\u2260": "!=", "\u2192": "->", "\u2032": "'", "\u2009": " ", "\u202f": " ",
            "\u00a0": " "}
#: Roles set italic (math letters) and bold (array names), as the SVG sets them.
ITALIC_ROLES = ("entry",)
BOLD_ROLES = ("array",)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


# -- the optional libraries ------------------------------------------------------------------
def _import(name: str, fmt: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        pkg = {"PIL": "Pillow", "av": "PyAV (the av package)"}[name]
        raise ToolError(f"--format {fmt} needs {pkg}, which is not installed: "
                        "pip install 'symconv[anim]'") from None


def require(fmt: str) -> None:
    """Import what format ``fmt`` needs, or a :class:`ToolError` saying what to install."""
    from . import ANIMATIONS

    if fmt not in ANIMATIONS:
        raise InputError(f"bad animation format {fmt!r}: use {', '.join(ANIMATIONS)}")
    pil = _import("PIL", fmt)
    version = tuple(int(v) for v in pil.__version__.split(".")[:2] if v.isdigit())
    if version < (10, 1):
        raise ToolError(f"--format {fmt} needs Pillow 10.1 or newer (its embedded font at "
                        f"any size), not {pil.__version__}: pip install 'symconv[anim]'")
    if fmt == "mp4":
        av = _import("av", fmt)
        try:
            av.codec.Codec("libx264", "w")
        except Exception:  # noqa: BLE001 - PyAV without an H.264 encoder
            raise ToolError("--format mp4 needs PyAV with the libx264 encoder, which this "
                            "build lacks; use --format gif") from None


# -- sizes, checked before anything is drawn ---------------------------------------------
def check(exp: Any) -> tuple[Drawing, list[Frame]]:
    """The animation's model, or a :class:`LimitError` before anything is drawn: more
    frames (outputs) than :data:`MAX_ANIMATION_FRAMES` (from the shape alone), more cells
    than a figure draws (:func:`sliding_kernel` refuses them), or a picture over
    :data:`MAX_ANIMATION_PX` pixels wide or tall (from the model's size in units)."""
    from ..expansion.figures.layout import spatial_axes
    from ..expansion.figures.sliding import sliding_kernel

    spatial_axes(exp, "sliding-kernel")
    frames = math.prod(exp.shape)
    if frames > MAX_ANIMATION_FRAMES:
        raise LimitError(f"the animation would have {frames:,} frames (one per output); it "
                         f"is made for at most {MAX_ANIMATION_FRAMES} (use a smaller shape)")
    try:
        base, model = sliding_kernel(exp)
    except InputError as exc:  # more cells than a figure draws
        raise LimitError(f"the animation cannot be drawn: {exc}") from None
    width, height = Raster(base).size
    if max(width, height) > MAX_ANIMATION_PX:
        raise LimitError(f"the animation would be {width} x {height} pixels; it is made up "
                         f"to {MAX_ANIMATION_PX} pixels a side (use a smaller shape)")
    return base, model


# -- text ------------------------------------------------------------------------------------
@functools.cache
def font(size: int) -> Any:
    """Pillow's embedded font at ``size`` px (FreeType: the same glyphs everywhere)."""
    from PIL import ImageFont

    f = ImageFont.load_default(size=size)
    if not isinstance(f, ImageFont.FreeTypeFont):
        raise ToolError("this Pillow was built without FreeType; the animation's text "
                        "needs it (pip install --force-reinstall pillow)")
    return f


@functools.cache
def _has_glyph(ch: str) -> bool:
    """Whether the embedded font draws ``ch`` (not its empty-box glyph)."""
    return ch.isspace() or _mask_bytes(ch) != _mask_bytes("\uffff")


def _mask_bytes(ch: str) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("L", (40, 40))
    ImageDraw.Draw(im).text((4, 4), ch, font=font(CELL_PX["tiny"]), fill=255)
    return im.tobytes()


def drawable(s: str) -> str:
    """``s`` in characters the embedded font has."""
    out = []
    for ch in s:
        if ch.isascii() or _has_glyph(ch):
            out.append(ch)
        else:
            out.append(FALLBACK.get(ch, "?"))
    return "".join(out)


def span_text(sp: Span) -> str:
    """What a span shows: the product dot, math read as plain Unicode, the minus a hyphen."""
    if sp.role == "op":
        return "\u00b7"
    if sp.role == "math":
        return drawable(convert(sp.text))
    return drawable(sp.text)


def span_colour(sp: Span) -> tuple[int, int, int]:
    """As the SVG colours text: the muted grey, a role's colour (never a fill), or black."""
    role = "muted" if sp.muted else sp.role
    if role in palette.COLOURS and role not in palette.FILLS:
        return palette.rgb(role)
    return BLACK


def _style(sp: Span) -> tuple[bool, bool]:
    italic = sp.role in ITALIC_ROLES or (sp.role in ("m", "n") and sp.text.isalpha())
    return sp.role in BOLD_ROLES, italic


@functools.lru_cache(maxsize=4096)
def _sprite(text: str, size: int, bold: bool, italic: bool) -> tuple[Any, int, int]:
    """A run of text as a coverage mask: ``(mask, baseline, advance)``; the mask's left
    edge is the pen position, its row ``baseline`` the baseline."""
    from PIL import Image, ImageDraw

    f = font(size)
    ascent, descent = f.getmetrics()
    stroke = 1 if bold else 0
    advance = math.ceil(f.getlength(text)) + 2 * stroke
    lean = math.ceil(SLANT * ascent) if italic else 0
    w, h = max(advance + lean + 2, 1), ascent + descent + 2
    im = Image.new("L", (w, h), 0)
    ImageDraw.Draw(im).text((stroke, ascent + 1), text, font=f, fill=255, anchor="ls",
                            stroke_width=stroke, stroke_fill=255)
    if italic:
        base = ascent + 1
        im = im.transform((w, h), Image.Transform.AFFINE,
                          (1, SLANT, -SLANT * base, 0, 1, 0), Image.Resampling.BILINEAR)
    return im, ascent + 1, advance


def text_width(t: Text, size: int) -> int:
    return sum(_sprite(span_text(sp), size, *_style(sp))[2] for sp in t)


@functools.cache
def cap_height(size: int) -> int:
    """Height of a capital (and a digit) above the baseline, in pixels."""
    return -font(size).getbbox("H", anchor="ls")[1]


def draw_text(img: Any, t: Text, x: float, y: float, size: int, anchor: str = "center"
              ) -> tuple[int, int, int, int]:
    """Text with its left edge (``west``), centre or right edge (``east``) at ``x`` and
    its capitals centred on ``y``; returns the box it covers."""
    width = text_width(t, size)
    left = x - {"center": width / 2, "west": 0.0, "east": float(width)}[anchor]
    pen = round(left)
    baseline = round(y + cap_height(size) / 2)
    x0, y0, x1, y1 = pen, baseline, pen, baseline
    for sp in t:
        mask, base, adv = _sprite(span_text(sp), size, *_style(sp))
        top = baseline - base
        img.paste(span_colour(sp), (pen, top), mask)
        x0, y0 = min(x0, pen), min(y0, top)
        x1, y1 = max(x1, pen + mask.size[0]), max(y1, top + mask.size[1])
        pen += adv
    return x0, y0, x1, y1


def fitted(t: Text, size: int, room: float) -> tuple[Text, int]:
    """``t`` at the largest size up to ``size`` (down to :data:`MIN_PX`) at which it fits
    in ``room`` pixels; still too wide there, cut with an ellipsis (a long exact value in a
    cell: the frame's caption writes the current output's whole)."""
    while size > MIN_PX and text_width(t, size) > room:
        size -= 1
    if text_width(t, size) <= room:
        return t, size
    chars = [(sp, ch) for sp in t for ch in span_text(sp)]
    while chars:
        chars.pop()
        cut = tuple(Span(ch, "plain" if sp.role in ("op", "math") else sp.role, sp.muted)
                    for sp, ch in chars) + (Span("\u2026", t[-1].role, t[-1].muted),)
        if text_width(cut, size) <= room:
            return cut, size
    return (), size


# -- lines -----------------------------------------------------------------------------------
def _runs(length: int, style: str) -> list[tuple[int, int]]:
    """The drawn stretches ``(start, end)`` of a line ``length`` px long in ``style``: the
    pattern stretched to a whole number of periods, a dash centred on each end."""
    pattern = DASH[style]
    if not pattern or length <= 0:
        return [(0, length)]
    period = sum(pattern)
    n = max(1, round(length / period))
    scale = length / (n * period)
    runs: list[tuple[int, int]] = []
    half = pattern[0] * scale / 2
    for k in range(n + 1):
        start = k * period * scale - half
        pos = start
        for j, seg in enumerate(pattern):
            if j % 2 == 0:
                a, b = max(0, round(pos)), min(length, round(pos + seg * scale))
                if b > a:
                    runs.append((a, b))
            pos += seg * scale
    return runs


def hline(draw: Any, x0: int, x1: int, y: int, width: int, colour: Any, style: str) -> None:
    """A horizontal line from ``x0`` to ``x1`` centred on row ``y``."""
    top = y - (width - 1) // 2
    for a, b in _runs(x1 - x0, style):
        draw.rectangle((x0 + a, top, x0 + b - 1, top + width - 1), fill=colour)


def vline(draw: Any, x: int, y0: int, y1: int, width: int, colour: Any, style: str) -> None:
    left = x - (width - 1) // 2
    for a, b in _runs(y1 - y0, style):
        draw.rectangle((left, y0 + a, left + width - 1, y0 + b - 1), fill=colour)


def rect_outline(draw: Any, box: tuple[int, int, int, int], width: int, colour: Any,
                 style: str) -> None:
    """A rectangle's outline, its lines centred on the edges (the corners filled when
    solid)."""
    x0, y0, x1, y1 = box
    ext = (width - 1) // 2 if style == "solid" else 0
    hline(draw, x0 - ext, x1 + ext + 1, y0, width, colour, style)
    hline(draw, x0 - ext, x1 + ext + 1, y1, width, colour, style)
    vline(draw, x0, y0, y1 + 1, width, colour, style)
    vline(draw, x1, y0, y1 + 1, width, colour, style)


# -- the model, drawn ------------------------------------------------------------------------
class Raster:
    """Draws a :class:`Drawing` (and its frames) at its unit's scale."""

    def __init__(self, d: Drawing) -> None:
        self.d = d
        self.s = d.unit * PX_PER_CM
        self.size = (math.ceil(d.width * self.s), math.ceil(d.height * self.s))
        self.cell_px = CELL_PX[d.font]

    def px(self, v: float) -> int:
        return round(v * self.s)

    def cell_box(self, c: Cell) -> tuple[int, int, int, int]:
        """The pixel rows and columns of a cell's border lines."""
        return self.px(c.x), self.px(c.y), self.px(c.x + c.w), self.px(c.y + c.h)

    def image(self) -> Any:
        """The static drawing as an RGB image."""
        from PIL import Image

        img = Image.new("RGB", self.size, WHITE)
        self.cells(img, self.d.cells)
        for b in self.d.boxes:
            self.box(img, b)
        for ln in self.d.lines:
            self.line(img, ln)
        for lab in self.d.labels:
            self.label(img, lab)
        return img

    def cells(self, img: Any, cells: Sequence[Cell]) -> None:
        """Fills first, then dashed borders, then solid ones (a solid edge shared with a
        padding cell stays solid, as the image's edge), then the text."""
        from PIL import ImageDraw

        draw = ImageDraw.Draw(img)
        grid = palette.rgb("grid")
        for c in cells:
            x0, y0, x1, y1 = self.cell_box(c)
            draw.rectangle((x0 + 1, y0 + 1, x1 - 1, y1 - 1),
                           fill=palette.rgb(c.fill) if c.fill else WHITE)
        for dashed in (True, False):
            for c in cells:
                if c.border and c.dashed == dashed:
                    rect_outline(draw, self.cell_box(c), GRID_W, grid,
                                 "dashed" if dashed else "solid")
        for c in cells:
            x0, y0, x1, y1 = self.cell_box(c)
            n = len(c.lines)
            for k, line in enumerate(c.lines):
                shown, size = fitted(line, self.cell_px, x1 - x0 - CELL_MARGIN)
                cy = (y0 + y1) / 2 + (k - (n - 1) / 2) * size * 1.15
                draw_text(img, shown, (x0 + x1) / 2, cy, size)

    def box(self, img: Any, b: Box) -> None:
        from PIL import ImageDraw

        i = b.inset
        box = (self.px(b.x0 + i), self.px(b.y0 + i), self.px(b.x1 - i), self.px(b.y1 - i))
        rect_outline(ImageDraw.Draw(img), box, GRID_W if b.role == "grid" else BOX_W,
                     palette.rgb(b.role), b.style)

    def line(self, img: Any, ln: Line) -> None:
        from PIL import ImageDraw

        draw = ImageDraw.Draw(img)
        w = GRID_W if ln.width == "grid" else BOX_W
        colour = palette.rgb(ln.role)
        x0, y0, x1, y1 = self.px(ln.x0), self.px(ln.y0), self.px(ln.x1), self.px(ln.y1)
        if y0 == y1:
            hline(draw, min(x0, x1), max(x0, x1), y0, w, colour, ln.style)
        elif x0 == x1:
            vline(draw, x0, min(y0, y1), max(y0, y1), w, colour, ln.style)
        else:
            draw.line((x0, y0, x1, y1), fill=colour, width=w)

    def label(self, img: Any, lab: Label) -> None:
        size = LABEL_PX if lab.small else self.cell_px
        draw_text(img, lab.text, lab.x * self.s, lab.y * self.s, size, lab.anchor)

    def frame(self, base: Any, fr: Frame, caption_at: tuple[float, float]) -> Any:
        """The static image with one frame drawn over it: its cells, boxes and caption."""
        img = base.copy()
        self.cells(img, fr.cells)
        for b in fr.boxes:
            self.box(img, b)
        draw_text(img, fr.label, caption_at[0] * self.s, caption_at[1] * self.s, CAPTION_PX,
                  "west")
        return img


# -- the animation ---------------------------------------------------------------------------
def caption_at(base: Drawing) -> tuple[float, float]:
    """Where a frame's caption goes (as the slides put it): under the input, on the left."""
    return 1.0, base.height - 0.45


def sliding_images(exp: Any) -> tuple[Drawing, list[Frame], list[Any]]:
    """The sliding-kernel animation's model and its frames as RGB images."""
    base, frames = check(exp)
    r = Raster(base)
    still = r.image()
    at = caption_at(base)
    return base, frames, [r.frame(still, fr, at) for fr in frames]


def durations(n: int) -> list[int]:
    """Milliseconds per frame: :data:`FRAME_MS` each, the last :data:`LAST_FRAME_MS`."""
    return [FRAME_MS] * (n - 1) + [LAST_FRAME_MS] if n else []


#: The GIF's transparent index (the last of its palette) and the colour it holds, far from
#: every colour the figures use: an unchanged pixel of a frame is written as this index.
CLEAR = 255
CLEAR_RGB = (0, 255, 0)


@functools.lru_cache(maxsize=1)
def gif_palette() -> Any:
    """One palette for every frame: white, the palette's fills and inks, and each ink
    blended over each fill in five steps (anti-aliased text on a cell); the unused entries
    and :data:`CLEAR` hold :data:`CLEAR_RGB`.  Every frame is mapped to it, so the GIF has
    one global colour table."""
    from PIL import Image

    fills = [WHITE] + [palette.rgb(r) for r in palette.FILLS]
    inks = sorted({BLACK, *(palette.rgb(r) for r in palette.COLOURS
                            if r not in palette.FILLS)})
    colours: list[tuple[int, ...]] = []
    for c in fills + inks:
        if c not in colours:
            colours.append(c)
    for ink in inks:
        for bg in fills:
            for k in range(1, 6):
                a = k / 6
                mix = tuple(round(a * i + (1 - a) * b) for i, b in zip(ink, bg, strict=True))
                if mix not in colours:
                    colours.append(mix)
    colours = colours[:CLEAR]
    colours += [CLEAR_RGB] * (256 - len(colours))
    pal = Image.new("P", (1, 1))
    pal.putpalette([v for c in colours for v in c])
    return pal


def gif_bytes(images: Sequence[Any], comment: str = "") -> bytes:
    """The frames as a looping GIF: one global palette, no dithering, no timestamps; each
    frame after the first is the rectangle that changed, its unchanged pixels transparent
    (kept from the frame before: a third of the bytes of whole frames)."""
    from PIL import Image, ImageChops

    pal = gif_palette()
    frames = [im.quantize(palette=pal, dither=Image.Dither.NONE) for im in images]
    deltas = frames[:1]
    for prev, cur in itertools.pairwise(frames):
        same = ImageChops.subtract_modulo(cur, prev).point([255] + [0] * 255, "1")
        d = cur.copy()
        d.paste(CLEAR, mask=same)
        deltas.append(d)
    buf = io.BytesIO()
    extra: dict[str, Any] = {"comment": comment.encode("utf-8")[:250]} if comment else {}
    # Pillow writes each frame cropped to where it differs from the one before (delta
    # frames, kept: disposal 1); no palette optimisation, which would give each its own.
    deltas[0].save(buf, format="GIF", save_all=True, append_images=deltas[1:],
                   duration=durations(len(frames)), loop=0, optimize=False, disposal=1,
                   transparency=CLEAR, **extra)
    return buf.getvalue()


def mp4_bytes(images: Sequence[Any]) -> bytes:
    """The frames as H.264 in MP4 (PyAV, FFmpeg's libraries in the wheel): each frame held
    its duration, the size rounded up to even (yuv420p), bit-exact flags (no dates)."""
    import os
    import tempfile

    w, h = images[0].size
    ew, eh = w + w % 2, h + h % 2
    # A file, not a buffer: moving the index to the front (faststart, for players that
    # stream) reads the file back.
    with tempfile.TemporaryDirectory(prefix=".symconv-mp4-") as tmp:
        path = os.path.join(tmp, "animation.mp4")
        _encode_mp4(path, images, (ew, eh))
        with open(path, "rb") as fh:
            return fh.read()


def _encode_mp4(path: str, images: Sequence[Any], size: tuple[int, int]) -> None:
    """Encode the frames to ``path`` with PyAV."""
    import fractions

    import av
    from PIL import Image

    ew, eh = size
    with av.open(path, "w", format="mp4",
                 options={"fflags": "+bitexact", "movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=1000)
        stream.width, stream.height = ew, eh
        stream.pix_fmt = "yuv420p"
        stream.time_base = fractions.Fraction(1, 1000)
        stream.codec_context.time_base = fractions.Fraction(1, 1000)
        stream.codec_context.flags |= av.codec.context.Flags.bitexact
        # No B-frames: packets come in display order, so each carries its frame's duration
        # (the last frame's hold is the end of the track); one thread: the same bytes.
        stream.options = {"crf": "16", "preset": "medium", "tune": "stillimage", "bf": "0",
                          "threads": "1"}
        pts = 0
        held: dict[int, int] = {}
        for im, ms in zip(images, durations(len(images)), strict=True):
            if im.size != (ew, eh):
                canvas = Image.new("RGB", (ew, eh), WHITE)
                canvas.paste(im, (0, 0))
                im = canvas
            frame = av.VideoFrame.from_image(im)
            frame.pts = pts
            frame.time_base = fractions.Fraction(1, 1000)
            held[pts] = ms
            pts += ms
            for packet in stream.encode(frame):
                packet.duration = held[int(packet.pts or 0)]
                out.mux(packet)
        for packet in stream.encode():
            packet.duration = held[int(packet.pts or 0)]
            out.mux(packet)


def animation_bytes(exp: Any, fmt: str) -> bytes:
    """The sliding-kernel animation of an expansion as ``fmt`` (gif or mp4) bytes."""
    from .plainmath import plain

    require(fmt)
    base, _, images = sliding_images(exp)
    if fmt == "mp4":
        return mp4_bytes(images)
    return gif_bytes(images, plain(base.caption))


def save_animation(exp: Any, fmt: str, path: str) -> None:
    """:func:`animation_bytes` written to ``path`` atomically: made whole first, so an
    error leaves no file (or the old one)."""
    from ..io import open_output

    data = animation_bytes(exp, fmt)
    with open_output(path, binary=True) as fh:
        fh.write(data)


__all__ = ["Raster", "animation_bytes", "check", "gif_bytes", "mp4_bytes",
           "require", "save_animation", "sliding_images"]
