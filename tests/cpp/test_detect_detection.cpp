#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/detect/detection.h"
#include "gprkit/detect/score.h"

using namespace gprkit;

TEST_CASE("find_detections: local maxima, suppression radius, depth range", "[detect]") {
  Header h;
  h.dt_ns = 0.1;
  h.dx_m = 0.01;
  Bscan s(100, 100, h);
  s(40, 20) = 5;    // x 0.20, t 4 ns
  s(41, 20) = 4;    // same blob: not a local max
  s(60, 25) = 3;    // 5 cm away from the first: suppressed (radius 0.1 m)
  s(50, 60) = 4;    // x 0.60: kept
  s(95, 80) = 6;    // deep: outside max_depth
  s(10, 90) = 0.5;  // below the threshold
  NmsOptions o;
  o.threshold = 1.0;
  o.radius_m = 0.1;
  o.velocity_m_per_ns = 0.1;
  o.max_depth_m = 0.4;
  const auto d = find_detections(s.view(), h, o);
  REQUIRE(d.size() == 2);
  CHECK(d[0].trace == 20);
  CHECK(d[0].sample == 40);
  CHECK(d[0].x_m == Approx(0.2));
  CHECK(d[0].t_ns == Approx(4.0));
  CHECK(d[0].depth_m == Approx(0.2).margin(1e-6));  // v t / 2 with no air gap
  CHECK(d[0].score == 5);
  CHECK(d[1].trace == 60);
  CHECK(d[1].depth_m == Approx(0.25).margin(1e-6));
  // A depth radius lets the deeper object under the first one through.
  o.depth_radius_m = 0.05;
  CHECK(find_detections(s.view(), h, o).size() == 3);
  // A per-cell threshold image.
  Bscan t(100, 100, h);
  for (std::ptrdiff_t k = 0; k < 100 * 100; ++k) t.data()[k] = 4.5f;
  const ConstView tv = t.view();
  o.depth_radius_m = -1;
  const auto d2 = find_detections(s.view(), h, o, &tv);
  REQUIRE(d2.size() == 1);
  CHECK(d2[0].score == 5);
  o.max_detections = 1;
  o.threshold = 0.0;
  CHECK(find_detections(s.view(), h, o).size() == 1);
}

TEST_CASE("find_detections: ties are broken by position, the air gap shifts depth", "[detect]") {
  Header h;
  h.dt_ns = 0.1;
  h.dx_m = 0.01;
  h.antenna_height_m = 0.15;  // 1.0 ns two-way in air
  Bscan s(50, 50, h);
  s(30, 10) = 2;
  s(30, 12) = 2;  // tie within the radius: the lower trace wins
  NmsOptions o;
  o.threshold = 1;
  o.velocity_m_per_ns = 0.1;
  const auto d = find_detections(s.view(), h, o);
  REQUIRE(d.size() == 1);
  CHECK(d[0].trace == 10);
  const double t_air = 2 * 0.15 / 0.299792458;
  CHECK(d[0].depth_m == Approx(0.1 * (3.0 - t_air) / 2).margin(1e-6));
  o.radius_m = -1;
  CHECK_THROWS_WITH(find_detections(s.view(), h, o), Catch::Contains("radius_m"));
}

TEST_CASE("find_detections: the local rule lets suppressed candidates suppress too", "[detect]") {
  Header h;
  h.dt_ns = 0.1;
  h.dx_m = 0.01;
  Bscan s(60, 100, h);
  s(30, 20) = 5;  // A
  s(30, 28) = 4;  // B: 8 cm from A, suppressed by A
  s(30, 36) = 3;  // C: 8 cm from B, 16 cm from A
  NmsOptions o;
  o.threshold = 1;
  o.radius_m = 0.1;
  o.min_depth_m = -1e300;
  // Greedy: only kept alarms suppress, so C survives B's suppression.
  auto greedy = find_detections(s.cview(), h, o);
  REQUIRE(greedy.size() == 2);
  CHECK(greedy[1].trace == 36);
  // Local: B is stronger than C and within the radius, so C goes although B is not kept.
  o.local = true;
  auto local = find_detections(s.cview(), h, o);
  REQUIRE(local.size() == 1);
  CHECK(local[0].trace == 20);
  // Flanks: within 0.3 m of A (score 5), candidates below 0.75 * 5 go (C 3, D 3.5); B (4) stays.
  s(30, 45) = 3.5f;
  o.radius_m = 0.05;
  o.shadow_radius_m = 0.3;
  local = find_detections(s.cview(), h, o);
  REQUIRE(local.size() == 2);
  CHECK(local[0].trace == 20);
  CHECK(local[1].trace == 28);
}
