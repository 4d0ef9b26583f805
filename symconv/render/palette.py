"""The figures' and formulas' colours and line styles, shared by the LaTeX, TikZ, SVG,
MathML and Markdown renderers so that one role looks the same in every format.

The palette is chosen to survive print and colour-blind readers, and never to carry
meaning by colour alone:

* the two index colours (first index m, second index n) are an orange and a dark blue: a
  pair deuteranopes and protanopes tell apart, about 20 units of lightness (CIE L*) apart
  so they stay two greys in print, and both dark enough for text on white (contrast 4.5:1
  or more);
* the three operations' patches differ by line style as well as colour: convolution
  solid, the article's cross-correlation dashed, the standard cross-correlation dotted;
  every legend draws the line next to its name;
* the fills (header, patch, kernel, current output) are four distinct greys in print
  (CIE L* about 94, 88, 81 and 71), and the current output is outlined as well.

``tests/test_palette.py`` holds these properties: lightness differences, text contrast,
and distances after simulating deuteranopia and protanopia (Machado et al. 2009).

Each colour has a LaTeX name (defined in the preamble with ``\\providecolor``, so a
document can change it in one place) and the hex value that SVG and MathML use.
"""

from __future__ import annotations

#: role -> (LaTeX colour name, hex).
COLOURS: dict[str, tuple[str, str]] = {
    "m": ("symconvM", "#C25400"),          # first index (horizontal): orange
    "n": ("symconvN", "#0B3D91"),          # second index (vertical): dark blue
    "conv": ("symconvConv", "#C25400"),    # the patch convolution reads (solid line)
    "corr-reflected": ("symconvRefl", "#007A5E"),  # the article's correlation (dashed)
    "corr": ("symconvCorr", "#0B3D91"),    # NumPy/PyTorch correlation (dotted)
    "conv-transpose": ("symconvTran", "#7A1F7A"),  # transposed convolution (dash-dot)
    "muted": ("symconvMuted", "#6B6B6B"),  # invalid rows, absent entries, padding zeros
    "patch": ("symconvPatch", "#F7D9BC"),  # fill of the pixels that feed the output
    "header": ("symconvHead", "#EFEFEF"),  # fill of header cells, skipped rows
    "focus": ("symconvFocus", "#DDA43A"),  # fill of the output being computed (outlined)
    "kernel": ("symconvKer", "#B7CBE8"),   # fill of the kernel's cells over the input
    "grid": ("symconvGrid", "#4D4D4D"),    # cell borders
    "outline": ("symconvInk", "#1A1A1A"),  # the outline of the current output
}

#: Line styles (the figure model's ``LINE_STYLES``) as TikZ and SVG draw them.
TIKZ_DASH = {"solid": "", "dashed": "dash pattern=on 4pt off 2.5pt",
             "dotted": "dash pattern=on 1.2pt off 1.6pt",
             "dashdot": "dash pattern=on 4pt off 1.5pt on 1pt off 1.5pt"}
SVG_DASH = {"solid": None, "dashed": "7 4", "dotted": "2 2.8", "dashdot": "7 3 2 3"}
#: Fill roles (never a text colour).
FILLS = ("patch", "header", "focus", "kernel")

#: Colour roles of the index positions: first index orange, second blue, more in black.
INDEX_ROLES = ("m", "n")


def latex_name(role: str) -> str:
    return COLOURS[role][0]


def hex_colour(role: str) -> str:
    return COLOURS[role][1]


def rgb(role: str) -> tuple[int, int, int]:
    """The role's colour as 0..255 integers."""
    hx = COLOURS[role][1]
    return int(hx[1:3], 16), int(hx[3:5], 16), int(hx[5:7], 16)


def mathjax_colour(role: str) -> str:
    """The colour as MathJax's ``color`` extension (and xcolor) read it in
    ``\\textcolor[RGB]{r,g,b}{..}``: MathJax knows neither the document's names nor hex."""
    r, g, b = rgb(role)
    return f"[RGB]{{{r},{g},{b}}}"


#: Palette roles -> colour specifications MathJax reads (Markdown math on GitHub, Jupyter).
MATHJAX_COLOURS = {role: mathjax_colour(role) for role in COLOURS}

#: LaTeX colour name -> hex, for the MathML renderer.
HEX_BY_LATEX_NAME = {name: hx for name, hx in COLOURS.values()}


def latex_colour_definitions() -> list[str]:
    """``\\providecolor`` lines for every colour (``\\provide...`` so that a document that
    defines them first wins)."""
    return [f"\\providecolor{{{name}}}{{HTML}}{{{hx[1:]}}}" for name, hx in COLOURS.values()]
