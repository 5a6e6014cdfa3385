// Registry entries of scoring and decisions (include/gprkit/detect/).
#include <cmath>

#include "gprkit/core/validate.h"
#include "gprkit/detect/cfar.h"
#include "gprkit/detect/detection.h"
#include "gprkit/detect/score.h"
#include "step_def.h"

namespace gprkit::pipeline_detail {

namespace {
StepInfo info(const char* name, const char* doc, const char* reach, StepKind kind) {
  StepInfo i;
  i.name = name;
  i.doc = doc;
  i.reach_doc = reach;
  i.kind = kind;
  return i;
}

/// The trace spacing a window in metres is converted with (as score() does).
double spacing(const Header& h) { return h.dx_m > 0 ? h.dx_m : 0.01; }
std::ptrdiff_t traces(const char* what, double m, const Header& h) {
  return check::count("reach", what, m, spacing(h), "traces", check::kMaxElements,
                      check::Round::up);
}
}  // namespace

void add_detect_steps(Registry& r) {
  {
    using O = ScoreOptions;
    Table<O> t = {
        choice("method", &O::method,
               {{"energy", ScoreMethod::energy},
                {"rx", ScoreMethod::rx},
                {"hyperbola", ScoreMethod::hyperbola}},
               "energy z-score, Reed-Xiaoli, or diffraction-hyperbola semblance"),
        number("window_ns", &O::window_ns, "ns", above(0), "energy: time window",
               {-1.0, "one period of the centre frequency"}),
        number("window_m", &O::window_m, "m", above(0), "energy: horizontal window",
               {-1.0, "max(trace spacing, 0.02 m)"}),
        number("guard_m", &O::guard_m, "m", at_least(0), "half-width of the guard band",
               {-1.0, "0.15 m"}),
        number("reference_m", &O::reference_m, "m", above(0),
               "reference window on each side of the guard band", {-1.0, "0.5 m"}),
        number("rel_floor", &O::rel_floor, "", at_least(0),
               "energy: relative floor of the z-score denominator"),
        integer("rx_features", &O::rx_features, "samples", between(1, 16),
                "rx: samples per feature vector"),
        number("rx_feature_spacing_ns", &O::rx_feature_spacing_ns, "ns", above(0),
               "rx: spacing of those samples", {-1.0, "a quarter period"}),
        number("rx_regularization", &O::rx_regularization, "", at_least(0),
               "rx: covariance regularization"),
        number("velocity_m_per_ns", &O::velocity_m_per_ns, "m/ns", {0, 0.3, true, false},
               "hyperbola: ground velocity"),
        number("aperture_m", &O::aperture_m, "m", above(0), "hyperbola: half-width",
               {-1.0, "0.15 m"}),
        number("semblance_window_ns", &O::semblance_window_ns, "ns", above(0),
               "hyperbola: semblance time window", {-1.0, "half a period"}),
    };
    r.push_back(std::make_unique<TypedStep<O>>(
        info("score",
             "Anomaly score image of a section (same shape): energy z-score, RX or hyperbola "
             "semblance.",
             "window_m / 2 + guard_m + reference_m (energy), guard_m + reference_m (rx; 0.15 + "
             "0.5 m by default), aperture_m (hyperbola, 0.15 m); each in traces",
             StepKind::process),
        std::move(t), nullptr,
        [](const O& o, const Header& h) {
          // The windows score() uses; their trace counts do not depend on the frequency.
          Header hh = h;
          if (!(hh.centre_frequency_mhz > 0)) hh.centre_frequency_mhz = 1000;
          const float zero = 0;
          const ScoreWindows w = score_windows(ConstView(&zero, 1, 1), hh, o);
          const std::ptrdiff_t t = o.method == ScoreMethod::hyperbola ? w.aperture_traces
                                   : o.method == ScoreMethod::energy
                                       ? w.window_traces + w.guard_traces + w.reference_traces
                                       : w.guard_traces + w.reference_traces;
          return StepReach{false, t, true};
        },
        [](const O& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&, std::string json) {
          return same_shape_plan(
              ns, nt, std::move(json),
              [o](ConstView in, MutView out, Header& h, StepOutputs*) { score(in, out, h, o); },
              /*in_place=*/false);
        }));
  }
  {
    using O = CfarOptions;
    Table<O> t = {
        choice("method", &O::method, {{"ca", CfarMethod::ca}, {"os", CfarMethod::os}},
               "cell averaging or order statistic"),
        choice("model", &O::model,
               {{"exponential", CfarModel::exponential}, {"gaussian", CfarModel::gaussian}},
               "distribution of the score without a target"),
        number("pfa", &O::pfa, "", {0, 0.5, true, true}, "false-alarm probability per cell"),
        integer("guard_traces", &O::guard_traces, "traces", at_least(0),
                "guard cells each side along the line"),
        integer("train_traces", &O::train_traces, "traces", at_least(1),
                "training cells each side along the line"),
        integer("guard_samples", &O::guard_samples, "samples", at_least(0),
                "guard cells each side down the trace"),
        integer("train_samples", &O::train_samples, "samples", at_least(0),
                "training rows each side down the trace"),
        number("os_rank", &O::os_rank, "", {0, 1, true, false},
               "os: the k-th smallest cell, k = ceil(os_rank * N)"),
    };
    r.push_back(std::make_unique<TypedStep<O>>(
        info("cfar",
             "CFAR threshold image of a score image (same shape): a cell is an alarm where "
             "score > threshold.",
             "guard_traces + train_traces", StepKind::process),
        std::move(t), nullptr,
        [](const O& o, const Header&) {
          return StepReach{false, o.guard_traces + o.train_traces, false};
        },
        [](const O& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&, std::string json) {
          return same_shape_plan(
              ns, nt, std::move(json),
              [o](ConstView in, MutView out, Header&, StepOutputs*) { cfar(in, out, o); },
              /*in_place=*/false);
        }));
  }
  {
    using O = NmsOptions;
    Table<O> t = {
        number("threshold", &O::threshold, "", any, "a cell is a candidate when score > this"),
        number("radius_m", &O::radius_m, "m", at_least(0),
               "no two detections closer than this along the line"),
        number("depth_radius_m", &O::depth_radius_m, "m", at_least(0),
               "... unless further apart than this in depth", {-1.0, "depth ignored"}),
        number("min_depth_m", &O::min_depth_m, "m", any, "shallowest detection kept"),
        number("max_depth_m", &O::max_depth_m, "m", any, "deepest detection kept"),
        number("velocity_m_per_ns", &O::velocity_m_per_ns, "m/ns", {0, 0.3, true, false},
               "converts time to depth"),
        integer("max_detections", &O::max_detections, "", at_least(0),
                "keep at most this many (highest scores)"),
        number("shadow_radius_m", &O::shadow_radius_m, "m", at_least(0),
               "flank suppression radius (0 = off)"),
        number("shadow_ratio", &O::shadow_ratio, "", between(0, 1),
               "a candidate below this fraction of a stronger neighbour's score is a flank"),
        flag("local", &O::local,
             "suppression by every stronger candidate, kept or not (bounded reach; what a "
             "stream uses), not greedily by the kept ones"),
    };
    r.push_back(std::make_unique<TypedStep<O>>(
        info("find_detections",
             "Local maxima of a score image above the threshold, thinned by non-maximum and "
             "flank suppression: the alarms.",
             "the whole line (greedy suppression in score order); with local: max(radius_m, "
             "shadow_radius_m) + 1 trace",
             StepKind::decide),
        std::move(t), nullptr,
        [](const O& o, const Header& h) {
          // Local rule: candidates within the larger radius, plus the 3 x 3 peak test.
          if (o.local)
            return StepReach{
                false, traces("radius_m", std::max(o.radius_m, o.shadow_radius_m), h) + 1, true};
          return StepReach{true, 0, false};
        },
        [](const O&, std::ptrdiff_t, std::ptrdiff_t, const Header&,
           std::string) -> std::unique_ptr<StepPlan> {
          throw InvalidArgument(
              "find_detections: a decision step (score image in, detections out) does not run "
              "inside a pipeline; use detect() or find_detections()");
        }));
  }
}

}  // namespace gprkit::pipeline_detail
