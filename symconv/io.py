"""Writing results: to a stream, or atomically to a file (never a half-written file)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from .errors import InputError


@contextlib.contextmanager
def open_output(path: str | None, stdout: IO[str] | None = None,
                binary: bool = False) -> Iterator[IO]:  # type: ignore[type-arg]
    """Yield a stream; for a path, write a temporary file beside it and rename on success."""
    if path is None or path == "-":
        yield stdout if stdout is not None else sys.stdout
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path!r}: folder {folder!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".symconv-", dir=folder)
    try:
        fh: IO = (os.fdopen(fd, "wb") if binary  # type: ignore[type-arg]
                  else os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
        with fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str, text: str) -> None:
    with open_output(path) as fh:
        fh.write(text)
