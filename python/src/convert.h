// numpy <-> gprkit views: float32 arrays of any strides in, Fortran-ordered out.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "gprkit/core/view.h"

namespace gprkit::py {

namespace pyb = pybind11;
using farray = pyb::array_t<float, pyb::array::f_style>;

/// Read-only view of a 1-D (one trace) or 2-D (n_samples, n_traces) float32 array,
/// any strides, no copy. Raises TypeError for another dtype and ValueError for another
/// number of dimensions, naming `what`.
ConstView as_view(const pyb::array& a, const char* what = "data");
/// Same, for an array the caller lets the kernel write (must be writeable).
MutView as_mut_view(pyb::array& a, const char* what = "out");
/// A new Fortran-ordered float32 array of the given shape and its view.
farray new_fortran(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces);
MutView view_of(farray& a);
/// Runs kernel(in_view, out_view) on `data` (float32, any strides; `what` names it in errors)
/// into a new Fortran-ordered array of the same shape, with the GIL released.
template <class Kernel>
farray map_section(const pyb::array& data, const char* what, Kernel&& kernel) {
  const ConstView in = as_view(data, what);
  farray out = new_fortran(in.n_samples, in.n_traces);
  const MutView ov = view_of(out);
  {
    pyb::gil_scoped_release nogil;
    kernel(in, ov);
  }
  return out;
}
/// A 1-D float64 numpy array copied from a vector.
pyb::array_t<double> to_numpy(const std::vector<double>& v);
/// Text that may hold bytes that are not UTF-8 (a Linux file name in a message) as a Python
/// str, such bytes shown as \xNN instead of raising UnicodeDecodeError.
pyb::str lossy_str(std::string_view text);

}  // namespace gprkit::py

#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"
#include "gprkit/core/header.h"

namespace gprkit::py {
/// Header <-> the Python Bscan's header dict (keys are the C++ field names; "raw" is a
/// dict of str; x_m/y_m/z_m are sequences of float).
Header header_from_dict(const pyb::dict& d);
pyb::dict header_to_dict(const Header& h);
/// Maps a method name to its enum value; unknown names raise gprkit.InvalidArgument listing
/// the accepted ones, e.g. parse_choice<DcMethod>(s, {{"mean", DcMethod::mean}}, "dc_remove:
/// method").
template <class E>
E parse_choice(const std::string& name, std::initializer_list<std::pair<const char*, E>> table,
               const char* what) {
  std::string options;
  for (const auto& [key, value] : table) {
    if (name == key) return value;
    options += options.empty() ? "'" : ", '";
    options += key;
    options += "'";
  }
  throw InvalidArgument(std::string(what) + " = '" + name + "'; expected one of " + options);
}
/// Hands a Bscan's samples to numpy without a copy (Fortran-ordered).
farray bscan_to_numpy(Bscan&& b);
}  // namespace gprkit::py
