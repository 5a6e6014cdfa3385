"""gprkit: ground-penetrating-radar signal processing (C++ kernels, numpy in and out).

A section is a :class:`Bscan` (float32, shape (n_samples, n_traces), time down the rows).
Every processing function takes a Bscan (or an array plus ``dt_ns``) and returns a new
Bscan; the GIL is released while the kernels run.
"""
from ._core import get_num_threads
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
