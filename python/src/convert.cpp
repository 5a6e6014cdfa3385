#include "convert.h"

#include <string>

#include "gprkit/core/bscan.h"
#include "gprkit/core/validate.h"

namespace gprkit::py {

namespace {
void check_dtype(const pyb::array& a, const char* what) {
  // Equivalence, not identity: an array that went through pickle (a dask.distributed worker)
  // carries its own float32 dtype object. Equivalence also rejects a swapped byte order.
  const pyb::dtype dt = a.dtype();
  if (!dt.equal(pyb::dtype::of<float>())) {
    const bool swapped = dt.kind() == 'f' && dt.itemsize() == 4;
    throw pyb::type_error(
        std::string(what) + ": dtype = " + std::string(pyb::str(dt)) +
        (swapped ? " (non-native byte order); expected native float32" : "; expected float32"));
  }
  if (a.ndim() != 1 && a.ndim() != 2)
    throw pyb::value_error(std::string(what) + ": ndim = " + std::to_string(a.ndim()) +
                           "; expected 1 (one trace) or 2 (n_samples, n_traces)");
  for (pyb::ssize_t d = 0; d < a.ndim(); ++d)
    if (a.strides(d) % static_cast<pyb::ssize_t>(sizeof(float)) != 0)
      throw pyb::value_error(std::string(what) + ": strides not a multiple of 4 bytes");
}

template <class V, class P>
V make_view(const pyb::array& a, P ptr) {
  const std::ptrdiff_t ns = a.shape(0);
  const std::ptrdiff_t nt = a.ndim() == 2 ? a.shape(1) : 1;
  const std::ptrdiff_t ss = a.strides(0) / 4;
  const std::ptrdiff_t ts = a.ndim() == 2 ? a.strides(1) / 4 : ns;
  // Before any output is allocated: a broadcast view (stride 0) of 1e10 samples is as much
  // work as a real one.
  check::size_bounded("gprkit", "data", ns, nt);
  return V(ptr, ns, nt, ss, ts);
}
}  // namespace

ConstView as_view(const pyb::array& a, const char* what) {
  check_dtype(a, what);
  return make_view<ConstView>(a, static_cast<const float*>(a.data()));
}

MutView as_mut_view(pyb::array& a, const char* what) {
  check_dtype(a, what);
  if (!a.writeable()) throw pyb::value_error(std::string(what) + ": array is read-only");
  return make_view<MutView>(a, static_cast<float*>(a.mutable_data()));
}

pyb::str lossy_str(std::string_view text) {
  PyObject* s =
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "backslashreplace");
  if (s == nullptr) throw pyb::error_already_set();
  return pyb::reinterpret_steal<pyb::str>(s);
}

farray new_fortran(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces) {
  // Large outputs come from the section allocator, whose freed blocks are reused already
  // faulted in (see release_cached_sections): a fresh numpy block pays a page fault and a
  // zero-fill per page on first touch, about as long as the filter that writes it.
  if (n_samples > 0 && n_traces > 0 && n_samples * n_traces >= (std::ptrdiff_t{1} << 20))
    return bscan_to_numpy(Bscan::uninitialized(n_samples, n_traces));
  return farray({n_samples, n_traces});
}

MutView view_of(farray& a) {
  return MutView(a.mutable_data(), a.shape(0), a.shape(1), a.strides(0) / 4, a.strides(1) / 4);
}

pyb::array_t<double> to_numpy(const std::vector<double>& v) {
  pyb::array_t<double> out(static_cast<pyb::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace gprkit::py

namespace gprkit::py {

namespace {
double get_double(const pyb::dict& d, const char* key, double fallback) {
  if (!d.contains(key) || d[key].is_none()) return fallback;
  return pyb::cast<double>(d[key]);
}
std::vector<double> get_vector(const pyb::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return {};
  auto arr = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>::ensure(d[key]);
  if (!arr)
    throw pyb::type_error(std::string("header['") + key + "']: expected a sequence of numbers");
  return std::vector<double>(arr.data(), arr.data() + arr.size());
}
}  // namespace

Header header_from_dict(const pyb::dict& d) {
  Header h;
  h.dt_ns = get_double(d, "dt_ns", h.dt_ns);
  h.t0_ns = get_double(d, "t0_ns", h.t0_ns);
  h.dx_m = get_double(d, "dx_m", h.dx_m);
  h.antenna_separation_m = get_double(d, "antenna_separation_m", h.antenna_separation_m);
  h.antenna_height_m = get_double(d, "antenna_height_m", h.antenna_height_m);
  h.centre_frequency_mhz = get_double(d, "centre_frequency_mhz", h.centre_frequency_mhz);
  h.x_m = get_vector(d, "x_m");
  h.y_m = get_vector(d, "y_m");
  h.z_m = get_vector(d, "z_m");
  if (d.contains("raw") && !d["raw"].is_none())
    for (auto item : pyb::cast<pyb::dict>(d["raw"]))
      h.raw[pyb::str(item.first)] = pyb::str(item.second);
  if (d.contains("history") && !d["history"].is_none()) {
    const pyb::object dumps = pyb::module_::import("json").attr("dumps");
    for (auto item : d["history"]) {
      const auto e = pyb::reinterpret_borrow<pyb::dict>(item);
      HistoryEntry he;
      he.step = pyb::str(e["step"]);
      he.options_json = pyb::str(dumps(e.contains("options") ? e["options"] : pyb::dict()));
      if (e.contains("version") && !e["version"].is_none()) he.version = pyb::str(e["version"]);
      h.history.push_back(std::move(he));
    }
  }
  return h;
}

pyb::dict header_to_dict(const Header& h) {
  pyb::dict d;
  d["dt_ns"] = h.dt_ns;
  d["t0_ns"] = h.t0_ns;
  d["dx_m"] = h.dx_m;
  d["antenna_separation_m"] = h.antenna_separation_m;
  d["antenna_height_m"] = h.antenna_height_m;
  d["centre_frequency_mhz"] = h.centre_frequency_mhz;
  d["x_m"] = h.x_m.empty() ? pyb::object(pyb::none()) : pyb::object(to_numpy(h.x_m));
  d["y_m"] = h.y_m.empty() ? pyb::object(pyb::none()) : pyb::object(to_numpy(h.y_m));
  d["z_m"] = h.z_m.empty() ? pyb::object(pyb::none()) : pyb::object(to_numpy(h.z_m));
  pyb::dict raw;
  for (const auto& [k, v] : h.raw) raw[pyb::str(k)] = pyb::str(v);
  d["raw"] = raw;
  pyb::list history;
  const pyb::object loads = pyb::module_::import("json").attr("loads");
  for (const auto& e : h.history) {
    pyb::dict entry;
    entry["step"] = e.step;
    entry["options"] = loads(e.options_json);
    entry["version"] = e.version;
    history.append(entry);
  }
  d["history"] = history;
  return d;
}

farray bscan_to_numpy(Bscan&& b) {
  // The array takes ownership of the Bscan's buffer: no copy.
  auto* owner = new Bscan(std::move(b));
  pyb::capsule free_when_done(owner, [](void* p) { delete static_cast<Bscan*>(p); });
  return farray({owner->n_samples(), owner->n_traces()},
                {sizeof(float), sizeof(float) * static_cast<std::size_t>(owner->n_samples())},
                owner->data(), free_when_done);
}

}  // namespace gprkit::py
