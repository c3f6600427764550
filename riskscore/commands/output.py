"""Writing results: atomically, and never over a file the run read."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, Literal

from riskscore.errors import RiskscoreError, UsageError
from riskscore.load.yaml_reader import files_read


def _shareable(path: str) -> None:
    """mkstemp creates 0600 files; give the result the usual 0666-minus-umask mode."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _check_target(target: Path, inputs: Iterable[Path]) -> None:
    """Refuse any file the run read (profiles, criteria, lenses) or was given as input."""
    resolved = target.resolve()
    if resolved in files_read() or any(resolved == Path(p).resolve() for p in inputs):
        raise UsageError(f"{target}: refusing to overwrite an input file")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory")
    if not resolved.parent.is_dir():
        raise UsageError(f"{target}: directory {resolved.parent} does not exist")


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold stop signals while a temporary file is created and its name assigned: a signal
    between the two would leave a file no cleanup knows. A held signal is delivered when the
    block ends, inside the caller's `try`, so its cleanup runs (commands/app.py `Stopped`)."""
    try:
        held = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # no POSIX signal masks (Windows)
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def cannot_write(target: Path | str, exc: OSError) -> RiskscoreError:
    """`path: cannot write: reason` (exit 2): a full disk or a read-only folder is bad input,
    not a tripped gate and not a crash."""
    return RiskscoreError(f"cannot write: {exc.strerror or exc}", target)


@contextmanager
def _replacing(target: Path, mode: Literal["wb", "w+b"]) -> Iterator[BinaryIO]:
    """A handle (`mode`: write, or write and read back) on a temporary file beside `target`,
    renamed over `target` when the block ends without error. On any failure, the block's own
    included, the temporary file is removed, so nothing is left behind; the error goes on."""
    resolved = target.resolve()
    tmp: str | None = None
    try:
        with _signals_held():
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=resolved.parent
            )
        with os.fdopen(fd, mode) as handle:
            yield handle
        _shareable(tmp)
        os.replace(tmp, resolved)
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _write_via_temp(target: Path, chunks: Iterable[bytes]) -> int:
    """Write `chunks` to `target` through a temporary file (_replacing); return the bytes
    written. OSError becomes `cannot write`."""
    try:
        with _replacing(target, "wb") as handle:
            # One write per chunk: a streamed JSON document is never held whole in memory.
            for chunk in chunks:
                handle.write(chunk)
            size = handle.tell()
        return size
    except OSError as exc:
        raise cannot_write(target, exc) from None


def write_atomic(target: Path, text: str, inputs: Iterable[Path] = ()) -> None:
    """Write `text` to `target` via a temporary file and rename; refuse to overwrite an input.

    Raises UsageError for an input file, a directory or a missing folder, and RiskscoreError
    `path: cannot write: reason` when the system refuses the write (both exit 2)."""
    _check_target(target, inputs)
    _write_via_temp(target, [text.encode("utf-8")])


def emit_stream(chunks: Iterable[bytes], output: Path | None, inputs: Iterable[Path] = ()) -> None:
    """Write streamed UTF-8 only once all of it exists: a failure midway leaves no output."""
    if output is not None:
        _check_target(output, inputs)
        wrote(output, _write_via_temp(output, chunks))
        return
    # One write per chunk: SpooledTemporaryFile checks its size only after a write, so
    # writelines() would hold the whole output in memory before spilling it to disk.
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        for chunk in chunks:
            spool.write(chunk)
        spool.seek(0)
        with _stdout_closed_early():
            sys.stdout.flush()
            binary = getattr(sys.stdout, "buffer", None)
            if binary is not None:
                shutil.copyfileobj(spool, binary)
                binary.flush()
            else:
                sys.stdout.write(spool.read().decode("utf-8"))
            sys.stdout.flush()


@contextmanager
def binary_target(output: Path, inputs: Iterable[Path] = ()) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces `output` only if the block ends without error."""
    _check_target(output, inputs)
    with _replacing(output, "w+b") as handle:
        yield handle


def emit(text: str, output: Path | None, inputs: Iterable[Path] = ()) -> None:
    """Print to stdout, or write the file when --output is given."""
    if output is None:
        with _stdout_closed_early():
            sys.stdout.write(text)
            sys.stdout.flush()
    else:
        write_atomic(output, text, inputs)
        wrote(output, len(text.encode("utf-8")))


def wrote(path: Path, size: int) -> None:
    """Tell the reader (on stderr, so stdout stays clean) what a command wrote and where."""
    sys.stderr.write(f"riskscore: wrote {path} ({_size(size)})\n")


def _size(size: int) -> str:
    """A file size as people read it: `812 bytes`, `41.3 kB` (powers of 1000)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


@contextmanager
def _stdout_closed_early() -> Iterator[None]:
    """A reader that closes the pipe early (`| head`) gets exit 2, not click's 1 ("gate")."""
    try:
        yield
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # silence the final flush
        raise RiskscoreError(
            "output closed early (broken pipe); the output is incomplete and no gate was checked"
        ) from None
    except OSError as exc:  # e.g. stdout redirected to a full disk (/dev/full)
        with suppress(OSError, ValueError):  # silence the final flush where stdout is a file
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise cannot_write("<stdout>", exc) from None
