"""The palette survives print and colour-blind readers (issue: publication quality).

Measured, not looked at: lightness (CIE L*) differences in greyscale, WCAG contrast of text
colours on white, and colour distances after simulating deuteranopia and protanopia with the
matrices of Machado, Oliveira and Fernandes (2009, severity 1.0), applied in linear RGB.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from symconv.expansion.figures.model import LINE_STYLES
from symconv.render import palette

MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
#: Roles printed as text or lines on white, and the fills.
TEXT_ROLES = ("m", "n", "muted", "conv", "corr-reflected", "corr", "grid", "outline")
FILLS = ("header", "patch", "kernel", "focus")


def linear(rgb: tuple[int, int, int]) -> np.ndarray:
    c = np.asarray(rgb, float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(lin: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of a linear RGB colour."""
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                  [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(lin, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def lightness(role: str) -> float:
    return float(lab(linear(palette.rgb(role)))[0])


def luminance(role: str) -> float:
    return float(np.dot([0.2126, 0.7152, 0.0722], linear(palette.rgb(role))))


def delta_e(a: str, b: str, deficiency: str | None = None) -> float:
    la, lb = linear(palette.rgb(a)), linear(palette.rgb(b))
    if deficiency:
        la, lb = MACHADO[deficiency] @ la, MACHADO[deficiency] @ lb
    return float(np.linalg.norm(lab(la) - lab(lb)))


@pytest.mark.parametrize("role", TEXT_ROLES)
def test_text_colours_read_on_white(role: str) -> None:
    assert 1.05 / (luminance(role) + 0.05) >= 4.5  # WCAG AA for body text


def test_the_two_index_colours_are_two_greys_in_print() -> None:
    assert abs(lightness("m") - lightness("n")) >= 15


@pytest.mark.parametrize("deficiency", [None, "deuteranopia", "protanopia"])
def test_the_two_index_colours_stay_apart_for_colour_blind_readers(deficiency: str | None
                                                                     ) -> None:
    assert delta_e("m", "n", deficiency) >= 30


@pytest.mark.parametrize("a,b", list(itertools.combinations(FILLS, 2)))
def test_fills_are_distinct_greys(a: str, b: str) -> None:
    assert abs(lightness(a) - lightness(b)) >= 5


@pytest.mark.parametrize("fill", FILLS)
def test_fills_differ_from_the_page_and_keep_black_text_readable(fill: str) -> None:
    assert 100 - lightness(fill) >= 4
    assert (luminance(fill) + 0.05) / 0.05 >= 7  # black text on the fill: WCAG AAA


def test_operations_differ_by_line_style_not_only_colour() -> None:
    assert len(set(LINE_STYLES.values())) == len(LINE_STYLES)
    assert set(LINE_STYLES.values()) <= set(palette.TIKZ_DASH) == set(palette.SVG_DASH)
    # the two correlations, nearest in colour, also differ for deuteranopes
    assert delta_e("corr", "corr-reflected", "deuteranopia") >= 15


def test_mathjax_colours_are_the_palette() -> None:
    for role, spec in palette.MATHJAX_COLOURS.items():
        assert spec == "[RGB]{" + ",".join(map(str, palette.rgb(role))) + "}"
