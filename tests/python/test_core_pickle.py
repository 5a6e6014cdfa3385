"""Arrays and Bscans that went through pickle (what a dask.distributed worker receives) or have
a non-native byte order are accepted by every function and give the same numbers."""
import pickle

import numpy as np
import pytest

import gprkit
from test_validation import KERNELS, small

WHOLE_CHAIN = {
    "detect": lambda b: np.array([d.score for d in gprkit.detect(b)], np.float32),
    "estimate_velocity": lambda b: gprkit.estimate_velocity(b)["focus"],
    "pipeline": lambda b: gprkit.Pipeline([("dewow", {}), ("remove_background", {"method": "mean"})]).run(b).data,
    "stream": lambda b: gprkit.StreamProcessor.for_bscan(b).push(b.data)[1],
}
ALL = {**KERNELS, **WHOLE_CHAIN}


def _pickled_array_bscan(b):
    """b with its samples replaced by an array that went through pickle (a new dtype object)."""
    data = pickle.loads(pickle.dumps(b.data))
    assert data.dtype == np.float32 and data.dtype is not b.data.dtype
    return b.with_data(data)


def _swapped_bscan(b):
    return b.with_data(b.data.astype(b.data.dtype.newbyteorder()))


@pytest.mark.parametrize("name", sorted(ALL))
@pytest.mark.parametrize("how", ["pickled_bscan", "pickled_array", "array_after_pickle", "swapped_bytes"])
def test_every_function_takes_pickled_and_swapped_input(name, how):
    b = small()
    ref = ALL[name](b)
    if how == "pickled_bscan":
        other = pickle.loads(pickle.dumps(b))
    elif how == "pickled_array":
        other = _pickled_array_bscan(b)
    elif how == "array_after_pickle":  # a plain array through pickle, wrapped by the user
        h = b.header
        other = gprkit.Bscan(pickle.loads(pickle.dumps(np.array(b.data))), dt_ns=h["dt_ns"], dx_m=h["dx_m"],
                             t0_ns=h["t0_ns"], antenna_height_m=h["antenna_height_m"],
                             antenna_separation_m=h["antenna_separation_m"],
                             centre_frequency_mhz=h["centre_frequency_mhz"])
    else:
        other = _swapped_bscan(b)
    out = ALL[name](other)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))


def test_raw_kernel_binding_names_a_swapped_byte_order():
    """The C++ boundary itself: equivalent dtypes pass, a swapped byte order is named."""
    from gprkit import _core

    b = small()
    header = b.header
    swapped = b.data.astype(">f4" if np.little_endian else "<f4")
    with pytest.raises(TypeError, match="non-native byte order"):
        _core.run_step("dewow", swapped, header, "{}")
    data, _, _ = _core.run_step("dewow", pickle.loads(pickle.dumps(b.data)), header, "{}")
    np.testing.assert_array_equal(data, gprkit.dewow(b).data)
