// gprkit._core: the compiled kernels. Each library folder binds itself in bind_<folder>.cpp.
#include <pybind11/pybind11.h>

#include "convert.h"
#include "gprkit/core/error.h"

namespace pyb = pybind11;

namespace gprkit::py {
void bind_core(pyb::module_& m);
void bind_simulate(pyb::module_& m);
void bind_filters(pyb::module_& m);
void bind_clutter(pyb::module_& m);
void bind_migrate(pyb::module_& m);
void bind_detect(pyb::module_& m);
void bind_io(pyb::module_& m);
void bind_pipeline(pyb::module_& m);
void bind_stream(pyb::module_& m);
}  // namespace gprkit::py

PYBIND11_MODULE(_core, m) {
  m.doc() = "gprkit compiled kernels (private: use the gprkit package)";
  // gprkit errors become Python classes that are also the matching builtin:
  // InvalidArgument and FormatError are ValueErrors, IoError is an OSError.
  static PyObject* error = PyErr_NewException("gprkit.Error", PyExc_Exception, nullptr);
  auto derive = [](const char* name, PyObject* builtin) {
    pyb::tuple bases = pyb::make_tuple(pyb::handle(error), pyb::handle(builtin));
    return PyErr_NewException(name, bases.ptr(), nullptr);
  };
  static PyObject* invalid = derive("gprkit.InvalidArgument", PyExc_ValueError);
  static PyObject* format = derive("gprkit.FormatError", PyExc_ValueError);
  static PyObject* io = derive("gprkit.IoError", PyExc_OSError);
  m.attr("Error") = pyb::handle(error);
  m.attr("InvalidArgument") = pyb::handle(invalid);
  m.attr("FormatError") = pyb::handle(format);
  m.attr("IoError") = pyb::handle(io);
  pyb::register_exception_translator([](std::exception_ptr p) {
    // Messages may name a file whose name is not UTF-8: decode leniently, never raise here.
    auto set = [](PyObject* type, const char* what) {
      PyErr_SetObject(type, gprkit::py::lossy_str(what).ptr());
    };
    try {
      if (p) std::rethrow_exception(p);
    } catch (const gprkit::InvalidArgument& e) {
      set(invalid, e.what());
    } catch (const gprkit::FormatError& e) {
      set(format, e.what());
    } catch (const gprkit::IoError& e) {
      set(io, e.what());
    } catch (const gprkit::Error& e) {
      set(error, e.what());
    }
  });
  gprkit::py::bind_core(m);
  gprkit::py::bind_simulate(m);
  gprkit::py::bind_filters(m);
  gprkit::py::bind_clutter(m);
  gprkit::py::bind_migrate(m);
  gprkit::py::bind_detect(m);
  gprkit::py::bind_io(m);
  gprkit::py::bind_pipeline(m);
  gprkit::py::bind_stream(m);
}
