"""Benchmark of the sliding-kernel animation (``expand --format gif``), run as a script.

    python tests/benchmarks/bench_gif.py [--quick]

Target: ``symconv expand conv --image 7x7 --kernel 3x3 --format gif -o FILE`` (full: 81
frames of 917 x 552 px) as a whole process in at most 2 s (median of 5; 3 with --quick).
Printed beside it, measured in the same run:

* ``symconv --help`` (the start-up every process pays);
* in process, the same 81 frames: the model (``sliding_kernel``), drawn (``Raster``: the
  static picture once, each frame's cells over a copy; text runs drawn once and pasted), and
  encoded (one fixed palette, delta frames);
* baseline 1, the same frames as SVG (``svg_string`` of the picture with each frame's
  cells, what the HTML renderer would write per frame);
* baseline 2, a naive Pillow GIF: every frame drawn whole with ``ImageDraw.text`` per span,
  an adaptive palette per frame (``quantize()``), Pillow's own GIF optimisation;
* the 'same' variant (49 frames) and MP4 (when PyAV is installed), with their sizes.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

COMMAND = ["expand", "conv", "--image", "7x7", "--kernel", "3x3", "--format", "gif"]
TARGET = 2.0


def median_time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def best(fn: Any, runs: int) -> tuple[float, Any]:
    """Best of ``runs`` timings of ``fn()`` and its last result."""
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def merged(base: Any, fr: Any) -> Any:
    """The picture of one frame as one drawing (as ``sliding.window`` merges them)."""
    from symconv.expansion.figures.model import Label

    covered = {(c.x, c.y) for c in fr.cells}
    cells = tuple(c for c in base.cells if (c.x, c.y) not in covered) + fr.cells
    label = Label(1.0, base.height - 0.45, fr.label, "west")
    return dataclasses.replace(base, cells=cells, boxes=fr.boxes,
                               labels=base.labels + (label,))


def naive_gif(base: Any, frames: list[Any]) -> bytes:
    """Each frame drawn whole, text with ImageDraw per span, an adaptive palette each."""
    from PIL import Image, ImageDraw, ImageFont

    from symconv.render import palette
    from symconv.render.raster import span_colour, span_text

    s = 40 / 0.7 * base.unit
    font = ImageFont.load_default(size=18)
    small = ImageFont.load_default(size=16)
    images = []
    for fr in frames:
        d = merged(base, fr)
        im = Image.new("RGB", (round(d.width * s), round(d.height * s)), "white")
        draw = ImageDraw.Draw(im)
        for c in d.cells:
            box = (c.x * s, c.y * s, (c.x + c.w) * s, (c.y + c.h) * s)
            draw.rectangle(box, fill=palette.rgb(c.fill) if c.fill else "white",
                           outline=palette.rgb("grid"))
            for line in c.lines:
                x = (c.x + c.w / 2) * s - sum(font.getlength(span_text(sp)) for sp in line) / 2
                for sp in line:
                    draw.text((x, (c.y + c.h / 2) * s), span_text(sp), font=font,
                              fill=span_colour(sp), anchor="lm")
                    x += font.getlength(span_text(sp))
        for b in d.boxes:
            draw.rectangle((b.x0 * s, b.y0 * s, b.x1 * s, b.y1 * s),
                           outline=palette.rgb(b.role), width=3)
        for lab in d.labels:
            f = small if lab.small else font
            x = lab.x * s
            for sp in lab.text:
                draw.text((x, lab.y * s), span_text(sp), font=f, fill=span_colour(sp),
                          anchor="lm")
                x += f.getlength(span_text(sp))
        images.append(im.quantize())
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=700, loop=0, optimize=True)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 runs instead of 5")
    args = ap.parse_args()
    runs = 3 if args.quick else 5
    try:
        import PIL  # noqa: F401
    except ImportError:
        print("bench_gif: Pillow is not installed (pip install -e '.[anim]')  FAIL")
        return 1
    from symconv.expansion.core import expand
    from symconv.expansion.figures.sliding import sliding_kernel
    from symconv.render import raster
    from symconv.render.svg import svg_string

    py = sys.executable
    print(f"symconv GIF benchmark (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"median of {runs} processes, best of {runs} in process)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "a.gif")
        helptime = median_time([py, "-m", "symconv", "--help"], runs)
        whole = median_time([py, "-m", "symconv", *COMMAND, "-o", out], runs)
        size = os.path.getsize(out)
        same = median_time([py, "-m", "symconv", *COMMAND, "--mode", "same", "-o", out], runs)
        same_size = os.path.getsize(out)
    ok = whole <= TARGET
    print(f"{'symconv --help (process, the start-up)':52} {helptime:7.3f} s")
    print(f"{'7x7/3x3 full, 81 frames, --format gif (process)':52} {whole:7.3f} s, "
          f"{size / 1024:6.1f} KiB  (target <= {TARGET:g} s)  {'PASS' if ok else 'FAIL'}")
    print(f"{'7x7/3x3 same, 49 frames, --format gif (process)':52} {same:7.3f} s, "
          f"{same_size / 1024:6.1f} KiB")

    exp = expand("conv", "7x7", "3x3")
    raster.gif_bytes([raster.Raster(sliding_kernel(exp)[0]).image()])  # warm the caches
    t_model, (base, frames) = best(lambda: sliding_kernel(exp), runs)

    def draw() -> list[Any]:
        r = raster.Raster(base)
        still = r.image()
        at = raster.caption_at(base)
        return [r.frame(still, fr, at) for fr in frames]

    t_draw, images = best(draw, runs)
    t_encode, data = best(lambda: raster.gif_bytes(images), runs)
    mine = t_model + t_draw + t_encode
    print(f"{'in process: model / draw / encode':52} {t_model:7.3f} s / {t_draw:.3f} s / "
          f"{t_encode:.3f} s = {mine:.3f} s")
    t_svg, svgs = best(lambda: [svg_string(merged(base, fr)) for fr in frames], runs)
    print(f"{'baseline: the same 81 frames as SVG text':52} {t_svg:7.3f} s "
          f"({sum(map(len, svgs)) / 1024:.0f} KiB); the GIF takes {mine / t_svg:.1f}x the "
          "time of writing SVG text")
    t_naive, naive = best(lambda: naive_gif(base, frames), max(1, runs // 2))
    print(f"{'baseline: naive Pillow GIF (whole frames, palettes)':52} {t_naive:7.3f} s, "
          f"{len(naive) / 1024:6.1f} KiB; symconv {t_naive / mine:.1f}x faster, "
          f"{len(naive) / len(data):.1f}x smaller")
    try:
        raster.require("mp4")
    except Exception as exc:  # noqa: BLE001 - the ToolError's line
        print(f"{'mp4':52} skipped: {exc}")
    else:
        t_mp4, mp4 = best(lambda: raster.mp4_bytes(images), max(1, runs // 2))
        print(f"{'in process: the 81 frames to MP4 (libx264)':52} {t_mp4:7.3f} s, "
              f"{len(mp4) / 1024:6.1f} KiB")
    print(f"{int(ok)}/1 targets met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
