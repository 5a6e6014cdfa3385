// migrate(): validation, geometry and dispatch to the f-k and summation engines.
#include "gprkit/migrate/migrate.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "detail.h"
#include "gprkit/core/validate.h"

namespace gprkit {
namespace migrate_detail {

double apex_time_ns(double a, double h, double z, double v) {
  if (z <= 0) {  // a reflector in the air gap (z < 0 above ground): straight air rays
    const double d = h + z;
    return 2.0 * std::sqrt(std::max(d, 0.0) * std::max(d, 0.0) + 0.25 * a * a) / c_air;
  }
  double p = 0;
  return 2.0 * one_way_refracted_ns(0.5 * a, h, z, v, p);
}

double apex_depth_m(double a, double h, double t_ns, double v) {
  const double t_surface = apex_time_ns(a, h, 0.0, v);
  if (t_ns <= t_surface) {
    const double d = std::sqrt(std::max(0.0, 0.25 * t_ns * t_ns * c_air * c_air - 0.25 * a * a));
    return d - h;
  }
  double lo = 0, hi = 0.5 * v * t_ns + 1.0;
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (apex_time_ns(a, h, mid, v) < t_ns)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<double> trace_positions(const char* where, const Header& hd, std::ptrdiff_t n) {
  if (!hd.x_m.empty() && static_cast<std::ptrdiff_t>(hd.x_m.size()) != n)
    check::fail(where, "header.x_m size", static_cast<double>(hd.x_m.size()),
                "one position per trace (" + std::to_string(n) + ") or none");
  std::vector<double> x(static_cast<std::size_t>(n));
  for (std::ptrdiff_t j = 0; j < n; ++j) {
    x[static_cast<std::size_t>(j)] = hd.trace_x_m(j);
    check::finite(where, "header.x_m", x[static_cast<std::size_t>(j)]);
  }
  // Time-triggered files (DZT without a wheel, MALA rd3, gprMax) carry no spacing: say how to set
  // it.
  if (hd.x_m.empty() && n > 1 && !(std::isfinite(hd.dx_m) && hd.dx_m > 0))
    check::fail(where, "header.dx_m", hd.dx_m,
                "a trace spacing > 0: this section has no spacing (a time-triggered file?); set "
                "it, e.g. b.with_data(b.data, dx_m=0.02) in Python or header.dx_m in C++, or give "
                "per-trace positions x_m");
  for (std::size_t j = 1; j < x.size(); ++j)
    if (!(x[j] > x[j - 1]))
      check::fail(where, "header.x_m[" + std::to_string(j) + "]", x[j],
                  "strictly increasing trace positions (previous " + std::to_string(x[j - 1]) +
                      "); sort the traces and drop repeated positions");
  return x;
}

double uniform_spacing(const char* where, const std::vector<double>& x, double fallback) {
  if (x.size() < 2) return fallback > 0 ? fallback : 0.01;
  const double d = (x.back() - x.front()) / static_cast<double>(x.size() - 1);
  for (std::size_t j = 1; j < x.size(); ++j)
    if (std::abs(x[j] - x[j - 1] - d) > 0.01 * d)
      check::fail(where, "trace spacing at trace " + std::to_string(j), x[j] - x[j - 1],
                  "even spacing (within 1 % of " + std::to_string(d) +
                      " m) for f-k methods; use kirchhoff or backprojection for uneven traces");
  return d;
}

Geometry validate_common(const char* where, ConstView in, const Header& hd,
                         const MigrateOptions& o) {
  check::finite_data(where, "input", in);
  check::positive(where, "header.dt_ns", hd.dt_ns);
  check::finite(where, "header.t0_ns", hd.t0_ns);
  check::positive(where, "velocity_m_per_ns", o.velocity_m_per_ns);
  if (o.aperture_m != -1) check::positive(where, "aperture_m", o.aperture_m);
  if (o.aperture_deg != -1) {
    check::positive(where, "aperture_deg", o.aperture_deg);
    check::in_range(where, "aperture_deg", o.aperture_deg, 0.0, 90.0);
  }
  check::positive(where, "max_dip_deg", o.max_dip_deg);
  check::in_range(where, "max_dip_deg", o.max_dip_deg, 0.0, 90.0);
  check::finite(where, "antenna_offset_m", o.antenna_offset_m);
  check::finite(where, "antenna_height_m", o.antenna_height_m);
  check::finite(where, "pad_time_factor", o.pad_time_factor);
  if (o.pad_time_factor < 1.0 || o.pad_time_factor > 16.0)
    check::fail(where, "pad_time_factor", o.pad_time_factor, "1..16");
  if (o.pad_traces < -1)
    check::fail(where, "pad_traces", static_cast<double>(o.pad_traces),
                ">= 0, or -1 for the default");
  if (o.vz_depth_m.size() != o.vz_velocity_m_per_ns.size())
    check::fail(where, "vz_velocity_m_per_ns size",
                static_cast<double>(o.vz_velocity_m_per_ns.size()),
                "the size of vz_depth_m (" + std::to_string(o.vz_depth_m.size()) + ")");
  for (std::size_t k = 0; k < o.vz_depth_m.size(); ++k) {
    check::finite(where, "vz_depth_m", o.vz_depth_m[k]);
    check::positive(where, "vz_velocity_m_per_ns", o.vz_velocity_m_per_ns[k]);
    if (k > 0 && !(o.vz_depth_m[k] > o.vz_depth_m[k - 1]))
      check::fail(where, "vz_depth_m[" + std::to_string(k) + "]", o.vz_depth_m[k],
                  "strictly increasing depths");
  }
  if (!o.vz_depth_m.empty() && o.vz_depth_m.front() > 0)
    check::fail(where, "vz_depth_m[0]", o.vz_depth_m.front(),
                "<= 0: the v(z) table must start at the ground surface");
  Geometry g;
  g.offset_m = o.antenna_offset_m >= 0 ? o.antenna_offset_m : hd.antenna_separation_m;
  g.height_m = o.antenna_height_m >= 0 ? o.antenna_height_m : hd.antenna_height_m;
  check::non_negative(where, "antenna offset (m)", g.offset_m);
  check::non_negative(where, "antenna height (m)", g.height_m);
  return g;
}

namespace {
// Spacing of each trace for the summation (midpoint rule).
std::vector<double> spacing_weights(const std::vector<double>& x) {
  std::vector<double> w(x.size(), 1.0);
  const std::size_t n = x.size();
  if (n < 2) return w;
  for (std::size_t j = 0; j < n; ++j) {
    const double l = j > 0 ? x[j] - x[j - 1] : x[1] - x[0];
    const double r = j + 1 < n ? x[j + 1] - x[j] : x[n - 1] - x[n - 2];
    w[j] = 0.5 * (l + r);
  }
  return w;
}
}  // namespace

}  // namespace migrate_detail

using namespace migrate_detail;

void migrate(ConstView in, const Header& hd, MutView out, const MigrateOptions& o) {
  constexpr const char* w = "migrate";
  check::non_empty(w, "input", in);
  check::same_shape(w, in, out);
  check::no_partial_overlap(w, in, out);
  if (in.data == out.data) check::fail(w, "out", "the input's memory", "a separate output");
  const Geometry g = validate_common(w, in, hd, o);
  const std::vector<double> x = trace_positions(w, hd, in.n_traces);
  const std::ptrdiff_t ns = in.n_samples, nx = in.n_traces;
  // Contiguous copies (the engines read contiguous traces).
  std::vector<float> src(static_cast<std::size_t>(ns * nx));
  std::vector<float> dst(static_cast<std::size_t>(ns * nx), 0.0f);
  for (std::ptrdiff_t j = 0; j < nx; ++j)
    for (std::ptrdiff_t i = 0; i < ns; ++i) src[static_cast<std::size_t>(i + j * ns)] = in(i, j);
  if (o.method == MigrationMethod::stolt || o.method == MigrationMethod::phase_shift) {
    const double dx = uniform_spacing(w, x, hd.dx_m);
    fk_migrate(src.data(), dst.data(), ns, nx, 1, hd.dt_ns, hd.t0_ns, dx, dx, g, o);
  } else {
    SumInput si;
    si.data = src.data();
    si.ns = ns;
    si.n_in = nx;
    si.dt_ns = hd.dt_ns;
    si.t0_ns = hd.t0_ns;
    si.x_m = x;
    si.area = spacing_weights(x);
    SumOutput so;
    so.data = dst.data();
    so.n_tau = ns;
    so.n_out = nx;
    so.tau0_ns = hd.t0_ns;
    so.dtau_ns = hd.dt_ns;
    so.x_m = x;
    sum_migrate(si, so, g, o);
  }
  check::finite_output(w, ConstView(dst.data(), ns, nx), in);
  for (std::ptrdiff_t j = 0; j < nx; ++j)
    for (std::ptrdiff_t i = 0; i < ns; ++i) out(i, j) = dst[static_cast<std::size_t>(i + j * ns)];
}

Bscan migrate(const Bscan& in, const MigrateOptions& o) {
  Header h = in.header();
  Bscan out(in.n_samples(), in.n_traces(), h);
  migrate(in.view(), in.header(), out.view(), o);
  out.header().antenna_height_m = 0.0;
  out.header().antenna_separation_m = 0.0;
  return out;
}

Bscan backproject(const Bscan& in, const ImageGrid& grid, const MigrateOptions& o) {
  constexpr const char* w = "backproject";
  check::non_empty(w, "input", in.view());
  const Geometry g = validate_common(w, in.view(), in.header(), o);
  const std::vector<double> x = trace_positions(w, in.header(), in.n_traces());
  if (grid.x_m.empty()) check::fail(w, "grid.x_m size", 0.0, "at least one position");
  for (std::size_t k = 0; k < grid.x_m.size(); ++k) {
    check::finite(w, "grid.x_m", grid.x_m[k]);
    if (k > 0 && !(grid.x_m[k] > grid.x_m[k - 1]))
      check::fail(w, "grid.x_m[" + std::to_string(k) + "]", grid.x_m[k], "strictly increasing");
  }
  check::finite(w, "grid.depth0_m", grid.depth0_m);
  check::positive(w, "grid.ddepth_m", grid.ddepth_m);
  if (grid.n_depths < 1 || grid.n_depths > (1 << 24))
    check::fail(w, "grid.n_depths", static_cast<double>(grid.n_depths), "1..2^24");
  if (o.method == MigrationMethod::stolt || o.method == MigrationMethod::phase_shift)
    check::fail(w, "method", o.method == MigrationMethod::stolt ? "stolt" : "phase_shift",
                "kirchhoff or backprojection");
  const double v = o.velocity_m_per_ns;
  Header h = in.header();
  h.x_m = grid.x_m;
  h.dx_m = grid.x_m.size() > 1
               ? (grid.x_m.back() - grid.x_m.front()) / static_cast<double>(grid.x_m.size() - 1)
               : in.header().dx_m;
  h.t0_ns = 2.0 * grid.depth0_m / v;
  h.dt_ns = 2.0 * grid.ddepth_m / v;
  h.antenna_height_m = 0;
  h.antenna_separation_m = 0;
  const auto nout = static_cast<std::ptrdiff_t>(grid.x_m.size());
  Bscan out(grid.n_depths, nout, h);
  Bscan src(in.view(), in.header());  // contiguous
  SumInput si;
  si.data = src.data();
  si.ns = in.n_samples();
  si.n_in = in.n_traces();
  si.dt_ns = in.header().dt_ns;
  si.t0_ns = in.header().t0_ns;
  si.x_m = x;
  si.area = spacing_weights(x);
  SumOutput so;
  so.data = out.data();
  so.n_tau = grid.n_depths;
  so.n_out = nout;
  so.tau0_ns = h.t0_ns;
  so.dtau_ns = h.dt_ns;
  so.x_m = grid.x_m;
  sum_migrate(si, so, g, o);
  return out;
}

void migrate_3d(const float* in, float* out, std::ptrdiff_t ns, std::ptrdiff_t nx,
                std::ptrdiff_t ny, const VolumeGeometry& vg, const MigrateOptions& o) {
  constexpr const char* w = "migrate_3d";
  if (!in || !out) check::fail(w, "data", "null", "a volume");
  if (ns < 1 || nx < 1 || ny < 1)
    check::fail(w, "shape", check::shape_str(ns, nx) + " x " + std::to_string(ny),
                "a non-empty volume");
  const float* in_end = in + ns * nx * ny;
  const float* out_c = out;
  if (out_c < in_end && in < out_c + ns * nx * ny)
    check::fail(w, "out", "overlapping the input", "a separate output volume");
  Header hd;
  hd.dt_ns = vg.dt_ns;
  hd.t0_ns = vg.t0_ns;
  hd.dx_m = vg.dx_m;
  hd.antenna_separation_m = vg.antenna_offset_m;
  hd.antenna_height_m = vg.antenna_height_m;
  check::positive(w, "dx_m", vg.dx_m);
  check::positive(w, "dy_m", vg.dy_m);
  MigrateOptions oo = o;
  oo.antenna_offset_m = o.antenna_offset_m >= 0 ? o.antenna_offset_m : vg.antenna_offset_m;
  oo.antenna_height_m = o.antenna_height_m >= 0 ? o.antenna_height_m : vg.antenna_height_m;
  const Geometry g = validate_common(w, ConstView(in, ns, nx * ny), hd, oo);
  if (o.method == MigrationMethod::stolt || o.method == MigrationMethod::phase_shift) {
    fk_migrate(in, out, ns, nx, ny, vg.dt_ns, vg.t0_ns, vg.dx_m, vg.dy_m, g, oo);
    return;
  }
  SumInput si;
  si.data = in;
  si.ns = ns;
  si.n_in = nx * ny;
  si.dt_ns = vg.dt_ns;
  si.t0_ns = vg.t0_ns;
  si.three_d = true;
  si.x_m.resize(static_cast<std::size_t>(nx * ny));
  si.y_m.resize(static_cast<std::size_t>(nx * ny));
  si.area.assign(static_cast<std::size_t>(nx * ny), vg.dx_m * vg.dy_m);
  for (std::ptrdiff_t l = 0; l < ny; ++l)
    for (std::ptrdiff_t j = 0; j < nx; ++j) {
      si.x_m[static_cast<std::size_t>(j + l * nx)] = static_cast<double>(j) * vg.dx_m;
      si.y_m[static_cast<std::size_t>(j + l * nx)] = static_cast<double>(l) * vg.dy_m;
    }
  SumOutput so;
  so.data = out;
  so.n_tau = ns;
  so.n_out = nx * ny;
  so.tau0_ns = vg.t0_ns;
  so.dtau_ns = vg.dt_ns;
  so.x_m = si.x_m;
  so.y_m = si.y_m;
  sum_migrate(si, so, g, oo);
}

}  // namespace gprkit
