"""``symconv matrix`` as a document: what the matrix is, then the matrix typeset."""

from __future__ import annotations

from typing import Any

from ..expansion.matrix import OperatorMatrix, block_ends, form_word, matrix_view
from ..index.ops import OPERATIONS
from .blocks import Document, MatrixBlock, Paragraph


def matrix_document(m: OperatorMatrix, drawn: bool = False) -> Document:
    """A page for one matrix: a paragraph of what it is (its size, its non-zeros, how it
    acts) and the matrix with its block structure."""
    op = m.expansion.operation
    view = matrix_view(m)
    word = OPERATIONS[op.op].word
    shape = "x".join(map(str, op.image.shape))
    kshape = "x".join(map(str, op.kernel.shape))
    title = f"The {form_word(m.form)} of a {word}" + (", transposed" if m.transposed else "")
    rows, cols = m.shape
    acts = {
        ("toeplitz", False): "Multiplying the flattened image by it gives the output",
        ("circulant", False): "Multiplying the flattened image by it gives the output; a "
                              "circulant matrix is diagonalised by the DFT",
        ("im2col", False): "Multiplying it by the flattened kernel gives the output (the "
                           "way GPU libraries compute a convolution layer)",
        ("toeplitz", True): "The backward pass multiplies the output's gradient by it",
        ("circulant", True): "The backward pass multiplies the output's gradient by it",
        ("im2col", True): "This is torch.nn.functional.unfold's layout",
    }[(m.form, m.transposed)]
    if m.conjugates_kernel:
        acts += " (this correlation conjugates the kernel: multiply by the conjugated kernel)"
    if m.form == "im2col" and op.layer and not m.transposed:
        acts = ("With channels the output is W P^T, W the kernel as C_out rows of (input "
                "channel, tap) columns, zero outside each output channel's group (the way "
                "GPU libraries compute a convolution layer)")
    text = (f"A {word} of a {shape} image and a {kshape} kernel, as a {rows} x {cols} matrix "
            f"with {m.nnz} non-zero entries ({_density(m)} of its cells). {acts}.")
    drawing = None
    if drawn:
        from ..expansion.figures.tables import matrix_view_drawing

        drawing = matrix_view_drawing(view)
    return Document(title, (Paragraph(text), MatrixBlock(view, drawing)),
                    name=f"matrix-{m.form}")


def _density(m: OperatorMatrix) -> str:
    cells = m.shape[0] * m.shape[1]
    share = 100 * m.nnz / cells if cells else 0
    return f"{share:.1f}%" if share >= 1 else f"{share:.2f}%"


def matrix_text(m: OperatorMatrix) -> str:
    """The text format: the matrix as a grid (row labels, column indices, entries); the
    non-zeros one per line are :func:`write_sparse_text`'s."""
    head = _text_head(m)
    rname = m._array_name(m.row_array)

    def label(name: str, idx: Any) -> str:
        return f"{name}[{','.join(map(str, idx))}]"

    grid = m.dense()
    left = [label(rname, i) for i in m.rows]
    top = [",".join(map(str, i)) for i in m.cols]
    lw = max(len(s) for s in left) if left else 0
    widths = [max([len(t)] + [len(row[c]) for row in grid]) for c, t in enumerate(top)]
    ends = set(block_ends(m.cols))
    row_ends = set(block_ends(m.rows))

    def join(cells: list[str]) -> str:
        return "".join((" | " if c in ends else "  ") + s.rjust(w)
                       for c, (s, w) in enumerate(zip(cells, widths, strict=True)))

    out = [head, " " * lw + join(top), " " * lw + " " + "-" * (len(join(top)) - 1)]
    for r, (name, row) in enumerate(zip(left, grid, strict=True)):
        if r in row_ends:
            out.append(" " * lw + " " + "-" * (len(join(top)) - 1))
        out.append(name.rjust(lw) + join(row))
    return "\n".join(out) + "\n"


def _text_head(m: OperatorMatrix) -> str:
    """The two or three lines above either text form: what the matrix is, its labels."""
    op = m.expansion.operation
    return (f"{form_word(m.form)}{' (transposed)' if m.transposed else ''}: "
            f"{m.shape[0]} x {m.shape[1]}, {m.nnz} non-zero; {OPERATIONS[op.op].word} of a "
            f"{'x'.join(map(str, op.image.shape))} image and a "
            f"{'x'.join(map(str, op.kernel.shape))} kernel\n"
            f"rows: {m._array_name(m.row_array)}[...], columns: "
            f"{m._array_name(m.col_array)}[...]\n"
            + ("the correlation conjugates the kernel: y = P conj(h)\n"
               if m.conjugates_kernel else ""))


def write_sparse_text(m: OperatorMatrix, stream: Any) -> None:
    """The text format's ``--sparse``: the non-zeros one per line, streamed in chunks."""
    rname, cname = m._array_name(m.row_array), m._array_name(m.col_array)
    stream.write(_text_head(m))
    names = m.entry_names
    step = 20_000
    for start in range(0, m.nnz, step):
        stop = start + step
        stream.write("".join(
            f"{rname}[{','.join(map(str, m.rows[r]))}]  {cname}[{','.join(map(str, m.cols[c]))}]"
            f"  {names[e]}\n" for r, c, e in zip(m.r[start:stop].tolist(),
                                                 m.c[start:stop].tolist(),
                                                 m.entry[start:stop].tolist(), strict=True)))


def view_text(view: Any) -> str:
    """A typeset matrix model as a plain grid (a document's matrix block in text)."""
    cells = [[view.cell_text(c, sep=",") for c in row] for row in view.cells]
    left = [f"{view.row_array}[{','.join(map(str, i))}]" for i in view.rows]
    top = [",".join(map(str, i)) for i in view.cols]
    lw = max((len(s) for s in left), default=0)
    widths = [max([len(t)] + [len(r[c]) for r in cells]) for c, t in enumerate(top)]
    lines = [" " * lw + "".join("  " + t.rjust(w) for t, w in zip(top, widths, strict=True))]
    for name, row in zip(left, cells, strict=True):
        lines.append(name.rjust(lw) + "".join("  " + s.rjust(w)
                                              for s, w in zip(row, widths, strict=True)))
    return "\n".join(lines) + "\n"
