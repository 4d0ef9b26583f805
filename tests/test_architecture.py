"""The house as its data flows: the import graph of symconv (function-local imports and
``importlib`` string imports included) has no cycle and never goes from a lower layer to a
higher one; no module uses another module's private names; each registry is what the
command line offers; the wheel installs and runs without the source tree."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "symconv"

#: Layers from the bottom; a module may import its own package and lower layers only.
LAYERS: dict[str, int] = {
    "errors": 0, "_version": 0, "io": 0, "limits": 0, "display": 0, "grammar": 0,
    "index": 1,
    "parse": 2,
    "expansion": 3,
    "proof": 4, "classify": 4,
    "document": 5,
    "render": 6,
    "app": 7,
    "commands": 8, "cli": 8, "__main__": 8, "": 8,
}
#: Layers whose packages are independent readings of the relation: they never import each
#: other (proof and classification).  Elsewhere modules of one layer may (cli <- __main__).
INDEPENDENT = {4}
#: The one sanctioned upward edge: the display mixin imports the Jupyter renderer when a
#: notebook asks for a display (as SymPy's Printable imports sympy.printing).
ALLOWED_UP = {("symconv.display", "symconv.render.jupyter")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _resolve(mod: str, is_pkg: bool, level: int, name: str | None) -> str:
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    """module -> modules it imports (anywhere in its code)."""
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps: set[str] = set()
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = (_resolve(mod, is_pkg, node.level, node.module) if node.level
                        else node.module or "")
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", "") ==
                  "import_module" and node.args and isinstance(node.args[0], ast.Constant)):
                name = str(node.args[0].value)
                if name.startswith("."):
                    level = len(name) - len(name.lstrip("."))
                    name = _resolve(mod, is_pkg, level, name.lstrip(".") or None)
                targets = [name]
            for t in targets:
                if t in mods and t != mod:
                    deps.add(t)
        graph[mod] = deps
    return graph


def _layer(mod: str) -> tuple[str, int]:
    top = mod.split(".")[1] if "." in mod else ""
    return top, LAYERS[top]


def test_every_module_has_a_layer() -> None:
    missing = {_layer_name for _layer_name in (m.split(".")[1] if "." in m else ""
                                               for m in _modules()) if _layer_name not in LAYERS}
    assert not missing, f"modules outside every layer: {missing}"


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components over the whole graph: all of size one (the
    display mixin's lazy import of the Jupyter renderer is a run-time edge out of the
    model, not part of it)."""
    graph = import_graph()
    for src, dst in ALLOWED_UP:
        graph[src].discard(dst)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_imports_go_down_the_layers() -> None:
    graph = import_graph()
    bad = []
    for src, deps in graph.items():
        sp, sl = _layer(src)
        for dst in deps:
            dp, dl = _layer(dst)
            if (src, dst) in ALLOWED_UP or sp == dp:
                continue
            if dl > sl or (dl == sl and sl in INDEPENDENT):
                bad.append(f"{src} (layer {sl}) imports {dst} (layer {dl})")
    assert not bad, "\n".join(sorted(bad))


def test_the_graph_sees_function_local_and_string_imports() -> None:
    graph = import_graph()
    assert "symconv.render.jupyter" in graph["symconv.display"]  # importlib, a string
    assert "symconv.expansion.core" in graph["symconv.commands.expand"]  # inside run()


def test_no_module_uses_another_modules_private_names() -> None:
    """``from x import _name`` and ``module._name`` across modules are refused (dunders and
    a module's own names are fine; ``_print_X``/``_page_X`` are methods, not module names)."""
    mods = _modules()
    bad = []
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__"):
                        bad.append(f"{mod}: from {node.module or '.'} import {a.name}")
                    base = (_resolve(mod, path.name == "__init__.py", node.level, node.module)
                            if node.level else node.module or "")
                    if f"{base}.{a.name}" in mods:
                        aliases.add(a.asname or a.name)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("symconv"):
                        aliases.add(a.asname or a.name.split(".")[0])
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                bad.append(f"{mod}: {node.value.id}.{node.attr}")
    assert not bad, "\n".join(sorted(bad))


def test_no_module_is_too_long() -> None:
    """The layout shows the architecture: no module over 1,000 lines."""
    long = {m: n for m, p in _modules().items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 1000}
    assert not long, long


# -- registries and the command line ---------------------------------------------------------
def _choices(command: str, dest: str) -> tuple[str, ...]:
    from symconv.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    p = sub.choices[command]  # type: ignore[index]
    action = next(a for a in p._actions if a.dest == dest)
    return tuple(action.choices)


def test_cli_operations_are_the_operations_table() -> None:
    from symconv.index.ops import OPERATIONS, POOLS

    assert _choices("expand", "op") == tuple(OPERATIONS) + POOLS


def test_cli_formats_are_the_format_registry() -> None:
    from symconv.render import ANIMATIONS, FORMATS, printer_class

    # expand alone also writes the sliding-kernel animation (symconv.render.raster)
    assert _choices("expand", "format") == tuple(FORMATS) + ANIMATIONS
    for name in FORMATS:
        assert printer_class(name).format == name


def test_cli_figures_are_the_figure_registry() -> None:
    from symconv.commands.common import FIGURE_NAMES
    from symconv.document import FIGURES as DOC_FIGURES
    from symconv.expansion.figures import FIGURES

    assert FIGURE_NAMES == tuple(FIGURES) == DOC_FIGURES


def test_claim_language_operations_are_the_table() -> None:
    from symconv.index.ops import OPERATIONS
    from symconv.parse.claim import FUNCTIONS, OPS

    # the bilinear operations; conv_transpose (its own keywords) is a function of its own
    assert OPS == {s.claim: s.name for s in OPERATIONS.values() if not s.in_stride}
    assert {s.claim for s in OPERATIONS.values()} <= FUNCTIONS


# -- the wheel ----------------------------------------------------------------------------
@pytest.mark.tools
def test_wheel_installs_and_runs_the_demo_without_the_source_tree(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh virtual environment and run ``symconv
    demo`` there, from a folder outside the repository: grammars are package data and
    nothing reads the source tree."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(ROOT)], check=True, capture_output=True,
                   timeout=300)
    (wheel,) = wheels.glob("symconv-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "symconv/grammars/claims.lark" in names
    assert "symconv/grammars/formula.lark" in names
    assert not [n for n in names if n.startswith(("tools/", "tests/", "derivations/"))]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True,
                               check=True).stdout.strip())
    # The run-time dependencies come from this interpreter's site-packages (no network):
    # a .pth adds that folder, whose own .pth files (this checkout's editable install) are
    # not processed, so only the wheel provides symconv.
    import numpy

    deps = Path(numpy.__file__).resolve().parent.parent
    (site / "deps.pth").write_text(str(deps) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run([str(py), "-c", "import symconv; print(symconv.__file__)"],
                           cwd=work, capture_output=True, text=True, check=True, env=env)
    assert str(site) in where.stdout, where.stdout
    run = subprocess.run([str(py), "-m", "symconv", "demo"], cwd=work, capture_output=True,
                         text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr
    out = work / "symconv-demo"
    assert (out / "article.tex").is_file() and (out / "article.html").is_file()
    claim = subprocess.run([str(py), "-m", "symconv", "prove", "--claim",
                            "conv(x, h) == corr(x, flip(h))"], cwd=work, capture_output=True,
                           text=True, timeout=300, env=env)
    assert claim.returncode == 0, claim.stderr
    check = subprocess.run([str(py), "-m", "symconv", "check", "y[m] = sum_k x[m-k] h[k]"],
                           cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert check.returncode == 0 and "convolution" in check.stdout, check.stderr
    shutil.rmtree(venv, ignore_errors=True)
