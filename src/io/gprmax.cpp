#include "gprkit/io/gprmax.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "detail.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit::io {

using namespace detail;

namespace {
constexpr const char* kFmt = "gprMax";

// RAII for HDF5 identifiers.
struct Id {
  hid_t id = H5I_INVALID_HID;
  herr_t (*close)(hid_t) = nullptr;
  Id(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id >= 0 && close != nullptr) close(id);
  }
  bool ok() const { return id >= 0; }
};

void quiet_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

// Numeric attribute as doubles (any integer/float type, any shape), bounded to 64 values.
std::vector<double> attr_numbers(hid_t obj, const char* name) {
  if (!has_attr(obj, name)) return {};
  Id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!a.ok()) return {};
  Id type(H5Aget_type(a.id), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.id);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return {};
  Id space(H5Aget_space(a.id), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  if (n <= 0 || n > 64) return {};
  std::vector<double> v(static_cast<std::size_t>(n));
  if (H5Aread(a.id, H5T_NATIVE_DOUBLE, v.data()) < 0) return {};
  return v;
}

std::string attr_string(hid_t obj, const char* name) {
  if (!has_attr(obj, name)) return {};
  Id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!a.ok()) return {};
  Id type(H5Aget_type(a.id), H5Tclose);
  if (H5Tget_class(type.id) != H5T_STRING) return {};
  Id space(H5Aget_space(a.id), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.id) != 1) return {};
  if (H5Tis_variable_str(type.id) > 0) {
    Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.id, H5T_VARIABLE);
    char* s = nullptr;
    if (H5Aread(a.id, mem.id, &s) < 0 || s == nullptr) return {};
    std::string out(s);
    H5free_memory(s);
    return out.substr(0, 4096);
  }
  const std::size_t size = H5Tget_size(type.id);
  if (size == 0 || size > 1 << 16) return {};
  std::string buf(size, '\0');
  Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.id, size);
  if (H5Aread(a.id, mem.id, buf.data()) < 0) return {};
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

std::string join_short(const std::vector<double>& v) { return join(v); }
}  // namespace

Bscan resample_traces(const Bscan& b, double dt_out_ns) {
  constexpr const char* where = "resample_traces";
  check::positive(where, "dt_out_ns", dt_out_ns);
  check::non_empty(where, "b", b.view());
  const double dt_in = b.header().dt_ns;
  check::positive(where, "b.dt_ns", dt_in);
  const std::ptrdiff_t n = b.n_samples();
  const double span = static_cast<double>(n - 1) * dt_in;
  if (span / dt_out_ns > 1e8)
    check::fail(where, "dt_out_ns", dt_out_ns, "a value giving <= 1e8 samples");
  const auto n_out = static_cast<std::ptrdiff_t>(std::floor(span / dt_out_ns + 1e-9)) + 1;
  Header h = b.header();
  h.dt_ns = dt_out_ns;
  h.raw["gprkit_resampled_from_dt_ns"] = num(dt_in);
  Bscan out(n_out, b.n_traces(), std::move(h));
  // Lanczos-windowed sinc, a = 8 lobes, cutoff at the lower Nyquist frequency.
  const double ratio = std::max(1.0, dt_out_ns / dt_in);  // > 1 when downsampling
  constexpr double a = 8.0;
  const double half_width = a * ratio;  // in input samples
  const std::size_t work = static_cast<std::size_t>(n_out) *
                           static_cast<std::size_t>(b.n_traces()) *
                           static_cast<std::size_t>(2 * half_width + 1);
  constexpr double pi = 3.14159265358979323846;
  auto sinc = [](double x) { return x == 0.0 ? 1.0 : std::sin(pi * x) / (pi * x); };
#pragma omp parallel for num_threads(threads_for(work)) schedule(static)
  for (std::ptrdiff_t j = 0; j < b.n_traces(); ++j) {
    const float* in = b.trace(j);
    float* o = out.trace(j);
    for (std::ptrdiff_t k = 0; k < n_out; ++k) {
      const double pos = static_cast<double>(k) * dt_out_ns / dt_in;  // in input samples
      const auto lo = static_cast<std::ptrdiff_t>(std::ceil(pos - half_width));
      const auto hi = static_cast<std::ptrdiff_t>(std::floor(pos + half_width));
      double acc = 0.0, wsum = 0.0;
      for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(lo, 0); i <= std::min(hi, n - 1); ++i) {
        const double u = (static_cast<double>(i) - pos) / ratio;
        const double w = sinc(u) * sinc(u / a);
        acc += w * in[i];
        wsum += w;
      }
      // Normalise by the kernel sum so a constant stays constant (also near the ends).
      o[k] = static_cast<float>(wsum != 0.0 ? acc / wsum : 0.0);
    }
  }
  return out;
}

std::vector<Bscan> read_gprmax(const std::filesystem::path& path, const GprmaxReadOptions& o) {
  quiet_hdf5();
  if (!(o.dt_ns >= 0) || !std::isfinite(o.dt_ns))
    check::fail("read_gprmax", "dt_ns", o.dt_ns, ">= 0 (0 keeps gprMax's dt)");
  check_regular_file(path);  // a FIFO would block HDF5's open
  if (H5Fis_hdf5(path.c_str()) <= 0) fail(kFmt, "'" + path.string() + "' is not an HDF5 file");
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) fail(kFmt, "cannot open '" + path.string() + "' as HDF5");
  Id root(H5Gopen2(file.id, "/", H5P_DEFAULT), H5Gclose);
  const auto dt_s = attr_numbers(root.id, "dt");
  const auto iters = attr_numbers(root.id, "Iterations");
  if (dt_s.size() != 1 || !(dt_s[0] > 0) || !(dt_s[0] < 1e-3))
    fail(kFmt, "root attribute 'dt' missing or not a time step in seconds (0 < dt < 1e-3)");
  Header base;
  base.dt_ns = dt_s[0] * 1e9;
  base.raw["format"] = "gprmax";
  base.raw["gprMax"] = attr_string(root.id, "gprMax");
  base.raw["Title"] = attr_string(root.id, "Title");
  base.raw["component"] = o.component;
  for (const char* k :
       {"dt", "Iterations", "nx_ny_nz", "dx_dy_dz", "nrx", "nsrc", "srcsteps", "rxsteps"}) {
    const auto v = attr_numbers(root.id, k);
    if (!v.empty()) base.raw[k] = join_short(v);
  }
  const auto dxyz = attr_numbers(root.id, "dx_dy_dz");
  const auto rxsteps = attr_numbers(root.id, "rxsteps");
  base.dx_m = 0.0;
  if (dxyz.size() == 3 && rxsteps.size() == 3) {
    const double d = std::hypot(rxsteps[0] * dxyz[0], rxsteps[1] * dxyz[1], rxsteps[2] * dxyz[2]);
    if (std::isfinite(d)) base.dx_m = d;
  }
  std::vector<double> src_pos;
  if (H5Lexists(file.id, "/srcs", H5P_DEFAULT) > 0 &&
      H5Lexists(file.id, "/srcs/src1", H5P_DEFAULT) > 0) {
    Id src(H5Gopen2(file.id, "/srcs/src1", H5P_DEFAULT), H5Gclose);
    if (src.ok()) src_pos = attr_numbers(src.id, "Position");
  }
  if (H5Lexists(file.id, "/rxs", H5P_DEFAULT) <= 0) fail(kFmt, "no /rxs group (no receivers)");
  std::vector<Bscan> out;
  for (int r = 1; r <= 1024; ++r) {
    const std::string grp = "/rxs/rx" + std::to_string(r);
    if (H5Lexists(file.id, grp.c_str(), H5P_DEFAULT) <= 0) break;
    const std::string ds_name = grp + "/" + o.component;
    if (o.component.empty() || o.component.find('/') != std::string::npos ||
        H5Lexists(file.id, ds_name.c_str(), H5P_DEFAULT) <= 0)
      fail(kFmt, "receiver " + grp + " has no dataset '" + o.component + "'");
    Id g(H5Gopen2(file.id, grp.c_str(), H5P_DEFAULT), H5Gclose);
    Id ds(H5Dopen2(file.id, ds_name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) fail(kFmt, "cannot open " + ds_name);
    Id type(H5Dget_type(ds.id), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.id);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) fail(kFmt, ds_name + " is not numeric");
    Id space(H5Dget_space(ds.id), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank != 1 && rank != 2)
      fail(kFmt, ds_name + " has rank " + std::to_string(rank) + "; expected 1 or 2");
    hsize_t dims[2] = {0, 1};
    H5Sget_simple_extent_dims(space.id, dims, nullptr);
    if (rank == 1) dims[1] = 1;
    if (dims[0] < 2 || dims[1] < 1 || dims[0] > (1ull << 31) || dims[1] > (1ull << 31) ||
        dims[0] * dims[1] > (1ull << 34))
      fail(kFmt, ds_name + " shape is absurd or empty");
    if (!iters.empty() && static_cast<double>(dims[0]) != iters[0])
      base.raw["gprkit_note"] =
          "Iterations attribute " + num(iters[0]) + " != dataset length " + std::to_string(dims[0]);
    const auto ns = static_cast<std::ptrdiff_t>(dims[0]), nt = static_cast<std::ptrdiff_t>(dims[1]);
    Header h = base;
    h.raw["receiver"] = grp;
    h.raw["rx_name"] = attr_string(g.id, "Name");
    const auto rx_pos = attr_numbers(g.id, "Position");
    if (!rx_pos.empty()) h.raw["rx_position_m"] = join(rx_pos);
    if (!src_pos.empty()) h.raw["src_position_m"] = join(src_pos);
    if (rx_pos.size() == 3 && src_pos.size() == 3)
      h.antenna_separation_m =
          std::hypot(rx_pos[0] - src_pos[0], rx_pos[1] - src_pos[1], rx_pos[2] - src_pos[2]);
    // The dataset is row-major (Iterations, n_traces): read as float and transpose.
    std::vector<float> tmp(static_cast<std::size_t>(ns) * static_cast<std::size_t>(nt));
    if (H5Dread(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp.data()) < 0)
      fail(kFmt, "cannot read " + ds_name);
    Bscan b(ns, nt, std::move(h));
    for (std::ptrdiff_t i = 0; i < ns; ++i)
      for (std::ptrdiff_t j = 0; j < nt; ++j) b(i, j) = tmp[static_cast<std::size_t>(i * nt + j)];
    out.push_back(o.dt_ns > 0 ? resample_traces(b, o.dt_ns) : std::move(b));
  }
  if (out.empty()) fail(kFmt, "no receivers under /rxs (expected /rxs/rx1)");
  return out;
}

}  // namespace gprkit::io
