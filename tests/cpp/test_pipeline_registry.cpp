// The step registry: every field's default is the options struct's default; plans of the
// per-trace steps allocate nothing once warm.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>

#include "alloc_counter.h"
#include "gprkit/core/threads.h"
#include "gprkit/detect/detection.h"
#include "gprkit/filters.h"
#include "gprkit/pipeline/registry.h"

using namespace gprkit;

// The counters of alloc_counter.h; operator new is replaced here, once for the test program.
std::atomic<long> gprkit::test::allocations{0};
std::atomic<bool> gprkit::test::counting{false};
using gprkit::test::allocations;
using gprkit::test::counting;

#if GPRKIT_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

TEST_CASE("registry: every step lists documented options with parseable defaults", "[pipeline]") {
  const auto names = step_names();
  CHECK(names.size() >= 12);
  for (const auto& n : names) {
    const StepInfo& s = step_info(n);
    CHECK_FALSE(s.doc.empty());
    CHECK_FALSE(s.reach_doc.empty());
    for (const auto& f : s.fields) {
      INFO(n << "." << f.name);
      CHECK_FALSE(f.doc.empty());
      CHECK_FALSE(f.default_json.empty());
      // The default always passes the step's own validation.
      CHECK_NOTHROW(normalize_options(n, "{\"" + f.name + "\": " + f.default_json + "}"));
      if (f.default_json == "null") CHECK_FALSE(f.auto_doc.empty());
    }
  }
  CHECK_THROWS_WITH(step_info("nope"), Catch::Contains("unknown step 'nope'"));
}

TEST_CASE("registry: defaults are the C++ structs' defaults", "[pipeline]") {
  CHECK(normalize_options("gain") ==
        R"({"kind":"tpow","power":1.0,"db_per_ns":0.5,"window_ns":5.0,"max_gain":10000.0})");
  CHECK(normalize_options("dewow") == R"({"window_ns":null})");
  CHECK(normalize_options("bandpass", R"({"low_mhz": 0})").find("\"low_mhz\":0.0") !=
        std::string::npos);
}

TEST_CASE("plans: per-trace steps run without allocating once warm", "[pipeline]") {
  if (!GPRKIT_COUNT_ALLOCATIONS) {
    WARN("allocation counting is off under ASan");
    return;
  }
  set_num_threads(1);
  Header h;
  h.dt_ns = 0.05;
  h.centre_frequency_mhz = 1000;
  Bscan b(512, 64, h);
  for (std::ptrdiff_t j = 0; j < b.n_traces(); ++j)
    for (std::ptrdiff_t i = 0; i < b.n_samples(); ++i)
      b(i, j) = static_cast<float>(std::sin(0.1 * static_cast<double>(i + j)));
  Bscan out(b.n_samples(), b.n_traces(), h);
  for (const char* step : {"dc_remove", "dewow", "bandpass", "gain", "envelope"}) {
    for (const char* opts : {"{}", R"({"kind": "agc"})", R"({"method": "median"})"}) {
      std::string o = opts;
      if (o.find("kind") != std::string::npos && std::string(step) != "gain") continue;
      if (o.find("median") != std::string::npos && std::string(step) != "dc_remove") continue;
      INFO(step << " " << o);
      const auto plan =
          prepare_step(step, normalize_options(step, o), b.n_samples(), b.n_traces(), h);
      Header hh = h;
      plan->run(b.cview(), out.view(), hh);  // first run: this thread's scratch
      allocations = 0;
      counting = true;
      for (int k = 0; k < 3; ++k) plan->run(b.cview(), out.view(), hh);
      counting = false;
      CHECK(allocations.load() == 0);
    }
  }
  set_num_threads(0);
}

TEST_CASE("registry: options_from_json validates and keeps the base for missing options",
          "[pipeline]") {
  NmsOptions base;
  base.shadow_radius_m = 0.3;
  const auto o = options_from_json<NmsOptions>("find_detections", R"({"radius_m": 0.2})", base);
  CHECK(o.radius_m == 0.2);
  CHECK(o.shadow_radius_m == 0.3);
  CHECK_THROWS_WITH(options_from_json<NmsOptions>("find_detections", R"({"radius_m": -1})"),
                    Catch::Contains("radius_m") && Catch::Contains(">= 0"));
  CHECK_THROWS_WITH(options_from_json<NmsOptions>("dewow", "{}"),
                    Catch::Contains("another options struct"));
  GainOptions g;
  g.kind = GainKind::agc;
  g.window_ns = 2.5;
  const auto back = options_from_json<GainOptions>("gain", options_to_json("gain", g));
  CHECK(back.kind == GainKind::agc);
  CHECK(back.window_ns == 2.5);
}
