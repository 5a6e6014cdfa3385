#include "gprkit/detect/detect.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "gprkit/core/validate.h"
#include "gprkit/detect/air_gap.h"
#include "gprkit/detect/flat_top.h"
#include "gprkit/migrate/migrate.h"
#include "gprkit/pipeline/registry.h"
#include "landmine_pipeline.h"

namespace gprkit {

namespace {
constexpr const char* kWhere = "detect";

const char* migration_name(DetectMigration m) {
  switch (m) {
    case DetectMigration::stolt:
      return "stolt";
    case DetectMigration::phase_shift:
      return "phase_shift";
    case DetectMigration::kirchhoff:
      return "kirchhoff";
    case DetectMigration::backprojection:
      return "backprojection";
    default:
      return nullptr;
  }
}
}  // namespace

Pipeline landmine_pipeline() {
  static const Pipeline p = Pipeline::from_json(detect_detail::landmine_pipeline_json);
  return p;
}

double default_threshold(ScoreMethod m) {
  switch (m) {
    case ScoreMethod::energy:
      return 6.0;
    case ScoreMethod::rx:
      return 40.0;
    case ScoreMethod::hyperbola:
      return 0.5;
  }
  return 0.0;
}

Bscan detect_preprocess(const Bscan& in, const DetectOptions& o, double* velocity_used,
                        bool* velocity_estimated, GroundReference* ground) {
  return detect_preprocess(Bscan(in), o, velocity_used, velocity_estimated, ground);
}

Bscan detect_preprocess(Bscan&& in, const DetectOptions& o, double* velocity_used,
                        bool* velocity_estimated, GroundReference* ground) {
  check::finite_data(kWhere, "input", in.view());
  check::positive(kWhere, "dt_ns", in.header().dt_ns);
  check::finite(kWhere, "velocity_m_per_ns", o.velocity_m_per_ns);
  Bscan b = std::move(in);
  // Every data-dependent default downstream (dewow window, band-pass corners, score windows)
  // is resolved from the centre frequency: measure it once when the file has none.
  if (!(b.header().centre_frequency_mhz > 0))
    b.header().centre_frequency_mhz = dominant_frequency_mhz(b.view(), b.header().dt_ns);
  // The air-ground reflection from the raw section, before any step changes the ground: the
  // polarity reference, and time-zero where the header's is evidently not the emission time.
  GroundReference g_ref;
  if (o.features || o.infer_time_zero || o.estimate_antenna_height) {
    g_ref = ground_reference(b.view(), b.header(), o.ground_reference);
    if (o.infer_time_zero) infer_time_zero(g_ref, b.header());
  }
  b = o.pipeline.run(std::move(b));
  if (o.estimate_antenna_height && !(b.header().antenna_height_m > 0)) {
    // No height in the header: read it from the hyperbolas' moveout (below the ground).
    AirGapOptions ao = o.air_gap;
    if (!g_ref.wavelet.empty())
      ao.min_time_after_ns =
          g_ref.ground_time_ns + 0.5e3 / std::max(1.0, b.header().centre_frequency_mhz);
    const double vs = o.velocity_m_per_ns > 0 ? o.velocity_m_per_ns : 0.1;
    const AirGapEstimate e = estimate_air_gap(b.view(), b.header(), vs, ao);
    if (e.height_m > 0) b.header().antenna_height_m = e.height_m;
  }
  double v = o.velocity_m_per_ns;
  bool estimated = false;
  if (!(v > 0)) {
    try {
      const VelocityEstimate e = estimate_velocity(b, VelocityOptions{});
      if (e.velocity_m_per_ns >= 0.04 && e.velocity_m_per_ns <= 0.2 && e.quality > 0) {
        v = e.velocity_m_per_ns;
        estimated = true;
      }
    } catch (const InvalidArgument&) {
      // No usable hyperbola: fall back to the default below.
    }
  }
  if (!(v > 0)) v = 0.1;
  DetectMigration mig = o.migration;
  if (mig == DetectMigration::automatic)
    mig = o.score.method == ScoreMethod::hyperbola ? DetectMigration::none
                                                   : DetectMigration::phase_shift;
  if (mig != DetectMigration::none) {
    const char* name = migration_name(mig);
    if (name == nullptr)
      check::fail(kWhere, "migration", static_cast<double>(o.migration), "a DetectMigration");
    nlohmann::json mo = {{"method", name}, {"velocity_m_per_ns", v}};
    b = Pipeline().add("migrate", mo.dump()).run(std::move(b));
  }
  if (ground) *ground = std::move(g_ref);
  if (velocity_used) *velocity_used = v;
  if (velocity_estimated) *velocity_estimated = estimated;
  return b;
}

std::vector<Detection> detect(const Bscan& in, const DetectOptions& o, DetectReport* report) {
  return detect(Bscan(in), o, report);
}

std::vector<Detection> detect(Bscan&& in, const DetectOptions& o, DetectReport* report) {
  if (!std::isnan(o.threshold)) check::finite(kWhere, "threshold", o.threshold);
  check::non_negative(kWhere, "nms.radius_m", o.nms.radius_m);
  check::in_range(kWhere, "min_mine_likeness", o.min_mine_likeness, 0.0, 1.0);
  check::non_negative(kWhere, "min_snr", o.min_snr);
  check::finite(kWhere, "weak_threshold", o.weak_threshold);
  check::non_negative(kWhere, "weak_min_snr", o.weak_min_snr);
  check::non_negative(kWhere, "min_snr_ground_polarity", o.min_snr_ground_polarity);
  check::non_negative(kWhere, "flank_radius_m", o.flank_radius_m);
  double v = 0.1;
  bool est = false;
  GroundReference ground;
  Bscan pre = detect_preprocess(std::move(in), o, &v, &est, &ground);
  ScoreOptions so = o.score;
  so.velocity_m_per_ns = v;
  Bscan s = score(pre, so);
  NmsOptions no = o.nms;
  const double threshold = std::isnan(o.threshold) ? default_threshold(so.method) : o.threshold;
  no.threshold = threshold;
  no.velocity_m_per_ns = v;
  if (o.flat_tops && so.method == ScoreMethod::hyperbola)
    rescore_flat_tops(pre.view(), pre.header(), so, s.view(), threshold, o.flat_top);
  // Weak maxima with a strong reflection (DetectOptions::weak_threshold, a semblance level):
  // the NMS looks down to the weak level, the SNR decides below the threshold once the
  // features are known.
  const bool weak = o.features && so.method == ScoreMethod::hyperbola &&
                    o.threshold_method == DetectThreshold::fixed && o.weak_min_snr > 0 &&
                    o.weak_threshold < threshold;
  if (weak) no.threshold = o.weak_threshold;
  std::vector<Detection> dets;
  if (o.threshold_method == DetectThreshold::cfar) {
    Bscan t = cfar(s, o.cfar);
    // Both: above the CFAR level and above the fixed floor.
    for (std::ptrdiff_t k = 0; k < t.n_samples() * t.n_traces(); ++k)
      t.data()[k] = std::max(t.data()[k], static_cast<float>(no.threshold));
    const ConstView tv = t.view();
    dets = find_detections(s.view(), pre.header(), no, &tv);
  } else if (o.threshold_method == DetectThreshold::fixed) {
    dets = find_detections(s.view(), pre.header(), no);
  } else {
    check::fail(kWhere, "threshold_method", static_cast<double>(o.threshold_method),
                "fixed or cfar");
  }
  if (o.features) {
    std::vector<std::ptrdiff_t> cell_trace(dets.size());
    for (std::size_t q = 0; q < dets.size(); ++q) cell_trace[q] = dets[q].trace;
    compute_features(pre.view(), pre.header(), ground, v, dets, o.feature_options);
    // Alarms moved to their reflection's centre (FeatureOptions::centre_on_reflection) can
    // meet, as the two edges of one wide top do: the weaker goes, as in the NMS. Wider flank
    // suppression than a stream can afford: a strong diffraction's tails reach half a metre.
    // dets are sorted by decreasing score.
    std::vector<std::size_t> kept;
    for (std::size_t q = 0; q < dets.size(); ++q) {
      const Detection& d = dets[q];
      // Below the threshold only a strong reflection of a plastic mine's polarity is kept
      // (before it could suppress another alarm; without a reference every polarity is 0).
      if (weak && d.score <= threshold && (d.snr < o.weak_min_snr || d.polarity >= 0)) continue;
      bool drop = false;
      for (std::size_t k : kept) {
        const double dx = std::abs(dets[k].x_m - d.x_m);
        const bool moved = d.trace != cell_trace[q] || dets[k].trace != cell_trace[k];
        drop |= moved && dx <= o.nms.radius_m &&
                (o.nms.depth_radius_m < 0 ||
                 std::abs(dets[k].depth_m - d.depth_m) <= o.nms.depth_radius_m);
        drop |= o.flank_radius_m > 0 && dx <= o.flank_radius_m &&
                d.score < o.nms.shadow_ratio * dets[k].score;
      }
      if (!drop) kept.push_back(q);
    }
    std::vector<Detection> out;
    out.reserve(kept.size());
    for (std::size_t q : kept) out.push_back(dets[q]);
    dets = std::move(out);
    if (o.min_snr > 0 && !ground.wavelet.empty())
      std::erase_if(dets, [&](const Detection& d) {
        return d.snr <
               (d.polarity > 0 ? std::max(o.min_snr, o.min_snr_ground_polarity) : o.min_snr);
      });
    if (o.min_mine_likeness > 0)
      std::erase_if(dets,
                    [&](const Detection& d) { return d.mine_likeness < o.min_mine_likeness; });
  }
  if (report) {
    report->ground = std::move(ground);
    report->windows = score_windows(pre.view(), pre.header(), so);
    report->processed = std::move(pre);
    report->score = std::move(s);
    report->velocity_m_per_ns = v;
    report->velocity_estimated = est;
    report->threshold = threshold;
  }
  return dets;
}

DetectOptions detect_options_from_pipeline(const Pipeline& p, DetectOptions base) {
  Pipeline pre;
  int stage = 0;  // 0 preprocessing, 1 score seen, 2 cfar seen, 3 find_detections seen
  for (std::size_t k = 0; k < p.size(); ++k) {
    const Pipeline::Step& s = p.step(k);
    const std::string where = "steps[" + std::to_string(k) + "] " + s.name;
    auto order = [&](int need, const char* after) {
      if (stage >= need)
        throw InvalidArgument("pipeline: " + where + " comes after " + after +
                              "; the order is process steps, score, cfar, find_detections");
    };
    if (s.name == "score") {
      order(1, "score");
      base.score = options_from_json<ScoreOptions>("score", s.options_json);
      base.velocity_m_per_ns = base.score.velocity_m_per_ns;
      stage = 1;
    } else if (s.name == "cfar") {
      order(2, "cfar");
      base.cfar = options_from_json<CfarOptions>("cfar", s.options_json);
      base.threshold_method = DetectThreshold::cfar;
      stage = 2;
    } else if (s.name == "find_detections") {
      order(3, "find_detections");
      base.nms = options_from_json<NmsOptions>("find_detections", s.options_json);
      base.threshold = base.nms.threshold;
      if (base.nms.local) {
        // A stream's decisions (StreamProcessor::offline_pipeline()): the chain as a stream
        // runs it, without what needs the whole line (features, the SNR gate, time-zero and
        // height from the data, flat-top rescoring), so offline and stream agree.
        base.features = false;
        base.infer_time_zero = false;
        base.estimate_antenna_height = false;
        base.flat_tops = false;
        base.flank_radius_m = 0;
      }
      stage = 3;
    } else {
      if (stage > 0)
        throw InvalidArgument("pipeline: " + where +
                              " is a process step after the score; the order is process steps, "
                              "score, cfar, find_detections");
      pre.add(s.name, s.options_json);
    }
  }
  base.pipeline = std::move(pre);
  return base;
}

Pipeline pipeline_of(const DetectOptions& o) {
  if (o.migration != DetectMigration::none &&
      !(o.migration == DetectMigration::automatic && o.score.method == ScoreMethod::hyperbola))
    throw InvalidArgument("pipeline_of: the chain migrates, which is not a pipeline step here");
  Pipeline p = o.pipeline;
  ScoreOptions so = o.score;
  so.velocity_m_per_ns = o.velocity_m_per_ns > 0 ? o.velocity_m_per_ns : so.velocity_m_per_ns;
  p.add("score", options_to_json("score", so));
  if (o.threshold_method == DetectThreshold::cfar) p.add("cfar", options_to_json("cfar", o.cfar));
  NmsOptions no = o.nms;
  no.threshold = std::isnan(o.threshold) ? default_threshold(so.method) : o.threshold;
  no.velocity_m_per_ns = so.velocity_m_per_ns;
  p.add("find_detections", options_to_json("find_detections", no));
  return p;
}

}  // namespace gprkit
