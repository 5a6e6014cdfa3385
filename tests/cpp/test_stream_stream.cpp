// StreamProcessor: the delay law, blocks = single traces, the same traces, scores and alarms as
// the matching offline chain, no allocation after configuration, clear errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <tuple>

#include "alloc_counter.h"
#include "gprkit/core/threads.h"
#include "gprkit/simulate/simulate.h"
#include "gprkit/stream/stream.h"

using namespace gprkit;

namespace {

/// A 1 GHz line with three buried objects, noise, wow and a direct wave.
Simulation line(std::ptrdiff_t n_traces = 700, std::uint64_t seed = 3) {
  SimulateOptions s;
  s.n_samples = 256;
  s.n_traces = n_traces;
  s.dt_ns = 0.04;
  s.dx_m = 0.01;
  s.centre_frequency_mhz = 1000;
  s.noise_std = 0.01;
  s.wow_amplitude = 0.3;
  s.direct_wave_amplitude = 1.0;
  s.seed = seed;
  s.diffractors = {{1.5, 0.12, 1.0}, {3.2, 0.2, -0.8}, {5.0, 0.08, 0.6}};
  return simulate(s);
}

StreamConfig config_for(const Bscan& b, const Pipeline& p = landmine_stream_pipeline()) {
  StreamConfig c;
  c.n_samples = b.n_samples();
  c.header = b.header();
  c.detect = stream_options(p);
  return c;
}

struct Streamed {
  Bscan out;
  std::vector<float> scores;
  std::vector<Detection> alarms;
};

/// Pushes b in blocks of `block` traces.
Streamed stream_all(StreamProcessor& sp, const Bscan& b, std::ptrdiff_t block = 1) {
  Streamed r;
  r.out = Bscan(sp.out_samples(), b.n_traces());
  r.scores.assign(static_cast<std::size_t>(b.n_traces()), 0.0f);
  std::ptrdiff_t done = 0;
  for (std::ptrdiff_t j = 0; j < b.n_traces(); j += block) {
    const std::ptrdiff_t k = std::min(block, b.n_traces() - j);
    const std::ptrdiff_t m =
        sp.push(b.cview().traces(j, k), r.out.view().traces(done, k), r.scores.data() + done);
    done += m;
  }
  r.out = Bscan(r.out.cview().traces(0, done), b.header());
  r.scores.resize(static_cast<std::size_t>(done));
  r.alarms = sp.alarms();
  return r;
}

std::vector<std::tuple<std::ptrdiff_t, std::ptrdiff_t>> cells(const std::vector<Detection>& d,
                                                              std::ptrdiff_t below) {
  std::vector<std::tuple<std::ptrdiff_t, std::ptrdiff_t>> r;
  for (const auto& a : d)
    if (a.trace < below) r.emplace_back(a.trace, a.sample);
  std::sort(r.begin(), r.end());
  return r;
}

/// The stream's output against detect(line, offline_options()) on the whole line.
void check_offline_equivalence(const Bscan& raw, const Pipeline& p) {
  StreamProcessor sp(config_for(raw, p));
  const Streamed s = stream_all(sp, raw, 1);
  const std::ptrdiff_t n_out = raw.n_traces() - sp.delay_traces();
  REQUIRE(s.out.n_traces() == n_out);
  Bscan b(raw.cview(), sp.offline_header());
  DetectReport rep;
  const auto offline = detect(b, sp.offline_options(), &rep);
  double worst = 0, scale = 0;
  for (std::ptrdiff_t j = 0; j < n_out; ++j)
    for (std::ptrdiff_t i = 0; i < s.out.n_samples(); ++i) {
      worst = std::max(worst, double(std::abs(s.out(i, j) - rep.processed(i, j))));
      scale = std::max(scale, double(std::abs(rep.processed(i, j))));
    }
  CHECK(worst <= 1e-5 * scale);
  const std::vector<float> ts = trace_score(rep.score.cview());
  for (std::ptrdiff_t j = 0; j < n_out; ++j)
    REQUIRE(s.scores[static_cast<std::size_t>(j)] ==
            Approx(ts[static_cast<std::size_t>(j)]).margin(1e-5));
  CHECK(cells(s.alarms, n_out) == cells(offline, n_out));
}

}  // namespace

TEST_CASE("stream: after k single pushes exactly max(0, k - delay) traces came out", "[stream]") {
  const Simulation sim = line(300);
  StreamProcessor sp(config_for(sim.bscan));
  // Default chain at 1 cm: moving mean over 1 m (50 ahead), hyperbola aperture 0.15 m (15),
  // suppression over max(0.1, 0.3) m + the 3 x 3 peak test (31).
  std::ptrdiff_t sum = 0;
  for (const auto& [name, d] : sp.stage_delays()) sum += d;
  CHECK(sp.delay_traces() == sum);
  CHECK(sp.delay_traces() == 50 + 15 + 31);
  std::vector<float> out(static_cast<std::size_t>(sp.out_samples()));
  float score = 0;
  for (std::ptrdiff_t k = 1; k <= sim.bscan.n_traces(); ++k) {
    const std::ptrdiff_t m = sp.push(sim.bscan.cview().traces(k - 1, 1),
                                     MutView(out.data(), sp.out_samples(), 1), &score);
    CHECK(m == (k > sp.delay_traces() ? 1 : 0));
    REQUIRE(sp.traces_out() == std::max<std::ptrdiff_t>(0, k - sp.delay_traces()));
  }
}

TEST_CASE("stream: blocks give the same bits as single traces, reset repeats the line",
          "[stream]") {
  const Simulation sim = line(400);
  StreamProcessor a(config_for(sim.bscan)), b(config_for(sim.bscan));
  const Streamed one = stream_all(a, sim.bscan, 1);
  const Streamed blocks = stream_all(b, sim.bscan, 37);
  REQUIRE(one.out.n_traces() == blocks.out.n_traces());
  CHECK(std::equal(one.out.data(), one.out.data() + one.out.n_samples() * one.out.n_traces(),
                   blocks.out.data()));
  CHECK(one.scores == blocks.scores);
  CHECK(cells(one.alarms, 1 << 30) == cells(blocks.alarms, 1 << 30));
  a.reset();
  CHECK(a.traces_in() == 0);
  const Streamed again = stream_all(a, sim.bscan, 5);
  CHECK(std::equal(one.out.data(), one.out.data() + one.out.n_samples() * one.out.n_traces(),
                   again.out.data()));
  CHECK(cells(one.alarms, 1 << 30) == cells(again.alarms, 1 << 30));
}

TEST_CASE("stream: traces, scores and alarms match the offline chain, the objects are found",
          "[stream]") {
  const Simulation sim = line(700);
  SECTION("default chain") {
    check_offline_equivalence(sim.bscan, landmine_stream_pipeline());
    StreamProcessor sp(config_for(sim.bscan));
    const Streamed s = stream_all(sp, sim.bscan, 16);
    for (const auto& t : sim.truth) {
      INFO("object at x = " << t.x_m);
      CHECK(std::any_of(s.alarms.begin(), s.alarms.end(), [&](const Detection& d) {
        return std::abs(d.x_m - t.x_m) < 0.1 && std::abs(d.depth_m - t.depth_m) < 0.05;
      }));
    }
  }
  SECTION("moving median, exponential background, gain and dc") {
    check_offline_equivalence(sim.bscan, Pipeline::from_json(R"({"gprkit_pipeline": 1, "steps": [
          {"step": "remove_background", "options": {"method": "moving_median", "window_traces": 41}},
          {"step": "score", "options": {"method": "hyperbola", "aperture_m": 0.1}},
          {"step": "find_detections", "options": {"threshold": 0.5, "radius_m": 0.2}}]})"));
    check_offline_equivalence(sim.bscan, Pipeline::from_json(R"({"gprkit_pipeline": 1, "steps": [
          {"step": "bandpass", "options": {"low_mhz": 300, "high_mhz": 2000}},
          {"step": "remove_background", "options": {"method": "exponential", "window_traces": 60}},
          {"step": "time_zero", "options": {"target_sample": 10}},
          {"step": "envelope"}]})"));
  }
  SECTION("energy and rx scores, CFAR thresholds") {
    for (const char* tail : {
             R"({"step": "score", "options": {"method": "energy"}},
                {"step": "find_detections", "options": {"threshold": 4}})",
             R"({"step": "score", "options": {"method": "rx", "rx_features": 3}},
                {"step": "find_detections", "options": {"threshold": 20}})",
             R"({"step": "score", "options": {"method": "energy"}},
                {"step": "cfar", "options": {"model": "gaussian", "pfa": 1e-3}},
                {"step": "find_detections", "options": {"threshold": 2}})",
             R"({"step": "score", "options": {"method": "hyperbola"}},
                {"step": "cfar", "options": {"method": "os", "train_samples": 2, "guard_samples": 1}},
                {"step": "find_detections", "options": {"threshold": 0.3}})",
             R"({"step": "score", "options": {"method": "rx"}},
                {"step": "cfar", "options": {"method": "ca", "train_samples": 3}},
                {"step": "find_detections", "options": {"threshold": 5}})"}) {
      INFO(tail);
      check_offline_equivalence(sim.bscan,
                                Pipeline::from_json(std::string(R"({"gprkit_pipeline": 1, "steps": [
            {"step": "dewow"}, {"step": "bandpass"},
            {"step": "remove_background", "options": {"method": "moving_mean", "window_m": 0.5}},)") +
                                                    tail + "]}"));
    }
  }
}

TEST_CASE("stream: push allocates nothing after configuration", "[stream]") {
#if GPRKIT_COUNT_ALLOCATIONS
  const Simulation sim = line(300);
  StreamProcessor sp(config_for(sim.bscan));
  Bscan out(sp.out_samples(), sim.bscan.n_traces());
  std::vector<float> scores(static_cast<std::size_t>(sim.bscan.n_traces()));
  std::vector<Detection> alarms(64);
  test::allocations = 0;
  test::counting = true;
  std::ptrdiff_t done = 0;
  for (std::ptrdiff_t j = 0; j < sim.bscan.n_traces(); ++j) {
    done +=
        sp.push(sim.bscan.cview().traces(j, 1), out.view().traces(done, 1), scores.data() + done);
    sp.drain_alarms(alarms.data(), alarms.size());
  }
  sp.reset();
  test::counting = false;
  CHECK(test::allocations.load() == 0);
  CHECK(done == sim.bscan.n_traces() - sp.delay_traces());
#else
  WARN("skipped: allocation counting is off under ASan");
#endif
}

TEST_CASE("stream: bad input is refused with a message and pushes nothing", "[stream]") {
  const Simulation sim = line(120);
  StreamProcessor sp(config_for(sim.bscan));
  std::vector<float> t(static_cast<std::size_t>(sim.bscan.n_samples()), 0.0f);
  CHECK_THROWS_WITH(sp.push(ConstView(t.data(), 100, 1), {}, nullptr),
                    Catch::Contains("trace length") && Catch::Contains("256"));
  Bscan block(sim.bscan.cview().traces(0, 4), sim.bscan.header());
  block(7, 2) = std::nanf("");
  CHECK_THROWS_WITH(sp.push(block.cview(), {}, nullptr),
                    Catch::Contains("NaN at sample 7, trace 2"));
  CHECK(sp.traces_in() == 0);
  auto refuse = [&](const char* steps, const char* what) {
    INFO(steps);
    auto make = [&] {
      StreamConfig c = config_for(sim.bscan);
      c.detect = stream_options(
          Pipeline::from_json(std::string(R"({"gprkit_pipeline": 1, "steps": )") + steps + "}"));
      StreamProcessor sp2(c);
    };
    CHECK_THROWS_WITH(make(), Catch::Contains(what));
  };
  refuse(R"([{"step": "remove_background", "options": {"method": "ground_bounce"}}])",
         "moving_mean, moving_median or exponential");
  refuse(R"([{"step": "remove_background", "options": {"method": "svd"}}])", "whole line");
  refuse(R"([{"step": "time_zero"}])", "target_sample");
  refuse(R"([{"step": "migrate"}])", "whole line");
  refuse(R"([{"step": "score", "options": {"method": "energy"}}, {"step": "cfar"}])",
         "model gaussian");
  refuse(R"([{"step": "score"}, {"step": "dewow"}])", "after the score");
  StreamConfig c = config_for(sim.bscan);
  c.n_samples = 0;
  CHECK_THROWS_WITH(StreamProcessor(c), Catch::Contains("n_samples"));
  c = config_for(sim.bscan);
  c.header.dt_ns = -1;
  CHECK_THROWS_WITH(StreamProcessor(c), Catch::Contains("dt_ns"));
}

TEST_CASE("stream: options change between lines, any instrument runs the default chain",
          "[stream]") {
  const Simulation sim = line(200);
  StreamProcessor sp(config_for(sim.bscan));
  const std::ptrdiff_t d0 = sp.delay_traces();
  sp.reset(stream_options(Pipeline::from_json(R"({"gprkit_pipeline": 1, "steps": [
      {"step": "remove_background", "options": {"method": "moving_mean", "window_traces": 11}}]})")));
  CHECK(sp.delay_traces() == d0 - 50 + 5);
  // A 100 MHz pulseEKKO-like line (0.8 ns, 200 samples, 0.25 m spacing) and a 1.5 GHz handheld
  // one without a centre frequency: the default chain configures and runs on both.
  for (auto [dt, ns, dx] : {std::tuple{0.8, 200, 0.25}, std::tuple{0.02, 512, 0.005}}) {
    StreamConfig c;
    c.n_samples = ns;
    c.header.dt_ns = dt;
    c.header.dx_m = dx;
    StreamProcessor p(c);
    std::vector<float> tr(static_cast<std::size_t>(ns));
    for (int i = 0; i < ns; ++i) tr[static_cast<std::size_t>(i)] = std::sin(0.3f * i);
    std::ptrdiff_t out = 0;
    for (int k = 0; k < 300; ++k) out += p.push(ConstView(tr.data(), ns, 1), {}, nullptr);
    CHECK(out == std::max<std::ptrdiff_t>(0, 300 - p.delay_traces()));
  }
}

TEST_CASE("stream: channels in parallel equal separate processors, any thread count", "[stream]") {
  const Simulation a = line(250, 1), b = line(250, 2), c = line(250, 3);
  const Bscan* lines[] = {&a.bscan, &b.bscan, &c.bscan};
  std::vector<Streamed> solo;
  for (const Bscan* l : lines) {
    StreamProcessor sp(config_for(*l));
    solo.push_back(stream_all(sp, *l, 250));
  }
  for (int threads : {1, 3}) {
    StreamChannels ch(config_for(a.bscan), 3);
    std::vector<Bscan> outs(3, Bscan(ch.channel(0).out_samples(), 250));
    std::vector<std::vector<float>> scores(3, std::vector<float>(250));
    ConstView in[3];
    MutView out[3];
    float* sc[3];
    std::ptrdiff_t n[3];
    for (int k = 0; k < 3; ++k) {
      in[k] = lines[k]->cview();
      out[k] = outs[static_cast<std::size_t>(k)].view();
      sc[k] = scores[static_cast<std::size_t>(k)].data();
    }
    ch.push(in, out, sc, n, threads);
    for (int k = 0; k < 3; ++k) {
      const Streamed& s = solo[static_cast<std::size_t>(k)];
      REQUIRE(n[k] == s.out.n_traces());
      CHECK(std::equal(s.out.data(), s.out.data() + s.out.n_samples() * n[k],
                       outs[static_cast<std::size_t>(k)].data()));
      CHECK(cells(ch.channel(k).alarms(), 1 << 30) == cells(s.alarms, 1 << 30));
    }
  }
}
