"""The words every format says: check and identify results as labelled facts, the kinds of
operation a classification finds, verdicts.  One place, so that the text, LaTeX, slides,
HTML and Markdown say the same thing."""

from __future__ import annotations

from typing import Any

#: Kinds as a sentence reads them.
KIND_TITLES = {
    "conv": "convolution (the kernel is flipped)",
    "corr": "cross-correlation (the kernel is not flipped)",
    "conv-reflected": "convolution with a point-reflected output",
    "corr-reflected": "cross-correlation with a point-reflected output (the article's form)",
    "conv-transpose": ("transposed convolution (pixel i and tap k feed output s*i + k - p: "
                       "zeros inserted between the pixels)"),
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
    ("layout", "layout"),
    ("output_shape", "output shape"),
    ("mode", "mode"),
    ("padding", "padding"),
    ("boundary", "boundary"),
    ("boundary_names", "which is"),
    ("verified", "verified"),
    ("torch_equivalent", "same outputs"),
)
#: Channel roles of a classification, in words.
CHANNEL_WORDS = {"contracted": "summed input channels", "batch": "batch",
                 "output_channel": "output channels", "depthwise": "depthwise (per channel)"}
#: Verdicts as the documents print them.
VERDICT_WORDS = {"proved": "proved", "refuted": "refuted", "undecided": "undecided"}
#: Why a worked-example row is invalid, as the text says it (longer than the figures').
INVALID_REASONS = {
    "kernel": "no such kernel entry",
    "fraction": "the kernel index is not an integer (a stride or dilation gap)",
    "pixel": "pixel outside the image (zero padding)",
    "group": "input channel outside this output's group",
}


def check_dict(data: Any) -> dict[str, Any]:
    """A check or identification result as its JSON dict (given the object or the dict)."""
    return data.to_json() if hasattr(data, "to_json") else dict(data)


def check_title(d: dict[str, Any]) -> str:
    """``symconv identify: numpy.convolve`` for a probed function, else ``symconv check``."""
    return f"symconv identify: {d['function']}" if d.get("function") else "symconv check"


def conjugate_words(d: dict[str, Any]) -> str:
    """Which factor is conjugated, in words (``no`` when none)."""
    return {None: "no", "image": f"the image {d.get('image', 'x')}",
            "kernel": f"the kernel {d.get('kernel', 'h')}",
            "both": "both factors"}.get(d.get("conjugate"), str(d.get("conjugate")))


def channel_words(ch: dict[str, Any]) -> str:
    return "; ".join(f"{CHANNEL_WORDS.get(k, k)} {', '.join(v)}" for k, v in ch.items())


def extra_facts(d: dict[str, Any]) -> list[tuple[str, str]]:
    """identify's facts (function, shapes, mode, padding...) as (label, value), in order."""
    out: list[tuple[str, str]] = []
    for key, label in EXTRA_LABELS:
        if key in d and d[key] is not None:
            val = d[key]
            if key == "padding":
                val = ", ".join(f"{lo}:{hi}" for lo, hi in val) + " (low:high per axis)"
            elif key == "layout":
                val = ", ".join(f"{k} {v}" for k, v in val.items())
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
        out.append(("conjugate", conjugate_words(d)))
    ch = d.get("channels") or {}
    if ch:
        out.append(("channels", channel_words(ch)))
    if d.get("bias"):
        out.append(("bias", str(d["bias"])))
    if d.get("scale", 1) != 1:
        out.append(("scale", str(d["scale"])))
    if d.get("extra_terms"):
        out.append(("extra terms", extra_terms_words(d)))
    return out


def extra_terms_words(d: dict[str, Any]) -> str:
    """Terms added to the product that read the image or the kernel: not a bias."""
    return (", ".join(d["extra_terms"]) + f" (they read {d.get('image', 'x')} or "
            f"{d.get('kernel', 'h')}: not a bias, and not part of the convolution)")


def flipped_words(d: dict[str, Any]) -> str:
    return ("yes, along every spatial axis" if d.get("flipped") else
            ("along " + ", ".join(d["flipped_axes"]) + " only")
            if d.get("flipped_axes") else "no")


def check_facts(d: dict[str, Any], source: str = "") -> list[tuple[str, str]]:
    """The checker's result as (label, sentence) pairs, for the document formats."""
    facts: list[tuple[str, str]] = []
    if d.get("function") is None and (source or d.get("formula")):
        facts.append(("formula", source or d["formula"]))  # an identification has none
    facts += extra_facts(d)
    facts.append(("kind", f"{d['kind']}: {KIND_TITLES.get(d['kind'], d['kind'])}"))
    facts.append(("flipped", flipped_words(d)))
    facts.append(("normal form", str(d.get("normal_form", ""))))
    out_idx = ", ".join(a.get("output_index", "") for a in d.get("axes", []))
    facts.append(("equivalent", f"{d.get('output', 'y')}[{out_idx}] = {d.get('equivalent')}"))
    for a in d.get("axes", []):
        facts.append((f"axis {a.get('output_index', '')}",
                      f"{a.get('kind')}, stride {a.get('stride')}, dilation "
                      f"{a.get('dilation')}, offset {a.get('offset')}"))
    facts += more_facts(d)
    for c in d.get("conventions") or []:
        facts.append(("convention", c))
    for n in d.get("notes") or []:
        facts.append(("note", n))
    return facts
