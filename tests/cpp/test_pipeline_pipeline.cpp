// Pipeline: JSON in and out, validation messages, runs equal to direct calls, history.
#include <catch2/catch.hpp>
#include <cstring>

#include "gprkit/clutter/background.h"
#include "gprkit/detect/detect.h"
#include "gprkit/filters.h"
#include "gprkit/migrate/migrate.h"
#include "gprkit/pipeline/pipeline.h"
#include "gprkit/pipeline/registry.h"
#include "gprkit/simulate/simulate.h"

using namespace gprkit;

namespace {
Bscan line() {
  SimulateOptions o;
  o.n_samples = 256;
  o.n_traces = 120;
  o.dt_ns = 0.025;
  o.centre_frequency_mhz = 1000;
  o.antenna_height_m = 0.03;
  o.wow_amplitude = 0.3;
  o.noise_std = 0.01;
  o.diffractors = {{0.6, 0.1, 0.5, 0}};
  return simulate(o).bscan;
}
bool identical(const Bscan& a, const Bscan& b) {
  return a.n_samples() == b.n_samples() && a.n_traces() == b.n_traces() &&
         std::memcmp(a.data(), b.data(),
                     sizeof(float) * static_cast<std::size_t>(a.n_samples()) *
                         static_cast<std::size_t>(a.n_traces())) == 0;
}
}  // namespace

TEST_CASE("pipeline: JSON round trip fills defaults and reproduces itself", "[pipeline]") {
  const Pipeline p = Pipeline::from_json(
      R"({"gprkit_pipeline": 1, "steps": [{"step": "dewow", "options": {"window_ns": 3.0}},
          {"step": "bandpass", "options": {"low_mhz": 300, "high_mhz": 2500}}, {"step": "envelope"}]})");
  REQUIRE(p.size() == 3);
  CHECK(p.step(0).options_json == R"({"window_ns":3.0})");
  CHECK(p.step(1).options_json.find("\"shape\":\"cosine\"") != std::string::npos);
  CHECK(p.step(2).options_json == R"({"pad_samples":null})");
  const Pipeline q = Pipeline::from_json(p.to_json());
  CHECK(q.to_json() == p.to_json());
}

TEST_CASE("pipeline: bad pipelines name the step, the option, the value and the choices",
          "[pipeline]") {
  auto msg = [](const char* text) {
    try {
      Pipeline::from_json(text);
    } catch (const InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(msg(R"({"gprkit_pipeline":1,"steps":[{"step":"dewoww"}]})"),
             Catch::Contains("unknown step 'dewoww'") && Catch::Contains("'dewow'"));
  CHECK_THAT(msg(R"({"gprkit_pipeline":1,"steps":[{"step":"dewow","options":{"windw_ns":3}}]})"),
             Catch::Contains("steps[0]") && Catch::Contains("unknown option 'windw_ns'") &&
                 Catch::Contains("'window_ns'"));
  CHECK_THAT(
      msg(R"({"gprkit_pipeline":1,"steps":[{"step":"dewow","options":{"window_ns":"3"}}]})"),
      Catch::Contains("window_ns") && Catch::Contains("\"3\"") && Catch::Contains("a number"));
  CHECK_THAT(msg(R"({"gprkit_pipeline":1,"steps":[{"step":"dewow","options":{"window_ns":-2}}]})"),
             Catch::Contains("window_ns") && Catch::Contains("-2") && Catch::Contains("> 0"));
  CHECK_THAT(msg(R"({"gprkit_pipeline":1,"steps":[{"step":"gain","options":{"kind":"agcc"}}]})"),
             Catch::Contains("kind") && Catch::Contains("'agc'") && Catch::Contains("'tpow'"));
  CHECK_THAT(msg(R"({"gprkit_pipeline":1,"steps":[{"step":"bandpass","options":{"order":2.5}}]})"),
             Catch::Contains("order") && Catch::Contains("an integer"));
  CHECK_THAT(msg(R"({"gprkit_pipeline":1,"steps":[{"step":"dewow","options":{"window_ns":NaN}}]})"),
             Catch::Contains("not valid JSON"));
  CHECK_THAT(msg("not json"), Catch::Contains("not valid JSON"));
  CHECK_THAT(msg(R"({"gprkit_pipeline":2,"steps":[]})"), Catch::Contains("gprkit_pipeline = 2"));
  CHECK_THAT(msg(R"({"steps":[]})"), Catch::Contains("missing 'gprkit_pipeline'"));
  CHECK_THAT(msg(std::string(100000, '[').c_str()), Catch::Contains("nested deeper"));
  CHECK_THAT(
      msg(R"({"gprkit_pipeline":1,"steps":[{"step":"remove_background","options":{"method":"svd","svd_components":0}}]})"),
      Catch::Contains("svd_components") && Catch::Contains(">= 1"));
}

TEST_CASE("pipeline: a run is bit-identical to the same chain of calls, history re-runs it",
          "[pipeline]") {
  const Bscan raw = line();
  SECTION("landmine chain") {
    const Pipeline p = landmine_pipeline();
    Bscan in = raw;
    in.header().centre_frequency_mhz = 1000;
    const Bscan out = p.run(in);
    Bscan ref = dewow(in, {});
    ref = bandpass(ref, {});
    BackgroundOptions bo;
    bo.method = BackgroundMethod::surface;
    bo.window_m = 1.0;
    ref = remove_background(ref, bo);
    CHECK(identical(out, ref));
    REQUIRE(out.header().history.size() == 3);
    CHECK(out.header().history[0].options_json == R"({"window_ns":3.0})");
    const Bscan again = Pipeline::from_history(out.header().history).run(in);
    CHECK(identical(again, out));
  }
  SECTION("geology chain: gain then migration") {
    const Pipeline p = Pipeline()
                           .add("dc_remove")
                           .add("gain", R"({"kind": "sec", "power": 1.0, "db_per_ns": 0.3})")
                           .add("migrate", R"({"method": "stolt", "velocity_m_per_ns": 0.1})");
    const Bscan out = p.run(raw);
    Bscan ref = dc_remove(raw, {});
    ref = gain(ref, {.kind = GainKind::sec, .power = 1.0, .db_per_ns = 0.3});
    ref = migrate(ref, {.method = MigrationMethod::stolt, .velocity_m_per_ns = 0.1});
    CHECK(identical(out, ref));
    CHECK(out.header().antenna_height_m == 0.0);
    std::vector<HistoryEntry> hist = out.header().history;
    hist.insert(hist.begin(), HistoryEntry{"read", R"({"path":"x.dzt"})", "0.1.0"});
    CHECK(identical(Pipeline::from_history(hist).run(raw), out));
  }
}

TEST_CASE("pipeline: time_zero moves t0 and later steps see it, resample changes the shape",
          "[pipeline]") {
  const Bscan raw = line();
  const Bscan out =
      Pipeline().add("time_zero").add("gain").add("resample", R"({"dt_ns":0.05})").run(raw);
  Bscan ref = time_zero(raw, {});
  ref = gain(ref, {});
  CHECK(out.header().dt_ns == 0.05);
  CHECK(out.n_samples() == 128);
  CHECK(out.header().t0_ns == ref.header().t0_ns);
}

TEST_CASE("pipeline: reach is the sum of the steps' reaches", "[pipeline]") {
  Header h;
  h.dx_m = 0.01;
  Pipeline p;
  p.add("dewow").add("bandpass");
  CHECK(p.reach(h).traces == 0);
  CHECK_FALSE(p.reach(h).whole_line);
  CHECK(p.reach(h).causal);
  p.add("remove_background", R"({"method": "moving_mean", "window_traces": 21})");
  CHECK(p.reach(h).traces == 10);
  p.add("migrate");
  CHECK(p.reach(h).whole_line);
}

TEST_CASE("pipeline: decision steps are refused by run()", "[pipeline]") {
  const Pipeline p = Pipeline().add("find_detections");
  CHECK_THROWS_WITH(p.run(line()), Catch::Contains("decision step"));
}

TEST_CASE("pipeline: a prepared plan runs again on new data equal to a fresh run", "[pipeline]") {
  Bscan a = line();
  Bscan b = line();
  for (std::ptrdiff_t k = 0; k < b.n_samples() * b.n_traces(); ++k) b.data()[k] *= -0.5f;
  const Pipeline p = Pipeline()
                         .add("dewow")
                         .add("bandpass", R"({"low_mhz": 200, "high_mhz": 2000})")
                         .add("migrate", R"({"method": "stolt"})")
                         .add("envelope");
  const PipelinePlan plan = p.prepare(a.n_samples(), a.n_traces(), a.header());
  Bscan out(a.n_samples(), a.n_traces());
  for (const Bscan* in : {&a, &b, &a}) {
    Header h = in->header();
    plan.run(in->view(), out.view(), h);
    const Bscan ref = p.run(*in);
    CHECK(identical(out, ref));
    CHECK(h.history.size() == 4);
    CHECK(h.antenna_height_m == 0.0);
  }
  // In place, and the shape is checked.
  Bscan c = a;
  Header h = c.header();
  plan.run(c.view(), c.view(), h);
  CHECK(identical(c, p.run(a)));
  Bscan wrong(a.n_samples(), a.n_traces() + 1, a.header());
  CHECK_THROWS_WITH(plan.run(wrong.view(), wrong.view(), h), Catch::Contains("input shape"));
}
