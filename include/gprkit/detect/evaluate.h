// Evaluation of alarms against ground truth: probability of detection, false alarms,
// ROC / FROC curves over the score threshold and their areas.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/detect/detection.h"

namespace gprkit {

/// A ground-truth object. Only those with is_target count for Pd; an alarm near a
/// non-target (clutter) object is a false alarm like any other alarm outside a target halo.
struct TruthObject {
  double x_m = 0.0;
  double depth_m = 0.0;
  bool is_target = true;
};

struct EvaluateOptions {
  double halo_m =
      0.1;  ///< an alarm declares a target within this distance along the line (inclusive)
  double depth_halo_m = -1.0;   ///< and within this depth difference; < 0: depth ignored
  double line_length_m = -1.0;  ///< for false alarms per metre; <= 0: the span of all x
  double swath_m = 0.0;         ///< > 0: false-alarm rate per m^2 (line_length_m * swath_m)
  double froc_max_rate = 1.0;   ///< FROC area over false-alarm rates [0, froc_max_rate] (> 0)
};

struct EvaluateResult {
  std::ptrdiff_t n_targets = 0;
  std::ptrdiff_t n_detected = 0;
  double pd = 0.0;                      ///< n_detected / n_targets (1 when there are no targets)
  std::ptrdiff_t false_alarms = 0;      ///< alarms outside every target halo
  double false_alarm_rate = 0.0;        ///< per m (or per m^2 with a swath)
  double area_m = 0.0;                  ///< the length (m) or area (m^2) the rate is per
  std::vector<int> detection_target;    ///< per alarm: index of the nearest target in whose halo
                                        ///< it lies, -1 for a false alarm
  std::vector<int> target_detected_by;  ///< per truth object: best-scoring alarm in its halo or -1
  // The curve over the threshold tau (alarm kept when score >= tau): the point tau = +inf
  // (Pd 0, no false alarms), then one point per distinct score among the false alarms and the
  // targets' best alarms, in decreasing order (duplicate alarms on a target add no point).
  std::vector<double> thresholds;
  std::vector<double> curve_pd;
  std::vector<double> curve_false_alarms;  ///< counts
  std::vector<double> curve_false_alarm_rate;
  /// ROC area: the trapezoid area under Pd against false alarms / total false alarms; equal to
  /// the probability that a target outscores a false alarm (ties count half, a target with no
  /// alarm scores below everything). Without false alarms: the final Pd.
  double auc = 0.0;
  /// FROC area: the mean Pd over false-alarm rates [0, froc_max_rate] (the step curve: at a
  /// rate r, the best Pd reached with at most r false alarms per unit; beyond the last point
  /// the final Pd). In [0, 1].
  double froc_auc = 0.0;
  /// False alarms per m of line, and per m^2 of line_length_m x swath_m (NaN without a swath).
  double false_alarms_per_m = 0.0;
  double false_alarms_per_m2 = 0.0;
  // Discrimination among the declared objects: each detected object's best-scoring alarm
  // carries a mine likeness; the ROC of that likeness, mines (is_target) against clutter
  // objects. NaN / empty when an alarm has no features (mine_likeness < 0) or either class has
  // no detected object.
  std::ptrdiff_t n_clutter = 0;           ///< clutter objects in the truth
  std::ptrdiff_t n_clutter_detected = 0;  ///< of them, with an alarm in their halo
  /// P(a detected mine's likeness > a detected clutter object's), ties counting half.
  double likeness_auc = 0.0;
  std::vector<double> likeness_thresholds;    ///< +inf, then the distinct likenesses, decreasing
  std::vector<double> likeness_mine_rate;     ///< detected mines with likeness >= threshold
  std::vector<double> likeness_clutter_rate;  ///< detected clutter objects with likeness >= it
  /// The smallest gap (min over detected mines - max over detected clutter objects) of the
  /// likeness: > 0 when one threshold separates every detected mine from every clutter object.
  double likeness_margin = 0.0;
};

/// Matches alarms to targets. An alarm inside a target's halo is never a false alarm (extra
/// alarms on one target are duplicates, not counted). O((D + T) log(D + T) + D * T).
/// Throws InvalidArgument for a non-positive halo or non-finite positions/scores.
EvaluateResult evaluate(const std::vector<Detection>& detections,
                        const std::vector<TruthObject>& truth, const EvaluateOptions& o = {});

}  // namespace gprkit
