"""Writing results: to a stream, or atomically to a file (never a half-written file).

A regular file (or a new name) is written beside itself under a temporary name and renamed
over the old one when the whole result is there.  A path that is not a regular file is
never replaced: a FIFO, a terminal or ``/dev/null`` is written through, as ``>`` would; a
symbolic link is followed and its target replaced, the link kept.  A directory, an empty
name, a name ending in ``/`` or a folder one cannot write to is refused before any work.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from .errors import InputError

#: Prefix of the temporary file written beside the output and renamed over it.
TEMP_PREFIX = ".symconv-"


def check_output(path: str) -> str:
    """The file a result for ``path`` goes to (a symbolic link resolved), or an
    :class:`InputError` saying in one line why it cannot be written."""
    if path == "" or "\0" in path:
        raise InputError(f"bad output name {path!r}: give a file name, or - for the "
                         "standard output")
    if path.endswith(("/", os.sep)):
        raise InputError(f"cannot write {path!r}: the name ends in '/', a folder; give a "
                         "file name")
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise InputError(f"cannot write {path!r}: it is a folder; give a file name")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path!r}: folder {folder!r} does not exist")
    if _special(target):
        if not os.access(target, os.W_OK):
            raise InputError(f"cannot write {path!r}: permission denied")
        return target
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {path!r}: folder {folder!r} is not writable")
    return target


def _special(target: str) -> bool:
    """Whether ``target`` exists and is not a regular file (a FIFO, a device): written
    through, never replaced."""
    return os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode)


@contextlib.contextmanager
def open_output(path: str | None, stdout: IO[str] | None = None,
                binary: bool = False) -> Iterator[IO]:  # type: ignore[type-arg]
    """Yield a stream; for a path, write a temporary file beside it and rename on success
    (a special file, a FIFO or a device, is written through instead)."""
    if path is None or path == "-":
        yield stdout if stdout is not None else sys.stdout
        return
    target = check_output(path)
    if _special(target):
        mode = "wb" if binary else "w"
        kw = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        with open(target, mode, **kw) as special:  # type: ignore[call-overload]
            yield special
        return
    remove_stale(os.path.dirname(target))
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=os.path.dirname(target))
    try:
        fh: IO = (os.fdopen(fd, "wb") if binary  # type: ignore[type-arg]
                  else os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
        with fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: A temporary file or folder older than this (seconds) was left by a killed run.
STALE_AFTER = 3600


def remove_stale(folder: str, now: float | None = None) -> list[str]:
    """Remove the ``.symconv-*`` temporaries a killed run (SIGKILL, power loss) left in
    ``folder`` more than :data:`STALE_AFTER` seconds ago; a running one's are younger.
    Returns what was removed; never raises."""
    import shutil
    import time

    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for name in sorted(names):
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
            if now - info.st_mtime < STALE_AFTER:
                continue
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(path)
            elif stat.S_ISREG(info.st_mode):
                os.unlink(path)
            else:
                continue
            removed.append(path)
        except OSError:
            continue
    return removed


def write_text(path: str, text: str) -> None:
    with open_output(path) as fh:
        fh.write(text)
