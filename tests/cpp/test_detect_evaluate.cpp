#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/detect/evaluate.h"

using namespace gprkit;

namespace {
Detection alarm(double x, double s, double z = 0.1) {
  Detection d;
  d.x_m = x;
  d.depth_m = z;
  d.score = s;
  return d;
}
}  // namespace

TEST_CASE("evaluate: hand-made line with duplicates, clutter and alarms outside halos",
          "[detect]") {
  const std::vector<TruthObject> truth = {
      {1.0, 0.1, true}, {2.0, 0.1, true}, {3.0, 0.1, true}, {4.0, 0.1, false}};
  const std::vector<Detection> dets = {alarm(1.05, 0.9), alarm(2.5, 0.8), alarm(2.02, 0.7),
                                       alarm(1.0, 0.6), alarm(4.0, 0.95)};
  EvaluateOptions o;
  o.halo_m = 0.1;
  o.line_length_m = 10;
  o.froc_max_rate = 0.2;
  const auto r = evaluate(dets, truth, o);
  CHECK(r.n_targets == 3);
  CHECK(r.n_detected == 2);
  CHECK(r.pd == Approx(2.0 / 3));
  CHECK(r.false_alarms == 2);  // the alarm at 2.5 and the one on the clutter object
  CHECK(r.false_alarm_rate == Approx(0.2));
  CHECK(r.detection_target == std::vector<int>{0, -1, 1, 0, -1});
  CHECK(r.target_detected_by == std::vector<int>{0, 2, -1, 4});
  CHECK(r.thresholds.size() == 5);  // +inf, then 0.95, 0.9, 0.8, 0.7 (the duplicate 0.6 adds none)
  CHECK(r.curve_pd == std::vector<double>{0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3});
  CHECK(r.curve_false_alarms == std::vector<double>{0, 1, 1, 2, 2});
  // Mann-Whitney: targets 0.9, 0.7, missed; false alarms 0.95, 0.8 -> 1 of 6 pairs won.
  CHECK(r.auc == Approx(1.0 / 6));
  // FROC: Pd 0 on [0, 0.1), 1/3 on [0.1, 0.2] -> mean 1/6.
  CHECK(r.froc_auc == Approx(1.0 / 6));
  o.swath_m = 0.5;
  CHECK(evaluate(dets, truth, o).false_alarm_rate == Approx(0.4));
}

TEST_CASE("evaluate: ties, halo boundary, depth halo, no false alarms", "[detect]") {
  const std::vector<TruthObject> truth = {{1.0, 0.1, true}};
  auto r = evaluate({alarm(1.1, 0.5), alarm(5.0, 0.5)}, truth, {});
  CHECK(r.pd == 1.0);  // the halo is inclusive
  CHECK(r.false_alarms == 1);
  CHECK(r.curve_pd.size() == 2);  // a tie enters as one point
  CHECK(r.auc == Approx(0.5));
  EvaluateOptions o;
  o.depth_halo_m = 0.05;
  r = evaluate({alarm(1.0, 0.5, 0.3)}, truth, o);
  CHECK(r.pd == 0.0);
  CHECK(r.false_alarms == 1);
  r = evaluate({alarm(1.0, 0.5)}, truth, {});
  CHECK(r.false_alarms == 0);
  CHECK(r.auc == 1.0);
  CHECK(r.froc_auc == 1.0);
  r = evaluate({}, truth, {});
  CHECK(r.pd == 0.0);
  CHECK(r.auc == 0.0);
  o = {};
  o.halo_m = 0;
  CHECK_THROWS_WITH(evaluate({}, truth, o), Catch::Contains("halo_m"));
  CHECK_THROWS_AS(evaluate({alarm(NAN, 1)}, truth, {}), InvalidArgument);
}
