"""The operation as a matrix (``symconv matrix``): Toeplitz, circulant and im2col forms.

Every form is read off the relation's term table, so it is sparse from the start: one
non-zero per product term (``y = C x`` has exactly as many non-zeros as the expansion has
terms; a boundary rule that maps two taps to one pixel adds their entries).

* ``toeplitz``: ``y = C x`` over the flattened (row-major) image; ``C[m, i]`` is the kernel
  entry pairing output ``m`` with pixel ``i``, 0 elsewhere; doubly block Toeplitz in 2-D.
* ``circulant``: the same matrix for circular padding when it is square and circulant
  (block circulant with circulant blocks in 2-D): the DFT diagonalises it.
* ``im2col``: the patch matrix ``P`` (``torch.nn.functional.unfold`` transposed): one row per
  output position, one column per kernel tap (per input channel and tap with ``--layer``);
  ``P[m, k]`` is the pixel tap ``k`` of output ``m`` reads (0 in the zero padding), so
  ``y = P vec(h)`` (``y = W P^T`` with channels).

``transpose`` gives ``C^T`` (the backward pass's matrix) or ``P^T`` (unfold's layout).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError, LimitError
from .core import Expansion

FORMS = ("toeplitz", "circulant", "im2col")
#: Non-zeros written per chunk by the streamed writers.
_CHUNK = 20_000
#: Most cells (rows x columns) a dense matrix is written with (JSON ``entries``, text);
#: beyond it ``--sparse`` lists the non-zeros (a 64x64 image gives 4096 x 4096 = 16.8
#: million cells, 36,864 of them non-zero).
MAX_DENSE_CELLS = 250_000
#: Widest and tallest matrix typeset (LaTeX, slides, MathML, Markdown): beyond it a page
#: or slide cannot show an entry at a legible size.
MAX_TYPESET = (64, 64)


@dataclass(frozen=True)
class OperatorMatrix:
    """A sparse matrix of one form: row and column labels (index tuples of ``row_array``
    and ``col_array``), and the non-zeros ``(r, c, entry)`` where ``entry`` is a flat
    position in ``entry_array`` (the kernel for Toeplitz forms, the image for im2col)."""

    expansion: Expansion
    form: str
    transposed: bool
    row_array: str
    col_array: str
    entry_array: str
    rows: tuple[tuple[int, ...], ...]
    cols: tuple[tuple[int, ...], ...]
    r: np.ndarray
    c: np.ndarray
    entry: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    @property
    def conjugates_kernel(self) -> bool:
        """im2col of a conjugating correlation: the output is ``P vec(conj(h))`` (the
        patches hold pixels; the conjugation stays with the kernel)."""
        return self.form == "im2col" and self.expansion.operation.conjugate

    @property
    def nnz(self) -> int:
        """Stored non-zeros (a pair of taps on one pixel counts twice, as two terms)."""
        return int(self.r.size)

    @property
    def blocked(self) -> bool:
        """Whether rows and columns are multi-indices (2-D and up): then the matrix is
        made of blocks, one per pair of first indices."""
        return all(len(i) >= 2 for i in self.rows[:1] + self.cols[:1])

    # -- the entries ---------------------------------------------------------------------
    @functools.cached_property
    def entry_names(self) -> list[str]:
        """The name of every position of the entry array (``a``..``i`` or ``h[0,1]`` for a
        kernel, ``x[0,1]`` for an image), conjugated where the operation conjugates."""
        exp = self.expansion
        op = exp.operation
        if self.entry_array == "kernel":
            sig = op.kernel
            names = [exp.entry_name(idx) for idx in sig.indices()]
            if op.conjugate:
                names = [f"conj({n})" for n in names]
            return names
        sig = op.image
        return [f"{sig.name}[{', '.join(map(str, idx))}]" for idx in sig.indices()]

    def entry_index(self, flat: int) -> tuple[int, ...]:
        """The index tuple (with the signal's origin) of a flat entry position."""
        sig = self.entry_signal
        pos = np.unravel_index(int(flat), sig.shape)
        return tuple(int(p) - o for p, o in zip(pos, sig.origin, strict=True))

    def dense(self) -> list[list[str]]:
        """Every cell's entry (``"0"`` or names joined by ``+``), refused over
        :data:`MAX_DENSE_CELLS` cells."""
        self.check_dense()
        grid: list[list[str]] = [["0"] * self.shape[1] for _ in range(self.shape[0])]
        names = self.entry_names
        for r, c, e in zip(self.r.tolist(), self.c.tolist(), self.entry.tolist(),
                           strict=True):
            grid[r][c] = names[e] if grid[r][c] == "0" else f"{grid[r][c]}+{names[e]}"
        return grid

    def check_dense(self, limit: int = MAX_DENSE_CELLS, what: str = "written whole") -> None:
        check_cells(self.shape, limit, what, self.nnz)

    # -- values --------------------------------------------------------------------------
    @property
    def entry_signal(self) -> Any:
        """The array the entries name: the kernel (Toeplitz forms) or the image (im2col)."""
        op = self.expansion.operation
        return op.kernel if self.entry_array == "kernel" else op.image

    @property
    def has_values(self) -> bool:
        return self.entry_signal.values is not None

    def entry_values(self) -> np.ndarray:
        """The entry array's values, flat in C order (conjugated where the operation
        conjugates the kernel)."""
        op = self.expansion.operation
        sig = self.entry_signal
        if sig.values is None:
            flag = "--h" if self.entry_array == "kernel" else "--x"
            raise InputError(f"the {form_word(self.form)} needs values for the "
                             f"{self.entry_array} ({flag})")
        vals = np.asarray(sig.values).reshape(-1)
        if self.entry_array == "kernel" and op.conjugate:
            vals = np.array([v.conjugate() for v in vals], dtype=vals.dtype)
        return vals

    def values(self) -> np.ndarray:
        """The dense numeric matrix (small matrices: :data:`MAX_DENSE_CELLS`)."""
        self.check_dense()
        vals = self.entry_values()
        out = np.zeros(self.shape, dtype=vals.dtype)
        np.add.at(out, (self.r, self.c), vals[self.entry])
        return out

    def matvec(self, vec: np.ndarray) -> np.ndarray:
        """``M @ vec`` from the non-zeros alone (no dense matrix), for any size."""
        vals = self.entry_values()
        vec = np.asarray(vec).reshape(-1)
        if vec.size != self.shape[1]:
            raise InputError(f"the matrix has {self.shape[1]} columns, the vector "
                             f"{vec.size} entries")
        prod = vals[self.entry] * vec[self.c]
        out = np.zeros(self.shape[0], dtype=prod.dtype)
        np.add.at(out, self.r, prod)
        return out

    # -- JSON ----------------------------------------------------------------------------
    def to_json(self, sparse: bool = False) -> dict[str, Any]:
        """The contract's object: ``form``, ``rows``, ``cols``, ``entries`` (dense), and
        ``values`` when the entry array has values; ``sparse``: ``nonzeros`` (``[row, col,
        entry]``) instead of ``entries``."""
        out = self._head()
        out["rows"] = [list(i) for i in self.rows]
        out["cols"] = [list(i) for i in self.cols]
        if sparse:
            names = self.entry_names
            out["nonzeros"] = [[r, c, names[e]] for r, c, e in
                               zip(self.r.tolist(), self.c.tolist(), self.entry.tolist(),
                                   strict=True)]
            if self.has_values:
                vals = self.entry_values()
                out["values"] = [[r, c, _plain(vals[e])] for r, c, e in
                                 zip(self.r.tolist(), self.c.tolist(), self.entry.tolist(),
                                     strict=True)]
        else:
            out["entries"] = self.dense()
            if self.has_values:
                out["values"] = [[_plain(v) for v in row] for row in self.values()]
        return out

    def write_sparse_json(self, stream: Any) -> None:
        """:meth:`to_json` with ``sparse``, streamed: the non-zeros are written in chunks,
        never held as one string (a 600x600 image has 3.2 million)."""
        import json

        stream.write("{\n")
        for key, value in self._head().items():
            stream.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
        for key, labels in (("rows", self.rows), ("cols", self.cols)):
            stream.write(f'  "{key}": [')
            for start in range(0, len(labels), _CHUNK):
                part = labels[start:start + _CHUNK]
                stream.write(("," if start else "") + "\n" + ",\n".join(
                    "    " + json.dumps(list(i)) for i in part))
            stream.write("\n  ],\n")
        names = self.entry_names
        vals = self.entry_values() if self.has_values else None
        sections = [("nonzeros", lambda e: names[e])]
        if vals is not None:
            sections.append(("values", lambda e: _plain(vals[e])))
        for k, (key, item) in enumerate(sections):
            stream.write(f'  "{key}": [')
            for start in range(0, self.nnz, _CHUNK):
                stop = start + _CHUNK
                rows = zip(self.r[start:stop].tolist(), self.c[start:stop].tolist(),
                           self.entry[start:stop].tolist(), strict=True)
                stream.write(("," if start else "") + "\n" + ",\n".join(
                    "    " + json.dumps([r, c, item(e)]) for r, c, e in rows))
            stream.write("\n  ]" + ("," if k + 1 < len(sections) else "") + "\n")
        stream.write("}\n")

    def _head(self) -> dict[str, Any]:
        """The JSON fields before the labels (both JSON writers): form, shape, arrays."""
        out: dict[str, Any] = {"form": self.form, "transpose": self.transposed,
                               "shape": list(self.shape), "nnz": self.nnz,
                               "row_array": self._array_name(self.row_array),
                               "col_array": self._array_name(self.col_array)}
        if self.conjugates_kernel:
            out["kernel_conjugated"] = True
        return out

    def _array_name(self, role: str) -> str:
        op = self.expansion.operation
        return {"output": op.output_name, "image": op.image.name, "kernel": op.kernel.name,
                "taps": op.kernel.name, "gradient": "g"}.get(role, role)


def _plain(v: Any) -> Any:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    return str(v)


def form_word(form: str) -> str:
    return {"toeplitz": "Toeplitz matrix", "circulant": "circulant matrix",
            "im2col": "patch matrix (im2col)"}[form]


def matrix_shape(exp: Expansion, form: str = "toeplitz", transpose: bool = False
                 ) -> tuple[int, int]:
    """The matrix's rows and columns, from the relation alone (nothing enumerated): the
    size checks run before any array is made."""
    op = exp.operation
    if form == "im2col":
        rows = exp.relation.out_count() // (exp.shape[0] if op.layer else 1)
        cols = op.kernel.size // (op.kernel.shape[0] if op.layer else 1) * \
            (op.image.shape[0] if op.layer else 1) // (op.kernel.shape[1] if op.layer else 1)
    else:
        rows, cols = exp.relation.out_count(), op.image.size
    return (cols, rows) if transpose else (rows, cols)


def check_cells(shape: tuple[int, int], limit: int, what: str, nnz: int | None = None
                ) -> None:
    """Refuse a matrix of more than ``limit`` cells in one line: from its shape before it
    is built, or (``nnz``: its non-zeros counted) once it is."""
    cells = shape[0] * shape[1]
    if cells > limit:
        count = "" if nnz is None else f", {nnz:,} non-zero"
        raise LimitError(f"the matrix is {shape[0]:,} x {shape[1]:,} ({cells:,} cells{count})"
                         f": it is {what} up to {limit:,} cells; use --sparse (JSON or text) "
                         "for its non-zeros")


def operator_matrix(exp: Expansion, form: str = "toeplitz", transpose: bool = False
                    ) -> OperatorMatrix:
    """The operation of ``exp`` as a sparse matrix of ``form`` (see the module)."""
    if form not in FORMS:
        raise InputError(f"bad --form {form!r}: use {', '.join(FORMS)}")
    op = exp.operation
    exp.relation.check_size(exp.max_terms)
    t = exp.terms_table
    counts = np.diff(t.starts)
    out_flat = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    img_pos = t.image + np.asarray(op.image.origin, dtype=np.int64)
    ker_pos = t.kernel + np.asarray(op.kernel.origin, dtype=np.int64)
    pix_flat = (np.ravel_multi_index(tuple(img_pos.T), op.image.shape) if t.count
                else np.zeros(0, np.int64))
    ker_flat = (np.ravel_multi_index(tuple(ker_pos.T), op.kernel.shape) if t.count
                else np.zeros(0, np.int64))
    outs = tuple(exp.indices())
    if form == "im2col":
        m = _im2col(exp, out_flat, pix_flat, ker_pos)
    else:
        if form == "circulant":
            _check_circulant(exp, out_flat, pix_flat, ker_flat)
        m = OperatorMatrix(exp, form, False, "output", "image", "kernel", outs,
                           tuple(op.image.indices()), out_flat, pix_flat.astype(np.int64),
                           ker_flat.astype(np.int64))
    if transpose:
        role = {"output": "gradient"}.get(m.row_array, m.row_array)
        m = OperatorMatrix(exp, form, True, m.col_array, role, m.entry_array, m.cols,
                           m.rows, m.c, m.r, m.entry)
    return _sorted(m)


def _sorted(m: OperatorMatrix) -> OperatorMatrix:
    """Non-zeros in row-major order (deterministic output)."""
    order = np.lexsort((m.entry, m.c, m.r))
    return OperatorMatrix(m.expansion, m.form, m.transposed, m.row_array, m.col_array,
                          m.entry_array, m.rows, m.cols, m.r[order], m.c[order],
                          m.entry[order])


def _im2col(exp: Expansion, out_flat: np.ndarray, pix_flat: np.ndarray,
            ker_pos: np.ndarray) -> OperatorMatrix:
    """Rows: output positions (spatial; every channel's output reads the same patch);
    columns: kernel taps (input channel and tap with channels, as unfold); entries: the
    pixel each reads."""
    op = exp.operation
    shape = exp.shape
    if op.layer:
        spatial = shape[1:]
        row = out_flat % int(np.prod(spatial))
        # the input channel a term reads is the image index's channel coordinate
        c_in = op.image.shape[0]
        chan = pix_flat // int(np.prod(op.image.shape[1:]))
        k_sp = np.ravel_multi_index(tuple(ker_pos[:, 2:].T), op.kernel.shape[2:]) \
            if ker_pos.size else np.zeros(0, np.int64)
        taps = int(np.prod(op.kernel.shape[2:]))
        col = chan * taps + k_sp
        key = np.unique(np.stack([row, col, pix_flat], axis=1), axis=0) if row.size else \
            np.zeros((0, 3), np.int64)
        row, col, pix = key[:, 0], key[:, 1], key[:, 2]
        out_lo = exp.out_lo[1:]
        rows = tuple(tuple(int(p) + lo for p, lo in zip(pos, out_lo, strict=True))
                     for pos in np.ndindex(*spatial))
        k_idx = [tuple(int(p) - o for p, o in zip(pos, op.kernel.origin[2:], strict=True))
                 for pos in np.ndindex(*op.kernel.shape[2:])]
        cols = tuple((ch,) + k for ch in range(c_in) for k in k_idx)
        return OperatorMatrix(exp, "im2col", False, "output", "taps", "image", rows, cols,
                              row.astype(np.int64), col.astype(np.int64), pix.astype(np.int64))
    col = np.ravel_multi_index(tuple(ker_pos.T), op.kernel.shape) if ker_pos.size else \
        np.zeros(0, np.int64)
    return OperatorMatrix(exp, "im2col", False, "output", "taps", "image",
                          tuple(exp.indices()), tuple(op.kernel.indices()),
                          out_flat, col.astype(np.int64), pix_flat.astype(np.int64))


def _check_circulant(exp: Expansion, out_flat: np.ndarray, pix_flat: np.ndarray,
                     ker_flat: np.ndarray) -> None:
    """Refuse, in one line, a matrix that is not circulant: circular padding, as many
    outputs as pixels on every axis, and ``C[m, i]`` a function of ``(i - m) mod N``."""
    op = exp.operation
    if op.boundary != "circular":
        raise InputError("--form circulant needs --padding-mode circular (with zero padding "
                         "the matrix is Toeplitz, not circulant)")
    if op.layer:
        raise InputError("--form circulant is for one channel (no --layer)")
    if exp.shape != op.image.shape:
        raise InputError(f"--form circulant needs as many outputs as pixels on every axis "
                         f"(output {'x'.join(map(str, exp.shape))}, image "
                         f"{'x'.join(map(str, op.image.shape))}): stride 1 and padding "
                         "'same' (or d(K-1) in all) with --padding-mode circular")
    shape = op.image.shape
    m = np.stack(np.unravel_index(out_flat, shape), axis=1)
    i = np.stack(np.unravel_index(pix_flat, shape), axis=1)
    shift = np.ravel_multi_index(tuple(np.mod(i - m, shape).T), shape) \
        if out_flat.size else out_flat
    n_rows = int(np.prod(shape))
    # every row holds the same (shift, entry) pairs as row 0
    key = np.stack([out_flat, shift, ker_flat], axis=1)
    key = key[np.lexsort((key[:, 2], key[:, 1], key[:, 0]))]
    per_row = np.bincount(out_flat, minlength=n_rows)
    if per_row.min() != per_row.max():
        raise InputError("this operation's matrix is not circulant (rows differ in their "
                         "number of entries)")
    blocks = key[:, 1:].reshape(n_rows, int(per_row[0]), 2)
    if not (blocks == blocks[0]).all():
        raise InputError("this operation's matrix is not circulant (a row is not a cyclic "
                         "shift of the first)")


def check_typeset(m: OperatorMatrix | tuple[int, int]) -> None:
    """Refuse a matrix too large to typeset legibly (one line, before any output)."""
    shape = m.shape if isinstance(m, OperatorMatrix) else m
    if shape[0] > MAX_TYPESET[0] or shape[1] > MAX_TYPESET[1]:
        raise LimitError(f"the matrix is {shape[0]} x {shape[1]}: it is typeset up to "
                         f"{MAX_TYPESET[0]} x {MAX_TYPESET[1]} (use --format json or text, "
                         "with --sparse for large ones)")


def block_ends(keys: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """Where runs of equal first index end (2-D and up): the blocks' boundaries."""
    if not keys or len(keys[0]) < 2:
        return ()
    return tuple(k for k in range(1, len(keys)) if keys[k][0] != keys[k - 1][0])


def matrix_view(m: OperatorMatrix) -> Any:
    """The typeset model of a small matrix (:class:`~.figures.model.MatrixView`)."""
    from .figures.model import MatrixView

    check_typeset(m)
    op = m.expansion.operation
    sig = m.entry_signal
    names = sig.entry_names() if m.entry_array == "kernel" else None
    atoms = tuple((names[p], None) if names else (sig.name, m.entry_index(p))
                  for p in range(sig.size))
    grid: list[list[list[int]]] = [[[] for _ in m.cols] for _ in m.rows]
    for r, c, e in zip(m.r.tolist(), m.c.tolist(), m.entry.tolist(), strict=True):
        grid[r][c].append(e)
    if m.form == "im2col":
        caption = ("The patch matrix (im2col): one row per output position, one column per "
                   "kernel tap" + (" (input channel, tap)" if op.layer else "")
                   + "; each cell is the pixel that tap reads (0: the padding)"
                   + ("; the correlation conjugates the kernel: the output is P times the "
                      "conjugated kernel" if m.conjugates_kernel else ""))
    else:
        caption = ("The operation as a matrix: one row per output, one column per pixel "
                   "(both row-major); each cell is the kernel entry pairing them")
        if m.form == "circulant":
            caption += ("; circulant (each row the cyclic shift of the one above"
                        + (", in blocks" if m.blocked else "") + "), so the DFT "
                        "diagonalises it: its eigenvalues are the DFT of its first column")
        elif m.blocked:
            caption += "; the ruled blocks are Toeplitz: doubly block Toeplitz"
    if m.transposed and m.form == "im2col":
        caption = ("The patch matrix transposed (torch.nn.functional.unfold's layout): one "
                   "row per kernel tap" + (" (input channel, tap)" if op.layer else "")
                   + ", one column per output position; each cell is the pixel that tap "
                   "reads (0: the padding)")
    elif m.transposed:
        caption = ("The transpose $C^\\top$: one row per pixel, one column per output; the "
                   "backward pass multiplies the gradient $\\arr{g}$ by it, so each pixel "
                   "collects the kernel entries of the outputs it fed")
    return MatrixView(f"matrix-{m.form}", caption + ".", m.form, m.transposed, op.layer,
                      (op.image.name, op.kernel.name, op.output_name),
                      m._array_name(m.row_array), m._array_name(m.col_array), m.rows, m.cols,
                      atoms, tuple(tuple(tuple(c) for c in row) for row in grid),
                      block_ends(m.rows), block_ends(m.cols),
                      op.conjugate and m.entry_array == "kernel")
