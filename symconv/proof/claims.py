"""User claims: ``symconv prove --claim "LHS == RHS"``, decided for every size or left
undecided, never "proved" on the strength of a finite search.

The language (:mod:`symconv.parse.claim`) has names (arrays), integers, ``+ - *``, unary minus,
reflection by indexing (``y[-m]``, ``y[-m, n]``) and calls:

==========================  =================================================================
``conv(a, b, ...)``          convolution, keywords ``mode stride padding dilation``
``corr(a, b, ...)``          cross-correlation (NumPy/PyTorch), also ``conjugate=true``
``corr_reflected(a, b)``     the article's ``sum_i x[i] h[m+i]``
``flip(a)``                  ``a[-m]`` along every axis
``conj(a)``                  complex conjugate
``dilate(a, s)``             ``b[s*m] = a[m]``, zeros between
``conv_transpose(g, h,...)`` PyTorch's transposed convolution (``stride padding dilation
                             output_padding``), by its definition
                             ``out[s*m + d*k - p] += g[m] h[k]``
``sum(a)``                   the sum of every entry (a scalar)
``grad(E, x)``               dE/dx for a scalar E; ``grad(E, x, g)`` = grad(sum(g*E), x)
``cconv(a, b)``              circular convolution on array positions, length a's (b wraps),
                             outputs indexed from 0
``dft(a)``, ``idft(a)``      the DFT (``omega^(-f n)``) and its inverse (``omega^(f n)/N``) per
                             axis on array positions, outputs from 0; exact (cyclotomic
                             numbers); decided at given shapes only (never all sizes)
``pad(a, L)``                 zeros after a up to length L per axis (positions from 0)
``a * b``                    elementwise product (zero outside either box)
==========================  =================================================================

Three verdicts (the contract's "Verdicts"):

* **proved**, scope ``all-sizes``: the all-sizes engine (:mod:`.claim_sizes`) shows both sides
  are the same sum over the same index sets for every image size ``N`` and kernel size ``K``
  (and the ``--where`` conditions); or, scope ``instance``, for exactly the shapes the user
  gave (``--image``/``--kernel``, or the shapes of ``--x``/``--h``).
* **refuted**: the instance engine (:mod:`.claim_instance`) found shapes where the sides are
  different polynomials; the counterexample's values are checked numerically.
* **undecided** (exit 3): neither; the derivation says what was tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FormulaError, InputError, LimitError
from ..expansion.exact import value_latex, value_text
from ..index.signal import as_values, parse_shape, parse_values, resolve_origin
from ..index.values import json_array, json_number
from ..parse.claim import Claim, parse_claim, to_latex, to_text
from ..parse.where import parse_where
from .claim_eval import NoOutput, roles
from .claim_instance import Outcome, decide, random_shapes, shape_family, terms_at
from .derivation import Derivation, Step
from .exact import DIGITS, UndecidedValues
from .instance import counterexample_values, poly_text
from .presburger import Constraint, Lin, eq, ge, gt, le, lt

#: Spatial dimensions a claim may have (the instance family and the cases grow with it).
MAX_DIMS = 3
#: How many random larger shapes the search tries after the family, per dimension count,
#: and the largest size per axis they draw.
RANDOM_SHAPES = {1: 60, 2: 40, 3: 20}
RANDOM_LARGEST = {1: 12, 2: 7, 3: 5}
#: Product terms one shape of the search may have (larger shapes are skipped, said so).
SEARCH_TERMS = 500_000
COMPARES = ("indices", "positions")


@dataclass(frozen=True)
class _Request:
    """What every shape of a claim is decided with."""

    claim: Claim
    origin: str
    max_terms: int | None
    fixed: dict[str, np.ndarray]
    positions: bool
    dims: int
    where: tuple[Constraint, ...] = ()
    #: all-sizes: each kernel after the first with sizes of its own (L, J...)
    distinct_sizes: bool = False

    def decide(self, image: Sequence[int], kernel: Sequence[int],
               search: bool = False) -> Outcome:
        limit = self.max_terms
        if search:
            limit = SEARCH_TERMS if limit is None else min(limit, SEARCH_TERMS)
        return decide(self.claim, image, kernel, self.origin, max_terms=limit,
                      fixed=self.fixed, positions=self.positions)

    def allows(self, image: Sequence[int], kernel: Sequence[int]) -> bool:
        """Whether the shapes meet the ``--where`` conditions."""
        from .claim_sizes import size_names

        img, ker = size_names(self.dims)
        values = {**dict(zip(img, image, strict=True)), **dict(zip(ker, kernel, strict=True))}
        return all(c.holds(values) for c in self.where)


@dataclass
class _Search:
    """The shapes a claim was decided for: checked, skipped (no output on one side), and
    the first failure, if any."""

    checked: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failure: Outcome | None = None
    fail_shapes: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    def run(self, req: _Request, shapes: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
            search: bool = True) -> bool:
        """Decide each shape pair (meeting the conditions) until one fails; True then.  In
        a search, shapes over :data:`SEARCH_TERMS` terms are skipped."""
        seen = set(self.checked)
        for n, k in shapes:
            if (n, k) in seen or not req.allows(n, k):
                continue
            seen.add((n, k))
            try:
                o = req.decide(n, k, search)
            except NoOutput as exc:
                self.skipped.append(f"{_shape(n)}/{_shape(k)}: {exc}")
                continue
            except LimitError:
                if not search:
                    raise  # the shapes the user gave: the limit is the answer
                self.skipped.append(f"{_shape(n)}/{_shape(k)}: over {SEARCH_TERMS:,} terms")
                continue
            self.checked.append((n, k))
            if not o.equal:
                self.failure, self.fail_shapes = o, (n, k)
                return True
        return False


def _shape(s: Sequence[int]) -> str:
    return "x".join(map(str, s))


def prove_claim(text: str, dims: int | None = None, image: str | Sequence[int] | None = None,
                kernel: str | Sequence[int] | None = None, origin: str = "center",
                max_terms: int | None = None, x: Any = None, h: Any = None,
                compare: str = "indices", where: str | None = None,
                let: dict[str, Any] | None = None, distinct_sizes: bool = False
                ) -> Derivation:
    """Decide ``LHS == RHS`` for every size (or for the given shapes).

    >>> prove_claim("conv(x, h) == corr(x, flip(h))").scope
    'all-sizes'
    >>> d = prove_claim("conv(x, h, mode='same') == corr(x, flip(h), mode='same')",
    ...                 image="7", kernel="3")
    >>> d.verdict, d.scope
    ('proved', 'instance')
    >>> prove_claim("conv(x, h) == corr(x, h)").counterexample["output"]
    [-1]

    ``x``/``h`` give values to the image and kernel names; ``let`` to any named array
    (``{"u": "1;2;1", "v": "1,0,-1"}``: the Sobel kernel's factors), exact values all.
    """
    claim = parse_claim(text)
    if compare not in COMPARES:
        raise InputError(f"bad compare {compare!r}: use indices or positions")
    if origin not in ("center", "corner"):
        raise InputError(f"bad origin {origin!r}: use center or corner")
    if dims is not None and not (isinstance(dims, int) and 1 <= dims <= MAX_DIMS):
        raise InputError(f"bad --dims {dims!r}: claims are decided for 1 to {MAX_DIMS} "
                         "spatial dimensions")
    fixed, image, kernel = _given_values(roles(claim), x, h, image, kernel, let or {})
    img = parse_shape(image, "image shape") if image is not None else None
    ker = parse_shape(kernel, "kernel shape") if kernel is not None else None
    if img is not None and ker is not None and len(img) != len(ker):
        raise InputError(f"image has {len(img)} axes but kernel has {len(ker)}")
    nd = dims or (len(img) if img is not None else len(ker) if ker is not None else 1)
    if nd > MAX_DIMS:
        raise InputError(f"the shapes have {nd} axes: claims are decided for 1 to "
                         f"{MAX_DIMS} spatial dimensions")
    for s, what in ((img, "image"), (ker, "kernel")):
        if s is not None and len(s) != nd:
            raise InputError(f"--dims {nd} but the {what} shape has {len(s)} axes")
    conditions = where_constraints(where, nd) if where else []
    if conditions:
        from .claim_sizes import base_assumptions
        from .presburger import feasible

        if feasible(base_assumptions(nd, conditions)) is None:
            raise InputError(f"the condition {where!r} leaves no size (sizes are at least "
                             "1): a claim about no size says nothing")
    req = _Request(claim, origin, max_terms, fixed, compare == "positions", nd,
                   tuple(conditions), distinct_sizes)
    claim_latex = to_latex(claim.left) + " = " + to_latex(claim.right)
    claim_text = to_text(claim.left) + " == " + to_text(claim.right)
    steps = [Step(claim_latex, "the claim, parsed by the claim grammar (no eval): both sides "
                  "are arrays of polynomials in the entries of the named arrays; outside its "
                  "index range an array is 0", claim_text)]
    head = _Head(claim_latex, claim_text, steps, where or "")
    try:
        if img is not None and ker is not None:
            return _given_shapes(req, img, ker, head)
        return _all_sizes(req, img, ker, head)
    except UndecidedValues as exc:
        return undecided_values(head.claim_latex, head.claim_text, head.steps, str(exc),
                                "instance" if img is not None and ker is not None
                                else "all-sizes")


def undecided_values(claim_latex: str, claim_text: str, steps: list[Step], reason: str,
                     scope: str, title: str = "claim", name: str = "claim") -> Derivation:
    """Undecided because two given exact values could be neither shown equal nor shown
    different: the one verdict that is not a guess."""
    why = (f"undecided: {reason} (SymPy's zero test and a {DIGITS}-digit evaluation could "
           "not settle it); neither proved nor refuted")
    return Derivation(title, claim_latex, claim_text, "undecided", scope,
                      tuple(steps) + (Step(r"\text{undecided}", why, why),), None, (why,),
                      name)


@dataclass
class _Head:
    claim_latex: str
    claim_text: str
    steps: list[Step]
    where: str


def where_constraints(text: str, dims: int) -> list[Constraint]:
    """``--where`` as constraints on the size symbols (an unnumbered ``N`` or ``K`` in N-D
    stands for every axis)."""
    from .claim_sizes import size_names

    img, ker = size_names(dims)
    known = set(img) | set(ker)
    out: list[Constraint] = []
    build = {"<=": le, ">=": ge, "==": eq, "<": lt, ">": gt}
    for comp in parse_where(text):
        names = {v for v, _ in comp.left[0]} | {v for v, _ in comp.right[0]}
        axes: list[int | None] = [None]
        if dims > 1 and names & {"N", "K"}:
            if names - {"N", "K"}:
                raise FormulaError("mix N/K (every axis) with numbered sizes in separate "
                                   "conditions", text, comp.col)
            axes = list(range(dims))
        for a in axes:
            out.append(build[comp.op](_where_lin(comp.left, a, known, dims, text, comp.col),
                                      _where_lin(comp.right, a, known, dims, text, comp.col)))
    return out


def _where_lin(side: tuple[tuple[tuple[str, int], ...], int], axis: int | None,
               known: set[str], dims: int, text: str, col: int) -> Lin:
    """One side of a condition as an affine form of the size symbols (``N`` on ``axis``)."""
    coeffs: dict[str, int] = {}
    for v, c in side[0]:
        name = f"{v}{axis + 1}" if axis is not None else v
        if name not in known:
            raise FormulaError(f"unknown size {v!r} in the condition: use "
                               + ", ".join(sorted(known | ({"N", "K"} if dims > 1 else set())))
                               + " (a claim's strides, dilations and paddings are the numbers "
                               "it writes)", text, col)
        coeffs[name] = coeffs.get(name, 0) + c
    return Lin(coeffs, side[1])


def _exact_values(vals: Any, what: str) -> np.ndarray:
    arr = parse_values(vals, what.lstrip("-")) if isinstance(vals, str) else \
        as_values(vals, np.shape(np.asarray(vals, dtype=object)), what.lstrip("-"))
    if arr.dtype.kind in "fc":
        raise InputError(f"{what} values must be exact in a claim (the comparison is "
                         "exact): integers, decimals, fractions, surds or symbols, not "
                         "binary floats")
    return arr if arr.dtype == object else arr.astype(np.int64)


def _given_values(rl: dict[str, str], x: Any, h: Any, image: str | Sequence[int] | None,
                  kernel: str | Sequence[int] | None, given: dict[str, Any]
                  ) -> tuple[dict[str, np.ndarray], str | Sequence[int] | None,
                             str | Sequence[int] | None]:
    """The names fixed by ``--let NAME=VALUES`` and ``--x``/``--h`` (exact values), and
    the shapes those values give."""
    fixed: dict[str, np.ndarray] = {}
    for nm, vals in given.items():
        if nm not in rl:
            raise InputError(f"--let {nm}: the claim has no array {nm!r} as an operation's "
                             "image or kernel")
        fixed[nm] = _exact_values(vals, f"--let {nm}")
    for vals, role, what in ((x, "image", "--x"), (h, "kernel", "--h")):
        if vals is None:
            continue
        arr = _exact_values(vals, what)
        names = [nm for nm, r in rl.items() if r == role and nm not in given]
        if not names:
            raise InputError(f"{what} was given but no name in the claim is the {role}")
        for nm in names:
            fixed[nm] = arr
        if role == "image" and image is None:
            image = "x".join(map(str, arr.shape))
        if role == "kernel" and kernel is None:
            kernel = "x".join(map(str, arr.shape))
    return fixed, image, kernel


# -- the given shapes: instance scope ---------------------------------------------------------
def _given_shapes(req: _Request, img: tuple[int, ...], ker: tuple[int, ...], head: _Head
                  ) -> Derivation:
    """Decided exactly for the shapes the user gave; a failure is looked for at smaller
    shapes too (the smallest counterexample)."""
    if not req.allows(img, ker):
        raise InputError(f"image {_shape(img)} and kernel {_shape(ker)} do not meet the "
                         f"condition {head.where!r}")
    search = _Search()
    search.run(req, [(img, ker)], search=False)
    if not search.checked:
        raise InputError(f"the claim has no output for image {_shape(img)} and kernel "
                         f"{_shape(ker)}: " + "; ".join(search.skipped[:1]))
    if search.failure is not None:
        if not req.fixed:
            smaller = [(n, k) for n, k in shape_family(req.dims)
                       if all(a <= b for a, b in zip(n, img, strict=True))
                       and all(a <= b for a, b in zip(k, ker, strict=True))]
            failure, shapes = search.failure, search.fail_shapes
            probe = _Search()
            if probe.run(req, smaller):
                search.failure, search.fail_shapes = probe.failure, probe.fail_shapes
            else:
                search.failure, search.fail_shapes = failure, shapes
        return _refuted(req, search, head, [])
    o = req.decide(img, ker)
    head.steps.append(_sides_step(o))
    head.steps.append(Step(r"\text{LHS} - \text{RHS} = 0",
                           "the two sides have identical term lists (output index, monomial, "
                           "integer coefficient), compared exactly",
                           "identical term lists"))
    note = (("with the given values of " + ", ".join(sorted(req.fixed)) + "; "
             if req.fixed else "")
            + ("outputs compared by position (as NumPy compares arrays); " if req.positions
               else "")
            + f"scope instance: proved for exactly image {_shape(img)} and kernel "
            f"{_shape(ker)} (origin {req.origin}); leave out --image/--kernel for a decision "
            "over every size")
    return Derivation("claim", head.claim_latex, head.claim_text, "proved", "instance",
                      tuple(head.steps), None, (note,), "claim")


# -- every size -------------------------------------------------------------------------------
def _all_sizes(req: _Request, img: tuple[int, ...] | None, ker: tuple[int, ...] | None,
               head: _Head) -> Derivation:
    """The all-sizes engine first; when it cannot prove the claim, a counterexample search
    (refuted when found, undecided when not)."""
    from .claim_sizes import decide_all_sizes, shapes_from, size_names
    from .claim_steps import decision_steps
    from .symarray import Unsupported

    where = list(req.where)
    names = size_names(req.dims)
    for given, syms in ((img, names[0]), (ker, names[1])):
        if given is not None:
            where += [eq(Lin.var(v), Lin.constant(n)) for v, n in zip(syms, given, strict=True)]
    reason = ""
    candidates: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    try:
        decision = decide_all_sizes(req.claim, req.dims, req.origin, req.positions,
                                    where, fixed=req.fixed,
                                    distinct_sizes=req.distinct_sizes)
    except Unsupported as exc:
        reason = f"the all-sizes engine does not model this claim ({exc})"
    else:
        if decision.proved:
            steps = head.steps + decision_steps(decision, roles(req.claim), req.origin,
                                                head.where)
            note = (("with the given values of " + ", ".join(sorted(req.fixed)) + "; "
                     if req.fixed else "")
                    + "scope all-sizes: proved for every image and kernel size"
                    + (" where both sides have an output (elsewhere a side has none, and "
                       "the claim says nothing there: " + "; ".join(sorted(
                           {c.undefined for c in decision.undefined})) + ")"
                       if decision.undefined else "")
                    + (" (each kernel with a size of its own: "
                       + ", ".join(f"{n}: {', '.join(s)}" for n, s in
                                   decision.own_sizes.items()) + ")"
                       if decision.own_sizes else "")
                    + (f" with {head.where}" if head.where else "")
                    + (f" (image {_shape(img)})" if img is not None else "")
                    + (f" (kernel {_shape(ker)})" if ker is not None else "")
                    + f", origin {req.origin}, by deciding the equality of the index "
                    "sets in integer linear arithmetic"
                    + ("; outputs compared by position (as NumPy compares arrays)"
                       if req.positions else ""))
            return Derivation("claim", head.claim_latex, head.claim_text, "proved",
                              "all-sizes", tuple(steps), None, (note,), "claim")
        reason = decision.reason or "the index sets could not be shown equal"
        candidates = [shapes_from(w, req.dims) for w in decision.candidates]
    family = shape_family(req.dims)
    if img is not None or ker is not None:
        family = list(dict.fromkeys((img or n, ker or k) for n, k in family))
        candidates = [(img or n, ker or k) for n, k in candidates]
    search = _Search()
    small = sorted({c for c in candidates if max(c[0] + c[1]) <= 12},
                   key=lambda c: (sum(c[0]) + sum(c[1]), c))
    found = search.run(req, family) or search.run(req, small)
    rand: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    if not found:
        rand = random_shapes(req.dims, RANDOM_SHAPES[req.dims],
                             largest=RANDOM_LARGEST[req.dims])
        if img is not None or ker is not None:
            rand = [(img or n, ker or k) for n, k in rand]
        found = search.run(req, rand) or search.run(req, [c for c in candidates
                                                          if c not in small][:5])
    if found:
        return _refuted(req, search, head, [])
    if not search.checked:
        raise InputError("the claim has no output for any shape tried: "
                         + "; ".join(search.skipped[:3]))
    biggest = max((max(n + k) for n, k in search.checked), default=0)
    tried = (f"no counterexample on {len(search.checked)} shape pairs (every combination of "
             f"sizes per axis up to {_family_bound(req.dims)}, kernels longer than images, "
             f"even and odd, then random shapes up to {biggest} per axis, origin "
             f"{req.origin})")
    head.steps.append(Step(r"\text{undecided}", f"{reason}; {tried}",
                           f"undecided: {reason}; {tried}"))
    notes = [f"undecided: not proved for every size ({reason}) and not refuted: {tried}. "
             "A search over sizes is never a proof; give --image and --kernel for an exact "
             "decision at those shapes"]
    if search.skipped:
        notes.append("skipped (no output on one side): " + "; ".join(search.skipped[:3]))
    return Derivation("claim", head.claim_latex, head.claim_text, "undecided", "all-sizes",
                      tuple(head.steps), None, tuple(notes), "claim")


def _family_bound(dims: int) -> str:
    fam = shape_family(dims)
    return (f"image {max(max(n) for n, _ in fam)}, kernel {max(max(k) for _, k in fam)}")


def _refuted(req: _Request, search: _Search, head: _Head,
             held: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> Derivation:
    """A shape failed: refuted with integer values and the first differing output."""
    failure, fail_shapes = search.failure, search.fail_shapes
    assert failure is not None and fail_shapes is not None
    reg = failure.registry
    idx = failure.comparison.first_output
    assert idx is not None
    vals, lv, rv = counterexample_values(failure.left, failure.right, reg, idx)
    steps = head.steps
    steps.append(_sides_step(failure))
    diff = poly_text(failure.comparison.difference, reg)
    at = f"[{', '.join(map(str, idx))}]" if idx else ""
    lt = terms_at(failure.left, idx, reg)
    rt = terms_at(failure.right, idx, reg)
    steps.append(Step(
        r"\text{LHS}" + at + r" - \text{RHS}" + at + r" \neq 0",
        f"at output {at or '(the scalar)'} the sides are different polynomials: left "
        f"{lt}; right {rt}; difference {diff}",
        f"LHS{at} = {lt}\nRHS{at} = {rt}\nLHS-RHS = {diff}"))
    steps.append(Step(
        r"\text{LHS}" + at + " = " + _latex_num(lv) + r" \neq " + _latex_num(rv) + r" = \text{RHS}"
        + at,
        "with the values of the counterexample, computed exactly from the term lists",
        f"LHS{at} = {_num_text(lv)}, RHS{at} = {_num_text(rv)}"))
    origin, fixed = req.origin, req.fixed
    cex = {
        "shapes": {name: list(v.shape) for name, v in reg.vars.items()},
        "lo": {name: list(v.lo) for name, v in reg.vars.items()},
        "values": {name: json_array(vals[name]) for name in reg.vars},
        "output": list(idx),
        "left": json_number(lv),
        "right": json_number(rv),
        "left_terms": lt,
        "right_terms": rt,
        "origin": origin,
        "image": list(fail_shapes[0]),
        "kernel": list(fail_shapes[1]),
        "compare": "positions" if req.positions else "indices",
    }
    if fixed:
        cex["fixed"] = {nm: json_array(arr) for nm, arr in fixed.items()}
        for nm, arr in fixed.items():
            cex["lo"][nm] = [-o for o in resolve_origin(origin, arr.shape)]
    notes = [("outputs compared by position (as NumPy compares arrays), origins ignored; "
              if req.positions else "")
             + (f"with the given values of {', '.join(sorted(fixed))}; " if fixed else "")
             + f"refuted for image {_shape(fail_shapes[0])} and kernel "
             f"{_shape(fail_shapes[1])} (origin {origin}); the first differing "
             f"output is {at or 'the scalar'}"]
    if held:
        notes.append(f"the claim holds for every shape tried with the image at least "
                     f"as large as the kernel on every axis ({len(held)} shape pairs, "
                     "instance scope); it fails when the kernel is larger")
    return Derivation("claim", head.claim_latex, head.claim_text, "refuted", "instance",
                      tuple(steps), cex, tuple(notes), "claim")


def _real(f: float) -> int | float:
    """A real number as the steps print it: an int when integral."""
    return int(f) if f.is_integer() else f


def _num_text(v: Any) -> str:
    if not isinstance(v, (int, float, complex, np.number)):
        return value_text(v)  # exact: 1/2, sqrt(2), t/2 + 1
    c = complex(v)
    if c.imag == 0:
        return str(_real(c.real))
    return str(complex(_real(c.real), _real(c.imag)))


def _latex_num(v: Any) -> str:
    if not isinstance(v, (int, float, complex, np.number)):
        return value_latex(v)
    c = complex(v)
    if c.imag == 0:
        return str(_real(c.real))
    im = _real(c.imag)
    return f"{_real(c.real)} {'+' if im >= 0 else '-'} {abs(im)}i"


def _box_text(p: Any) -> str:
    if p.ndim == 0:
        return "a scalar"
    return " x ".join(f"{a}..{b}" for a, b in zip(p.lo, p.hi, strict=False))


def _sides_step(o: Outcome) -> Step:
    reg = o.registry
    shapes = ", ".join(f"{v.name}: {'x'.join(map(str, v.shape))} (indices "
                       f"{' x '.join(f'{a}..{b}' for a, b in zip(v.lo, v.hi, strict=False))})"
                       for v in reg.vars.values())
    return Step(r"\text{LHS},\ \text{RHS}\ \text{expanded}",
                (f"arrays {shapes}; " if shapes else "")
                + f"the left side has {o.comparison.terms_left} terms on "
                f"{_box_text(o.left)}, the right side {o.comparison.terms_right} terms on "
                f"{_box_text(o.right)}",
                f"left: {o.comparison.terms_left} terms on {_box_text(o.left)}; right: "
                f"{o.comparison.terms_right} terms on {_box_text(o.right)}")
