"""Hostile and malformed input, one row per class of issue 12: each run in its own process
under a memory cap, and each must end with exit code 2 and one stderr line naming the
problem, in bounded time and memory, leaving no file behind (no output, no temporary).

The classes: sizes and parameters too large to hold (30-digit numbers, padding 1e8, a
10000x10000 proof, --dims 12), deep nesting (claims, --kwargs, TOML), bad .npy files, bad
output paths, bad derivation files (types, size, blocks, encoding, folders), unsafe text
(LaTeX commands, control characters), identify blocks naming arbitrary code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import need_module, run_cli

#: Every refusal must stay under these (the benchmark holds the tighter < 1 s, < 100 MB).
MAX_SECONDS = 10.0
MEMORY_CAP = 1 << 30  # address space of each run: a refusal that allocates dies here
MAX_MB = 200  # peak RSS of each run
#: Runs symconv's command line under the address-space cap.
#: Runs symconv's command line under the address-space cap and writes its peak RSS (VmHWM:
#: this process's own, not counting pages of the parent it was forked from) to a file.
CAPPED = ("import atexit, os, resource, sys\n"
          f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))\n"
          "def peak():\n"
          "    with open('/proc/self/status') as fh:\n"
          "        kb = [ln.split()[1] for ln in fh if ln.startswith('VmHWM')][0]\n"
          "    with open(os.environ['HOSTILE_PEAK'], 'w') as out:\n"
          "        out.write(kb)\n"
          "atexit.register(peak)\n"
          "from symconv.cli import main\n"
          "sys.exit(main(sys.argv[1:]))\n")

BIG = "9" * 30
TOML_HEAD = 'name = "x"\ntitle = "t"\n'


def _toml(body: str) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / "f.toml").write_text(TOML_HEAD + body, encoding="utf-8")
        return str(d / "f.toml")
    return make


def _bytes(name: str, data: bytes) -> Callable[[Path], str]:
    def make(d: Path) -> str:
        (d / name).write_bytes(data)
        return str(d / name)
    return make


def _npy(arr: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def _npy_header(shape: tuple[int, ...]) -> bytes:
    h = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}".encode()
    h += b" " * (118 - len(h)) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h + b"\0" * 64


def _npz(d: Path) -> str:
    np.savez(d / "z.npz", a=np.arange(3))
    os.replace(d / "z.npz", d / "z.npy")
    return str(d / "z.npy")


def _fifo(d: Path) -> str:
    os.mkfifo(d / "fifo.npy")
    return str(d / "fifo.npy")


def _folder(d: Path) -> str:
    (d / "adir").mkdir()
    return str(d / "adir")


def _file(d: Path) -> str:
    (d / "plain.txt").write_text("keep\n")
    return str(d / "plain.txt")


EXP = ("expand", "conv", "--image", "5", "--kernel", "3")
#: (id, argv with "{}" for the prepared path, prepare or None, what the error must say)
CASES: list[tuple[str, tuple[str, ...], Callable[[Path], str] | None, str]] = [
    # -- sizes and parameters --------------------------------------------------------------
    ("padding-1e8", EXP + ("--padding", "100000000"), None, "200,000,003 outputs"),
    ("padding-1e7", EXP + ("--padding", "10000000"), None, "over the limit"),
    ("padding-2000-2d", ("expand", "conv", "--image", "5x5", "--kernel", "3x3", "--padding",
                         "2000"), None, "over the limit"),
    ("prove-10000", ("prove", "flip", "--image", "10000x10000", "--kernel", "3x3"), None,
     "100,000,000 entries"),
    ("prove-100000", ("prove", "flip", "--image", "100000x100000", "--kernel", "3x3"), None,
     "at most 1,000,000,000 entries"),
    ("claim-dims-12", ("prove", "--claim", "conv(x,h)==corr(x,flip(h))", "--dims", "12"), None,
     "--dims 12"),
    ("stride-30-digits", EXP + ("--stride", BIG), None, "at most 100,000,000"),
    ("dilation-30-digits", EXP + ("--dilation", BIG), None, "at most 100,000,000"),
    ("image-30-digits", ("expand", "conv", "--image", BIG, "--kernel", "3"), None,
     "a size can be at most"),
    ("origin-30-digits", EXP + ("--origin", BIG), None, "at most 100,000,000"),
    ("padding-30-digits", EXP + ("--padding", BIG), None, "at most 100,000,000"),
    ("groups-30-digits", ("expand", "conv", "--image", "2x5", "--kernel", "2x1x3", "--layer",
                          "--groups", BIG), None, "groups"),
    ("memory-over-the-machine", ("expand", "conv", "--image", "10000000x100", "--kernel",
                                 "3x3", "--max-terms", "9" * 30), None, "this machine has"),
    ("max-terms-huge-request", ("expand", "conv", "--image", "4096x4096", "--kernel", "9x9",
                                "--mode", "same"), None, "product terms"),
    ("at-empty", EXP + ("--at", ""), None, "bad output index ''"),
    ("at-30-digits", EXP + ("--at", BIG), None, "output index"),
    # -- nesting ---------------------------------------------------------------------------
    ("claim-unary-minus", ("prove", "--claim", "conv(x,h) == " + "-" * 1900 + "x"), None,
     "nested more than 100 levels"),
    ("claim-too-long", ("prove", "--claim", "conv(x,h) == " + "-" * 5000 + "x"), None,
     "too long"),
    ("kwargs-60000-brackets", ("identify", "numpy.convolve", "--kwargs", "[" * 60000), None,
     "over the limit of 2,000"),
    ("kwargs-deep", ("identify", "numpy.convolve", "--kwargs",
                     '{"a": ' + "[" * 50 + "]" * 50 + "}"), None, "nested more than"),
    ("formula-deep-brackets", ("check", "y[m] = " + "(" * 500 + "x[m]" + ")" * 500), None,
     "nested more than"),
    ("toml-5000-arrays", ("derive", "{}"), _toml("v = " + "[" * 5000 + "]" * 5000 + "\n"),
     "nested too deeply"),
    # -- .npy files -----------------------------------------------------------------------
    ("npy-empty", EXP + ("--h", "1,2,1", "--x", "{}"), _bytes("e.npy", b""),
     "not a .npy file"),
    ("npy-truncated", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("t.npy", _npy(np.arange(5))[:-8]), "truncated"),
    ("npy-header-cut", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("c.npy", _npy(np.arange(5))[:20]), "bad .npy header"),
    ("npz-renamed", EXP + ("--h", "1,2,1", "--x", "{}"), _npz, ".npz archive"),
    ("npy-2-40-elements", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("h.npy", _npy_header((1 << 40,))), "over the limit"),
    ("npy-strings", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("s.npy", _npy(np.array(["a", "b"]))), "not numbers"),
    ("separable-npy-4e6", ("prove", "separable", "--h", "{}"),
     _bytes("big.npy", _npy(np.ones((2000, 2000), dtype=np.int8))), "over the limit of 1,000,000"),
    ("npy-fifo", EXP + ("--h", "1,2,1", "--x", "{}"), _fifo, "not a regular file"),
    # (the CLI review of issue 17's round: these three were tracebacks)
    ("npy-negative-size", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("n.npy", _npy_header((-3,))), "sizes must be 0 or more"),
    ("npy-65-axes", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("a.npy", _npy_header((1,) * 65)), "on at most 8 axes"),
    ("npy-zero-size-huge-axes", EXP + ("--h", "1,2,1", "--x", "{}"),
     _bytes("z.npy", _npy_header((1 << 32, 1 << 32, 0))), "has an axis over the limit"),
    ("npy-float-overflow", EXP + ("--x", "1,2,3,4,5", "--h", "{}"),
     _bytes("m.npy", _npy(np.array([1.797e308] * 3))), "overflow binary floating point"),
    ("npy-missing", EXP + ("--h", "1,2,1", "--x", "nothing-here.npy"), None,
     "No such file"),
    # -- output paths ----------------------------------------------------------------------
    ("output-folder", EXP + ("-o", "{}"), _folder, "it is a folder"),
    ("output-empty", EXP + ("-o", ""), None, "bad output name ''"),
    ("output-slash", EXP + ("-o", "{}/"), _folder, "ends in '/'"),
    ("output-missing-folder", EXP + ("-o", "no/such/folder/out.txt"), None,
     "does not exist"),
    ("derive-output-is-file", ("derive", "{}", "-o", "plain.txt"),
     lambda d: (_file(d), _toml('[[block]]\ntext = "a"\n')(d))[1], "it is a file"),
    ("demo-dir-is-file", ("demo", "--dir", "{}"), _file, "it is a file"),
    # -- derivation files -----------------------------------------------------------------
    ("derive-folder", ("derive", "{}"), _folder, "is a folder"),
    ("derive-not-utf8", ("derive", "{}"), _bytes("n.toml", b'name = "x\xff"\ntitle = "t"\n'),
     "not UTF-8"),
    ("derive-too-big", ("derive", "{}"), _toml("#" + "a" * 1_100_000 + "\n"),
     "over the limit of 1,000,000"),
    ("derive-1000-blocks", ("derive", "{}"), _toml('[[block]]\ntext = "a"\n' * 1000),
     "over the limit of 200"),
    ("derive-all-missing-dir", ("derive", "--all", "--dir", "no-such-dir"), None,
     "no folder 'no-such-dir'"),
    ("toml-at-list-of-str", ("derive", "{}"),
     _toml('[[block]]\nexpand = "conv"\nimage = 5\nkernel = 3\nat = ["1"]\n'), "at = "),
    ("toml-variants-5", ("derive", "{}"),
     _toml('[[block]]\ncompare = "conv"\nimage = 5\nkernel = 3\nvariants = 5\n'),
     "variants = 5"),
    ("toml-claim-list", ("derive", "{}"), _toml('[[block]]\nclaim = ["a"]\n'), "claim = "),
    ("toml-conjugate-string", ("derive", "{}"),
     _toml('[[block]]\nexpand = "conv"\nimage = 5\nkernel = 3\nconjugate = "false"\n'),
     "must be true or false"),
    ("toml-level-string", ("derive", "{}"), _toml('[[block]]\nheading = "h"\nlevel = "1"\n'),
     "an integer"),
    ("toml-title-table", ("derive", "{}"), _toml('[[block]]\ntext = "a"\ntitle = {a = 1}\n'),
     "title = "),
    ("toml-identify-code", ("derive", "{}"), _toml('[[block]]\nidentify = "os:getcwd"\n'),
     "--trust-identify"),
    # -- unsafe text ----------------------------------------------------------------------
    ("math-input", ("derive", "{}"), _toml("[[block]]\ntext = '$\\input{/etc/hostname}$'\n"),
     "\\input is not allowed"),
    ("math-end-document", ("derive", "{}"), _toml("[[block]]\ntext = '$\\end{document}$'\n"),
     "matrix environment only"),
    ("math-def", ("derive", "{}"), _toml("[[block]]\ntext = '$\\def\\a{b}$'\n"), "\\def"),
    ("math-caret-notation", ("derive", "{}"),
     _toml("[[block]]\ntext = '$\\mathrm{^^5cinput{/etc/hostname}}$'\n"), "^^ character"),
    ("title-caret-notation", ("derive", "{}"),
     _toml('[[block]]\nexpand = "conv"\nimage = "3"\nkernel = "1"\n'
           'title = "$^^5cinput{/etc/hostname}$"\n'), "^^ character"),
    ("toml-nan-values", ("derive", "{}"),
     _toml('[[block]]\nexpand = "conv"\nimage = "3"\nkernel = "1"\nx = [nan, inf, 1]\n'),
     "finite numbers"),
    ("claim-stride-1e18", ("prove", "--claim",
                           "conv(x,h,stride=1000000000000000000) == conv(x,h)"), None,
     "at most 100,000,000"),
    ("claim-padding-1e18", ("prove", "--claim",
                            "conv(x,h,padding=1000000000000000000) == conv(x,h)"), None,
     "at most 100,000,000"),
    ("claim-dft-3000", ("prove", "--claim", "dft(x) == x", "--image", "3000", "--kernel",
                        "3"), None, "products of exact values"),
    ("claim-dft-nested", ("prove", "--claim", "dft(dft(dft(dft(x)))) == x", "--image", "16",
                          "--kernel", "3"), None, "products of exact values"),
    ("associativity-300", ("prove", "associativity", "--image", "300", "--kernel", "300"),
     None, "products of 3 entries"),
    ("claim-composed-30", ("prove", "--claim", "conv(conv(conv(conv(x,h),h),h),h) == x",
                           "--image", "30", "--kernel", "30"), None, "products of"),
    ("max-pool-1e8", ("expand", "max-pool", "--image", "100000000", "--kernel", "1"), None,
     "window terms"),
    ("identify-print", ("identify", "builtins.print"), None, "returned None"),

    ("math-percent", ("derive", "{}"), _toml("[[block]]\ntext = '$50%$'\n"), "'%'"),
    ("math-nul", ("derive", "{}"), _toml('[[block]]\ntext = "$x\\u0000$"\n'), "U+0000"),
    ("title-escape", ("derive", "{}"), _toml('[[block]]\nheading = "a\\u001b[31m"\n'),
     "U+001B"),
    ("claim-control", ("prove", "--claim", "conv(x,h)\x1b == corr(x,flip(h))"), None, ""),
    # -- no command ------------------------------------------------------------------------
    ("no-command", (), None, "a COMMAND is required"),
]


def _run(argv: list[str], cwd: Path) -> tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, seconds, peak RSS in MB) of one run under the cap."""
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out, \
            tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        t0 = time.perf_counter()
        peak_file = Path(tempfile.mkdtemp()) / "peak"
        code = subprocess.call([sys.executable, "-c", CAPPED, *argv], cwd=cwd, stdout=out,
                               stderr=err, env={**os.environ, "HOSTILE_PEAK": str(peak_file)})
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        mb = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("inf")
        return code, out.read(), err.read(), seconds, mb


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """Every case run once, two at a time (the machine's cores), in its own folder."""
    env_root = tmp_path_factory.mktemp("hostile")

    def one(case: tuple) -> tuple[str, tuple]:
        name, argv, prepare, _ = case
        d = env_root / name
        d.mkdir()
        path = prepare(d) if prepare is not None else ""
        before = sorted(os.listdir(d))
        args = [a.replace("{}", path) for a in argv]
        code, out, err, seconds, mb = _run(args, d)
        after = sorted(os.listdir(d))
        return name, (code, out, err, seconds, mb, before, after)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, CASES))


@pytest.mark.parametrize(("name", "needle"), [(c[0], c[3]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_exit_2(outcomes: dict[str, tuple], name: str,
                                          needle: str) -> None:
    code, out, err, seconds, mb, before, after = outcomes[name]
    assert code == 2, (code, err[-500:])
    assert "Traceback" not in err
    lines = err.splitlines()
    if name == "no-command":  # as argparse tools do: the usage line, then the error
        assert len(lines) == 2 and lines[0].startswith("usage: symconv")
    else:
        assert len(lines) == 1 or (len(lines) == 3 and "^" in lines[2]), err  # a caret
        assert lines[0].startswith("symconv ") and ": error: " in lines[0]
    assert needle in err, err
    assert "out of memory" not in err  # refused by a check, not by the floor
    assert seconds < MAX_SECONDS
    assert mb < MAX_MB, mb
    assert before == after  # nothing written, no temporary left
    assert not out


def test_output_to_special_files_is_written_through(tmp_path: Path) -> None:
    """A FIFO is written through (not replaced by a regular file); a symbolic link keeps
    being a link and its target gets the result; /dev/null stays a device."""
    import stat
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, *_ = _run(list(EXP) + ["-o", str(fifo)], tmp_path)
    reader.join(timeout=30)
    assert code == 0 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith(b"convolution")
    target = tmp_path / "target.txt"
    target.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    code, *_ = _run(list(EXP) + ["-o", str(link)], tmp_path)
    assert code == 0 and link.is_symlink() and target.read_text().startswith("convolution")
    code, *_ = _run(list(EXP) + ["-o", os.devnull], tmp_path)
    assert code == 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["link.txt", "out.fifo", "target.txt"]


def test_stale_temporaries_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    from symconv.io import STALE_AFTER, TEMP_PREFIX, remove_stale

    old_dir, old_file, fresh = (tmp_path / f"{TEMP_PREFIX}{n}" for n in ("a", "b", "c"))
    old_dir.mkdir()
    (old_dir / "x.tex").write_text("x")
    old_file.write_text("y")
    fresh.write_text("z")
    (tmp_path / "keep.txt").write_text("k")
    past = time.time() - STALE_AFTER - 10
    for p in (old_dir, old_file):
        os.utime(p, (past, past))
    removed = remove_stale(str(tmp_path))
    assert sorted(map(os.path.basename, removed)) == [old_dir.name, old_file.name]
    assert sorted(os.listdir(tmp_path)) == [fresh.name, "keep.txt"]


def test_figures_numbered_100_and_up_are_cleaned(tmp_path: Path) -> None:
    from symconv.app.derive import build, render_document

    doc = build({"name": "n", "title": "t", "block": [{"text": "a"}]})
    (tmp_path / "n-07-drawing-conv.svg").write_text("<svg/>")
    (tmp_path / "n-123-drawing-conv.svg").write_text("<svg/>")
    (tmp_path / "mine.svg").write_text("<svg/>")
    render_document(doc, str(tmp_path))
    names = sorted(os.listdir(tmp_path))
    assert "mine.svg" in names and not [n for n in names if n.endswith("-conv.svg")]


def test_trusted_identify_block_runs_with_the_flag(tmp_path: Path) -> None:
    """--trust-identify lets a file name any function (here one that is a convolution)."""
    (tmp_path / "mymod.py").write_text(
        "import numpy as np\n\ndef f(x, h):\n    return np.convolve(x, h)\n")
    (tmp_path / "f.toml").write_text(TOML_HEAD + '[[block]]\nidentify = "mymod:f"\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    refused = subprocess.run([sys.executable, "-m", "symconv", "derive", "f.toml", "-o",
                              "out"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and "--trust-identify" in refused.stderr
    assert not (tmp_path / "out").exists()
    ok = subprocess.run([sys.executable, "-m", "symconv", "derive", "f.toml", "-o", "out",
                         "--trust-identify"], cwd=tmp_path, capture_output=True, text=True,
                        env=env)
    assert ok.returncode == 0, ok.stderr
    assert "convolution" in (tmp_path / "out" / "x.txt").read_text()


@pytest.mark.parametrize(("argv", "what"), [
    (("expand", "conv", "--image", "500x500", "--kernel", "3x3"), "this request"),
    (("expand", "avg-pool", "--image", "900x900", "--kernel", "3x3", "--stride", "1"),
     "the pooling"),
    (("prove", "flip", "--image", "300x300", "--kernel", "3x3"), "this proof"),
    (("prove", "receptive-field", "--image", "2000", "--layers", "3"), "receptive-field"),
    (("matrix", "conv", "--image", "500x500", "--kernel", "3x3", "--sparse"), "this request"),
])
def test_work_over_the_machines_memory_is_refused_first(cli: Any, monkeypatch: Any,
                                                        tmp_path: Path, argv: tuple[str, ...],
                                                        what: str) -> None:
    """Under the term limit but over the memory this machine has available (here made
    8 MiB): one line naming the estimate and what is available, exit 2, nothing written.
    With the memory unknown, the term limit alone decides."""
    import symconv.limits as limits

    monkeypatch.setattr(limits, "available_memory", lambda: 8 * 2**20)
    monkeypatch.chdir(tmp_path)
    r = cli(*argv)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    assert what in r.err and "8 MiB this machine has available" in r.err
    assert os.listdir(tmp_path) == []
    monkeypatch.setattr(limits, "available_memory", lambda: None)
    limits.check_memory(10**15, "anything")  # unknown memory: no refusal


def test_available_memory_is_read_on_linux() -> None:
    from symconv.limits import available_memory

    got = available_memory()
    assert got is None or 2**24 < got < 2**50
    if Path("/proc/meminfo").exists():
        assert got is not None


def test_identify_probe_outputs_are_bounded() -> None:
    # a padding of 200 makes every probe's output 405 x 405: 441 calls read 72 million
    # entries (a padding of 1000 ran for minutes); refused after the first call.  In this
    # process: PyTorch alone is over the table's 200 MB for a fresh process
    need_module("torch")
    r = run_cli("identify", "torch.nn.functional.conv2d", "--kwargs", '{"padding": 200}')
    assert r.code == 2 and "over the limit of 50,000,000" in r.err, r.err
    assert r.err.count("\n") == 1


def test_sigterm_leaves_no_temporary_file(tmp_path: Path) -> None:
    # stopped mid-way by SIGTERM (as timeout(1) and service managers stop a process), an
    # atomic write removes its temporary file as Ctrl-C does; the target is never created
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "symconv", "expand", "conv", "--image", "2000x2000", "--kernel",
         "2x2", "--format", "json", "--max-terms", "30000000", "-o", "out.json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".symconv-*")) and proc.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.05)  # until the temporary file is being written
    assert list(tmp_path.glob(".symconv-*")), "no temporary file was written"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, (proc.returncode, err[-300:])
    assert err.strip().splitlines()[-1] == "symconv: terminated"
    assert list(tmp_path.iterdir()) == []
