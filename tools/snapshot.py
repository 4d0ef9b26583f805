"""Snapshot the bytes of many symconv outputs, to hold a refactoring to byte-identical output.

    python tools/snapshot.py OUT.json          # record
    python tools/snapshot.py OUT.json --diff   # compare with a recording (exit 1 on any change)

Runs a fixed matrix of commands in-process (every format of expand, prove, check, identify,
the demo) and records a SHA-256 per output, and the exit code.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tempfile

FORMATS = ("text", "json", "latex", "beamer", "mathml", "html", "markdown")

EXPANDS = [
    "conv --image 7x7 --kernel 3x3 --mode same --at 1,1",
    "corr-reflected --image 7x7 --kernel 3x3 --mode same --at -1,-1",
    "corr --image 7x7 --kernel 3x3 --mode same --at 1,1",
    "corr --image 5 --kernel 2 --origin corner --mode valid --x 2,1,3,5,4 --h 1,-1 --at 0",
    "conv --image 5 --kernel 3 --origin corner --mode valid --x 2,1,3,5,4 --h -1,2,-1",
    "corr --image 5x5 --kernel 3x3 --stride 2 --padding 1 --origin corner --at 0,0",
    "conv --image 6x5 --kernel 2x3 --dilation 2 --mode full --axes ij",
    "corr --image 2x5 --kernel 4x1x3 --layer --groups 2 --padding 1 --origin corner --at 1,0",
    "conv --image 4x4 --kernel 3x3 --padding 1 --padding-mode circular --origin corner",
    "corr --image 7 --kernel 3 --padding 2 --padding-mode reflect --origin corner --at 0",
    "corr --image 5 --kernel 3 --conjugate --x 1+2j,2,3,4,5 --h 1j,1,2",
    "conv --image 3x3x3 --kernel 2x2x2 --mode valid",
    "conv --image 7x7 --kernel 3x3 --mode same --at 1,1 --figures "
    "equation,kernel,image,corner,worked,worked-article,drawing,boxes,output-map,duality,"
    "matrix,terms,worked-drawn,worked-article-drawn,duality-drawn,matrix-drawn",
    "conv --image 4x4 --kernel 2x2 --mode valid --names image=I,kernel=K,output=S "
    "--entries p,q,r,s --operator circledast --index-style subscripts --plain --no-colour",
    "corr --image 8 --kernel 4 --mode same --convention numpy",
    "conv --image 5x5 --kernel 3x3 --mode valid --x "
    "1,2,3,4,5;6,7,8,9,10;1,2,3,4,5;6,7,8,9,10;1,1,1,1,1 --h 1,0,-1;2,0,-2;1,0,-1",
]
PROVES = [
    "flip", "flip --dims 2", "symmetric", "symmetric --h 1,2,1", "symmetric --h -1,2,1",
    "commutative", "reflection", "sizes", "sizes --stride 2 --padding 1",
    "duality", "duality --forward conv --wrt kernel", "duality --stride 2 --dilation 2",
    "duality --image 5x5 --kernel 3x3", "duality --layer --image 2x5 --kernel 4x1x3 --groups 2",
    "flip --image 5x5 --kernel 3x3",
    "--claim 'conv(x, h) == corr(x, flip(h))'",
    "--claim 'conv(x, h) == corr(x, h)'",
    "--claim 'conv(x, h) == conv(h, x)' --dims 2",
    "--claim 'grad(corr(x, h), x, g) == conv(g, h)'",
    "--claim 'corr(x, h) == corr(x, h)' --x 1,2,3 --h 1,-1",
]
CHECKS = [
    "'y[m,n] = sum_{i,j} x[i,j]*h[m-i,n-j]'",
    "'y[m,n] = sum_{i,j} x[i,j] h[m+i,n+j]'",
    "'y[m] = sum_k x[2*m + 3*k] * w[k]'",
    r"'y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m-i,n-j]'",
    "'y[m] = sum_k conj(h[k]) x[m+k]'",
]
IDENTIFIES = [
    "numpy.convolve", "numpy.correlate --kwargs '{\"mode\": \"same\"}'",
    "scipy.signal.correlate2d", "scipy.ndimage.convolve --kwargs '{\"mode\": \"wrap\"}'",
]


def _run(argv: list[str]) -> tuple[int, bytes]:
    from symconv.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, (out.getvalue() + "\x00" + err.getvalue()).encode()


def record() -> dict[str, str]:
    import shlex

    res: dict[str, str] = {}
    cmds: list[list[str]] = []
    for e in EXPANDS:
        for f in FORMATS:
            cmds.append(["expand", *shlex.split(e), "--format", f])
        cmds.append(["expand", *shlex.split(e), "--format", "latex", "--standalone"])
    for p in PROVES:
        for f in FORMATS:
            cmds.append(["prove", *shlex.split(p), "--format", f])
    for c in CHECKS:
        for f in FORMATS:
            cmds.append(["check", *shlex.split(c), "--format", f])
    for i in IDENTIFIES:
        for f in ("text", "json", "latex"):
            cmds.append(["identify", *shlex.split(i), "--format", f])
    with tempfile.TemporaryDirectory() as d:
        here = os.getcwd()
        os.chdir(d)
        try:
            for c in cmds:
                code, data = _run(c)
                res[" ".join(c)] = f"{code} {hashlib.sha256(data).hexdigest()}"
            code, _ = _run(["demo"])
            for root, _, files in os.walk("symconv-demo"):
                for fn in sorted(files):
                    p = os.path.join(root, fn)
                    with open(p, "rb") as fh:
                        res["demo:" + p] = hashlib.sha256(fh.read()).hexdigest()
        finally:
            os.chdir(here)
    return res


def main() -> int:
    path = sys.argv[1]
    now = record()
    if "--diff" not in sys.argv:
        with open(path, "w") as fh:
            json.dump(now, fh, indent=0, sort_keys=True)
        print(f"recorded {len(now)} outputs")
        return 0
    with open(path) as fh:
        before = json.load(fh)
    bad = [k for k in sorted(set(before) | set(now)) if before.get(k) != now.get(k)]
    for k in bad:
        print(f"differs: {k}\n   before {before.get(k)}\n   now    {now.get(k)}")
    print(f"{len(now)} outputs, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
