"""gprkit: ground-penetrating-radar signal processing (C++ kernels, numpy in and out).

A section is a :class:`Bscan` (float32, shape (n_samples, n_traces), time down the rows).
Every processing function takes a Bscan (or an array plus ``dt_ns``) and returns a new
Bscan; the GIL is released while the kernels run.
"""
import os as _os

# OpenMP threads that finish a parallel region spin ~300,000 iterations before they sleep
# (libgomp's default). On a machine whose cores are all busy that spinning steals the cores the
# other threads need: with two busy processes on two cores, a two-thread 128 x 128 Stolt took
# 27 ms against 0.93 ms on one thread. A spin count of 30,000 keeps the idle-machine timings
# (0.58 ms on two threads) and gave 0.57 ms loaded (docs/DEVELOPING.md, "Threads"). libgomp
# reads it when it is loaded, i.e. on the import of _core below, unless another module loaded
# it first; a value the user set is kept.
if "OMP_WAIT_POLICY" not in _os.environ:
    _os.environ.setdefault("GOMP_SPINCOUNT", "30000")

from ._core import get_num_threads, release_cached_sections  # noqa: E402
from ._errors import Error, FormatError, InvalidArgument, IoError
from .bscan import Bscan
from .simulate import Simulation, ricker, simulate
from . import scenes  # noqa: F401  (scene generators for tests and benchmarks; numpy only)
from .filters import *  # noqa: F401,F403
from .clutter import *  # noqa: F401,F403
from .migrate import *  # noqa: F401,F403
from .detect import *  # noqa: F401,F403
from .io import *  # noqa: F401,F403
from .pipeline import Pipeline, PipelineStep, run_step, steps  # noqa: F401
from .stream import StreamProcessor  # noqa: F401
from .cube import Cube, migrate_cube  # noqa: F401
from .positions import *  # noqa: F401,F403
from . import filters, clutter, io, plot, dask  # noqa: F401


def set_num_threads(n: int) -> None:
    """Threads every kernel uses (>= 1); 0 restores the default (GPRKIT_NUM_THREADS or all
    cores). The numbers do not depend on it."""
    from . import _args, _core
    _core.set_num_threads(_args.integer("set_num_threads", "n", n, -_args.INT32_MAX, _args.INT32_MAX))


# The submodules gprkit/migrate.py and gprkit/detect.py share their names with the public
# functions gprkit.migrate() and gprkit.detect(): the star imports above bind the functions
# after the modules were loaded, so the functions win. Keep it that way (no explicit
# `from . import migrate`).

__version__ = "0.1.0"
