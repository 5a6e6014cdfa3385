#include "gprkit/detect/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "gprkit/core/validate.h"

namespace gprkit {

namespace {

// The ROC of mine_likeness over the detected objects (see EvaluateResult).
void likeness_roc(const std::vector<Detection>& dets, const std::vector<TruthObject>& truth,
                  EvaluateResult& r) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.likeness_auc = nan;
  r.likeness_margin = nan;
  std::vector<double> mines, clutter;
  bool have = true;
  for (std::size_t q = 0; q < truth.size(); ++q) {
    if (!truth[q].is_target) ++r.n_clutter;
    const int by = r.target_detected_by[q];
    if (by < 0) continue;
    const double ml = dets[static_cast<std::size_t>(by)].mine_likeness;
    if (!(ml >= 0)) have = false;
    (truth[q].is_target ? mines : clutter).push_back(ml);
  }
  r.n_clutter_detected = static_cast<std::ptrdiff_t>(clutter.size());
  if (!have || mines.empty() || clutter.empty()) return;
  double wins = 0;
  for (double a : mines)
    for (double b : clutter) wins += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
  r.likeness_auc = wins / static_cast<double>(mines.size() * clutter.size());
  r.likeness_margin = *std::min_element(mines.begin(), mines.end()) -
                      *std::max_element(clutter.begin(), clutter.end());
  std::vector<double> taus = mines;
  taus.insert(taus.end(), clutter.begin(), clutter.end());
  std::sort(taus.begin(), taus.end(), std::greater<>());
  taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
  taus.insert(taus.begin(), std::numeric_limits<double>::infinity());
  auto share = [](const std::vector<double>& v, double tau) {
    return static_cast<double>(
               std::count_if(v.begin(), v.end(), [&](double x) { return x >= tau; })) /
           static_cast<double>(v.size());
  };
  for (double tau : taus) {
    r.likeness_thresholds.push_back(tau);
    r.likeness_mine_rate.push_back(share(mines, tau));
    r.likeness_clutter_rate.push_back(share(clutter, tau));
  }
}

}  // namespace

EvaluateResult evaluate(const std::vector<Detection>& dets, const std::vector<TruthObject>& truth,
                        const EvaluateOptions& o) {
  constexpr const char* w = "evaluate";
  check::positive(w, "halo_m", o.halo_m);
  if (std::isnan(o.depth_halo_m)) check::fail(w, "depth_halo_m", o.depth_halo_m, "a number");
  check::finite(w, "line_length_m", o.line_length_m);
  check::non_negative(w, "swath_m", o.swath_m);
  check::positive(w, "froc_max_rate", o.froc_max_rate);
  for (std::size_t k = 0; k < dets.size(); ++k) {
    const std::string name = "detections[" + std::to_string(k) + "]";
    check::finite(w, name + ".x_m", dets[k].x_m);
    check::finite(w, name + ".depth_m", dets[k].depth_m);
    check::finite(w, name + ".score", dets[k].score);
  }
  for (std::size_t k = 0; k < truth.size(); ++k) {
    check::finite(w, "truth[" + std::to_string(k) + "].x_m", truth[k].x_m);
    check::finite(w, "truth[" + std::to_string(k) + "].depth_m", truth[k].depth_m);
  }
  EvaluateResult r;
  const std::size_t nd = dets.size(), nt = truth.size();
  auto inside = [&](const Detection& d, const TruthObject& t) {
    // Inclusive, with a tolerance for decimal positions (1.1 - 1.0 > 0.1 in binary).
    if (std::abs(d.x_m - t.x_m) > o.halo_m * (1 + 1e-9) + 1e-12) return false;
    return o.depth_halo_m < 0 ||
           std::abs(d.depth_m - t.depth_m) <= o.depth_halo_m * (1 + 1e-9) + 1e-12;
  };
  r.detection_target.assign(nd, -1);
  r.target_detected_by.assign(nt, -1);
  for (std::size_t k = 0; k < nd; ++k) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t q = 0; q < nt; ++q) {
      if (!inside(dets[k], truth[q])) continue;
      int& by = r.target_detected_by[q];
      if (by < 0 || dets[k].score > dets[static_cast<std::size_t>(by)].score)
        by = static_cast<int>(k);
      const double dist = std::abs(dets[k].x_m - truth[q].x_m);
      if (truth[q].is_target && dist < best) {
        best = dist;
        r.detection_target[k] = static_cast<int>(q);
      }
    }
  }
  const double ninf = -std::numeric_limits<double>::infinity();
  std::vector<double> target_scores, fa_scores;
  for (std::size_t q = 0; q < nt; ++q) {
    if (!truth[q].is_target) continue;
    ++r.n_targets;
    const int by = r.target_detected_by[q];
    if (by >= 0) ++r.n_detected;
    target_scores.push_back(by >= 0 ? dets[static_cast<std::size_t>(by)].score : ninf);
  }
  for (std::size_t k = 0; k < nd; ++k)
    if (r.detection_target[k] < 0) fa_scores.push_back(dets[k].score);
  r.false_alarms = static_cast<std::ptrdiff_t>(fa_scores.size());
  r.pd =
      r.n_targets > 0 ? static_cast<double>(r.n_detected) / static_cast<double>(r.n_targets) : 1.0;
  double length = o.line_length_m;
  if (!(length > 0)) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& d : dets) lo = std::min(lo, d.x_m), hi = std::max(hi, d.x_m);
    for (const auto& t : truth) lo = std::min(lo, t.x_m), hi = std::max(hi, t.x_m);
    length = hi > lo ? hi - lo : 0.0;
  }
  r.area_m = o.swath_m > 0 ? length * o.swath_m : length;
  auto rate = [&](double count) {
    if (count == 0) return 0.0;
    return r.area_m > 0 ? count / r.area_m : std::numeric_limits<double>::infinity();
  };
  r.false_alarm_rate = rate(static_cast<double>(r.false_alarms));

  // Curve over distinct thresholds, decreasing.
  std::sort(target_scores.begin(), target_scores.end(), std::greater<>());
  std::sort(fa_scores.begin(), fa_scores.end(), std::greater<>());
  std::vector<double> taus;
  for (double s : target_scores)
    if (s != ninf) taus.push_back(s);
  taus.insert(taus.end(), fa_scores.begin(), fa_scores.end());
  std::sort(taus.begin(), taus.end(), std::greater<>());
  taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
  const double T = static_cast<double>(std::max<std::ptrdiff_t>(1, r.n_targets));
  r.thresholds.push_back(std::numeric_limits<double>::infinity());
  r.curve_pd.push_back(0.0);
  r.curve_false_alarms.push_back(0.0);
  r.curve_false_alarm_rate.push_back(0.0);
  std::size_t it = 0, ifa = 0;
  for (double tau : taus) {
    while (it < target_scores.size() && target_scores[it] >= tau) ++it;
    while (ifa < fa_scores.size() && fa_scores[ifa] >= tau) ++ifa;
    r.thresholds.push_back(tau);
    r.curve_pd.push_back(r.n_targets > 0 ? static_cast<double>(it) / T : 1.0);
    r.curve_false_alarms.push_back(static_cast<double>(ifa));
    r.curve_false_alarm_rate.push_back(rate(static_cast<double>(ifa)));
  }
  const double final_pd = r.curve_pd.back();
  const double total_fa = static_cast<double>(fa_scores.size());
  if (total_fa == 0) {
    r.auc = final_pd;
  } else {
    double a = 0;
    for (std::size_t k = 1; k < r.curve_pd.size(); ++k)
      a += 0.5 * (r.curve_pd[k] + r.curve_pd[k - 1]) *
           (r.curve_false_alarms[k] - r.curve_false_alarms[k - 1]) / total_fa;
    r.auc = a;
  }
  // FROC: Pd(rate) = best Pd with at most `rate` false alarms per unit (a step function).
  double a = 0;
  const double rmax = o.froc_max_rate;
  for (std::size_t k = 0; k < r.curve_pd.size(); ++k) {
    const double r0 = r.curve_false_alarm_rate[k];
    if (r0 >= rmax) break;
    // Pd on [r0, next rate): the highest Pd among points with rate <= r0 is the current one
    // (Pd never decreases along the curve).
    double r1 = rmax;
    for (std::size_t q = k + 1; q < r.curve_pd.size(); ++q)
      if (r.curve_false_alarm_rate[q] > r0) {
        r1 = std::min(rmax, r.curve_false_alarm_rate[q]);
        break;
      }
    // Skip points of the same rate: only the last (highest Pd) of a run counts.
    if (k + 1 < r.curve_pd.size() && r.curve_false_alarm_rate[k + 1] == r0) continue;
    a += r.curve_pd[k] * (r1 - r0);
  }
  r.froc_auc = a / rmax;
  r.false_alarms_per_m = length > 0
                             ? static_cast<double>(r.false_alarms) / length
                             : (r.false_alarms ? std::numeric_limits<double>::infinity() : 0.0);
  r.false_alarms_per_m2 =
      o.swath_m > 0 ? r.false_alarm_rate : std::numeric_limits<double>::quiet_NaN();
  likeness_roc(dets, truth, r);
  return r;
}

}  // namespace gprkit
