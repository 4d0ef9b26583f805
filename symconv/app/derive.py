"""Derivation files: a small declarative TOML format a textbook author can copy and edit.

A file has a ``name``, a ``title`` (and optional ``subtitle``) and a list of ``[[block]]``
tables; each block has exactly one kind key:

``heading = "..."``            a section heading (``level`` 1 or 2)
``text = "..."``               a paragraph (``$...$`` is inline math)
``expand = "conv"``            an expansion, with the options of ``symconv expand``
                               (``image``, ``kernel``, ``mode``, ``at``, ``x``, ``h``...) and
                               ``figures = [...]`` (symconv.document.FIGURES, the drawn
                               variants such as ``matrix-drawn`` included)
``pool = "avg-pool"``          a pooling (``avg-pool``/``max-pool``), with its window and
                               ``stride``, ``padding``, ``dilation``, ``ceil_mode``,
                               ``count_include_pad``, ``x``, ``at``, ``title``
``compare = "corr"``           one operation under several conventions side by side:
                               ``variants = [{label = "...", mode = "same", ...}, ...]``
``prove = "duality"``          a theorem, with the options of ``symconv prove``
``claim = "LHS == RHS"``       a user claim, proved or refuted (``compare = "positions"``
                               here is the claim's option, not a compare block)
                               prove and claim blocks also take ``title`` (replaces the
                               heading) and ``expect = "proved"|"refuted"`` (the file is
                               rejected if the verdict differs)
``check = "y[m] = ..."``       a formula classified
``identify = "numpy.convolve"`` a library function identified

``render_file`` turns a file into a :class:`~symconv.document.Document` and writes it in
every output format into a folder: ``NAME.tex`` (standalone), ``NAME-slides.tex``
(beamer), ``NAME.html``, ``NAME.md`` (+ SVG figures), ``NAME.txt``, ``NAME.json``.
"""

from __future__ import annotations

import contextvars
import importlib
import math
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from ..document.blocks import (
    FIGURES,
    CheckBlock,
    DerivationBlock,
    Document,
    ExpansionBlock,
    Heading,
    Paragraph,
)
from ..errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KINDS = ("heading", "text", "expand", "pool", "compare", "prove", "claim", "check",
         "identify", "matrix")
#: Expansion options a block may set (the keyword arguments of symconv.index.request.operation).
EXPAND_OPTIONS = ("origin", "axes", "mode", "stride", "padding", "padding_mode", "dilation",
                  "conjugate", "layer", "groups", "convention", "names", "entries", "x", "h",
                  "output_padding")
#: Pooling options a ``pool`` block may set (the keyword arguments of
#: symconv.expansion.pooling.Pooling).
POOL_OPTIONS = ("stride", "padding", "dilation", "ceil_mode", "count_include_pad", "x")
#: The formats a document is written in (those of the format registry with a file name),
#: in the order of the output folder's listing, and each file's name pattern.
DOCUMENT_FORMATS = ("latex", "beamer", "html", "markdown", "text", "json")


def document_file(fmt: str) -> str:
    """The file name pattern of format ``fmt`` in an output folder (``{name}.tex``)."""
    from ..render import FORMATS

    return FORMATS[fmt].document_file
#: Where ``derive --all`` looks without ``--dir``: the folder ``derivations`` of the current
#: directory (a checkout of the repository); nothing is found by climbing from ``__file__``.
DEFAULT_DIR = "derivations"


def load(path: str) -> dict[str, Any]:
    """Read and check a derivation file: a regular UTF-8 file of at most
    :data:`~symconv.limits.MAX_DERIVATION_BYTES`, valid TOML, nested at most
    :data:`~symconv.limits.MAX_NESTING` deep, with at most
    :data:`~symconv.limits.MAX_BLOCKS` blocks whose values have the types :data:`KEY_TYPES`
    gives.  Every failure is one :class:`InputError` line."""
    import stat

    from ..limits import MAX_BLOCKS, MAX_DERIVATION_BYTES

    where = repr(path) if len(path) < 80 else repr(path[:60] + "...")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"no derivation file {where}") from None
    except OSError as exc:
        raise InputError(f"cannot read derivation file {where}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{where} is a folder: give a derivation file (or --all --dir "
                         "FOLDER)")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"cannot read derivation file {where}: not a regular file")
    if info.st_size > MAX_DERIVATION_BYTES:
        raise InputError(f"derivation file {where} is {info.st_size:,} bytes, over the limit "
                         f"of {MAX_DERIVATION_BYTES:,}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_DERIVATION_BYTES + 1)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"derivation file {where} is not UTF-8 text (byte {exc.start})") \
            from None
    except OSError as exc:
        raise InputError(f"cannot read derivation file {where}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: values are nested too deeply") from None
    check_nesting(data, path)
    unknown = sorted(set(data) - {"name", "title", "subtitle", "block"})
    if unknown:
        raise InputError(f"{path}: unknown top-level keys {', '.join(unknown)}; allowed: "
                         "name, title, subtitle, block")
    for key in ("name", "title"):
        if not isinstance(data.get(key), str):
            raise InputError(f"{path}: needs a string {key!r} at the top")
    if not isinstance(data.get("subtitle", ""), str):
        raise InputError(f"{path}: 'subtitle' must be a string")
    from ..index.signal import NAME_RE

    if not NAME_RE.match(data["name"].replace("-", "_")):
        raise InputError(f"{path}: bad name {data['name']!r}: letters, digits, '-' and '_'")
    blocks = data.get("block", [])
    if isinstance(blocks, list) and len(blocks) > MAX_BLOCKS:
        raise InputError(f"{path}: {len(blocks):,} blocks, over the limit of {MAX_BLOCKS}; "
                         "split the file")
    return data


def check_nesting(value: Any, path: str) -> None:
    """Refuse values nested deeper than :data:`~symconv.limits.MAX_NESTING` (iteratively)."""
    from ..limits import MAX_NESTING, containers, first_deeper

    if first_deeper(value, MAX_NESTING, containers) is not None:
        raise InputError(f"{path}: values are nested more than {MAX_NESTING} deep")


#: The type each block key takes (checked before a block is built): ``str``, ``int``,
#: ``bool``, ``ints`` (a list of integers), ``strs``, ``tables`` (a list of tables),
#: ``table`` (of strings), ``shape`` (``"7x7"``, ``7`` or ``[7, 7]``), ``param`` (``2``,
#: ``"2,1"`` or ``[2, 1]``), ``index`` (``[1, 1]``, ``"1,1"`` or ``1``), ``values``
#: (``"1,2;3,4"``, a number or nested lists of numbers), ``kwargs`` (a table or JSON text).
#: Keys not listed (a prover's other options) take a string, an integer or a boolean.
KEY_TYPES: dict[str, str] = {
    "heading": "str", "level": "int", "text": "str", "title": "str", "label": "str",
    "expand": "str", "compare": "str", "prove": "str", "claim": "str", "check": "str",
    "identify": "str", "expect": "str", "mode": "str", "axes": "str", "scope": "str",
    "padding_mode": "str", "convention": "str", "forward": "str", "wrt": "str",
    "where": "str", "image": "shape", "kernel": "shape", "at": "index",
    "figures": "strs", "variants": "tables", "names": "table", "entries": "strs|str",
    "stride": "param", "dilation": "param", "padding": "param", "origin": "param",
    "output_padding": "param", "op": "str", "pool": "str", "ceil_mode": "bool",
    "count_include_pad": "bool",
    "conjugate": "bool", "layer": "bool", "groups": "int", "dims": "int",
    "max_terms": "int", "max_probes": "int", "x": "values", "h": "values",
    "kwargs": "kwargs", "let": "lets", "matrix": "str", "form": "str", "transpose": "bool",
    "layers": "str",
}

_NUMBER = (int, float)


def _is(value: Any, kind: str) -> bool:
    if "|" in kind:
        return any(_is(value, k) for k in kind.split("|"))
    scalar_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return scalar_int
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "ints":
        return isinstance(value, list) and all(_is(v, "int") for v in value)
    if kind == "strs":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "tables":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if kind == "table":
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind in ("shape", "param", "index"):
        return isinstance(value, str) or scalar_int or _is(value, "ints")
    if kind == "values":
        if isinstance(value, list):
            return all(_is(v, "values") for v in value)
        return isinstance(value, (str, *_NUMBER)) and not isinstance(value, bool)
    if kind == "lets":
        return isinstance(value, dict) and all(_is(v, "values") for v in value.values())
    if kind == "kwargs":
        return isinstance(value, (str, dict))
    return isinstance(value, (str, bool, int)) and not isinstance(value, float)


_KIND_WORDS = {
    "str": "a string", "int": "an integer", "bool": "true or false",
    "ints": "a list of integers", "strs": "a list of strings",
    "tables": "a list of tables ({key = value, ...})", "table": "a table of strings",
    "shape": 'a shape ("7x7", 7 or [7, 7])', "param": 'an integer, "2,1" or [2, 1]',
    "index": 'an index ([1, 1], "1,1" or 1)', "values": 'values ("1,2;3,4" or [[1, 2], [3, 4]])',
    "kwargs": "a table of keyword arguments", "strs|str": "a string or a list of strings",
    "lets": 'a table of values ({u = "1;2;1", v = [1, 0, -1]})',
    "scalar": "a string, an integer or true/false",
}


def exact_values(block: dict[str, Any]) -> dict[str, Any]:
    """A block with the decimals of its values exact: TOML reads ``0.1`` as a binary float;
    symconv reads it as the decimal it was written as (its shortest repr), 1/10, as
    ``--x 0.1`` on the command line.  Values may also be strings (``"1/9"``)."""
    from fractions import Fraction

    def exact(v: Any) -> Any:
        if isinstance(v, list):
            return [exact(w) for w in v]
        if isinstance(v, float):
            if not math.isfinite(v):
                raise InputError(f"values must be finite numbers, not {v!r} (TOML's nan and "
                                 "inf have no exact value)")
            return Fraction(repr(v))
        return v

    out = dict(block)
    for key in ("x", "h"):
        if key in out:
            out[key] = exact(out[key])
    if "let" in out:
        out["let"] = {k: exact(v) for k, v in out["let"].items()}
    return out


def check_types(block: dict[str, Any]) -> None:
    """Each key of ``block`` (and of its variants) has the type :data:`KEY_TYPES` says."""
    for key, value in block.items():
        kind = KEY_TYPES.get(key, "scalar")
        if not _is(value, kind):
            from ..limits import shown

            raise InputError(f"{key} = {shown(value)}: must be {_KIND_WORDS[kind]}")
        if key == "variants":
            for v in value:
                check_types(v)


def build(data: dict[str, Any], source: str = "", trust_identify: bool = False) -> Document:
    """The document a derivation file describes (every block computed by the library).
    ``identify`` blocks may name only known convolution functions unless
    ``trust_identify`` is true."""
    token = TRUST_IDENTIFY.set(trust_identify)
    try:
        return _build(data, source)
    finally:
        TRUST_IDENTIFY.reset(token)


def _build(data: dict[str, Any], source: str = "") -> Document:
    blocks: list[Any] = []
    if not isinstance(data.get("block", []), list):
        raise InputError(f"{source or data['name']}: 'block' must be a list of [[block]] tables")
    for n, block in enumerate(data.get("block", []), start=1):
        where = f"{source or data['name']}: block {n}"
        if not isinstance(block, dict):
            raise InputError(f"{where}: a block is a table ([[block]] with key = value lines)")
        try:
            check_types(block)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        block = exact_values(block)
        # ``compare`` is also an option of a claim block (indices or positions).
        kinds = [k for k in KINDS if k in block and not (k == "compare" and "claim" in block)]
        if len(kinds) != 1:
            raise InputError(f"{where}: give exactly one of {', '.join(KINDS)}")
        kind = kinds[0]
        try:
            blocks.extend(BUILDERS[kind](block))
        except InputError as exc:
            raise InputError(f"{where} ({kind}): {exc}") from None
    try:
        return Document(data["title"], tuple(blocks), data["name"], data.get("subtitle", ""))
    except InputError as exc:
        raise InputError(f"{source or data['name']}: {exc}") from None


def _options(block: dict[str, Any], allowed: tuple[str, ...], own: tuple[str, ...]) -> dict:
    unknown = set(block) - set(allowed) - set(own)
    if unknown:
        raise InputError(f"unknown keys {', '.join(sorted(unknown))}; allowed: "
                         f"{', '.join(allowed + own)}")
    return {k: v for k, v in block.items() if k in allowed}


def _need(block: dict[str, Any], *keys: str) -> None:
    missing = [k for k in keys if k not in block]
    if missing:
        raise InputError(f"missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")


def _heading(b: dict[str, Any]) -> list[Any]:
    _options(b, (), ("heading", "level"))
    return [Heading(str(b["heading"]), int(b.get("level", 1)))]


def _text(b: dict[str, Any]) -> list[Any]:
    _options(b, (), ("text",))
    return [Paragraph(str(b["text"]))]


def _expansion(op: str, b: dict[str, Any], own: tuple[str, ...]) -> Any:
    from ..expansion.core import expand

    opts = _options(b, EXPAND_OPTIONS, own)
    _need(b, "image", "kernel")
    return expand(op, b["image"], b["kernel"], **opts)


def _expand(b: dict[str, Any]) -> list[Any]:
    own = ("expand", "image", "kernel", "at", "figures", "title")
    exp = _expansion(b["expand"], b, own)
    figs = tuple(b.get("figures", ("equation", "worked", "drawing")))
    bad = [f for f in figs if f not in FIGURES]
    if bad:
        raise InputError(f"unknown figures {', '.join(bad)}; use {', '.join(FIGURES)}")
    at = _index(b["at"]) if "at" in b else None
    if at is not None:
        exp.flat_position(at)
    return [ExpansionBlock(exp, at, figs, str(b.get("title", "")))]


def _matrix(b: dict[str, Any]) -> list[Any]:
    """The operation as a matrix (``symconv matrix``): Toeplitz, circulant or im2col, or its
    transpose, typeset with its blocks."""
    import dataclasses

    from ..document.blocks import MatrixBlock
    from ..expansion.matrix import matrix_view, operator_matrix

    own = ("matrix", "image", "kernel", "form", "transpose", "title")
    exp = _expansion(b["matrix"], b, own)
    m = operator_matrix(exp, str(b.get("form", "toeplitz")), bool(b.get("transpose", False)))
    view = matrix_view(m)
    if "title" in b:
        from ..document.richtext import check_rich_text

        view = dataclasses.replace(view, caption=check_rich_text(b["title"], "title") + " "
                                   + view.caption)
    return [MatrixBlock(view)]


def _pool(b: dict[str, Any]) -> list[Any]:
    """A pooling (avg-pool, max-pool): its outputs, or one output and its window (``at``),
    as the paragraphs every format prints."""
    from ..document import PoolingBlock
    from ..expansion.pooling import Pooling

    opts = _options(b, POOL_OPTIONS, ("pool", "image", "kernel", "at", "title"))
    _need(b, "image", "kernel")
    pool = Pooling(b["pool"], b["image"], b["kernel"], **opts)
    at = _index(b["at"]) if "at" in b else None
    if at is not None:
        pool.check_index(at)
    return [PoolingBlock(pool, at, str(b.get("title", "")))]


def _index(value: int | str | list[int]) -> tuple[int, ...]:
    """``at``: ``[1, 1]``, ``"1,1"`` (as ``--at``) or ``1`` (1-D)."""
    from ..index.signal import parse_index

    if isinstance(value, int):
        return (value,)
    if isinstance(value, str):
        return parse_index(value)
    return tuple(value)


def _compare(b: dict[str, Any]) -> list[Any]:
    from ..document.blocks import ComparisonBlock

    shared = _options(b, EXPAND_OPTIONS, ("compare", "image", "kernel", "variants", "title"))
    _need(b, "image", "kernel", "variants")
    rows = []
    for v in b["variants"]:
        v = dict(v)
        label = str(v.pop("label", ""))
        merged = {"image": b["image"], "kernel": b["kernel"], **shared, **v}
        rows.append((label, _expansion(b["compare"], merged, ("image", "kernel"))))
    return [ComparisonBlock(str(b.get("title", "")), tuple(rows))]


def _call(target: str, kind: str, b: dict[str, Any], own: tuple[str, ...] = ()) -> Any:
    """Call the library function behind a block with the block's other keys as keyword
    arguments, after checking every key is one of its parameters (one clear error line)."""
    import dataclasses
    import inspect

    mod, name = target.split(":")
    module = importlib.import_module(mod)
    fn = getattr(module, name)
    params = list(inspect.signature(fn).parameters.values())[1:]
    allowed = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               and p.name != "options"]
    if any(p.kind == p.VAR_KEYWORD for p in params) and dataclasses.is_dataclass(
            getattr(module, "Options", None)):
        allowed += [f.name for f in dataclasses.fields(module.Options)]
    opts = _options(b, tuple(allowed), (kind,) + own)
    return fn(b[kind], **opts)


#: Keys of a prove or claim block that derive itself reads (the rest go to the prover).
DERIVATION_KEYS = ("title", "expect")


def _derivation(kind: str, target: str, b: dict[str, Any]) -> list[Any]:
    """A proof block: ``title`` replaces the derivation's heading; ``expect = "proved"`` or
    ``"refuted"`` makes the file fail (exit 2) if the verdict ever changes."""
    import dataclasses

    expect = b.get("expect")
    if expect is not None and expect not in ("proved", "refuted"):
        raise InputError(f"expect must be 'proved' or 'refuted', not {expect!r}")
    d = _call(target, kind, b, DERIVATION_KEYS)
    if expect is not None and d.verdict != expect:
        raise InputError(f"expected the verdict {expect!r}, got {d.verdict!r}")
    if "title" in b:
        from ..document.richtext import check_rich_text

        d = dataclasses.replace(d, title=check_rich_text(b["title"], "title"))
    return [DerivationBlock(d)]


def _prove(b: dict[str, Any]) -> list[Any]:
    return _derivation("prove", PROVE_THEOREM, b)


def _claim(b: dict[str, Any]) -> list[Any]:
    return _derivation("claim", PROVE_CLAIM, b)


def _check(b: dict[str, Any]) -> list[Any]:
    return [CheckBlock(_call(CHECK_FORMULA, "check", b), b["check"])]


def _identify(b: dict[str, Any]) -> list[Any]:
    from ..classify.identification import is_known_function

    if not (TRUST_IDENTIFY.get() or is_known_function(b["identify"])):
        raise InputError(f"{b['identify']!r} is not a known convolution function; a "
                         "derivation file may identify only those (numpy.convolve, "
                         "scipy.signal.correlate2d, torch.nn.functional.conv2d, ...): pass "
                         "--trust-identify to let it import and run any function (only for "
                         "files you trust)")
    return [CheckBlock(_call(IDENTIFY, "identify", b), b["identify"])]


#: Whether the file being built may identify any function (``derive --trust-identify``,
#: :func:`build`'s ``trust_identify``); false unless asked.
TRUST_IDENTIFY: contextvars.ContextVar[bool] = contextvars.ContextVar("trust_identify",
                                                                     default=False)


#: The library functions behind the proof and checker blocks.
PROVE_THEOREM = "symconv.proof.theorems:prove"
PROVE_CLAIM = "symconv.proof.claims:prove_claim"
CHECK_FORMULA = "symconv.classify.check:check_formula"
IDENTIFY = "symconv.classify.identification:identify"

BUILDERS: dict[str, Callable[[dict[str, Any]], list[Any]]] = {
    "heading": _heading, "text": _text, "expand": _expand, "pool": _pool, "compare": _compare,
    "prove": _prove, "claim": _claim, "check": _check, "identify": _identify,
    "matrix": _matrix,
}


def render_document(doc: Document, outdir: str, formats: tuple[str, ...] | None = None
                    ) -> list[str]:
    """Write ``doc`` in every format into ``outdir``; return the paths written.

    Everything is rendered into a temporary folder first, so an error leaves ``outdir`` as
    it was (no partial file); then the files replace the old ones, and outputs of an
    earlier run that this one no longer writes (figures ``NAME-NN-FIGURE.svg``) are removed.
    """
    import shutil
    import tempfile

    from ..io import TEMP_PREFIX, open_output, remove_stale
    from ..render import render

    check_folder(outdir)
    parent = os.path.dirname(os.path.abspath(outdir))
    remove_stale(parent)
    tmp = tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent)
    try:
        names = []
        for fmt in formats or DOCUMENT_FORMATS:
            path = os.path.join(tmp, document_file(fmt).format(name=doc.name))
            with open_output(path) as fh:
                extra = render(doc, fmt, fh, standalone=True, path=path)
            names.append(os.path.relpath(path, tmp))
            names.extend(os.path.relpath(e, tmp) for e in extra or [])
        os.makedirs(outdir, exist_ok=True)
        old = set(os.listdir(outdir))
        for rel in names:
            dest = os.path.join(outdir, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.replace(os.path.join(tmp, rel), dest)
        figure = re.compile(re.escape(doc.name) + r"-\d{2,}-[a-z-]+\.svg\Z")
        for stale in sorted(old - set(names)):
            if figure.match(stale) and os.path.isfile(os.path.join(outdir, stale)):
                os.unlink(os.path.join(outdir, stale))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [os.path.join(outdir, rel) for rel in names]


def check_folder(outdir: str) -> None:
    """Refuse, before any work, an output folder that cannot be one: an empty name, an
    existing file, a missing or unwritable parent."""
    if not outdir or "\0" in outdir:
        raise InputError(f"bad output folder {outdir!r}: give a folder name")
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise InputError(f"cannot write into {outdir!r}: it is a file, not a folder")
    parent = os.path.dirname(os.path.abspath(outdir))
    if not os.path.isdir(parent):
        raise InputError(f"cannot write {outdir!r}: folder {parent!r} does not exist")
    probe = outdir if os.path.isdir(outdir) else parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"cannot write into {outdir!r}: folder {probe!r} is not writable")


def render_file(path: str, outdir: str, trust_identify: bool = False) -> list[str]:
    data = load(path)
    return render_document(build(data, os.path.basename(path), trust_identify), outdir)


def all_files(folder: str = DEFAULT_DIR) -> list[str]:
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".toml"))
