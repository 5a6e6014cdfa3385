#include "gprkit/filters/normalize_distance.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>

#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit {

namespace {
constexpr const char* kWhere = "normalize_distance";

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

// Values per input trace (y_m, z_m ...) on the output grid: station means, then the same
// linear weights as the traces.
std::vector<double> on_grid(const std::vector<double>& v, const DistanceGrid& g) {
  const std::size_t ns = g.station_x_m.size();
  std::vector<double> st(ns);
  for (std::size_t s = 0; s < ns; ++s) {
    double sum = 0.0;
    const auto b = g.station_begin[s], e = g.station_begin[s + 1];
    for (auto j = b; j < e; ++j) sum += v[static_cast<std::size_t>(j)];
    st[s] = sum / static_cast<double>(e - b);
  }
  std::vector<double> out(static_cast<std::size_t>(g.n_traces()));
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto lo = static_cast<std::size_t>(g.lo[k]);
    const double w = g.weight[k];
    out[k] = w == 0.0f ? st[lo] : (1.0 - w) * st[lo] + w * st[lo + 1];
  }
  return out;
}
}  // namespace

DistanceGrid distance_grid(const std::vector<double>& x, const NormalizeDistanceOptions& o,
                           std::ptrdiff_t max_traces) {
  if (x.empty())
    throw InvalidArgument(std::string(kWhere) +
                          ": the line has no per-trace positions (header x_m is empty); "
                          "distance normalisation needs the position of every trace");
  for (std::size_t j = 0; j < x.size(); ++j)
    if (!std::isfinite(x[j]))
      check::fail(kWhere, "x_m[" + std::to_string(j) + "]", x[j], "a finite position (m)");
  if (!(o.spacing_m >= 0) || !std::isfinite(o.spacing_m))
    check::fail(kWhere, "spacing_m", o.spacing_m, "> 0 (or 0 for the median step)");
  if (!std::isfinite(o.stationary_m))
    check::fail(kWhere, "stationary_m", o.stationary_m, "a finite distance (< 0 = automatic)");
  DistanceGrid g;
  g.reversed = x.back() < x.front();
  const double sign = g.reversed ? -1.0 : 1.0;  // work in u = sign * x, which increases
  double s = o.spacing_m;
  if (s == 0.0) {
    std::vector<double> steps;
    for (std::size_t j = 1; j < x.size(); ++j)
      if (const double d = sign * (x[j] - x[j - 1]); d > 0) steps.push_back(d);
    if (steps.empty()) {
      if (x.size() > 1)
        throw InvalidArgument(std::string(kWhere) + ": every trace is at the same position (" +
                              num(x[0]) + " m): no spacing to normalise to");
      s = 1.0;  // one trace: one output trace, any spacing
    } else {
      auto mid = steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2);
      std::nth_element(steps.begin(), mid, steps.end());
      s = *mid;
    }
  }
  g.spacing_m = s;
  const double tol = o.stationary_m < 0 ? 0.25 * s : o.stationary_m;
  // Stations: runs of traces within tol of their first trace (a wheel standing still).
  double anchor = sign * x[0], sum = anchor;
  g.station_begin.push_back(0);
  auto close = [&](std::size_t end) {
    const auto b = g.station_begin.back();
    g.station_x_m.push_back(sum / static_cast<double>(static_cast<std::ptrdiff_t>(end) - b));
  };
  for (std::size_t j = 1; j < x.size(); ++j) {
    const double u = sign * x[j];
    if (u < anchor - tol)
      throw InvalidArgument(std::string(kWhere) + ": positions turn back at trace " +
                            std::to_string(j) + " (x_m " + num(x[j - 1]) + " -> " + num(x[j]) +
                            " m, the line runs " + (g.reversed ? "backwards" : "forwards") +
                            "); split the line where it reverses");
    if (u - anchor <= tol) {
      sum += u;
      continue;
    }
    close(j);
    g.station_begin.push_back(static_cast<std::ptrdiff_t>(j));
    anchor = sum = u;
  }
  close(x.size());
  g.station_begin.push_back(static_cast<std::ptrdiff_t>(x.size()));
  for (std::size_t k = 1; k < g.station_x_m.size(); ++k)
    if (!(g.station_x_m[k] > g.station_x_m[k - 1]))
      throw InvalidArgument(std::string(kWhere) + ": stations " + std::to_string(k - 1) + " and " +
                            std::to_string(k) +
                            " average to the same position; use a smaller "
                            "stationary_m");
  const double u0 = g.station_x_m.front(), span = g.station_x_m.back() - u0;
  const std::ptrdiff_t n_out = check::count(kWhere, "line length / spacing_m (m)", span + 1e-9 * s,
                                            s, "traces", max_traces - 1, check::Round::down) +
                               1;
  g.lo.resize(static_cast<std::size_t>(n_out));
  g.weight.resize(static_cast<std::size_t>(n_out));
  const std::ptrdiff_t last = static_cast<std::ptrdiff_t>(g.station_x_m.size()) - 1;
  std::ptrdiff_t lo = 0;
  for (std::ptrdiff_t k = 0; k < n_out; ++k) {
    const double u = u0 + static_cast<double>(k) * s;
    while (lo + 1 < last && g.station_x_m[static_cast<std::size_t>(lo + 1)] <= u) ++lo;
    double w = 0.0;
    if (last > 0) {
      const double a = g.station_x_m[static_cast<std::size_t>(lo)],
                   b = g.station_x_m[static_cast<std::size_t>(lo + 1)];
      w = std::clamp((u - a) / (b - a), 0.0, 1.0);
    }
    g.lo[static_cast<std::size_t>(k)] = lo;
    g.weight[static_cast<std::size_t>(k)] = static_cast<float>(w);
  }
  g.x0_m = sign * u0;
  for (double& v : g.station_x_m) v *= sign;
  return g;
}

void normalize_distance(ConstView in, MutView out, const DistanceGrid& g) {
  check::finite_data(kWhere, "input", in);
  if (g.station_begin.empty() || g.station_begin.back() != in.n_traces)
    check::fail(kWhere, "input traces", static_cast<double>(in.n_traces),
                "the " + std::to_string(g.station_begin.empty() ? 0 : g.station_begin.back()) +
                    " traces the grid was made for");
  if (out.n_samples != in.n_samples || out.n_traces != g.n_traces())
    throw InvalidArgument(std::string(kWhere) + ": output shape " +
                          check::shape_str(out.n_samples, out.n_traces) + "; expected " +
                          check::shape_str(in.n_samples, g.n_traces()));
  const std::ptrdiff_t ns = in.n_samples, nk = g.n_traces();
  const int nthreads = threads_for(static_cast<std::size_t>(ns * nk));
#pragma omp parallel for schedule(static) num_threads(nthreads)
  for (std::ptrdiff_t k = 0; k < nk; ++k) {
    const auto s = static_cast<std::size_t>(g.lo[static_cast<std::size_t>(k)]);
    const float w = g.weight[static_cast<std::size_t>(k)];
    for (std::ptrdiff_t i = 0; i < ns; ++i) out(i, k) = 0.0f;
    for (int side = 0; side < 2; ++side) {
      const float ws = side == 0 ? 1.0f - w : w;
      if (ws == 0.0f) continue;
      const std::ptrdiff_t b = g.station_begin[s + static_cast<std::size_t>(side)],
                           e = g.station_begin[s + static_cast<std::size_t>(side) + 1];
      const float f = ws / static_cast<float>(e - b);
      for (std::ptrdiff_t j = b; j < e; ++j)
        for (std::ptrdiff_t i = 0; i < ns; ++i) out(i, k) += f * in(i, j);
    }
  }
}

void normalize_distance_header(Header& h, const DistanceGrid& g) {
  const auto n_in = static_cast<std::size_t>(g.station_begin.back());
  for (std::vector<double>* v : {&h.y_m, &h.z_m})
    if (v->size() == n_in)
      *v = on_grid(*v, g);
    else
      v->clear();
  h.x_m.resize(static_cast<std::size_t>(g.n_traces()));
  const double step = g.reversed ? -g.spacing_m : g.spacing_m;
  for (std::size_t k = 0; k < h.x_m.size(); ++k) h.x_m[k] = g.x0_m + static_cast<double>(k) * step;
  h.dx_m = g.spacing_m;
  for (auto it = h.raw.begin(); it != h.raw.end();)
    it = it->first.rfind("trace_", 0) == 0 ? h.raw.erase(it) : std::next(it);
}

Bscan normalize_distance(const Bscan& in, const NormalizeDistanceOptions& o) {
  if (static_cast<std::ptrdiff_t>(in.header().x_m.size()) != in.n_traces())
    throw InvalidArgument(std::string(kWhere) + ": the line has " +
                          std::to_string(in.header().x_m.size()) +
                          " per-trace positions (x_m) for " + std::to_string(in.n_traces()) +
                          " traces; distance normalisation needs one per trace");
  const DistanceGrid g = distance_grid(in.header().x_m, o);
  Header h = in.header();
  normalize_distance_header(h, g);
  Bscan out = Bscan::uninitialized(in.n_samples(), g.n_traces(), std::move(h));
  normalize_distance(in.view(), out.view(), g);
  return out;
}

}  // namespace gprkit
