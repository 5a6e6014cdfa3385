// Steps run through their plans (prepared once, as the pipeline and the streaming processor
// run them) against the direct calls of bench_filters, on the same 1024 x 20,000 section, and
// a whole JSON pipeline against the same chain of calls. 1 thread unless the argument says.
#include <string>

#include "bench_common.h"
#include "gprkit/core/threads.h"
#include "gprkit/pipeline/pipeline.h"
#include "gprkit/pipeline/registry.h"

using namespace gprkit;

namespace {
constexpr std::ptrdiff_t kSamples = 1024;
constexpr std::ptrdiff_t kTraces = 20000;

const Bscan& section() {
  static const Bscan b = bench::standard_section(kTraces, kSamples);
  return b;
}

void plan_bench(benchmark::State& state, const char* step, const char* options) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Bscan& in = section();
  Bscan out(in.n_samples(), in.n_traces(), in.header());
  const auto plan = prepare_step(step, normalize_options(step, options), in.n_samples(),
                                 in.n_traces(), in.header());
  Header h = in.header();
  plan->run(in.view(), out.view(), h);  // warm-up, as in bench_filters
  for (auto _ : state) {
    h = in.header();
    plan->run(in.view(), out.view(), h);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
  set_num_threads(0);
}

void BM_plan_dc_remove(benchmark::State& s) { plan_bench(s, "dc_remove", "{}"); }
void BM_plan_dewow(benchmark::State& s) { plan_bench(s, "dewow", R"({"window_ns": 3.0})"); }
void BM_plan_gain_tpow(benchmark::State& s) {
  plan_bench(s, "gain", R"({"kind": "tpow", "power": 1.5})");
}
void BM_plan_gain_agc(benchmark::State& s) {
  plan_bench(s, "gain", R"({"kind": "agc", "window_ns": 3.0})");
}
void BM_plan_bandpass(benchmark::State& s) {
  plan_bench(s, "bandpass", R"({"low_mhz": 250, "high_mhz": 2500})");
}
void BM_plan_envelope(benchmark::State& s) { plan_bench(s, "envelope", "{}"); }

// The landmine preprocessing as a pipeline (plans prepared on each run, as Pipeline::run does).
void BM_pipeline_landmine(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Bscan& in = section();
  const Pipeline p = Pipeline::from_json(
      R"({"gprkit_pipeline": 1, "steps": [{"step": "dewow"}, {"step": "bandpass"},
          {"step": "remove_background", "options": {"method": "ground_bounce", "window_m": 1.0}}]})");
  for (auto _ : state) {
    Bscan out = p.run(in);
    benchmark::DoNotOptimize(out.data());
  }
  bench::set_rates(state, in.n_samples(), in.n_traces());
  set_num_threads(0);
}

}  // namespace

BENCHMARK(BM_plan_dc_remove)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_plan_dewow)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_plan_gain_tpow)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_plan_gain_agc)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_plan_bandpass)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_plan_envelope)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_pipeline_landmine)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
