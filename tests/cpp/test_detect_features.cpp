#include <catch2/catch.hpp>
#include <cmath>

#include "gprkit/core/error.h"
#include "gprkit/detect.h"
#include "gprkit/simulate/simulate.h"
#include "test_util.h"

using namespace gprkit;

namespace {

SimulateOptions line(std::vector<Diffractor> diffs) {
  return test::physical_line(std::move(diffs));
}

const Detection* near(const std::vector<Detection>& dets, double x) {
  const Detection* best = nullptr;
  for (const auto& d : dets)
    if (std::abs(d.x_m - x) < 0.1 && (!best || d.score > best->score)) best = &d;
  return best;
}

}  // namespace

TEST_CASE("features: the ground reference is the inverted first arrival where they overlap",
          "[detect][features]") {
  const auto sim = simulate(line({}));
  const GroundReference g = ground_reference(sim.bscan.view(), sim.bscan.header());
  REQUIRE(!g.wavelet.empty());
  CHECK(g.overlaps_direct_wave);
  // The first arrival peaks positive (direct wave 1, ground -0.5 a little later): inverted.
  CHECK(g.wavelet[static_cast<std::size_t>(g.lead)] < 0);
  // The ground time: the peak plus the direct-to-ground delay of the geometry.
  const double delay = 2 * std::hypot(0.03, 0.02) / c_air_m_per_ns - 0.04 / c_air_m_per_ns;
  CHECK(g.ground_time_ns - g.peak_time_ns == Approx(delay));
}

TEST_CASE("features: a separate ground reflection is its own reference", "[detect][features]") {
  SimulateOptions o = line({});
  o.antenna_height_m = 0.2;  // delay 2 * 0.2 / 0.3 - 0.04 / 0.3 = 1.2 ns > 0.75 periods
  o.direct_wave_amplitude = 0.3;
  const auto sim = simulate(o);
  const GroundReference g = ground_reference(sim.bscan.view(), sim.bscan.header());
  REQUIRE(!g.wavelet.empty());
  CHECK_FALSE(g.overlaps_direct_wave);
  CHECK(g.wavelet[static_cast<std::size_t>(g.lead)] < 0);  // the ground's own sign (-0.5)
  CHECK(g.peak_time_ns == Approx(sim.ground_time_ns[0]).margin(0.03));
}

TEST_CASE("features: no reference on a section without an air-ground reflection",
          "[detect][features]") {
  SimulateOptions o = line({{1.5, 0.08, 0.3, 0}});
  o.direct_wave_amplitude = 0;
  o.ground_bounce_amplitude = 0;
  const auto sim = simulate(o);
  CHECK(ground_reference(sim.bscan.view(), sim.bscan.header()).wavelet.empty());
  DetectOptions d;
  d.pipeline = Pipeline();
  const auto dets = detect(sim.bscan, d);
  REQUIRE(!dets.empty());
  CHECK(dets[0].polarity == 0);
  CHECK(dets[0].material == Material::unknown);
  CHECK(dets[0].mine_likeness >= 0);
  CHECK(dets[0].mine_likeness <= 1);
}

TEST_CASE("features: a strong shallow metal object leaves the reference, polarity and depths",
          "[detect][features]") {
  // A plastic-mine-like point (+0.3, opposite to the ground's -0.5) at 6 cm and a metal point
  // 2 and 8 times the ground bounce 2 cm deep on flat ground. The largest deviation in the
  // section is then the metal's: the reference must come from the typical strong trace, and
  // the surface tracker must not read the metal's few traces as a moving ground.
  for (double metal : {-1.0, -4.0}) {
    const auto sim = simulate(line({{0.8, 0.06, 0.3, 0}, {2.0, 0.02, metal, 1}}));
    const GroundReference g = ground_reference(sim.bscan.view(), sim.bscan.header());
    REQUIRE(!g.wavelet.empty());
    CHECK_FALSE(g.from_surface_track);
    const auto dets = detect(sim.bscan);
    const Detection* mine = near(dets, 0.8);
    const Detection* frag = near(dets, 2.0);
    REQUIRE(mine);
    REQUIRE(frag);
    CHECK(mine->polarity == -1);
    CHECK(mine->depth_m == Approx(0.06).margin(0.015));
    CHECK(frag->polarity == 1);
    CHECK(frag->depth_m == Approx(0.02).margin(0.015));
  }
}

TEST_CASE("features: alarms on a wide top's edges move to the top's centre", "[detect][features]") {
  // A 32 cm flat top 8 cm deep: its edges diffract and score as alarms 11-12 cm either side
  // of the centre, each followed along the top by its reflection (width about the top's).
  SimulateOptions o = line({});
  Diffractor top;
  top.x_m = 1.5;
  top.depth_m = 0.08;
  top.amplitude = 0.3;
  top.width_m = 0.32;
  o.diffractors = {top};
  const auto sim = simulate(o);
  DetectOptions d;
  d.feature_options.centre_on_reflection = false;
  const auto off = detect(sim.bscan, d);
  std::size_t edges = 0;
  for (const auto& k : off) edges += std::abs(k.x_m - 1.5) > 0.08 && std::abs(k.x_m - 1.5) < 0.2;
  REQUIRE(edges == 2);  // measured: 1.38 and 1.61
  d.feature_options.centre_on_reflection = true;
  const auto on = detect(sim.bscan, d);
  REQUIRE(on.size() == 1);  // the edges join the centre's alarm
  CHECK(on[0].x_m == Approx(1.5).margin(0.03));
}

TEST_CASE("features: polarity, depth and likeness of low- and high-permittivity objects",
          "[detect][features]") {
  // Relative to the ground reflection (-0.5): +0.3 is opposite (a plastic mine), -0.3 the
  // same (a stone). Depths 6 and 10 cm.
  const auto sim = simulate(line({{0.8, 0.06, 0.3, 0}, {1.8, 0.10, -0.3, 1}}));
  const auto dets = detect(sim.bscan);
  const Detection* mine = near(dets, 0.8);
  const Detection* stone = near(dets, 1.8);
  REQUIRE(mine);
  REQUIRE(stone);
  CHECK(mine->polarity == -1);
  CHECK(mine->material == Material::low_permittivity);
  CHECK(stone->polarity == 1);
  CHECK(stone->material == Material::high_permittivity);
  CHECK(mine->coherence > 0.8);
  // Depth below the ground reflection, without time-zero: within 1.5 cm.
  CHECK(mine->depth_m == Approx(0.06).margin(0.015));
  CHECK(stone->depth_m == Approx(0.10).margin(0.015));
  CHECK(mine->mine_likeness > 0.8);
  CHECK(stone->mine_likeness < 0.2);
  // The same section with the signs flipped flips the classes.
  const auto flipped = simulate(line({{0.8, 0.06, -0.3, 0}, {1.8, 0.10, 0.3, 1}}));
  const auto fd = detect(flipped.bscan);
  REQUIRE(near(fd, 0.8));
  REQUIRE(near(fd, 1.8));
  CHECK(near(fd, 0.8)->polarity == 1);
  CHECK(near(fd, 1.8)->polarity == -1);
}

TEST_CASE("features: a top-and-bottom pair is a double reflection", "[detect][features]") {
  // Top +0.3 at 6 cm, bottom -0.3 4 cm lower (0.8 ns later at 0.1 m/ns); a point alone at 2 m.
  const auto sim = simulate(line({{1.0, 0.06, 0.3, 0}, {1.0, 0.10, -0.3, 0}, {2.2, 0.06, 0.3, 0}}));
  const auto dets = detect(sim.bscan);
  const Detection* pair = near(dets, 1.0);
  const Detection* single = near(dets, 2.2);
  REQUIRE(pair);
  REQUIRE(single);
  CHECK(pair->double_reflection);
  CHECK(pair->double_reflection_delay_ns == Approx(0.8).margin(0.1));
  CHECK_FALSE(single->double_reflection);
  CHECK(pair->mine_likeness > single->mine_likeness);
}

TEST_CASE("features: a thick top-and-bottom pair is less mine-like than a thin one",
          "[detect][features]") {
  // The same mine-polarity top (+0.3 at 6 cm) over a bottom 0.6 ns later (a 5 cm plastic
  // body) and over one 1.6 ns later (thicker than any plastic mine: a stone's two faces).
  const auto sim = simulate(
      line({{1.0, 0.06, 0.3, 0}, {1.0, 0.09, -0.3, 0}, {2.2, 0.06, 0.3, 0}, {2.2, 0.14, -0.3, 0}}));
  const auto dets = detect(sim.bscan);
  const Detection* thin = near(dets, 1.0);
  const Detection* thick = near(dets, 2.2);
  REQUIRE(thin);
  REQUIRE(thick);
  REQUIRE(thin->double_reflection);
  REQUIRE(thick->double_reflection);
  CHECK(thin->polarity == -1);
  CHECK(thick->polarity == -1);
  CHECK(thin->double_reflection_delay_ns == Approx(0.6).margin(0.1));
  CHECK(thick->double_reflection_delay_ns == Approx(1.6).margin(0.1));
  CHECK(thin->mine_likeness > 0.9);
  CHECK(thick->mine_likeness < thin->mine_likeness);
  // In log-odds the thick pair loses 2 per ns beyond 1 ns (coherences differ a little).
  auto logit = [](double p) { return std::log(p / (1 - p)); };
  CHECK(logit(thin->mine_likeness) - logit(thick->mine_likeness) ==
        Approx(2 * (thick->double_reflection_delay_ns - 1.0)).margin(0.4));
}

TEST_CASE("features: a reflection above a mine's top and bottom is not taken for its top",
          "[detect][features]") {
  // A mine (top +0.3 at 14 cm, bottom -0.3 3 cm lower: 0.6 ns) under a reflection of the
  // ground's sign 9.5 cm above it (1.9 ns: the residue of a rough ground's removal). Taken as
  // the top it would make a body 1.9 ns thick, thicker than any plastic mine.
  const auto sim =
      simulate(line({{1.5, 0.045, -0.3, 0}, {1.5, 0.14, 0.3, 0}, {1.5, 0.17, -0.3, 0}}));
  const auto dets = detect(sim.bscan);
  const Detection* mine = near(dets, 1.5);
  REQUIRE(mine);
  CHECK(mine->polarity == -1);
  CHECK(mine->material == Material::low_permittivity);
  CHECK(mine->double_reflection);
  CHECK(mine->double_reflection_delay_ns == Approx(0.6).margin(0.1));
  CHECK(mine->depth_m == Approx(0.14).margin(0.02));
  // The same two upper reflections alone are a thick stone's top and bottom: no bottom of a
  // mine's thickness follows, so the earlier one stays the top.
  const auto stone = simulate(line({{1.5, 0.045, -0.3, 0}, {1.5, 0.14, 0.3, 0}}));
  const auto stone_dets = detect(stone.bscan);
  const Detection* s = near(stone_dets, 1.5);
  REQUIRE(s);
  CHECK(s->polarity == 1);
  CHECK(s->mine_likeness < 0.2);
}

TEST_CASE("features: below the threshold only a strong reflection of a mine's polarity is kept",
          "[detect][features]") {
  // A mine-like (+0.3, opposite to the ground's -0.5) and a stone-like (-0.3) point: with the
  // threshold above both their scores, the weak path keeps the mine alone.
  const auto sim = simulate(line({{0.8, 0.06, 0.3, 0}, {1.8, 0.10, -0.3, 1}}));
  DetectOptions d;
  const auto plain = detect(sim.bscan, d);
  REQUIRE(near(plain, 0.8));
  REQUIRE(near(plain, 1.8));
  d.threshold = 0.999;
  d.weak_threshold = 0.3;
  const auto weak = detect(sim.bscan, d);
  REQUIRE(near(weak, 0.8));
  CHECK_FALSE(near(weak, 1.8));
  for (const auto& k : weak) {
    CHECK(k.score > 0.3);
    CHECK(k.polarity == -1);
    CHECK(k.snr >= d.weak_min_snr);
  }
  d.weak_min_snr = 0;  // off: nothing scores above 0.999
  CHECK(detect(sim.bscan, d).empty());
  DetectOptions energy;  // weak_threshold is a semblance level: no weak path on another score
  energy.score.method = ScoreMethod::energy;
  energy.threshold = 1e6;
  CHECK(detect(sim.bscan, energy).empty());
  d.weak_min_snr = 5;
  d.weak_threshold = std::nan("");
  CHECK_THROWS_WITH(detect(sim.bscan, d), Catch::Contains("weak_threshold"));
}

TEST_CASE("features: alarms of the ground's polarity need min_snr_ground_polarity",
          "[detect][features]") {
  const auto sim = simulate(line({{0.8, 0.06, 0.3, 0}, {1.8, 0.10, -0.3, 1}}));
  DetectOptions d;
  d.min_snr_ground_polarity = 1e6;  // no reflection is that strong: the stone goes
  const auto gated = detect(sim.bscan, d);
  REQUIRE(near(gated, 0.8));
  CHECK_FALSE(near(gated, 1.8));
  for (const auto& k : gated) CHECK(k.polarity != 1);
  d.min_snr = 0;  // turns both gates off
  CHECK(near(detect(sim.bscan, d), 1.8));
  d.min_snr = 2.5;
  d.min_snr_ground_polarity = -1;
  CHECK_THROWS_WITH(detect(sim.bscan, d), Catch::Contains("min_snr_ground_polarity"));
}

TEST_CASE("features: min_mine_likeness drops alarms, features off leaves the defaults",
          "[detect][features]") {
  const auto sim = simulate(line({{0.8, 0.06, 0.3, 0}, {1.8, 0.10, -0.3, 1}}));
  DetectOptions d;
  d.min_mine_likeness = 0.5;
  const auto kept = detect(sim.bscan, d);
  REQUIRE(near(kept, 0.8));
  CHECK_FALSE(near(kept, 1.8));
  for (const auto& k : kept) CHECK(k.mine_likeness >= 0.5);
  d.min_mine_likeness = 0;
  d.features = false;
  for (const auto& k : detect(sim.bscan, d)) {
    CHECK(k.mine_likeness == -1);
    CHECK(k.polarity == 0);
  }
  d.min_mine_likeness = 1.5;
  CHECK_THROWS_WITH(detect(sim.bscan, d), Catch::Contains("min_mine_likeness"));
}

TEST_CASE("features: mine_likeness follows the documented model", "[detect][features]") {
  Detection d;
  d.polarity = -1;
  d.coherence = 1.0;
  d.width_m = 0.1;
  d.double_reflection = true;
  d.double_reflection_delay_ns = 0.6;  // a 5 cm plastic body: 2 h n / c
  CHECK(mine_likeness(d) == Approx(1 / (1 + std::exp(-(-0.5 + 3 + 2 + 0.5)))));
  // The same pair 1.8 ns apart: thicker than any plastic mine the model expects (1 ns).
  d.double_reflection_delay_ns = 1.8;
  CHECK(mine_likeness(d) == Approx(1 / (1 + std::exp(-(-0.5 + 3 + 2 - 1.6 + 0.5)))));
  d.double_reflection_delay_ns = 0.6;
  const double thin = mine_likeness(d);
  d.double_reflection_delay_ns = 1.2;
  CHECK(mine_likeness(d) < thin);
  // A pair whose top has the ground's sign (a stone's top and bottom) gains nothing.
  d.polarity = 1;
  d.double_reflection_delay_ns = 0.6;
  CHECK(mine_likeness(d) == Approx(1 / (1 + std::exp(-(-0.5 - 3 + 0 + 0.5)))));
  d.material = Material::metal;
  d.double_reflection = false;
  CHECK(mine_likeness(d) == Approx(1 / (1 + std::exp(-(-0.5 - 3 + 0.5 - 1.5)))));
  CHECK(std::string(material_name(Material::low_permittivity)) == "low_permittivity");
  CHECK(std::string(material_name(Material::metal)) == "metal");
}

TEST_CASE("evaluate: ROC of mine_likeness among detected objects", "[detect][evaluate]") {
  auto det = [](double x, double score, double ml) {
    Detection d;
    d.x_m = x;
    d.score = score;
    d.mine_likeness = ml;
    return d;
  };
  // Mines at 1, 2, 3; clutter at 4, 5; the clutter at 5 is not alarmed.
  const std::vector<TruthObject> truth = {
      {1, 0, true}, {2, 0, true}, {3, 0, true}, {4, 0, false}, {5, 0, false}};
  std::vector<Detection> dets = {det(1, 0.9, 0.9), det(2, 0.8, 0.3), det(4, 0.7, 0.5),
                                 det(3.5, 0.6, 0.99)};
  const auto r = evaluate(dets, truth, {});
  CHECK(r.n_clutter == 2);
  CHECK(r.n_clutter_detected == 1);
  // Mines 0.9 and 0.3 against the clutter's 0.5: one pair of two wins.
  CHECK(r.likeness_auc == Approx(0.5));
  CHECK(r.likeness_margin == Approx(0.3 - 0.5));
  REQUIRE(r.likeness_thresholds.size() == 4);  // inf, 0.9, 0.5, 0.3
  CHECK(r.likeness_mine_rate.back() == Approx(1.0));
  CHECK(r.likeness_clutter_rate.back() == Approx(1.0));
  CHECK(r.likeness_mine_rate[1] == Approx(0.5));
  CHECK(r.likeness_clutter_rate[1] == Approx(0.0));
  // Per m and per m^2: the alarm at 3.5 and the one on the clutter at 4 are false alarms.
  EvaluateOptions o;
  o.line_length_m = 10;
  o.swath_m = 0.5;
  const auto r2 = evaluate(dets, truth, o);
  CHECK(r2.false_alarms == 2);
  CHECK(r2.false_alarms_per_m == Approx(0.2));
  CHECK(r2.false_alarms_per_m2 == Approx(0.4));
  // Without features the likeness ROC is undefined.
  dets[0].mine_likeness = -1;
  CHECK(std::isnan(evaluate(dets, truth, {}).likeness_auc));
}

namespace {

/// A line without direct wave or ground: a flat top `width_m` wide 8 cm deep at x = 1 m, and
/// an optional point at x = 2.2 m, as plastic (+0.3).
Simulation flat_top_line(double width_m, bool with_point) {
  SimulateOptions o = line({});
  Diffractor top;
  top.x_m = 1.0;
  top.depth_m = 0.08;
  top.amplitude = 0.3;
  top.width_m = width_m;
  o.diffractors = {top};
  if (with_point) o.diffractors.push_back({2.2, 0.08, 0.3, 0});
  o.direct_wave_amplitude = 0;
  o.ground_bounce_amplitude = 0;
  return simulate(o);
}

/// The largest score over the traces whose x satisfies near(x).
template <class Near>
float peak_where(const Bscan& b, Near&& near) {
  float best = 0;
  for (std::ptrdiff_t j = 0; j < b.n_traces(); ++j)
    if (near(b.header().trace_x_m(j)))
      for (std::ptrdiff_t i = 0; i < b.n_samples(); ++i) best = std::max(best, b(i, j));
  return best;
}

}  // namespace

TEST_CASE("flat tops: a wide object's weak hyperbola maximum is scored again",
          "[detect][flat_top]") {
  const auto sim = flat_top_line(0.24, true);
  ScoreOptions so{ScoreMethod::hyperbola};
  so.velocity_m_per_ns = 0.1;
  Bscan s = score(sim.bscan, so);
  auto peak = [&](const Bscan& b, double x0) {
    return peak_where(b, [&](double x) { return std::abs(x - x0) < 0.05; });
  };
  const float wide_before = peak(s, 1.0), point_before = peak(s, 2.2);
  CHECK(wide_before < 0.6f);  // a 24 cm flat top is a poor hyperbola
  CHECK(point_before > 0.7f);
  Bscan r = s;
  const auto raised = rescore_flat_tops(sim.bscan.view(), sim.bscan.header(), so, r.view(), 0.7);
  CHECK(raised >= 1);
  CHECK(peak(r, 1.0) > wide_before + 0.1f);
  CHECK(peak(r, 2.2) == point_before);  // above the threshold: untouched
  CHECK_THROWS_WITH(
      rescore_flat_tops(sim.bscan.view(), sim.bscan.header(), so, r.view(), std::nan("")),
      Catch::Contains("threshold"));
}

TEST_CASE("flat tops: a maximum on a wide top's edge is scored as the top beside it",
          "[detect][flat_top]") {
  // The hyperbola score of a 30 cm top peaks on its edges' diffractions as well as over it:
  // with the centre's maxima taken out, an edge's maximum is raised by the flat top whose
  // edge it is (centred half a top away), not by one centred on it.
  const auto sim = flat_top_line(0.30, false);
  ScoreOptions so{ScoreMethod::hyperbola};
  so.velocity_m_per_ns = 0.1;
  Bscan s = score(sim.bscan, so);
  for (std::ptrdiff_t j = 0; j < s.n_traces(); ++j)
    if (std::abs(s.header().trace_x_m(j) - 1.0) < 0.1)
      for (std::ptrdiff_t i = 0; i < s.n_samples(); ++i) s(i, j) = 0.0f;
  auto edge_peak = [&](const Bscan& b) {
    return peak_where(b, [](double x) { return std::abs(std::abs(x - 1.0) - 0.14) < 0.04; });
  };
  const float before = edge_peak(s);
  Bscan r = s;
  rescore_flat_tops(sim.bscan.view(), sim.bscan.header(), so, r.view(), 0.9);
  CHECK(edge_peak(r) > before + 0.1f);  // measured 0.57 -> 0.71; centred only: unchanged
}
