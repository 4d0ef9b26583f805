"""symconv check: a table of formulas from textbooks, papers and library docs, each with its
classification; semantic error tables; the CLI contract; and a property test that formulas
written from random normal forms are classified back to the same normal form."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.classify.check import CheckResult, check_formula
from symconv.errors import FormulaError, InputError

# Sources (written from the texts as they print them):
#   article: Draelos, "Convolution vs. Cross-Correlation" (DESIGN.md's two formulas);
#   dlbook: Goodfellow, Bengio, Courville, Deep Learning, eqs. 9.3-9.8;
#   songho: Song Ho Ahn, "Convolution" (1-D and 2-D discrete convolution);
#   d2l: Dive into Deep Learning, 7.1-7.4 (cross-correlation, channels);
#   pytorch/tf: the Conv2d / tf.nn.conv2d / tf.nn.convolution documentation;
#   wikipedia: "Convolution" and "Cross-correlation" (conjugated first argument);
#   numpy/scipy: numpy.convolve, numpy.correlate, scipy.signal.correlate docstrings.
FORMULAS = [
    pytest.param(r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m-i,n-j]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(x, h)[m, n]",
                 },
                 id="article-conv-latex"),
    pytest.param("y[m,n] = sum_{i,j} x[i,j]*h[m-i,n-j]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(x, h)[m, n]",
                 },
                 id="article-conv-text"),
    pytest.param(r"y[m,n] = x[m,n] * h[m,n] = \sum_{j=-\infty}^{\infty} \sum_{i=-\infty}^{\infty} x[i,j] h[m-i, n-j]",  # noqa: E501
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(x, h)[m, n]",
                 },
                 id="article-conv-chained"),
    pytest.param("y[m,n] = sum_j sum_i x[i,j] h[m+i, n+j]",
                 {}, {
                     "kind": "corr-reflected",
                     "normal_form": "i = -m + k, j = -n + l",
                     "equivalent": "corr(x, h)[-m, -n]",
                 },
                 id="article-corr-text"),
    pytest.param(r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m+i,n+j]",
                 {}, {
                     "kind": "corr-reflected",
                     "normal_form": "i = -m + k, j = -n + l",
                     "equivalent": "corr(x, h)[-m, -n]",
                 },
                 id="article-corr-latex"),
    pytest.param("y[m,n] = sum_j sum_i x[i,j] h[i-m, j-n]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k, j = n + l",
                     "equivalent": "corr(x, h)[m, n]",
                 },
                 id="standard-corr"),
    pytest.param(r"s(t) = (x * w)(t) = \sum_{a=-\infty}^{\infty} x(a) w(t-a)",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(x, w)[t]",
                 },
                 id="dlbook-9.3"),
    pytest.param(r"S(i,j) = (I*K)(i,j) = \sum_m \sum_n I(m,n) K(i-m, j-n)",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(I, K)[i, j]",
                 },
                 id="dlbook-9.4"),
    pytest.param(r"S(i,j) = (K*I)(i,j) = \sum_m \sum_n I(i-m, j-n) K(m,n)",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(I, K)[i, j]",
                 },
                 id="dlbook-9.5"),
    pytest.param(r"S(i,j) = (K*I)(i,j) = \sum_m \sum_n I(i+m, j+n) K(m,n)",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k, j = n + l",
                     "equivalent": "corr(I, K)[i, j]",
                 },
                 id="dlbook-9.6"),
    pytest.param(r"Z_{i,j,k} = \sum_{l,m,n} V_{l,j+m-1,k+n-1} K_{i,l,m,n}",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k - 1, j = n + l - 1",
                     "equivalent": "sum_{l} corr(V[l], K[i, l])[j - 1, k - 1]",
                     "channels": {"contracted": ["l"], "output_channel": ["i"]},
                 },
                 id="dlbook-9.7"),
    pytest.param(r"Z_{i,j,k} = c(K,V,s)_{i,j,k} = \sum_{l,m,n} [V_{l,(j-1)\times s+m,(k-1)\times s+n} K_{i,l,m,n}]",  # noqa: E501
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = s*m + k - s, j = s*n + l - s",
                     "equivalent": "sum_{l} corr(V[l], K[i, l])[s*j - s, s*k - s]",
                     "channels": {"contracted": ["l"], "output_channel": ["i"]},
                 },
                 id="dlbook-9.8-strided"),
    pytest.param(r"y[n] = x[n] * h[n] = \sum_{k=-\infty}^{\infty} x[k] \cdot h[n-k]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(x, h)[n]",
                 },
                 id="songho-1d"),
    pytest.param(r"y[n] = \sum_{k=-\infty}^{\infty} h[k] \cdot x[n-k]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(x, h)[n]",
                 },
                 id="songho-1d-commuted"),
    pytest.param(r"y[m,n] = x[m,n] * h[m,n] = \sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty} x[i,j] \cdot h[m-i,n-j]",  # noqa: E501
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(x, h)[m, n]",
                 },
                 id="songho-2d"),
    pytest.param(r"[\mathbf{H}]_{i,j} = u + \sum_{a=-\Delta}^{\Delta}\sum_{b=-\Delta}^{\Delta} [\mathbf{V}]_{a,b} [\mathbf{X}]_{i+a,j+b}",  # noqa: E501
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k, j = n + l",
                     "equivalent": "corr(X, V)[i, j] + u",
                     "bias": "u",
                 },
                 id="d2l-corr"),
    pytest.param(r"[\mathsf{H}]_{i,j,d} = \sum_{a=-\Delta}^{\Delta}\sum_{b=-\Delta}^{\Delta}\sum_c [\mathsf{V}]_{a,b,c,d} [\mathsf{X}]_{i+a,j+b,c}",  # noqa: E501
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k, j = n + l",
                     "equivalent": "sum_{c} corr(X[c], V[d, c])[i, j]",
                     "channels": {"contracted": ["c"], "output_channel": ["d"]},
                 },
                 id="d2l-channels"),
    pytest.param(r"(f * g)(i, j) = \sum_a\sum_b f(a, b) g(i-a, j-b)",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(f, g)[i, j]",
                 },
                 id="d2l-convolution"),
    pytest.param(r"\text{out}[b,o,m,n] = \text{bias}[o] + \sum_{c}\sum_{k}\sum_{l} \text{weight}[o,c,k,l] \cdot \text{input}[b,c,\text{stride}\cdot m + \text{dilation}\cdot k - \text{padding}, \text{stride}\cdot n + \text{dilation}\cdot l - \text{padding}]",  # noqa: E501
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = stride*m + dilation*k - padding, j = stride*n + dilation*l - padding",  # noqa: E501
                     "equivalent": "sum_{c} corr(input[b, c], weight[o, c], dilation=dilation)[stride*m - padding, stride*n - padding] + bias[o]",  # noqa: E501
                     "channels": {"contracted": ["c"], "batch": ["b"], "output_channel": ["o"]},
                     "bias": "bias[o]",
                 },
                 id="pytorch-conv2d-docs"),
    pytest.param("output[b, i, j, k] = sum_{di, dj, q} input[b, strides[1] * i + di, strides[2] * j + dj, q] * filter[di, dj, q, k]",  # noqa: E501
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = strides[1]*m + k, j = strides[2]*n + l",
                     "equivalent": "sum_{q} corr(input[b, q], filter[k, q])[strides[1]*i, strides[2]*j]",  # noqa: E501
                     "channels": {"contracted": ["q"], "batch": ["b"], "output_channel": ["k"]},
                 },
                 id="tf-conv2d-docs"),
    pytest.param("output[b, x, k] = sum_{z, q} filter[z, q, k] * padded_input[b, x*stride + dilation_rate*z, q]",  # noqa: E501
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = stride*m + dilation_rate*k",
                     "equivalent": "sum_{q} corr(padded_input[b, q], filter[k, q], dilation=dilation_rate)[stride*x]",  # noqa: E501
                     "channels": {"contracted": ["q"], "batch": ["b"], "output_channel": ["k"]},
                 },
                 id="tf-convolution-docs"),
    pytest.param(r"(f * g)[n] = \sum_{m=-\infty}^{\infty} f[m] g[n-m]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(f, g)[n]",
                 },
                 id="wikipedia-convolution"),
    pytest.param(r"(f \star g)[n] \triangleq \sum_{m=-\infty}^{\infty} \overline{f[m]} g[m+n]",
                 {}, {
                     "kind": "corr-reflected",
                     "normal_form": "i = -m + k",
                     "equivalent": "corr(conj(f), g)[-n]",
                     "conjugate": "image",
                 },
                 id="wikipedia-correlation"),
    pytest.param(r"(f \star g)[n] \triangleq \sum_{m=-\infty}^{\infty} \overline{f[m]} g[m+n]",
                 {"image": "g", "kernel": "f"}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "corr(g, conj(f))[n]",
                     "conjugate": "kernel",
                 },
                 id="wikipedia-correlation-roles"),
    pytest.param("c_k = sum_n a_{n+k} * conj(v_n)",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "corr(a, conj(v))[k]",
                     "conjugate": "kernel",
                 },
                 id="numpy-correlate-docs"),
    pytest.param(r"c_k = \sum_n a_{n+k} \cdot \overline{v}_n",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "corr(a, conj(v))[k]",
                     "conjugate": "kernel",
                 },
                 id="numpy-correlate-docs-latex"),
    pytest.param(r"(a * v)_n = \sum_{m = -\infty}^{\infty} a_m \cdot v_{n - m}",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(a, v)[n]",
                 },
                 id="numpy-convolve-docs"),
    pytest.param(r"z[k] = \sum_{l} x_l y^*_{l-k+N-1}",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k - N + 1",
                     "equivalent": "corr(x, conj(y))[k - N + 1]",
                     "conjugate": "kernel",
                 },
                 id="scipy-correlate-docs"),
    pytest.param(r"y[j] = \sum_{m=0}^{K-1} x[(j-1)s+m] w[m]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = s*m + k - s",
                     "equivalent": "corr(x, w)[s*j - s]",
                 },
                 id="strided-1based"),
    pytest.param(r"y[m] = \sum_{k=0}^{K-1} x[m + d k] h[k]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + d*k",
                     "equivalent": "corr(x, h, dilation=d)[m]",
                 },
                 id="dilated-corr"),
    pytest.param(r"y[n] = \sum_k x[n - r k] h[k]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - r*k",
                     "equivalent": "conv(x, h, dilation=r)[n]",
                 },
                 id="dilated-conv-atrous"),
    pytest.param("y[m] = sum_k x[2m + k - 1] w[k]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = 2m + k - 1",
                     "equivalent": "corr(x, w)[2m - 1]",
                 },
                 id="strided-padded-numeric"),
    pytest.param(r"y[m] = \sum_{k=0}^{K-1} x[m\cdot s + k - p]\, w[k]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = s*m + k - p",
                     "equivalent": "corr(x, w)[s*m - p]",
                 },
                 id="symbolic-cdot"),
    pytest.param("y[m,n] = sum_{i,j} x[i,j] h[i-m, n-j]",
                 {}, {
                     "kind": "mixed",
                     "normal_form": "i = m + k, j = n - l",
                     "equivalent": "corr(x, flip(h, axes=(1,)))[m, n]",
                 },
                 id="mixed"),
    pytest.param("y[m] = sum_i x[i] h[-m-i]",
                 {}, {
                     "kind": "conv-reflected",
                     "normal_form": "i = -m - k",
                     "equivalent": "conv(x, h)[-m]",
                 },
                 id="conv-reflected"),
    pytest.param("r[k] = sum_n x[n+k] conj(h[n])",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "corr(x, conj(h))[k]",
                     "conjugate": "kernel",
                 },
                 id="conj-function"),
    pytest.param(r"y[m] = \sum_{n} x[n] h^*[n-m]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "corr(x, conj(h))[m]",
                     "conjugate": "kernel",
                 },
                 id="conj-star"),
    pytest.param("y[c,m,n] = sum_{i,j} x[c, m+i, n+j] w[c,i,j]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k, j = n + l",
                     "equivalent": "corr(x[c], w[c])[m, n]",
                     "channels": {"depthwise": ["c"]},
                 },
                 id="depthwise"),
    pytest.param("y[m][n] = sum_{i=-inf}^{inf} sum_j x[i][j] h[m-i][n-j]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k, j = n - l",
                     "equivalent": "conv(x, h)[m, n]",
                 },
                 id="c-style"),
    pytest.param(r"y_{m,n} := \sum_{k,l} x_{m+k,n+l} \cdot w_{k,l}",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k, j = n + l",
                     "equivalent": "corr(x, w)[m, n]",
                 },
                 id="coloneq-subscripts"),
    pytest.param(r"y\left[m\right] = \sum\limits_{k=0}^{K-1} x\left[m-k\right] h\left[k\right]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(x, h)[m]",
                 },
                 id="limits-left-right"),
    pytest.param(r"\mathbf{y}[n] = \sum_{k} \mathbf{x}[n+k]\,\operatorname{conj}(\mathbf{h}[k])",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "corr(x, conj(h))[n]",
                     "conjugate": "kernel",
                 },
                 id="mathbf-operatorname"),
    pytest.param(r"y[m] = \sum x[i] h[m-i]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(x, h)[m]",
                 },
                 id="bare-sum"),
    pytest.param("c[n] = sum_k p[n-k] q[k]",
                 {"image": "p", "kernel": "q"}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(p, q)[n]",
                 },
                 id="roles-by-option"),
    pytest.param("y[m,n,p] = sum_{i,j,k} x[i,j,k] h[m-i,n-j,p-k]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i1 = m1 - k1, i2 = m2 - k2, i3 = m3 - k3",
                     "equivalent": "conv(x, h)[m, n, p]",
                 },
                 id="three-d"),
    pytest.param("y[n] = ∑_k x[n−k]·h[k]",
                 {}, {
                     "kind": "conv",
                     "normal_form": "i = m - k",
                     "equivalent": "conv(x, h)[n]",
                 },
                 id="unicode"),
    pytest.param(r"y[m] = \sum_{i} 2\, x[i] \times h[i-m]",
                 {}, {
                     "kind": "corr",
                     "normal_form": "i = m + k",
                     "equivalent": "2*corr(x, h)[m]",
                     "scale": 2,
                 },
                 id="times-juxtaposed"),
]


@pytest.mark.parametrize("formula, roles, expected", FORMULAS)
def test_formula_table(formula: str, roles: dict[str, str], expected: dict[str, object]) -> None:
    r = check_formula(formula, **roles)
    data = r.to_json()
    for key, value in expected.items():
        assert data[key] == value, key
    assert data["flipped"] == (expected["kind"] in ("conv", "conv-reflected"))
    assert data.get("conjugate") == expected.get("conjugate")
    assert data.get("channels") == expected.get("channels", {})


def test_table_is_large_enough() -> None:
    assert len(FORMULAS) >= 30


def test_article_correlation_is_standard_correlation_reflected() -> None:
    r = check_formula(r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}"
                      r"x[i,j]\,h[m+i,n+j]")
    assert r.kind == "corr-reflected"
    assert r.equivalent == "corr(x, h)[-m, -n]"
    assert r.flipped is False
    assert r.to_json()["roles_swapped"] == {"kind": "corr", "equivalent": "corr(h, x)[m, n]"}
    assert any("-m" in c for c in r.conventions)


def test_axis_details_strided_dilated() -> None:
    r = check_formula(r"y[m] = \sum_k x[2m + 3k - 1] h[k]")
    (ax,) = r.to_json()["axes"]
    assert ax == {"kind": "corr", "stride": 2, "dilation": 3, "offset": -1, "sigma": 1,
                  "reflected": False, "output_index": "m", "image_index": "2m + 3k - 1",
                  "kernel_index": "k", "offset_if_one_based": 3}
    assert r.equivalent == "corr(x, h, dilation=3)[2m - 1]"
    assert any("stride=2, dilation=3, padding=1" in c for c in r.conventions)


def test_symbolic_parameters_are_strings() -> None:
    r = check_formula(r"y[j] = \sum_{m=0}^{K-1} x[(j-1)s+m] w[m]")
    (ax,) = r.to_json()["axes"]
    assert (ax["stride"], ax["dilation"], ax["offset"]) == ("s", 1, "-s")
    assert r.to_json()["sums"] == [{"index": "m", "from": "0", "to": "K-1"}]


def test_one_based_formulas_dl_book() -> None:
    """The DL book counts from 1: its V_{l,j+m-1,k+n-1} is padding 0 when counted from 0."""
    r = check_formula(r"Z_{i,j,k} = \sum_{l,m,n} V_{l,j+m-1,k+n-1} K_{i,l,m,n}")
    assert [a["offset"] for a in r.to_json()["axes"]] == [-1, -1]
    assert [a["offset_if_one_based"] for a in r.to_json()["axes"]] == [0, 0]
    assert any("no shift at all" in c for c in r.conventions)


def test_reflected_stride_is_reported_positive() -> None:
    r = check_formula("y[m] = sum_k x[-2m + k] h[k]")
    (ax,) = r.axes
    assert (r.kind, ax.stride, ax.reflected) == ("corr-reflected", 2, True)
    assert r.normal_form == "i = -2m + k"


def test_scale_and_bias() -> None:
    r = check_formula(r"y[o,m] = b[o] - 2 \sum_{c,k} x[c, m+k] w[o, c, k]")
    d = r.to_json()
    assert d["scale"] == -2 and d["bias"] == "b[o]"
    assert d["channels"] == {"contracted": ["c"], "output_channel": ["o"]}


def test_check_result_is_a_dataclass_with_to_json() -> None:
    r = check_formula("y[m] = sum_i x[i] h[m-i]")
    assert isinstance(r, CheckResult)
    assert json.loads(json.dumps(r.to_json()))["kind"] == "conv"


# -- formulas that are not of this family: a clear explanation, not a guess ------------------

NOT_OF_THIS_FAMILY = [
    pytest.param("y[m,n] = sum_{i,j} x[i,j] h[i*j, n-j]", "not affine", id="non-affine-ij"),
    pytest.param("y[m] = sum_i x[i] h[i*j]", "neither summed nor on the left",
                 id="non-affine-unsummed-j"),
    pytest.param("y[m] = sum_i x[i] h[i*i - m]", "squares the index i", id="square"),
    pytest.param("y[m] = sum_k y[m-k] h[k]", "recursive", id="recursive-filter"),
    pytest.param("y[m] = sum_i x[i] x[m-i]", "both factors are x", id="same-array-twice"),
    pytest.param("y[m] = sum_i x[i] f[m-i]", "two image factors", id="two-image-factors"),
    pytest.param("y[m] = x[i] h[m-i]", "not summed", id="no-sum"),
    pytest.param("y[m,n] = sum_i x[i,j] h[m-i,n-j]", "j, which is neither summed",
                 id="index-not-summed"),
    pytest.param("y[m,n] = sum_i x[i] h[m-i]", "output index n does not appear",
                 id="output-index-missing"),
    pytest.param("y[m] = sum_i x[i] h[m-i] g[i]", "product of 3 arrays", id="three-arrays"),
    pytest.param("y[m] = sum_{i,j} x[i+j] h[m-i]", "mixes two summed", id="two-sums-one-index"),
    pytest.param("y[m,n] = sum_i x[i] h[m+n-i]", "two output", id="not-separable"),
    pytest.param("y[m] = sum_i x[i+m] h[2i]", "each kernel tap must be used once",
                 id="kernel-coefficient-2"),
    pytest.param("y[m] = sum_i x[i] h[2i - m]", "transposed", id="transposed-correlation"),
    pytest.param("y[m] = sum_i x[i] h[i]", "output index m does not appear",
                 id="inner-product"),
    pytest.param("y[m] = sum_i x[i, m] h[i+1]", "no output index moves", id="shifted-inner"),
    pytest.param("y[m] = sum_i x[m+i] h[m+i]", "move together", id="no-dependence-on-m"),
    pytest.param("y[m] = sum_k p[m+k] q[k]", "cannot tell", id="unknown-roles"),
    pytest.param("y[2m] = sum_k x[m+k] h[k]", "must be a plain name", id="output-not-a-name"),
    pytest.param("sum_k x[m+k] h[k]", "no '='", id="no-equals"),
    pytest.param("y[m] = sum_k x[m+k]", "not a product of two arrays", id="one-array"),
    pytest.param("y[m] = sum_k x[m+k] h[k] + sum_k x[k] h[k]", "two terms", id="two-products"),
    pytest.param("y[m] = sum_k (x[m+k] + 1) h[k]", "inside a product", id="sum-in-product"),
    pytest.param("y[m] = sum_k x[m+k, 0] h[k]", "constant", id="constant-index"),
    pytest.param(r"y[m] = \sum_k x[m+k] \star h[k]", "operator", id="operator-between"),
    pytest.param(r"\text{out}(N_i, C_{\text{out}_j}) = \text{bias}(C_{\text{out}_j}) + "
                 r"\sum_{k = 0}^{C_{\text{in}} - 1} \text{weight}(C_{\text{out}_j}, k) "
                 r"\star \text{input}(N_i, k)", "write it with indices",
                 id="pytorch-docs-operator-form"),
]


@pytest.mark.parametrize("formula, fragment", NOT_OF_THIS_FAMILY)
def test_not_of_this_family(formula: str, fragment: str, cli) -> None:
    with pytest.raises(FormulaError) as exc:
        check_formula(formula)
    assert fragment in str(exc.value)
    assert exc.value.column is not None
    res = cli("check", formula)
    assert res.code == 2 and res.out == ""
    assert res.err.startswith("symconv check: error: ")
    assert res.err.rstrip().splitlines()[-1].strip() == "^"


def test_unknown_role_names() -> None:
    with pytest.raises(InputError, match="unknown image name 'z'"):
        check_formula("y[m] = sum_i x[i] h[m-i]", image="z")
    with pytest.raises(InputError, match="unknown kernel name 'q'"):
        check_formula("y[m] = sum_i x[i] h[m-i]", kernel="q")


def test_roles_can_be_overridden() -> None:
    assert check_formula("y[m] = sum_i x[i] h[m+i]").kind == "corr-reflected"
    assert check_formula("y[m] = sum_i x[i] h[m+i]", image="h", kernel="x").kind == "corr"


# -- the CLI contract -------------------------------------------------------------------------

def test_cli_json_contract(cli) -> None:
    res = cli("check", "y[m,n] = sum_{i,j} x[i,j]*h[m-i,n-j]", "--format", "json")
    assert res.code == 0, res.err
    d = json.loads(res.out)
    for key in ("kind", "flipped", "axes", "normal_form", "equivalent"):
        assert key in d
    assert d["kind"] == "conv" and d["flipped"] is True
    for ax in d["axes"]:
        assert {"kind", "stride", "dilation", "offset"} <= set(ax)
    assert d["normal_form"] == "i = m - k, j = n - l"


def test_cli_text_and_roles(cli) -> None:
    res = cli("check", "c[n] = sum_k p[n+k] q[k]", "--image", "p", "--kernel", "q")
    assert res.code == 0, res.err
    assert "kind:" in res.out and "corr" in res.out and "equivalent:" in res.out
    assert "c[n] = corr(p, q)[n]" in res.out


def test_cli_output_file_and_determinism(cli, tmp_path) -> None:
    path = tmp_path / "check.json"
    f = r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m+i,n+j]"
    assert cli("check", f, "--format", "json", "-o", str(path)).code == 0
    first = path.read_text()
    assert cli("check", f, "--format", "json", "-o", str(path)).code == 0
    assert path.read_text() == first
    assert json.loads(first)["equivalent"] == "corr(x, h)[-m, -n]"


def test_cli_reads_standard_input(cli, monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("y[m] = sum_k x[m-k] h[k]\n"))
    res = cli("check", "-", "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["kind"] == "conv"


def test_cli_format_not_yet_rendered_is_exit_2(cli) -> None:
    from symconv.render import FORMATS

    res = cli("check", "y[m] = sum_k x[m-k] h[k]", "--format", "markdown")
    if res.code == 0:  # the renderer for checks exists
        assert "markdown" in FORMATS and res.out
    else:
        assert res.code == 2 and "not available" in res.err


def test_cli_unknown_role_name_exit_2(cli) -> None:
    res = cli("check", "y[m] = sum_i x[i] h[m-i]", "--image", "nope")
    assert res.code == 2 and "unknown image name 'nope'" in res.err
    assert res.err.rstrip().splitlines()[-1] == "               ^"  # under x[i]


# -- property: random normal forms written as formulas classify back -------------------------

PARAMS = ("s", "d", "p", "q", "r", "S", "D", "P")
OUT_POOL = ("m", "n", "o", "t", "u", "v")
SUM_POOL = ("i", "j", "k", "l", "a", "b")
ARRAYS = (("x", "h"), ("I", "K"), ("f", "g"), ("input", "weight"), ("X", "W"))


@st.composite
def normal_forms(draw: st.DrawFn) -> tuple[str, list[tuple[object, int, object, object]], bool]:
    nd = draw(st.integers(1, 3))
    outs = draw(st.permutations(OUT_POOL))[:nd]
    sums = draw(st.permutations(SUM_POOL))[:nd]
    image, kernel = draw(st.sampled_from(ARRAYS))
    latex = draw(st.booleans())
    over_kernel = draw(st.booleans())
    params = list(draw(st.permutations(PARAMS)))
    axes = []
    ximg, hker = [], []
    for a in range(nd):
        sym_s = draw(st.booleans()) and draw(st.booleans())
        sign_s = draw(st.sampled_from((1, -1)))
        s: object = params.pop() if sym_s else sign_s * draw(st.integers(1, 3))
        sigma = draw(st.sampled_from((1, -1)))
        d: object = 1
        if over_kernel:
            d = params.pop() if draw(st.booleans()) and draw(st.booleans()) else \
                draw(st.integers(1, 3))
        c: object = params.pop() if draw(st.booleans()) and draw(st.booleans()) else \
            draw(st.integers(-3, 3))
        m, t = outs[a], sums[a]
        mul = draw(st.sampled_from(("*", r"\cdot ", " ", r"\times "))) if latex else \
            draw(st.sampled_from(("*", "")))
        if over_kernel:
            # pixel = s*m + sigma*d*t + c, tap = t
            ximg.append(_lin([(s, m), (sigma, d, t)], c, mul))
            hker.append(t)
        else:
            # pixel = t, tap = sigma*(t - s*m - c)  (d = 1)
            ximg.append(t)
            hker.append(_lin([(sigma, t), (-sigma, s, m)], ("neg", sigma, c), mul))
        axes.append((s, sigma, d, c))
    if latex:
        sum_text = "".join(rf"\sum_{{{t}=-\infty}}^{{\infty}}" for t in sums) \
            if draw(st.booleans()) else rf"\sum_{{{','.join(sums)}}}"
        prod = draw(st.sampled_from((r"\,", r"\cdot ", " ")))
        x_text = rf"\mathbf{{{image}}}[{', '.join(ximg)}]"
        h_text = rf"{kernel}_{{{', '.join(hker)}}}"
        formula = rf"y[{','.join(outs)}] = {sum_text} {x_text}{prod}{h_text}"
    else:
        sum_text = f"sum_{{{','.join(sums)}}}"
        br = draw(st.sampled_from(("[]", "()")))
        formula = (f"y{br[0]}{','.join(outs)}{br[1]} = {sum_text} "
                   f"{image}{br[0]}{','.join(ximg)}{br[1]} * {kernel}{br[0]}{','.join(hker)}"
                   f"{br[1]}")
    return formula, axes, over_kernel


def _coef(*parts: object) -> tuple[int, list[str]]:
    sign, names = 1, []
    for p in parts:
        if isinstance(p, int):
            sign *= p
        else:
            names.append(str(p))
    return sign, names


def _lin(terms: list[tuple[object, ...]], const: object, mul: str) -> str:
    out = ""
    for *coefs, var in terms:
        c, names = _coef(*coefs)
        if c == 0:
            continue
        mag = abs(c)
        factors = ([] if mag == 1 else [str(mag)]) + names + [str(var)]
        body = mul.join(factors) if mul.strip() or mul == " " else "".join(
            f if i == 0 else ("*" + f if (factors[i - 1].isalpha() and f.isalpha()) else f)
            for i, f in enumerate(factors))
        out += ("-" if c < 0 else ("+" if out else "")) + body
    if isinstance(const, tuple):  # ("neg", sigma, c): the term -sigma*c
        _, sigma, c = const
        if isinstance(c, int):
            v = -sigma * c
            if v:
                out += f"{v:+d}"
        else:
            out += ("-" if sigma > 0 else "+") + str(c)
    elif isinstance(const, int):
        if const:
            out += f"{const:+d}"
    else:
        out += "+" + str(const)
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(normal_forms())
def test_random_normal_forms_classify_back(case) -> None:
    formula, axes, _ = case
    r = check_formula(formula)
    assert len(r.axes) == len(axes), formula
    for got, (s, sigma, d, c) in zip(r.axes, axes, strict=True):
        assert got.sigma == sigma, formula
        want_reflected = isinstance(s, int) and s < 0
        assert got.reflected == want_reflected, formula
        assert got.stride == (abs(s) if isinstance(s, int) else s), formula
        assert got.dilation == d, formula
        assert got.offset == c, formula
    kinds = {("conv" if sg < 0 else "corr") + ("-reflected" if isinstance(s, int) and s < 0
                                               else "") for s, sg, _, _ in axes}
    assert r.kind == (kinds.pop() if len(kinds) == 1 else "mixed"), formula


# -- agreement with the core engine's operations ---------------------------------------------

@pytest.mark.parametrize("op, formula", [
    ("conv", "y[m,n] = sum_{i,j} x[i,j] h[m-i,n-j]"),
    ("corr", "y[m,n] = sum_{i,j} x[i,j] h[i-m,j-n]"),
    ("corr-reflected", "y[m,n] = sum_{i,j} x[i,j] h[m+i,n+j]"),
])
def test_design_definitions_match_ops(op: str, formula: str) -> None:
    """DESIGN.md's three operations, written as formulas, classify to the relation
    symconv.index.request builds for them (sigma, and the sign of the stride)."""
    from symconv.index.request import operation

    r = check_formula(formula)
    assert r.kind == op
    for ax, f in zip(r.axes, operation(op, "7x7", "3x3").relation.factors, strict=True):
        assert ax.sigma == f.sigma
        assert (ax.s[0][1] if ax.s else 0) == f.stride


# -- every term of the formula is in the equivalent --------------------------------------
@pytest.mark.parametrize(("formula", "equivalent", "facts"), [
    pytest.param("y[m] = sum_k x[m - k] * h[k] + 5", "conv(x, h)[m] + 5", {"bias": "5"},
                 id="constant-bias"),
    pytest.param("y[m] = 2 * sum_k x[m - k] * h[k]", "2*conv(x, h)[m]", {"scale": 2},
                 id="scale"),
    pytest.param("y[m] = -sum_k x[m - k] * h[k]", "-conv(x, h)[m]", {"scale": -1},
                 id="negated"),
    pytest.param("y[m] = sum_k x[m - k] * h[k] + x[m]", "conv(x, h)[m] + x[m]",
                 {"bias": None, "extra_terms": ["x[m]"]}, id="image-term-is-not-a-bias"),
    pytest.param("y[m] = sum_k x[m - k] * h[k] + 5*b", "conv(x, h)[m] + 5*b",
                 {"bias": "5*b"}, id="scaled-bias"),
    pytest.param("y[m] = b - 3 - 2*sum_k x[m - k] * h[k] - h[0]",
                 "-2*conv(x, h)[m] - h[0] + b - 3",
                 {"bias": "b - 3", "scale": -2, "extra_terms": ["-h[0]"]}, id="all-at-once"),
])
def test_equivalent_keeps_every_term(formula: str, equivalent: str,
                                     facts: dict[str, object]) -> None:
    r = check_formula(formula)
    data = r.to_json()
    assert data["equivalent"] == equivalent
    for key, value in facts.items():
        assert data.get(key) == value, key


def test_equivalent_with_bias_matches_numpy() -> None:
    """The equivalent is what the formula computes: evaluate both on numbers."""
    x = np.array([2, 1, 3, 5, 4])
    h = np.array([1, -1, 2])
    r = check_formula("y[m] = 3*sum_k x[m - k] * h[k] + x[m] + 7")
    assert r.equivalent == "3*conv(x, h)[m] + x[m] + 7"
    full = np.convolve(x, h)
    formula = [3 * sum(x[m - k] * h[k] for k in range(3) if 0 <= m - k < 5)
               + (x[m] if m < 5 else 0) + 7 for m in range(7)]
    assert (3 * full + np.pad(x, (0, 2)) + 7).tolist() == formula


@pytest.mark.parametrize(("formula", "equivalent"), [
    pytest.param(r"z_{ij} = \sum_{k}\sum_{l} w_{kl}\, x_{i+k,j+l}", "corr(x, w)[i, j]",
                 id="bishop-run-together-subscripts"),
    pytest.param(r"y_{mn} = \sum_{k}\sum_{l} w_{kl}\, x_{m-k,n-l}", "conv(x, w)[m, n]",
                 id="run-together-conv"),
    pytest.param(r"z_{i,j} = \sum_{k}\sum_{l} w_{k,l}\, x_{i+k,j+l}", "corr(x, w)[i, j]",
                 id="with-commas-too"),
])
def test_subscripts_without_commas(formula: str, equivalent: str) -> None:
    assert check_formula(formula).equivalent == equivalent
