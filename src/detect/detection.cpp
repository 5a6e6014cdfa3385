#include "gprkit/detect/detection.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common.h"
#include "gprkit/core/validate.h"
#include "gprkit/detect/score.h"

namespace gprkit {

std::vector<Detection> find_detections(ConstView s, const Header& h, const NmsOptions& o,
                                       const ConstView* thr) {
  constexpr const char* w = "find_detections";
  check::finite_data(w, "score", s);
  if (thr) check::same_shape(w, *thr, MutView{nullptr, s.n_samples, s.n_traces});
  if (std::isnan(o.threshold)) check::fail(w, "threshold", o.threshold, "a number");
  check::non_negative(w, "radius_m", o.radius_m);
  check::non_negative(w, "shadow_radius_m", o.shadow_radius_m);
  check::in_range(w, "shadow_ratio", o.shadow_ratio, 0.0, 1.0);
  if (std::isnan(o.depth_radius_m)) check::fail(w, "depth_radius_m", o.depth_radius_m, "a number");
  if (!(o.min_depth_m <= o.max_depth_m))
    check::fail(w, "max_depth_m", o.max_depth_m, ">= min_depth_m");
  check::positive(w, "velocity_m_per_ns", o.velocity_m_per_ns);
  check::positive(w, "dt_ns", h.dt_ns);
  if (o.max_detections < 0)
    check::fail(w, "max_detections", static_cast<double>(o.max_detections), ">= 0");
  const std::ptrdiff_t m = s.n_samples, n = s.n_traces;
  std::vector<double> depth(static_cast<std::size_t>(m));
  for (std::ptrdiff_t i = 0; i < m; ++i)
    depth[static_cast<std::size_t>(i)] =
        depth_from_time_m(h.time_ns(static_cast<double>(i)), h, o.velocity_m_per_ns);
  // Candidates: local maxima of the 3 x 3 neighbourhood above the threshold, gathered per fixed
  // block of traces (deterministic order whatever the thread count).
  struct Cand {
    float v;
    std::ptrdiff_t j, i;
  };
  const std::ptrdiff_t nb = detect_detail::n_blocks(n);
  std::vector<std::vector<Cand>> per(static_cast<std::size_t>(nb));
  const int nt = detect_detail::threads_for_cells(m, n);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (std::ptrdiff_t b = 0; b < nb; ++b) {
    auto& out = per[static_cast<std::size_t>(b)];
    const std::ptrdiff_t j1 = std::min(n, (b + 1) * detect_detail::block_traces);
    for (std::ptrdiff_t j = b * detect_detail::block_traces; j < j1; ++j) {
      for (std::ptrdiff_t i = 0; i < m; ++i) {
        const float v = s(i, j);
        const double t = thr ? static_cast<double>((*thr)(i, j)) : o.threshold;
        if (!(v > t)) continue;
        const double z = depth[static_cast<std::size_t>(i)];
        if (z < o.min_depth_m || z > o.max_depth_m) continue;
        bool peak = true;
        for (std::ptrdiff_t dj = -1; dj <= 1 && peak; ++dj)
          for (std::ptrdiff_t di = -1; di <= 1; ++di) {
            const std::ptrdiff_t ii = i + di, jj = j + dj;
            if ((di == 0 && dj == 0) || ii < 0 || ii >= m || jj < 0 || jj >= n) continue;
            if (s(ii, jj) > v) {
              peak = false;
              break;
            }
          }
        if (peak) out.push_back({v, j, i});
      }
    }
  }
  std::vector<Cand> cand;
  for (auto& v : per) cand.insert(cand.end(), v.begin(), v.end());
  std::sort(cand.begin(), cand.end(), [](const Cand& a, const Cand& b) {
    if (a.v != b.v) return a.v > b.v;
    if (a.j != b.j) return a.j < b.j;
    return a.i < b.i;
  });
  std::vector<Detection> kept;
  std::multimap<double, std::size_t> by_x;  // kept (greedy) or all (local) candidates by position
  if (o.local)
    for (std::size_t k = 0; k < cand.size(); ++k) by_x.emplace(h.trace_x_m(cand[k].j), k);
  auto score_of = [&](std::size_t k) { return o.local ? double(cand[k].v) : kept[k].score; };
  auto depth_of = [&](std::size_t k) {
    return o.local ? depth[static_cast<std::size_t>(cand[k].i)] : kept[k].depth_m;
  };
  for (std::size_t rank = 0; rank < cand.size(); ++rank) {
    const Cand& c = cand[rank];
    if (static_cast<std::ptrdiff_t>(kept.size()) >= o.max_detections) break;
    const double x = h.trace_x_m(c.j);
    const double z = depth[static_cast<std::size_t>(c.i)];
    bool suppressed = false;
    for (auto it = by_x.lower_bound(x - o.radius_m);
         it != by_x.end() && it->first <= x + o.radius_m; ++it) {
      if (o.local && it->second >= rank) continue;  // only stronger (earlier) candidates
      if (std::abs(it->first - x) >= o.radius_m && o.radius_m > 0) continue;
      if (o.radius_m == 0 && it->first != x) continue;
      if (o.depth_radius_m >= 0 && std::abs(depth_of(it->second) - z) >= o.depth_radius_m) continue;
      suppressed = true;
      break;
    }
    if (!suppressed && o.shadow_radius_m > 0) {
      for (auto it = by_x.lower_bound(x - o.shadow_radius_m);
           it != by_x.end() && it->first <= x + o.shadow_radius_m; ++it)
        if (c.v < o.shadow_ratio * score_of(it->second)) {
          suppressed = true;
          break;
        }
    }
    if (suppressed) continue;
    Detection d;
    d.x_m = x;
    d.depth_m = z;
    d.t_ns = h.time_ns(static_cast<double>(c.i));
    d.trace = c.j;
    d.sample = c.i;
    d.score = c.v;
    if (!o.local) by_x.emplace(x, kept.size());
    kept.push_back(d);
  }
  return kept;
}

}  // namespace gprkit
