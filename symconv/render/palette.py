"""The article's colours and the figures' roles, shared by the LaTeX, TikZ, SVG and MathML
renderers so that one role looks the same in every format.

Each colour has a LaTeX name (defined in the preamble with ``\\definecolor``, so a document
can change it in one place) and the hex value that SVG and MathML use.  The MathML renderer
maps the LaTeX names that latex2mathml copies into ``mathcolor`` back to these hex values.
"""

from __future__ import annotations

#: role -> (LaTeX colour name, hex).  m and n are the article's red and green; the boxes of
#: figure 6 use the same two; standard correlation gets a third colour so it never looks
#: like either of the article's.
COLOURS: dict[str, tuple[str, str]] = {
    "m": ("symconvM", "#C62828"),         # first index (horizontal): the article's red
    "n": ("symconvN", "#2E7D32"),         # second index (vertical): the article's green
    "conv": ("symconvConv", "#C62828"),   # the patch convolution reads (red box)
    "corr-reflected": ("symconvRefl", "#2E7D32"),  # the article's correlation (green box)
    "corr": ("symconvCorr", "#1565C0"),   # NumPy/PyTorch correlation (blue, dashed)
    "muted": ("symconvMuted", "#8A8A8A"),  # invalid rows, absent entries
    "patch": ("symconvPatch", "#FCE4E4"),  # fill of the pixels that feed the output
    "header": ("symconvHead", "#F2F2F2"),  # fill of header cells and the image's centre
    "focus": ("symconvFocus", "#FFF3C4"),  # fill of the output being computed
    "grid": ("symconvGrid", "#555555"),   # cell borders
}

#: Colour roles of the index positions: first index red, second green, more in black.
INDEX_ROLES = ("m", "n")


def latex_name(role: str) -> str:
    return COLOURS[role][0]


def hex_colour(role: str) -> str:
    return COLOURS[role][1]


#: Palette roles -> colour names MathJax knows (Markdown math on GitHub, Jupyter).
MATHJAX_COLOURS = {"m": "red", "n": "green", "conv": "red", "corr-reflected": "green",
                   "corr": "blue", "muted": "gray", "patch": "pink", "header": "lightgray",
                   "focus": "yellow", "grid": "gray"}

#: LaTeX colour name -> hex, for the MathML renderer.
HEX_BY_LATEX_NAME = {name: hx for name, hx in COLOURS.values()}


def latex_colour_definitions() -> list[str]:
    """``\\providecolor`` lines for every colour (``\\provide...`` so that a document that
    defines them first wins)."""
    return [f"\\providecolor{{{name}}}{{HTML}}{{{hx[1:]}}}" for name, hx in COLOURS.values()]
