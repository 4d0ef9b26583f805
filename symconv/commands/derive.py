"""``symconv derive FILE -o DIR | --all [--check]``: render derivation files."""

from __future__ import annotations

import argparse
from typing import IO

HELP = "render a derivation file (derivations/*.toml) in every format, or check them all"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="a derivation file (TOML)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="output folder (default: a folder NAME beside the file); with --all, "
                        "each file goes into DIR/NAME/")
    p.add_argument("--all", action="store_true",
                   help="every derivations/*.toml, each into derivations/NAME/")
    p.add_argument("--check", action="store_true",
                   help="with --all: regenerate into a temporary folder and exit 1 naming "
                        "every output that differs from the committed one")
    p.add_argument("--dir", default=None,
                   help="folder of derivation files (default: ./derivations, as in a checkout "
                        "of the repository)")
    p.add_argument("--trust-identify", action="store_true",
                   help="let identify blocks import and run any function, not only the known "
                        "convolution functions (only for files you trust: a derivation file "
                        "could name a module of its own)")


def run(args: argparse.Namespace, out: IO[str]) -> int:
    import os
    import tempfile

    from ..app.derive import (
        DEFAULT_DIR,
        all_files,
        build,
        check_folder,
        load,
        render_document,
    )
    from ..errors import InputError

    folder = args.dir or DEFAULT_DIR
    if args.all == (args.file is not None):
        raise InputError("give a derivation FILE or --all")
    if args.check and not args.all:
        raise InputError("--check goes with --all")
    if args.dir is not None and not args.all:
        raise InputError("--dir goes with --all")
    if args.check and args.output is not None:
        raise InputError("--check compares with the committed folders; it takes no -o")
    if args.all and not os.path.isdir(folder):
        raise InputError(f"no folder {folder!r} of derivation files"
                         + ("" if args.dir else " (run from a checkout, or give --dir)"))
    if args.output is not None:
        check_folder(args.output)
    files = all_files(folder) if args.all else [args.file]
    if args.all and not files:
        raise InputError(f"no derivation files (*.toml) in {folder}")
    differ: list[str] = []
    for path in files:
        doc = build(load(path), os.path.basename(path), args.trust_identify)
        if args.output is None:
            target = os.path.join(os.path.dirname(os.path.abspath(path)), doc.name)
        else:
            target = os.path.join(args.output, doc.name) if args.all else args.output
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                written = render_document(doc, tmp)
                for new in written:
                    rel = os.path.relpath(new, tmp)
                    old = os.path.join(target, rel)
                    if not os.path.exists(old) or _read(old) != _read(new):
                        differ.append(os.path.relpath(old))
                committed = set(os.listdir(target)) if os.path.isdir(target) else set()
                stale = committed - {os.path.relpath(w, tmp) for w in written}
                differ.extend(os.path.relpath(os.path.join(target, s)) for s in sorted(stale))
            out.write(f"checked {path}\n")
        else:
            for w in render_document(doc, target):
                out.write(f"wrote {os.path.relpath(w)}\n")
    for d in differ:
        out.write(f"differs: {d}\n")
    if args.check:
        out.write("all derivations are up to date\n" if not differ else
                  f"{len(differ)} output(s) differ: run symconv derive --all\n")
    return 1 if differ else 0


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()
