"""Soundness of ``prove --claim``: no false claim is ever proved, every counterexample is
real, and every claim proved for all sizes holds numerically at large random shapes.

The numbers come from an independent reading of the claim language with SciPy, PyTorch and
NumPy (``tests/claim_oracle.py``), which shares nothing with symconv's engines but the
parser.  The false claims are mutations of true ones (a stride, a mode, a flip, a padding,
an argument or a reflection changed on one side) in 1-D, 2-D and 3-D under both origins,
plus the adversarial reproductions of the soundness issue.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import need_module

from symconv.parse.claim import parse_claim
from symconv.proof.claims import prove_claim

#: Claims true for every size: (claim, options).  Each must be proved in the all-sizes
#: scope and hold numerically at large random shapes.
TRUE_CLAIMS: list[tuple[str, dict[str, Any]]] = [
    ("conv(x, h) == corr(x, flip(h))", {}),
    ("corr(x, h) == conv(x, flip(h))", {}),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')", {}),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')", {}),
    ("conv(x, h, stride=2) == corr(x, flip(h), stride=2)", {}),
    ("conv(x, h, stride=3, mode='same') == corr(x, flip(h), stride=3, mode='same')", {}),
    ("conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)", {}),
    ("conv(x, h, stride=2, dilation=2, mode='same') == "
     "corr(x, flip(h), stride=2, dilation=2, mode='same')", {}),
    ("conv(x, h, padding=1) == corr(x, flip(h), padding=1)", {}),
    ("conv(x, h, padding=2, stride=2) == corr(x, flip(h), padding=2, stride=2)",
     {"origin": "corner"}),
    ("conv(x, h, padding='same') == corr(x, flip(h), padding='same')", {}),
    ("conv(x, h) == conv(h, x)", {}),
    ("conv(x, h, stride=2) == conv(h, x, stride=2)", {}),
    ("corr(x, h) == flip(corr(h, x))", {}),
    ("corr(x, h) == corr(h, x)[-m]", {}),
    ("corr_reflected(x, h) == corr(x, h)[-m]", {}),
    ("corr_reflected(x, h, mode='same') == corr(x, h, mode='same')[-m]", {}),
    ("conv(x, h + w) == conv(x, h) + conv(x, w)", {}),
    ("conv(x + f, h) == conv(x, h) + conv(f, h)", {}),
    ("conv(2*x, h) == 2*conv(x, h)", {}),
    ("conv(-x, h) == -conv(x, h)", {}),
    ("corr(x, h - w, stride=2) == corr(x, h, stride=2) - corr(x, w, stride=2)", {}),
    ("sum(conv(x, h)) == sum(x) * sum(h)", {}),
    ("sum(corr(x, h)) == sum(x) * sum(h)", {}),
    ("conv(conv(x, h), w) == conv(x, conv(h, w))", {}),
    ("corr(corr(x, h), w) == corr(x, conv(h, w))", {}),
    ("conv(x, h)[-m] == conv(flip(x), flip(h))", {}),
    ("corr(x, h, conjugate=true) == corr(x, conj(h))", {}),
    ("conj(conv(x, h)) == conv(conj(x), conj(h))", {}),
    ("conv(x, h, dilation=2) == conv(x, dilate(h, 2))", {}),
    ("corr(x, h, dilation=3) == corr(x, dilate(h, 3))", {}),
    ("conv_transpose(g, h) == conv(g, h)", {}),
    ("conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)", {}),
    ("grad(corr(x, h, mode='valid'), x, g) == conv(g, h)", {"where": "N >= K"}),
    ("grad(sum(g * corr(x, h, padding=1)), x) == conv_transpose(g, h, padding=1)",
     {"origin": "corner"}),
    ("grad(corr(x, h, mode='valid'), h, g) == corr(x, g, mode='valid')",
     {"where": "N >= K", "origin": "corner"}),
    ("conv(x, h) == corr(x, flip(h))", {"origin": "corner", "compare": "positions"}),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')", {"origin": "corner"}),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid', stride=2)",
     {"origin": "corner"}),
    ("conv(x, h) == corr(x, flip(h))", {"dims": 2}),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same', stride=2)",
     {"dims": 2}),
    ("conv(x, h) == conv(h, x)", {"dims": 2}),
    ("corr_reflected(x, h) == corr(x, h)[-m, -n]", {"dims": 2}),
    ("corr(x, h)[-m, n] == corr(x[-m, n], h[-m, n])", {"dims": 2}),
    ("conv(x, h, padding=1) == corr(x, flip(h), padding=1)", {"dims": 2, "origin": "corner"}),
    ("conv(x, h, padding=(1, 2)) == corr(x, flip(h), padding=(1, 2))", {"dims": 2}),
    ("sum(conv(x, h)) == sum(x) * sum(h)", {"dims": 2}),
    ("grad(corr(x, h, mode='valid'), x, g) == conv(g, h)", {"dims": 2, "where": "N >= K"}),
    ("conv(x, h) == corr(x, flip(h))", {"dims": 3}),
    ("conv(x, h, stride=2) == conv(h, x, stride=2)", {"dims": 3}),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')", {"dims": 3}),
]

#: Hand-written false claims (the soundness issue's reproductions among them): (claim,
#: options).  Each must be refuted.
FALSE_CLAIMS: list[tuple[str, dict[str, Any]]] = [
    ("corr(x, h, stride=3) == corr(h, x, stride=3)", {"dims": 3, "origin": "corner"}),
    ("conv(x, h, padding=1) == conv(x, h, mode='same')", {}),
    ("conv(x, h, padding='same') == conv(x, h, mode='same')", {}),
    ("corr(corr(x, h), w) == corr(x, corr(h, w))", {}),
    ("sum(conv(x, h)) == sum(x) + sum(h)", {}),
    ("grad(corr(x, h, mode='valid'), x, g) == corr(g, h)", {"where": "N >= K"}),
    ("grad(corr(x, h, mode='valid'), x, g) == conv(g, h)", {}),
    ("grad(sum(g * corr(x, h, padding=1, stride=2)), x) == "
     "conv_transpose(g, h, stride=2, padding=1)", {"origin": "corner"}),
    ("grad(corr(x, h), h, g) == corr(x, g)", {}),
    ("conv_transpose(g, h, stride=2) == conv(g, h)", {}),
    ("conv_transpose(x, h, padding=1) == conv(x, h, mode='same')", {"dims": 3}),
    ("conv(x, h, dilation=2) == conv(h, x, dilation=2)", {}),
    ("corr(x, h, mode='same') == corr(x, h, padding='same')", {"origin": "corner"}),
    ("conv(2*x, h) == conv(x, 2*h) + conv(x, h)", {}),
    ("conv(x, h, stride=(2, 1)) == corr(x, flip(h), stride=2)", {"dims": 2}),
    ("corr(x, h, mode='valid') == corr(h, x, mode='valid')", {}),
]

GENERATED_FALSE = [
    ('conv(x, h) == corr(x, h)', 1, 'center'),
    ('conv(x, h, stride=2) == corr(x, flip(h))', 1, 'center'),
    ('corr(x, h) == corr(x, flip(h))', 1, 'center'),
    ('conv(x, h) == corr(x, flip(h))[-m]', 1, 'center'),
    ('conv(x, h) == corr(x, h)', 1, 'corner'),
    ('conv(x, h, stride=2) == corr(x, flip(h))', 1, 'corner'),
    ('corr(x, h) == corr(x, flip(h))', 1, 'corner'),
    ('conv(x, h) == corr(x, flip(h))[-m]', 1, 'corner'),
    ("conv(x, h, mode='same') == corr(x, h, mode='same')", 1, 'center'),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same')", 1, 'center'),
    ("conv(x, h, mode='full') == corr(x, flip(h), mode='same')", 1, 'center'),
    ("corr(x, h, mode='same') == corr(x, flip(h), mode='same')", 1, 'center'),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')[-m]", 1, 'center'),
    ("conv(x, h, mode='same') == corr(x, h, mode='same')", 1, 'corner'),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same')", 1, 'corner'),
    ("conv(x, h, mode='full') == corr(x, flip(h), mode='same')", 1, 'corner'),
    ("corr(x, h, mode='same') == corr(x, flip(h), mode='same')", 1, 'corner'),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')[-m]", 1, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, h, mode='valid')", 1, 'center'),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid')", 1, 'center'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='same')", 1, 'center'),
    ("corr(x, h, mode='valid') == corr(x, flip(h), mode='valid')", 1, 'center'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')[-m]", 1, 'center'),
    ("conv(x, h, mode='valid') == corr(x, h, mode='valid')", 1, 'corner'),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid')", 1, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='same')", 1, 'corner'),
    ("corr(x, h, mode='valid') == corr(x, flip(h), mode='valid')", 1, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')[-m]", 1, 'corner'),
    ('conv(x, h, stride=2) == corr(x, h, stride=2)', 1, 'center'),
    ('conv(x, h, stride=3) == corr(x, flip(h), stride=2)', 1, 'center'),
    ('corr(x, h, stride=2) == corr(x, flip(h), stride=2)', 1, 'center'),
    ('conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m]', 1, 'center'),
    ('conv(x, h, stride=2) == corr(x, h, stride=2)', 1, 'corner'),
    ('conv(x, h, stride=3) == corr(x, flip(h), stride=2)', 1, 'corner'),
    ('corr(x, h, stride=2) == corr(x, flip(h), stride=2)', 1, 'corner'),
    ('conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m]', 1, 'corner'),
    ('conv(x, h, dilation=2) == corr(x, h, dilation=2)', 1, 'center'),
    ('conv(x, h, dilation=2, stride=2) == corr(x, flip(h), dilation=2)', 1, 'center'),
    ('conv(x, h, dilation=3) == corr(x, flip(h), dilation=2)', 1, 'center'),
    ('corr(x, h, dilation=2) == corr(x, flip(h), dilation=2)', 1, 'center'),
    ('conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)[-m]', 1, 'center'),
    ('conv(x, h, dilation=2) == corr(x, h, dilation=2)', 1, 'corner'),
    ('conv(x, h, dilation=2, stride=2) == corr(x, flip(h), dilation=2)', 1, 'corner'),
    ('conv(x, h, dilation=3) == corr(x, flip(h), dilation=2)', 1, 'corner'),
    ('corr(x, h, dilation=2) == corr(x, flip(h), dilation=2)', 1, 'corner'),
    ('conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)[-m]', 1, 'corner'),
    ('conv(x, h, padding=1) == corr(x, h, padding=1)', 1, 'center'),
    ('conv(x, h, padding=1, stride=2) == corr(x, flip(h), padding=1)', 1, 'center'),
    ('conv(x, h, padding=2) == corr(x, flip(h), padding=1)', 1, 'center'),
    ('corr(x, h, padding=1) == corr(x, flip(h), padding=1)', 1, 'center'),
    ('conv(x, h, padding=1) == corr(x, flip(h), padding=1)[-m]', 1, 'center'),
    ('conv(x, h, padding=1) == corr(x, h, padding=1)', 1, 'corner'),
    ('conv(x, h, padding=1, stride=2) == corr(x, flip(h), padding=1)', 1, 'corner'),
    ('conv(x, h, padding=2) == corr(x, flip(h), padding=1)', 1, 'corner'),
    ('corr(x, h, padding=1) == corr(x, flip(h), padding=1)', 1, 'corner'),
    ('conv(x, h, padding=1) == corr(x, flip(h), padding=1)[-m]', 1, 'corner'),
    ('conv(x, h, stride=2) == conv(h, x)', 1, 'center'),
    ('corr(x, h) == conv(h, x)', 1, 'center'),
    ('conv(x, h) == conv(h, x)[-m]', 1, 'center'),
    ('conv(x, h, stride=2) == conv(h, x)', 1, 'corner'),
    ('corr(x, h) == conv(h, x)', 1, 'corner'),
    ('conv(x, h) == conv(h, x)[-m]', 1, 'corner'),
    ('corr_reflected(x, h) == conv(x, h)[-m]', 1, 'center'),
    ('corr_reflected(x, h) == corr(x, h)[-m][-m]', 1, 'center'),
    ('corr_reflected(x, h) == conv(x, h)[-m]', 1, 'corner'),
    ('corr_reflected(x, h) == corr(x, h)[-m][-m]', 1, 'corner'),
    ('conv(x, h + w, stride=2) == conv(x, h) + conv(x, w)', 1, 'center'),
    ('corr(x, h + w) == conv(x, h) + conv(x, w)', 1, 'center'),
    ('conv(x, h + w) == conv(x, h) + conv(x, w)[-m]', 1, 'center'),
    ('conv(x, h + w, stride=2) == conv(x, h) + conv(x, w)', 1, 'corner'),
    ('corr(x, h + w) == conv(x, h) + conv(x, w)', 1, 'corner'),
    ('conv(x, h + w) == conv(x, h) + conv(x, w)[-m]', 1, 'corner'),
    ('sum(conv(x, h)) == sum(x) + sum(h)', 1, 'center'),
    ('sum(conv(x, h)) == sum(x) + sum(h)', 1, 'corner'),
    ('conv(conv(x, h), w, stride=2) == conv(x, conv(h, w))', 1, 'center'),
    ('corr(conv(x, h), w) == conv(x, conv(h, w))', 1, 'center'),
    ('conv(conv(x, h), w) == conv(x, conv(h, w))[-m]', 1, 'center'),
    ('conv(conv(x, h), w, stride=2) == conv(x, conv(h, w))', 1, 'corner'),
    ('corr(conv(x, h), w) == conv(x, conv(h, w))', 1, 'corner'),
    ('conv(conv(x, h), w) == conv(x, conv(h, w))[-m]', 1, 'corner'),
    ('corr(corr(x, h), w, stride=2) == corr(x, conv(h, w))', 1, 'center'),
    ('corr(corr(x, h), w) == conv(x, conv(h, w))', 1, 'center'),
    ('corr(corr(x, h), w) == corr(x, conv(h, w))[-m]', 1, 'center'),
    ('corr(corr(x, h), w, stride=2) == corr(x, conv(h, w))', 1, 'corner'),
    ('corr(corr(x, h), w) == conv(x, conv(h, w))', 1, 'corner'),
    ('corr(corr(x, h), w) == corr(x, conv(h, w))[-m]', 1, 'corner'),
    ('conv(x, h, dilation=2, stride=2) == conv(x, dilate(h, 2))', 1, 'center'),
    ('conv(x, h, dilation=3) == conv(x, dilate(h, 2))', 1, 'center'),
    ('corr(x, h, dilation=2) == conv(x, dilate(h, 2))', 1, 'center'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 2))[-m]', 1, 'center'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 3))', 1, 'center'),
    ('conv(x, h, dilation=2, stride=2) == conv(x, dilate(h, 2))', 1, 'corner'),
    ('conv(x, h, dilation=3) == conv(x, dilate(h, 2))', 1, 'corner'),
    ('corr(x, h, dilation=2) == conv(x, dilate(h, 2))', 1, 'corner'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 2))[-m]', 1, 'corner'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 3))', 1, 'corner'),
    ('conv_transpose(g, h, stride=3) == conv(dilate(g, 2), h)', 1, 'center'),
    ('conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)[-m]', 1, 'center'),
    ('conv_transpose(g, h, stride=3) == conv(dilate(g, 2), h)', 1, 'corner'),
    ('conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)[-m]', 1, 'corner'),
    ('corr(x, h, conjugate=true, stride=2) == corr(x, conj(h))', 1, 'center'),
    ('corr(x, h, conjugate=true) == conv(x, conj(h))', 1, 'center'),
    ('corr(x, h, conjugate=true) == corr(x, conj(h))[-m]', 1, 'center'),
    ('corr(x, h, conjugate=true) == corr(x, h)', 1, 'center'),
    ('corr(x, h, conjugate=true, stride=2) == corr(x, conj(h))', 1, 'corner'),
    ('corr(x, h, conjugate=true) == conv(x, conj(h))', 1, 'corner'),
    ('corr(x, h, conjugate=true) == corr(x, conj(h))[-m]', 1, 'corner'),
    ('corr(x, h, conjugate=true) == corr(x, h)', 1, 'corner'),
    ('conv(x, h) == corr(x, h)', 2, 'center'),
    ('conv(x, h, stride=2) == corr(x, flip(h))', 2, 'center'),
    ('corr(x, h) == corr(x, flip(h))', 2, 'center'),
    ('conv(x, h) == corr(x, flip(h))[-m, n]', 2, 'center'),
    ('conv(x, h) == corr(x, h)', 2, 'corner'),
    ('conv(x, h, stride=2) == corr(x, flip(h))', 2, 'corner'),
    ('corr(x, h) == corr(x, flip(h))', 2, 'corner'),
    ('conv(x, h) == corr(x, flip(h))[-m, n]', 2, 'corner'),
    ("conv(x, h, mode='same') == corr(x, h, mode='same')", 2, 'center'),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same')", 2, 'center'),
    ("conv(x, h, mode='full') == corr(x, flip(h), mode='same')", 2, 'center'),
    ("corr(x, h, mode='same') == corr(x, flip(h), mode='same')", 2, 'center'),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')[-m, n]", 2, 'center'),
    ("conv(x, h, mode='same') == corr(x, h, mode='same')", 2, 'corner'),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same')", 2, 'corner'),
    ("conv(x, h, mode='full') == corr(x, flip(h), mode='same')", 2, 'corner'),
    ("corr(x, h, mode='same') == corr(x, flip(h), mode='same')", 2, 'corner'),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')[-m, n]", 2, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, h, mode='valid')", 2, 'center'),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid')", 2, 'center'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='same')", 2, 'center'),
    ("corr(x, h, mode='valid') == corr(x, flip(h), mode='valid')", 2, 'center'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')[-m, n]", 2, 'center'),
    ("conv(x, h, mode='valid') == corr(x, h, mode='valid')", 2, 'corner'),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid')", 2, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='same')", 2, 'corner'),
    ("corr(x, h, mode='valid') == corr(x, flip(h), mode='valid')", 2, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')[-m, n]", 2, 'corner'),
    ('conv(x, h, stride=2) == corr(x, h, stride=2)', 2, 'center'),
    ('conv(x, h, stride=3) == corr(x, flip(h), stride=2)', 2, 'center'),
    ('corr(x, h, stride=2) == corr(x, flip(h), stride=2)', 2, 'center'),
    ('conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m, n]', 2, 'center'),
    ('conv(x, h, stride=2) == corr(x, h, stride=2)', 2, 'corner'),
    ('conv(x, h, stride=3) == corr(x, flip(h), stride=2)', 2, 'corner'),
    ('corr(x, h, stride=2) == corr(x, flip(h), stride=2)', 2, 'corner'),
    ('conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m, n]', 2, 'corner'),
    ('conv(x, h, dilation=2) == corr(x, h, dilation=2)', 2, 'center'),
    ('conv(x, h, dilation=2, stride=2) == corr(x, flip(h), dilation=2)', 2, 'center'),
    ('conv(x, h, dilation=3) == corr(x, flip(h), dilation=2)', 2, 'center'),
    ('corr(x, h, dilation=2) == corr(x, flip(h), dilation=2)', 2, 'center'),
    ('conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)[-m, n]', 2, 'center'),
    ('conv(x, h, dilation=2) == corr(x, h, dilation=2)', 2, 'corner'),
    ('conv(x, h, dilation=2, stride=2) == corr(x, flip(h), dilation=2)', 2, 'corner'),
    ('conv(x, h, dilation=3) == corr(x, flip(h), dilation=2)', 2, 'corner'),
    ('corr(x, h, dilation=2) == corr(x, flip(h), dilation=2)', 2, 'corner'),
    ('conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)[-m, n]', 2, 'corner'),
    ('conv(x, h, padding=1) == corr(x, h, padding=1)', 2, 'center'),
    ('conv(x, h, padding=1, stride=2) == corr(x, flip(h), padding=1)', 2, 'center'),
    ('conv(x, h, padding=2) == corr(x, flip(h), padding=1)', 2, 'center'),
    ('corr(x, h, padding=1) == corr(x, flip(h), padding=1)', 2, 'center'),
    ('conv(x, h, padding=1) == corr(x, flip(h), padding=1)[-m, n]', 2, 'center'),
    ('conv(x, h, padding=1) == corr(x, h, padding=1)', 2, 'corner'),
    ('conv(x, h, padding=1, stride=2) == corr(x, flip(h), padding=1)', 2, 'corner'),
    ('conv(x, h, padding=2) == corr(x, flip(h), padding=1)', 2, 'corner'),
    ('corr(x, h, padding=1) == corr(x, flip(h), padding=1)', 2, 'corner'),
    ('conv(x, h, padding=1) == corr(x, flip(h), padding=1)[-m, n]', 2, 'corner'),
    ('conv(x, h, stride=2) == conv(h, x)', 2, 'center'),
    ('corr(x, h) == conv(h, x)', 2, 'center'),
    ('conv(x, h) == conv(h, x)[-m, n]', 2, 'center'),
    ('conv(x, h, stride=2) == conv(h, x)', 2, 'corner'),
    ('corr(x, h) == conv(h, x)', 2, 'corner'),
    ('conv(x, h) == conv(h, x)[-m, n]', 2, 'corner'),
    ('conv(x, h + w, stride=2) == conv(x, h) + conv(x, w)', 2, 'center'),
    ('corr(x, h + w) == conv(x, h) + conv(x, w)', 2, 'center'),
    ('conv(x, h + w) == conv(x, h) + conv(x, w)[-m, n]', 2, 'center'),
    ('conv(x, h + w, stride=2) == conv(x, h) + conv(x, w)', 2, 'corner'),
    ('corr(x, h + w) == conv(x, h) + conv(x, w)', 2, 'corner'),
    ('conv(x, h + w) == conv(x, h) + conv(x, w)[-m, n]', 2, 'corner'),
    ('sum(conv(x, h)) == sum(x) + sum(h)', 2, 'center'),
    ('sum(conv(x, h)) == sum(x) + sum(h)', 2, 'corner'),
    ('conv(conv(x, h), w, stride=2) == conv(x, conv(h, w))', 2, 'center'),
    ('corr(conv(x, h), w) == conv(x, conv(h, w))', 2, 'center'),
    ('conv(conv(x, h), w) == conv(x, conv(h, w))[-m, n]', 2, 'center'),
    ('conv(conv(x, h), w, stride=2) == conv(x, conv(h, w))', 2, 'corner'),
    ('corr(conv(x, h), w) == conv(x, conv(h, w))', 2, 'corner'),
    ('conv(conv(x, h), w) == conv(x, conv(h, w))[-m, n]', 2, 'corner'),
    ('corr(corr(x, h), w, stride=2) == corr(x, conv(h, w))', 2, 'center'),
    ('corr(corr(x, h), w) == conv(x, conv(h, w))', 2, 'center'),
    ('corr(corr(x, h), w) == corr(x, conv(h, w))[-m, n]', 2, 'center'),
    ('corr(corr(x, h), w, stride=2) == corr(x, conv(h, w))', 2, 'corner'),
    ('corr(corr(x, h), w) == conv(x, conv(h, w))', 2, 'corner'),
    ('corr(corr(x, h), w) == corr(x, conv(h, w))[-m, n]', 2, 'corner'),
    ('conv(x, h, dilation=2, stride=2) == conv(x, dilate(h, 2))', 2, 'center'),
    ('conv(x, h, dilation=3) == conv(x, dilate(h, 2))', 2, 'center'),
    ('corr(x, h, dilation=2) == conv(x, dilate(h, 2))', 2, 'center'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 2))[-m, n]', 2, 'center'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 3))', 2, 'center'),
    ('conv(x, h, dilation=2, stride=2) == conv(x, dilate(h, 2))', 2, 'corner'),
    ('conv(x, h, dilation=3) == conv(x, dilate(h, 2))', 2, 'corner'),
    ('corr(x, h, dilation=2) == conv(x, dilate(h, 2))', 2, 'corner'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 2))[-m, n]', 2, 'corner'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 3))', 2, 'corner'),
    ('conv_transpose(g, h, stride=3) == conv(dilate(g, 2), h)', 2, 'center'),
    ('conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)[-m, n]', 2, 'center'),
    ('conv_transpose(g, h, stride=3) == conv(dilate(g, 2), h)', 2, 'corner'),
    ('conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)[-m, n]', 2, 'corner'),
    ('corr(x, h, conjugate=true, stride=2) == corr(x, conj(h))', 2, 'center'),
    ('corr(x, h, conjugate=true) == conv(x, conj(h))', 2, 'center'),
    ('corr(x, h, conjugate=true) == corr(x, conj(h))[-m, n]', 2, 'center'),
    ('corr(x, h, conjugate=true) == corr(x, h)', 2, 'center'),
    ('corr(x, h, conjugate=true, stride=2) == corr(x, conj(h))', 2, 'corner'),
    ('corr(x, h, conjugate=true) == conv(x, conj(h))', 2, 'corner'),
    ('corr(x, h, conjugate=true) == corr(x, conj(h))[-m, n]', 2, 'corner'),
    ('corr(x, h, conjugate=true) == corr(x, h)', 2, 'corner'),
    ('conv(x, h) == corr(x, h)', 3, 'center'),
    ('conv(x, h, stride=2) == corr(x, flip(h))', 3, 'center'),
    ('corr(x, h) == corr(x, flip(h))', 3, 'center'),
    ('conv(x, h) == corr(x, flip(h))[-m, n, p]', 3, 'center'),
    ('conv(x, h) == corr(x, h)', 3, 'corner'),
    ('conv(x, h, stride=2) == corr(x, flip(h))', 3, 'corner'),
    ('corr(x, h) == corr(x, flip(h))', 3, 'corner'),
    ('conv(x, h) == corr(x, flip(h))[-m, n, p]', 3, 'corner'),
    ("conv(x, h, mode='same') == corr(x, h, mode='same')", 3, 'center'),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same')", 3, 'center'),
    ("conv(x, h, mode='full') == corr(x, flip(h), mode='same')", 3, 'center'),
    ("corr(x, h, mode='same') == corr(x, flip(h), mode='same')", 3, 'center'),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')[-m, n, p]", 3, 'center'),
    ("conv(x, h, mode='same') == corr(x, h, mode='same')", 3, 'corner'),
    ("conv(x, h, mode='same', stride=2) == corr(x, flip(h), mode='same')", 3, 'corner'),
    ("conv(x, h, mode='full') == corr(x, flip(h), mode='same')", 3, 'corner'),
    ("corr(x, h, mode='same') == corr(x, flip(h), mode='same')", 3, 'corner'),
    ("conv(x, h, mode='same') == corr(x, flip(h), mode='same')[-m, n, p]", 3, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, h, mode='valid')", 3, 'center'),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid')", 3, 'center'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='same')", 3, 'center'),
    ("corr(x, h, mode='valid') == corr(x, flip(h), mode='valid')", 3, 'center'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')[-m, n, p]", 3, 'center'),
    ("conv(x, h, mode='valid') == corr(x, h, mode='valid')", 3, 'corner'),
    ("conv(x, h, mode='valid', stride=2) == corr(x, flip(h), mode='valid')", 3, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='same')", 3, 'corner'),
    ("corr(x, h, mode='valid') == corr(x, flip(h), mode='valid')", 3, 'corner'),
    ("conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')[-m, n, p]", 3, 'corner'),
    ('conv(x, h, stride=2) == corr(x, h, stride=2)', 3, 'center'),
    ('conv(x, h, stride=3) == corr(x, flip(h), stride=2)', 3, 'center'),
    ('corr(x, h, stride=2) == corr(x, flip(h), stride=2)', 3, 'center'),
    ('conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m, n, p]', 3, 'center'),
    ('conv(x, h, stride=2) == corr(x, h, stride=2)', 3, 'corner'),
    ('conv(x, h, stride=3) == corr(x, flip(h), stride=2)', 3, 'corner'),
    ('corr(x, h, stride=2) == corr(x, flip(h), stride=2)', 3, 'corner'),
    ('conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m, n, p]', 3, 'corner'),
    ('conv(x, h, dilation=2) == corr(x, h, dilation=2)', 3, 'center'),
    ('conv(x, h, dilation=2, stride=2) == corr(x, flip(h), dilation=2)', 3, 'center'),
    ('conv(x, h, dilation=3) == corr(x, flip(h), dilation=2)', 3, 'center'),
    ('corr(x, h, dilation=2) == corr(x, flip(h), dilation=2)', 3, 'center'),
    ('conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)[-m, n, p]', 3, 'center'),
    ('conv(x, h, dilation=2) == corr(x, h, dilation=2)', 3, 'corner'),
    ('conv(x, h, dilation=2, stride=2) == corr(x, flip(h), dilation=2)', 3, 'corner'),
    ('conv(x, h, dilation=3) == corr(x, flip(h), dilation=2)', 3, 'corner'),
    ('corr(x, h, dilation=2) == corr(x, flip(h), dilation=2)', 3, 'corner'),
    ('conv(x, h, dilation=2) == corr(x, flip(h), dilation=2)[-m, n, p]', 3, 'corner'),
    ('conv(x, h, padding=1) == corr(x, h, padding=1)', 3, 'center'),
    ('conv(x, h, padding=1, stride=2) == corr(x, flip(h), padding=1)', 3, 'center'),
    ('conv(x, h, padding=2) == corr(x, flip(h), padding=1)', 3, 'center'),
    ('corr(x, h, padding=1) == corr(x, flip(h), padding=1)', 3, 'center'),
    ('conv(x, h, padding=1) == corr(x, flip(h), padding=1)[-m, n, p]', 3, 'center'),
    ('conv(x, h, padding=1) == corr(x, h, padding=1)', 3, 'corner'),
    ('conv(x, h, padding=1, stride=2) == corr(x, flip(h), padding=1)', 3, 'corner'),
    ('conv(x, h, padding=2) == corr(x, flip(h), padding=1)', 3, 'corner'),
    ('corr(x, h, padding=1) == corr(x, flip(h), padding=1)', 3, 'corner'),
    ('conv(x, h, padding=1) == corr(x, flip(h), padding=1)[-m, n, p]', 3, 'corner'),
    ('conv(x, h, stride=2) == conv(h, x)', 3, 'center'),
    ('corr(x, h) == conv(h, x)', 3, 'center'),
    ('conv(x, h) == conv(h, x)[-m, n, p]', 3, 'center'),
    ('conv(x, h, stride=2) == conv(h, x)', 3, 'corner'),
    ('corr(x, h) == conv(h, x)', 3, 'corner'),
    ('conv(x, h) == conv(h, x)[-m, n, p]', 3, 'corner'),
    ('conv(x, h + w, stride=2) == conv(x, h) + conv(x, w)', 3, 'center'),
    ('corr(x, h + w) == conv(x, h) + conv(x, w)', 3, 'center'),
    ('conv(x, h + w) == conv(x, h) + conv(x, w)[-m, n, p]', 3, 'center'),
    ('conv(x, h + w, stride=2) == conv(x, h) + conv(x, w)', 3, 'corner'),
    ('corr(x, h + w) == conv(x, h) + conv(x, w)', 3, 'corner'),
    ('conv(x, h + w) == conv(x, h) + conv(x, w)[-m, n, p]', 3, 'corner'),
    ('sum(conv(x, h)) == sum(x) + sum(h)', 3, 'center'),
    ('sum(conv(x, h)) == sum(x) + sum(h)', 3, 'corner'),
    ('conv(conv(x, h), w, stride=2) == conv(x, conv(h, w))', 3, 'center'),
    ('corr(conv(x, h), w) == conv(x, conv(h, w))', 3, 'center'),
    ('conv(conv(x, h), w) == conv(x, conv(h, w))[-m, n, p]', 3, 'center'),
    ('conv(conv(x, h), w, stride=2) == conv(x, conv(h, w))', 3, 'corner'),
    ('corr(conv(x, h), w) == conv(x, conv(h, w))', 3, 'corner'),
    ('conv(conv(x, h), w) == conv(x, conv(h, w))[-m, n, p]', 3, 'corner'),
    ('corr(corr(x, h), w, stride=2) == corr(x, conv(h, w))', 3, 'center'),
    ('corr(corr(x, h), w) == conv(x, conv(h, w))', 3, 'center'),
    ('corr(corr(x, h), w) == corr(x, conv(h, w))[-m, n, p]', 3, 'center'),
    ('corr(corr(x, h), w, stride=2) == corr(x, conv(h, w))', 3, 'corner'),
    ('corr(corr(x, h), w) == conv(x, conv(h, w))', 3, 'corner'),
    ('corr(corr(x, h), w) == corr(x, conv(h, w))[-m, n, p]', 3, 'corner'),
    ('conv(x, h, dilation=2, stride=2) == conv(x, dilate(h, 2))', 3, 'center'),
    ('conv(x, h, dilation=3) == conv(x, dilate(h, 2))', 3, 'center'),
    ('corr(x, h, dilation=2) == conv(x, dilate(h, 2))', 3, 'center'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 2))[-m, n, p]', 3, 'center'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 3))', 3, 'center'),
    ('conv(x, h, dilation=2, stride=2) == conv(x, dilate(h, 2))', 3, 'corner'),
    ('conv(x, h, dilation=3) == conv(x, dilate(h, 2))', 3, 'corner'),
    ('corr(x, h, dilation=2) == conv(x, dilate(h, 2))', 3, 'corner'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 2))[-m, n, p]', 3, 'corner'),
    ('conv(x, h, dilation=2) == conv(x, dilate(h, 3))', 3, 'corner'),
    ('conv_transpose(g, h, stride=3) == conv(dilate(g, 2), h)', 3, 'center'),
    ('conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)[-m, n, p]', 3, 'center'),
    ('conv_transpose(g, h, stride=3) == conv(dilate(g, 2), h)', 3, 'corner'),
    ('conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)[-m, n, p]', 3, 'corner'),
    ('corr(x, h, conjugate=true, stride=2) == corr(x, conj(h))', 3, 'center'),
    ('corr(x, h, conjugate=true) == conv(x, conj(h))', 3, 'center'),
    ('corr(x, h, conjugate=true) == corr(x, conj(h))[-m, n, p]', 3, 'center'),
    ('corr(x, h, conjugate=true) == corr(x, h)', 3, 'center'),
    ('corr(x, h, conjugate=true, stride=2) == corr(x, conj(h))', 3, 'corner'),
    ('corr(x, h, conjugate=true) == conv(x, conj(h))', 3, 'corner'),
    ('corr(x, h, conjugate=true) == corr(x, conj(h))[-m, n, p]', 3, 'corner'),
    ('corr(x, h, conjugate=true) == corr(x, h)', 3, 'corner'),
]


ALL_FALSE = FALSE_CLAIMS + [(c, {"dims": d, "origin": o}) for c, d, o in GENERATED_FALSE]


def test_the_tables_are_large_enough() -> None:
    assert len(TRUE_CLAIMS) >= 40
    assert len(ALL_FALSE) >= 100
    dims = {o.get("dims", 1) for _, o in ALL_FALSE}
    assert dims == {1, 2, 3}


#: Large random shapes per dimension count: (image, kernel).
LARGE = {1: [((37,), (6,)), ((23,), (5,))], 2: [((37, 41), (6, 4))],
         3: [((9, 11, 7), (4, 3, 2))]}
#: Smaller ones for claims whose reading by the oracle is slow (grad, three operands).
MEDIUM = {1: [((17,), (4,)), ((12,), (5,))], 2: [((9, 8), (3, 2))], 3: [((5, 4, 6), (2, 3, 2))]}


def _values(claim: Any, image: tuple[int, ...], kernel: tuple[int, ...], seed: int
            ) -> dict[str, np.ndarray]:
    from symconv.proof.claim_eval import roles

    rng = np.random.default_rng(seed)
    out = {}
    for name, role in roles(claim).items():
        if role == "image":
            out[name] = rng.integers(-9, 10, size=image)
        elif role == "kernel":
            out[name] = rng.integers(-9, 10, size=kernel)
    return out


@pytest.mark.parametrize(("text", "options"), TRUE_CLAIMS,
                         ids=[f"{c} {o}" for c, o in TRUE_CLAIMS])
def test_true_claims_are_proved_for_all_sizes_and_hold_numerically(text: str,
                                                                   options: dict[str, Any]
                                                                   ) -> None:
    need_module("torch")
    from claim_oracle import sides_differ_at

    d = prove_claim(text, **options)
    assert (d.verdict, d.scope) == ("proved", "all-sizes"), d.notes
    claim = parse_claim(text)
    dims = options.get("dims", 1)
    heavy = "grad" in text or text.count("conv(") + text.count("corr(") >= 3
    for k, (image, kernel) in enumerate((MEDIUM if heavy else LARGE)[dims]):
        values = _values(claim, image, kernel, seed=k)
        differ, _, _ = sides_differ_at(claim, values, options.get("origin", "center"),
                                       positions=options.get("compare") == "positions")
        assert not differ, f"{text} differs at image {image}, kernel {kernel}"


@pytest.mark.parametrize(("text", "options"), ALL_FALSE,
                         ids=[f"{c} {o}" for c, o in ALL_FALSE])
def test_false_claims_are_refuted_with_a_real_counterexample(text: str,
                                                             options: dict[str, Any]) -> None:
    """Never proved; the counterexample's values, evaluated by SciPy/PyTorch/NumPy, make the
    sides differ at the output symconv names, with the values it prints."""
    need_module("torch")
    from claim_oracle import Oracle, from_json, value_at

    d = prove_claim(text, **options)
    assert d.verdict == "refuted", (d.verdict, d.notes)
    cex = d.counterexample
    assert cex is not None
    claim = parse_claim(text)
    values = {k: from_json(v) for k, v in cex["values"].items()}
    origin = options.get("origin", "center")
    left = Oracle(dict(values), origin, cex["lo"]).eval(claim.left)
    right = Oracle(dict(values), origin, cex["lo"]).eval(claim.right)
    if options.get("compare") == "positions":
        from claim_oracle import Sig

        left, right = Sig(left.v, (0,) * left.ndim), Sig(right.v, (0,) * right.ndim)
    at = tuple(cex["output"])
    lv, rv = value_at(left, at), value_at(right, at)
    assert not np.isclose(lv, rv), f"the sides agree at {at}: {lv} = {rv}"
    got_l = complex(cex["left"]["re"], cex["left"]["im"]) if isinstance(cex["left"], dict) \
        else complex(cex["left"])
    got_r = complex(cex["right"]["re"], cex["right"]["im"]) if isinstance(cex["right"], dict) \
        else complex(cex["right"])
    assert np.isclose(lv, got_l) and np.isclose(rv, got_r)
