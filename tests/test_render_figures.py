"""The drawn tables (worked example, matrix, duality): what each picture holds, read off the
format-free models of :mod:`symconv.expansion.figures`, and their size limits."""

from __future__ import annotations

import pytest
from renderkit import article

from symconv.errors import InputError
from symconv.expansion import expand
from symconv.expansion import figures as F


def small(op: str = "conv") -> object:
    return expand(op, "3x3", "2x2", origin="corner", mode="valid")


def test_worked_drawing_marks_invalid_rows() -> None:
    d = F.worked_drawing(article(), (1, 1))
    tab = F.worked_table(article(), (1, 1), "article")
    greyed = [c for c in d.cells if c.fill == "header"]
    assert len(greyed) == sum(not r.valid for r in tab.rows) == 7  # the i=3 or j=3 rows
    notes = [F.text(lab.text) for lab in d.labels if lab.text and lab.text[0].role in
             ("muted", "plain") and F.text(lab.text).startswith(("=", "\u00d7"))]
    assert notes.count("= i") == 1 and sum(n.startswith("\u00d7") for n in notes) == 7
    # the rule: one thin filled cell between the plugged-in and the solved index
    assert [c for c in d.cells if c.fill == "grid" and c.w < 0.1]
    row = next(F.text(lab.text) for lab in d.labels if F.text(lab.text).startswith("x[3,0]"))
    assert row == "x[3,0] h[1\u22123,1\u22120]"  # binary minus as a minus sign


def test_matrix_drawing_outlines_the_toeplitz_blocks() -> None:
    d = F.matrix_drawing(small())
    m = F.matrix(small())
    filled = [c for c in d.cells if c.fill == "patch"]
    nonzero = sum(e is not None for row in m.entries for e in row)
    assert len(filled) == 2 * nonzero == 2 * 16  # C and its transpose
    # 2 row blocks x 3 column blocks in C, and the transposed 3 x 2 in C^T
    assert len(d.boxes) == 12 and {b.role for b in d.boxes} == {"outline"}
    from symconv.render.plainmath import convert

    titles = ["".join(convert(sp.text) if sp.role == "math" else sp.text for sp in lab.text)
              for lab in d.labels if "ward" in F.text(lab.text)]
    assert titles == ["forward: y = Cx", "backward: \u2202L/\u2202x = C\u1d40 g"]


def test_matrix_drawing_1d_has_no_blocks() -> None:
    d = F.matrix_drawing(expand("corr", 5, 3, origin="corner", mode="valid"))
    assert d.boxes == () and "Toeplitz" not in d.caption


def test_duality_drawing_lists_every_product_twice() -> None:
    exp = small()
    d = F.duality_drawing(exp)
    fwd = [c for c in d.cells if c.fill is None]
    bwd = [c for c in d.cells if c.fill == "header"]
    assert len(fwd) == 4 and len(bwd) == 9
    terms = exp.relation.term_count()
    assert sum(len(c.lines) for c in fwd) == sum(len(c.lines) for c in bwd) == terms
    centre = next(c for c in bwd if len(c.lines) == 4)  # x[1,1] feeds every output
    assert F.text(centre.lines[0]).startswith("g[1,1]")


def test_duality_drawing_stacks_when_wide() -> None:
    d = F.duality_drawing(expand("corr", 5, 3, origin="corner", mode="valid"))
    assert "above" in d.caption and d.width * d.unit <= F.MAX_WIDTH_CM + 1


@pytest.mark.parametrize("build, message", [
    pytest.param(lambda: F.matrix_drawing(expand("conv", "5x5", "2x2", mode="valid")),
                 "drawn matrix", id="matrix-too-wide"),
    pytest.param(lambda: F.duality_drawing(expand("conv", "5x5", "4x4", mode="valid")),
                 "products in one cell", id="duality-too-many-products"),
])
def test_large_drawn_tables_are_refused(build: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        build()  # type: ignore[operator]
