"""Plain-text rendering of a :class:`~symconv.check.CheckResult` (``check`` and ``identify``).

The other formats read ``CheckResult.to_json()``; this module only writes text for a
terminal, one labelled line per fact, conventions as a bulleted list.
"""

from __future__ import annotations

import textwrap
from typing import IO, Any

#: Kinds as a sentence reads them.
KIND_TITLES = {
    "conv": "convolution (the kernel is flipped)",
    "corr": "cross-correlation (the kernel is not flipped)",
    "conv-reflected": "convolution with a point-reflected output",
    "corr-reflected": "cross-correlation with a point-reflected output (the article's form)",
    "mixed": "mixed: flipped along some axes only",
}
#: The canonical operations ``equivalent`` is written with.
DEFINITIONS = ("where conv(x, h)[t] = sum_k x[t - d*k] h[k] and corr(x, h)[t] = "
               "sum_k x[t + d*k] h[k] (d: dilation, 1 unless given)")
#: identify's extra facts, in display order: key -> label.
EXTRA_LABELS = (
    ("function", "function"),
    ("image_shape", "image shape"),
    ("kernel_shape", "kernel shape"),
    ("kwargs", "kwargs"),
    ("output_shape", "output shape"),
    ("mode", "mode"),
    ("padding", "padding"),
    ("boundary", "boundary"),
    ("boundary_names", "which is"),
    ("verified", "verified"),
    ("torch_equivalent", "same outputs"),
)
_WIDTH = 92
_LABEL = 15


def _line(stream: IO[str], label: str, value: str) -> None:
    head = f"{label + ':':<{_LABEL}}"
    lines = textwrap.wrap(value, _WIDTH - _LABEL) or [""]
    stream.write(head + lines[0] + "\n")
    for more in lines[1:]:
        stream.write(" " * _LABEL + more + "\n")


def extra_facts(d: dict[str, Any]) -> list[tuple[str, str]]:
    """identify's facts (function, shapes, mode, padding...) as (label, value), in order."""
    out: list[tuple[str, str]] = []
    for key, label in EXTRA_LABELS:
        if key in d and d[key] is not None:
            val = d[key]
            if key == "padding":
                val = ", ".join(f"{lo}:{hi}" for lo, hi in val) + " (low:high per axis)"
            elif isinstance(val, (list, tuple)):
                val = "x".join(map(str, val)) if key.endswith("shape") else ", ".join(
                    map(str, val))
            elif isinstance(val, dict):
                val = ", ".join(f"{k}={v!r}" for k, v in val.items()) or "none"
            elif isinstance(val, bool):
                val = "yes" if val else "no"
            out.append((label, str(val)))
    return out


def more_facts(d: dict[str, Any]) -> list[tuple[str, str]]:
    """Conjugation, channels, bias, scale and the swapped roles, when they say something."""
    out: list[tuple[str, str]] = []
    if d.get("conjugate"):
        out.append(("conjugate", {"image": f"the image {d.get('image', 'x')}",
                                  "kernel": f"the kernel {d.get('kernel', 'h')}",
                                  "both": "both factors"}.get(d["conjugate"],
                                                              str(d["conjugate"]))))
    ch = d.get("channels") or {}
    if ch:
        words = {"contracted": "summed input channels", "batch": "batch",
                 "output_channel": "output channels", "depthwise": "depthwise (per channel)"}
        out.append(("channels", "; ".join(f"{words.get(k, k)} {', '.join(v)}"
                                          for k, v in ch.items())))
    if d.get("bias"):
        out.append(("bias", str(d["bias"])))
    if d.get("scale", 1) != 1:
        out.append(("scale", str(d["scale"])))
    return out


def check_title(d: dict[str, Any]) -> str:
    """``symconv identify: numpy.convolve`` for a probed function, else ``symconv check``."""
    return f"symconv identify: {d['function']}" if d.get("function") else "symconv check"


def check_dict(data: Any) -> dict[str, Any]:
    """A check or identification result as its JSON dict (given the object or the dict)."""
    return data.to_json() if hasattr(data, "to_json") else dict(data)


def render_check_text(data: Any, stream: IO[str]) -> None:
    """Write a check result (a CheckResult or its ``to_json()`` dict) as text."""
    d = check_dict(data)
    if d.get("formula"):
        _line(stream, "formula", d["formula"])
    for label, val in extra_facts(d):
        _line(stream, label, val)
    _line(stream, "roles", f"image {d['image']}, kernel {d['kernel']}, output {d['output']}")
    _line(stream, "kind", f"{d['kind']}: {KIND_TITLES.get(d['kind'], d['kind'])}")
    _line(stream, "normal form", f"{d['normal_form']}   (pixel = s*m + sigma*d*k + c per axis)")
    out_idx = ", ".join(d.get("output_indices") or [a["output_index"] for a in d["axes"]])
    _line(stream, "equivalent", f"{d['output']}[{out_idx}] = {d['equivalent']}")
    for a in d["axes"]:
        refl = " (reflected output)" if a.get("reflected") else ""
        where = ""
        if a.get("image_index") or a.get("kernel_index"):
            where = (f"; {d['image']} index {a.get('image_index')}, {d['kernel']} index "
                     f"{a.get('kernel_index')}")
        _line(stream, f"axis {a['output_index']}",
              f"{a['kind']}, stride {a['stride']}{refl}, dilation {a['dilation']}, "
              f"offset {a['offset']}{where}")
    _line(stream, "flipped", ("yes, along every spatial axis" if d["flipped"] else
                              ("along " + ", ".join(d["flipped_axes"]) + " only"
                               if d.get("flipped_axes") else "no")))
    _line(stream, "conjugate", {None: "no", "image": f"the image {d['image']}",
                                "kernel": f"the kernel {d['kernel']}",
                                "both": "both factors"}.get(d.get("conjugate"),
                                                            str(d.get("conjugate"))))
    ch = d.get("channels") or {}
    if ch:
        words = {"contracted": "summed input channels", "batch": "batch",
                 "output_channel": "output channels", "depthwise": "depthwise (per channel)"}
        _line(stream, "channels", "; ".join(f"{words.get(k, k)} {', '.join(v)}"
                                            for k, v in ch.items()))
    if d.get("bias"):
        _line(stream, "bias", d["bias"])
    if d.get("scale", 1) != 1:
        _line(stream, "scale", str(d["scale"]))
    sw = d.get("roles_swapped")
    if sw:
        _line(stream, "roles swapped", f"{sw['kind']}: {d['output']}[{out_idx}] = "
                                       f"{sw['equivalent']}")
    conv = d.get("conventions") or []
    if conv:
        stream.write("conventions:\n")
        for c in conv:
            lines = textwrap.wrap(c, _WIDTH - 4) or [""]
            stream.write("  - " + lines[0] + "\n")
            for more in lines[1:]:
                stream.write("    " + more + "\n")
    for n in d.get("notes") or []:
        _line(stream, "note", n)
    stream.write("\n".join(textwrap.wrap(DEFINITIONS, _WIDTH)) + "\n")
