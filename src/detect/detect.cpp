#include "gprkit/detect/detect.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "gprkit/core/validate.h"

#if defined(GPRKIT_HAS_FILTERS)
#include "gprkit/filters/bandpass.h"
#include "gprkit/filters/dewow.h"
#endif
#if defined(GPRKIT_HAS_CLUTTER)
#include "gprkit/clutter/background.h"
#endif
#if defined(GPRKIT_HAS_MIGRATE) && __has_include("gprkit/migrate/migrate.h")
#include "gprkit/migrate/migrate.h"
#define GPRKIT_DETECT_MIGRATE 1
#endif

namespace gprkit {

namespace {

constexpr const char* kWhere = "detect";

[[noreturn]] void missing(const char* what, const char* folder) {
  check::fail(
      kWhere, what, "a step of the '" + std::string(folder) + "' folder",
      "'none' (this build has no '" + std::string(folder) + "' folder: see GPRKIT_MODULES)");
}

#if defined(GPRKIT_HAS_CLUTTER)
double spacing(const Bscan& b) {
  const Header& h = b.header();
  if (h.dx_m > 0) return h.dx_m;
  if (h.x_m.size() >= 2 && b.n_traces() >= 2)
    return std::abs(h.x_m.back() - h.x_m.front()) / static_cast<double>(b.n_traces() - 1);
  return 0.01;
}
#endif

}  // namespace

double default_threshold(ScoreMethod m) {
  switch (m) {
    case ScoreMethod::energy:
      return 6.0;
    case ScoreMethod::rx:
      return 40.0;
    case ScoreMethod::hyperbola:
      return 0.6;
  }
  return 0.0;
}

Bscan detect_preprocess(const Bscan& in, const DetectOptions& o, double* velocity_used,
                        bool* velocity_estimated) {
  check::finite_data(kWhere, "input", in.view());
  check::positive(kWhere, "dt_ns", in.header().dt_ns);
  check::finite(kWhere, "velocity_m_per_ns", o.velocity_m_per_ns);
  check::finite(kWhere, "dewow_window_ns", o.dewow_window_ns);
  check::finite(kWhere, "bandpass_low_mhz", o.bandpass_low_mhz);
  check::finite(kWhere, "bandpass_high_mhz", o.bandpass_high_mhz);
  check::positive(kWhere, "background_window_m", o.background_window_m);
  const Header& h = in.header();
  const double f = h.centre_frequency_mhz > 0 ? h.centre_frequency_mhz
                                              : dominant_frequency_mhz(in.view(), h.dt_ns);
  Bscan b = in;
  b.header().centre_frequency_mhz = f;
#if defined(GPRKIT_HAS_FILTERS)
  if (o.dewow) {
    DewowOptions d;
    d.window_ns = o.dewow_window_ns > 0 ? o.dewow_window_ns : 3e3 / f;
    dewow(b.view(), b.view(), h.dt_ns, d);  // in place on the working copy
  }
  if (o.bandpass) {
    BandpassOptions bp;
    const double nyq = 0.5e3 / h.dt_ns;
    bp.low_mhz = o.bandpass_low_mhz > 0 ? o.bandpass_low_mhz : 0.3 * f;
    bp.high_mhz = o.bandpass_high_mhz > 0 ? o.bandpass_high_mhz : std::min(2.5 * f, 0.8 * nyq);
    if (bp.low_mhz < bp.high_mhz) bandpass(b.view(), b.view(), h.dt_ns, bp);
  }
#else
  if (o.dewow) missing("dewow", "filters");
  if (o.bandpass) missing("bandpass", "filters");
#endif
  if (o.background != DetectBackground::none) {
#if defined(GPRKIT_HAS_CLUTTER)
    BackgroundOptions bo;
    switch (o.background) {
      case DetectBackground::mean:
        bo.method = BackgroundMethod::mean;
        break;
      case DetectBackground::median:
        bo.method = BackgroundMethod::median;
        break;
      case DetectBackground::moving_mean:
        bo.method = BackgroundMethod::moving_mean;
        break;
      case DetectBackground::moving_median:
        bo.method = BackgroundMethod::moving_median;
        break;
      case DetectBackground::svd:
        bo.method = BackgroundMethod::svd;
        break;
      case DetectBackground::ground_bounce:
        bo.method = BackgroundMethod::ground_bounce;
        break;
      default:
        check::fail(kWhere, "background", static_cast<double>(o.background), "a DetectBackground");
    }
    auto wt = static_cast<std::ptrdiff_t>(std::llround(o.background_window_m / spacing(b)));
    wt = std::clamp<std::ptrdiff_t>(wt | 1, 3, std::max<std::ptrdiff_t>(3, (b.n_traces() - 1) | 1));
    if (wt > b.n_traces()) wt = (b.n_traces() % 2 == 1) ? b.n_traces() : b.n_traces() - 1;
    bo.window_traces = std::max<std::ptrdiff_t>(1, wt);
    b = remove_background(b, bo);
#else
    missing("background", "clutter");
#endif
  }
  double v = o.velocity_m_per_ns;
  bool estimated = false;
#if defined(GPRKIT_DETECT_MIGRATE)
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
#endif
  if (!(v > 0)) v = 0.1;
  DetectMigration mig = o.migration;
  if (mig == DetectMigration::automatic)
    mig = o.score.method == ScoreMethod::hyperbola ? DetectMigration::none
                                                   : DetectMigration::phase_shift;
  if (mig != DetectMigration::none) {
#if defined(GPRKIT_DETECT_MIGRATE)
    MigrateOptions mo;
    switch (mig) {
      case DetectMigration::stolt:
        mo.method = MigrationMethod::stolt;
        break;
      case DetectMigration::phase_shift:
        mo.method = MigrationMethod::phase_shift;
        break;
      case DetectMigration::kirchhoff:
        mo.method = MigrationMethod::kirchhoff;
        break;
      case DetectMigration::backprojection:
        mo.method = MigrationMethod::backprojection;
        break;
      default:
        check::fail(kWhere, "migration", static_cast<double>(o.migration), "a DetectMigration");
    }
    mo.velocity_m_per_ns = v;
    b = migrate(b, mo);
#else
    missing("migration", "migrate");
#endif
  }
  if (velocity_used) *velocity_used = v;
  if (velocity_estimated) *velocity_estimated = estimated;
  return b;
}

std::vector<Detection> detect(const Bscan& in, const DetectOptions& o, DetectReport* report) {
  if (!std::isnan(o.threshold)) check::finite(kWhere, "threshold", o.threshold);
  check::non_negative(kWhere, "nms_radius_m", o.nms_radius_m);
  double v = 0.1;
  bool est = false;
  Bscan pre = detect_preprocess(in, o, &v, &est);
  ScoreOptions so = o.score;
  so.velocity_m_per_ns = v;
  Bscan s = score(pre, so);
  NmsOptions no;
  no.threshold = std::isnan(o.threshold) ? default_threshold(so.method) : o.threshold;
  no.radius_m = o.nms_radius_m;
  no.depth_radius_m = o.nms_depth_radius_m;
  no.shadow_radius_m = o.nms_shadow_radius_m;
  no.shadow_ratio = o.nms_shadow_ratio;
  no.min_depth_m = o.min_depth_m;
  no.max_depth_m = o.max_depth_m;
  no.velocity_m_per_ns = v;
  no.max_detections = o.max_detections;
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
  if (report) {
    report->windows = score_windows(pre.view(), pre.header(), so);
    report->processed = std::move(pre);
    report->score = std::move(s);
    report->velocity_m_per_ns = v;
    report->velocity_estimated = est;
    report->threshold = no.threshold;
  }
  return dets;
}

}  // namespace gprkit
