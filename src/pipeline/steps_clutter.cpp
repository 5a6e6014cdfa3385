// Registry entry of background (clutter) removal (include/gprkit/clutter/background.h).
#include "gprkit/clutter/background.h"
#include "step_def.h"

namespace gprkit::pipeline_detail {

void add_clutter_steps(Registry& r) {
  using O = BackgroundOptions;
  StepInfo i;
  i.name = "remove_background";
  i.doc =
      "Estimate the clutter background (mean/median trace, moving window, eigenimages, "
      "robust PCA, ground-bounce flattening, exponentially weighted mean, rough-ground surface "
      "fit) and subtract it.";
  i.reach_doc =
      "mean, median, svd, rpca: the whole line; moving_mean, moving_median: window_traces / 2 "
      "(windows shorter near the line's ends); exponential: 0 (causal); ground_bounce: the whole "
      "line with "
      "ground_remove_horizontal, else window_traces / 2 + 25 + ground_smooth_traces / 2; "
      "surface: the whole line (the surface track is a global best path)";
  Table<O> t = {
      choice("method", &O::method,
             {{"mean", BackgroundMethod::mean},
              {"median", BackgroundMethod::median},
              {"moving_mean", BackgroundMethod::moving_mean},
              {"moving_median", BackgroundMethod::moving_median},
              {"svd", BackgroundMethod::svd},
              {"rpca", BackgroundMethod::rpca},
              {"ground_bounce", BackgroundMethod::ground_bounce},
              {"exponential", BackgroundMethod::exponential},
              {"surface", BackgroundMethod::surface}},
             "what is estimated and subtracted"),
      integer("window_traces", &O::window_traces, "traces", at_least(1),
              "moving_* and ground_bounce window (odd); exponential: its span"),
      number("window_m", &O::window_m, "m", above(0),
             "the same window as a length along the line; replaces window_traces",
             {0.0, "use window_traces"}),
      integer("first_trace", &O::first_trace, "traces", at_least(0),
              "first trace the background is estimated from"),
      integer("n_traces", &O::n_traces, "traces", at_least(1),
              "traces the background is estimated from", {-1, "to the end of the line"}),
      integer("svd_components", &O::svd_components, "", at_least(1), "svd: eigenimages removed",
              {-1, "the largest gap s_i / s_(i+1), i <= svd_max_components"}),
      integer("svd_max_components", &O::svd_max_components, "", at_least(1),
              "svd: search range of the automatic k"),
      integer("svd_oversampling", &O::svd_oversampling, "", at_least(0),
              "svd: extra random directions"),
      integer("svd_power_iterations", &O::svd_power_iterations, "", at_least(0),
              "svd: subspace iterations"),
      integer("seed", &O::seed, "", at_least(0), "svd / rpca random directions"),
      number("rpca_lambda", &O::rpca_lambda, "", above(0), "rpca: sparsity weight",
             {-1.0, "1 / sqrt(max(n_samples, n_traces))"}),
      number("rpca_tolerance", &O::rpca_tolerance, "", above(0),
             "rpca: stop at ||D - L - S||_F / ||D||_F below this"),
      integer("rpca_max_iterations", &O::rpca_max_iterations, "", at_least(1),
              "rpca: iteration cap"),
      number("rpca_rho", &O::rpca_rho, "", above(1), "rpca: growth of the penalty per iteration"),
      choice("rpca_svd", &O::rpca_svd,
             {{"randomized", RpcaSvd::randomized}, {"full", RpcaSvd::full}},
             "rpca: randomized partial SVD or a full SVD per iteration"),
      integer("ground_first_sample", &O::ground_first_sample, "samples", at_least(0),
              "ground_bounce: first sample searched for the surface reflection"),
      integer("ground_n_samples", &O::ground_n_samples, "samples", at_least(1),
              "ground_bounce: samples searched", {-1, "to the end of the trace"}),
      number("ground_start_ns", &O::ground_start_ns, "ns", any,
             "ground_bounce: search window start (time axis of the section)",
             {-1e300, "ground_first_sample"}),
      number("ground_end_ns", &O::ground_end_ns, "ns", any, "ground_bounce: search window end",
             {1e300, "ground_n_samples"}),
      integer("ground_smooth_traces", &O::ground_smooth_traces, "traces", at_least(1),
              "ground_bounce: running median of the picks (odd)"),
      flag("ground_median", &O::ground_median, "ground_bounce: local median, not mean"),
      flag("ground_remove_horizontal", &O::ground_remove_horizontal,
           "ground_bounce: also remove a time-fixed mean trace (antenna ringing)"),
      integer("ground_iterations", &O::ground_iterations, "", between(1, 100),
              "ground_bounce: alternations between the two backgrounds"),
      integer("surface_iterations", &O::surface_iterations, "", between(1, 100),
              "surface: alternations between the ground fit and the time-fixed mean"),
      number("surface_period_samples", &O::surface_period_samples, "samples", above(0),
             "surface: wavelet period", {0.0, "the header's centre frequency, else measured"}),
      number("surface_before_periods", &O::surface_before_periods, "periods", between(0, 10),
             "surface: gate start before the surface pick"),
      number("surface_after_periods", &O::surface_after_periods, "periods", between(0, 20),
             "surface: gate end after the surface pick"),
      number("surface_max_shift_periods", &O::surface_max_shift_periods, "periods", between(0, 1),
             "surface: largest residual shift fitted per trace"),
  };
  r.push_back(std::make_unique<TypedStep<O>>(
      std::move(i), std::move(t),
      [](const O& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header& h) {
        // Lengths become counts for this shape, so the history records the counts used.
        O r = o.resolve(h, ns, nt);
        r.window_m = 0;
        r.ground_start_ns = -1e300;
        r.ground_end_ns = 1e300;
        return r;
      },
      [](const O& o, const Header&) {
        switch (o.method) {
          case BackgroundMethod::moving_mean:
          case BackgroundMethod::moving_median:
            return StepReach{false, o.window_traces / 2, true};
          case BackgroundMethod::exponential:
            return StepReach{false, 0, true};
          case BackgroundMethod::ground_bounce:
            if (!o.ground_remove_horizontal)
              return StepReach{false, o.window_traces / 2 + 25 + o.ground_smooth_traces / 2, false};
            return StepReach{true, 0, false};
          default:
            return StepReach{true, 0, false};
        }
      },
      [](const O& res, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&, std::string json) {
        return same_shape_plan(
            ns, nt, std::move(json), [res](ConstView in, MutView out, Header&, StepOutputs* extra) {
              BackgroundReport rep;
              remove_background(in, out, res, extra ? &rep : nullptr);
              if (!extra) return;
              extra->arrays.emplace_back("ground_pick_samples", rep.ground_pick_samples);
              extra->arrays.emplace_back(
                  "background_trace",
                  std::vector<double>(rep.background_trace.begin(), rep.background_trace.end()));
              extra->arrays.emplace_back("singular_values", rep.singular_values);
            });
      }));
}

}  // namespace gprkit::pipeline_detail
