"""What every command shares: inputs (files, folders, globs), errors, progress, atomic writes."""
from __future__ import annotations

import contextlib
import glob
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Optional, Sequence

# Extensions of files that hold GPR data. Companions (.hd, .rad, .iprh, .gps, .dzg, .cor, .npy.json)
# are read with their data file and are never separate inputs.
DATA_EXTS = (".dzt", ".dt1", ".rd3", ".rd7", ".iprb", ".sgy", ".segy", ".out", ".h5", ".npy")
# A header named instead of its data file: the data file it stands for.
_HEADER_OF = {".hd": (".dt1",), ".rad": (".rd3", ".rd7"), ".iprh": (".iprb",)}


class CliError(Exception):
    """A data or I/O problem the command reports in one line (exit code 1)."""


class UsageError(Exception):
    """A bad combination of arguments found after parsing (exit code 2)."""


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def describe(path: Any, exc: BaseException) -> str:
    """``path: problem`` in one line; the path is not repeated when the message names it."""
    msg = one_line(str(exc)) or type(exc).__name__
    name = os.fsdecode(path) if path is not None else ""
    if not name or name in msg or os.path.basename(name) in msg:
        return msg
    return f"{name}: {msg}"


def data_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "this file or these options are bad", not a bug: gprkit.Error
    (FormatError, IoError, InvalidArgument), and the ValueError / OSError they derive from."""
    from .._errors import Error

    return (Error, ValueError, OSError)


def _sibling(path: Path, exts: Sequence[str]) -> Optional[Path]:
    for e in exts:
        for cand in (path.with_suffix(e), path.with_suffix(e.upper())):
            if cand.is_file():
                return cand
    return None


def _canonical(path: Path) -> Path:
    """The data file a named header stands for (A.HD -> A.DT1), else the path itself."""
    exts = _HEADER_OF.get(path.suffix.lower())
    if exts:
        data = _sibling(path, exts)
        if data is not None:
            return data
    return path


def _readable(path: Path) -> bool:
    """Whether gprkit reads `path` as GPR data (by its extension, else its magic bytes)."""
    ext = path.suffix.lower()
    if ext in DATA_EXTS:
        return not (ext == ".npy" and path.name.lower().endswith(".npy.json"))
    if ext in _HEADER_OF:
        return False  # a companion: the data file beside it is the input
    from .. import io

    try:
        return io.detect_format(path) not in ("unknown", "")
    except data_errors():
        return False


def _from_folder(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and _readable(p))


def _is_glob(arg: str) -> bool:
    return any(c in arg for c in "*?[") and not os.path.exists(arg)


def expand_inputs(args: Iterable[str]) -> list[Path]:
    """Files to process, in order, each once. A file named is taken as is (a header named for
    its data file, A.HD for A.DT1); a folder gives every GPR file under it, a glob every GPR
    file it matches (companions and files gprkit does not read are left out). A missing file
    is kept, so that reading it reports the problem. Raises CliError for a folder or glob
    without GPR files."""
    out: list[Path] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        p = _canonical(p)
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)

    for arg in args:
        if os.path.isdir(arg):
            found = _from_folder(Path(arg))
            if not found:
                raise CliError(f"{arg}: no GPR file that gprkit reads in this folder")
            for p in found:
                add(p)
        elif _is_glob(arg):
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))
            files = [m for m in matches if m.is_file() and _readable(m)]
            for m in matches:
                if m.is_dir():
                    files.extend(_from_folder(m))
            if not files:
                raise CliError(f"{arg}: no GPR file that gprkit reads matches this pattern")
            for p in files:
                add(p)
        else:
            add(Path(arg))
    return out


def unique_stems(paths: Sequence[Path]) -> list[str]:
    """Output names for inputs: the file's stem, prefixed by its folders where two inputs
    share a stem (a/XLINE00.DT1, b/XLINE00.DT1 -> a_XLINE00, b_XLINE00)."""
    def stem(p: Path, depth: int) -> str:
        parts = list(p.parent.parts[-depth:]) if depth else []
        return "_".join(parts + [p.stem])

    depth = [0] * len(paths)
    for _ in range(8):
        names = [stem(p, d) for p, d in zip(paths, depth)]
        dup = {n for n in names if names.count(n) > 1}
        if not dup:
            return names
        depth = [d + 1 if n in dup else d for n, d in zip(names, depth)]
    return [f"{stem(p, d)}_{k}" for k, (p, d) in enumerate(zip(paths, depth))]


def progress(items: Iterable[Any], total: Optional[int] = None, desc: str = "") -> Iterator[Any]:
    """A tqdm progress bar on stderr over `items`: shown only when stdout is a terminal and
    the work takes more than a second; the items as they are without tqdm."""
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is a dependency, but the library works without it
        yield from items
        return
    bar = tqdm(items, total=total, desc=desc, unit="file", delay=1.0, leave=False,
               disable=not sys.stdout.isatty(), file=sys.stderr, dynamic_ncols=True)
    try:
        yield from bar
    finally:
        bar.close()


@contextlib.contextmanager
def atomic_write(path: Any, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` for writing; on success it is flushed, fsynced and
    renamed onto `path`; on any error it is removed and `path` is left as it was."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_figure(fig: Any, path: Any, dpi: int = 110) -> Path:
    """Save a matplotlib figure as PNG atomically and close it."""
    import matplotlib.pyplot as plt

    try:
        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return Path(path)


def save_radargram(path: Any, b: Any, **kwargs: Any) -> Path:
    """One radargram PNG (``gprkit.plot.save_bscan``), written atomically."""
    from .. import plot

    save = getattr(plot, "save_bscan", None)
    if save is not None:
        return save(path, b, **kwargs)
    # Older plot module: one panel through plot_panels.
    return plot.plot_panels(path, [(kwargs.get("title", ""), b)], truth=kwargs.get("truth"),
                            velocity_m_per_ns=kwargs.get("velocity_m_per_ns"))


def need_matplotlib(command: str) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CliError(f"gprkit {command}: the pictures need matplotlib (pip install 'gprkit[plot]'); "
                       "pass --no-png to skip them") from None


def load_pipeline(spec: Optional[str]):
    """A pipeline from a file, or by the name of a built-in one ("landmine",
    "landmine_stream"); None gives None (the command's default). Raises CliError naming the
    pipeline file."""
    from ..pipeline import Pipeline

    if spec is None:
        return None
    builtin = {"landmine": Pipeline.landmine, "landmine_stream": Pipeline.landmine_stream}
    if spec in builtin and not os.path.exists(spec):
        return builtin[spec]()
    try:
        return Pipeline.from_file(spec)
    except data_errors() as e:
        msg = one_line(str(e))
        raise CliError(msg if spec in msg else f"pipeline {spec}: {msg}") from None


def read_channels(path: Path) -> list:
    """Every channel of a GPR file (a list of Bscans)."""
    from .. import io

    return io.read(path, channel=None)
