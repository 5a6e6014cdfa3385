// The default detection chain: per-trace filters -> clutter removal -> migration ->
// scoring -> threshold -> non-maximum suppression.
#pragma once
#include <cstddef>
#include <limits>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/detect/cfar.h"
#include "gprkit/detect/detection.h"
#include "gprkit/detect/score.h"

namespace gprkit {

/// Clutter removal step of the chain (maps onto gprkit::remove_background).
enum class DetectBackground { none, mean, median, moving_mean, moving_median, svd, ground_bounce };
/// Migration step of the chain (maps onto gprkit::migrate). `automatic`: phase-shift
/// migration before the energy and rx scores (they need focused targets); none before the
/// hyperbola score, which does its own focusing along the diffraction curve.
enum class DetectMigration { automatic, none, stolt, phase_shift, kirchhoff, backprojection };
/// How the score image is thresholded before non-maximum suppression.
enum class DetectThreshold {
  fixed,  ///< score > threshold everywhere
  cfar,   ///< score > the CFAR threshold image (DetectOptions::cfar) and > threshold
};

/// Every step can be switched off or tuned; lengths <= 0 / NaN are derived from the Header
/// (dt_ns, dx_m, centre_frequency_mhz, antenna_height_m).
struct DetectOptions {
  // 1. per-trace filters
  bool dewow = true;
  double dewow_window_ns = -1;  ///< default: three periods of the centre frequency
  bool bandpass = true;
  double bandpass_low_mhz = -1;   ///< default: 0.3 x centre frequency
  double bandpass_high_mhz = -1;  ///< default: 2.5 x centre frequency (at most 0.8 Nyquist)
  // 2. clutter removal
  DetectBackground background = DetectBackground::ground_bounce;
  double background_window_m = 1.0;  ///< moving_* / ground_bounce window (m)
  // 3. migration
  DetectMigration migration = DetectMigration::automatic;
  /// Ground velocity (m/ns). The default 0.1 m/ns (moist soil, eps_r ~ 9) is what the chain
  /// was tuned and tested with: the hyperbola score tolerates tens of per cent of error,
  /// while estimating the velocity from shallow targets under an air gap is ill-conditioned
  /// (see docs/detect.md). <= 0: estimate_velocity() when the migrate folder is built and its
  /// estimate lies in 0.04..0.2 m/ns, else 0.1 m/ns.
  double velocity_m_per_ns = 0.1;
  // 4. scoring
  ScoreOptions score{ScoreMethod::hyperbola};  ///< hyperbola semblance by default
  // 5. threshold
  DetectThreshold threshold_method = DetectThreshold::fixed;
  /// Alarm level on the score; NaN: the method's default (energy z 6, rx 40, hyperbola 0.6).
  double threshold = std::numeric_limits<double>::quiet_NaN();
  CfarOptions cfar{CfarMethod::ca, CfarModel::gaussian, 1e-4, 15, 50, 0, 0, 0.75};
  // 6. non-maximum suppression
  double nms_radius_m = 0.1;         ///< one alarm per this distance along the line (m)
  double nms_depth_radius_m = -1.0;  ///< < 0: depth ignored by the suppression
  /// Flank suppression (see NmsOptions): alarms within 0.3 m of a stronger one and below
  /// 0.75 of its score are the flanks of a strong diffraction, not separate objects.
  double nms_shadow_radius_m = 0.3;
  double nms_shadow_ratio = 0.75;
  double min_depth_m = 0.0;  ///< alarms only between these depths (m)
  double max_depth_m = 1e300;
  std::ptrdiff_t max_detections = 10000;
};

/// What the chain did (filled when asked for).
struct DetectReport {
  Bscan processed;               ///< the section after filters, clutter removal and migration
  Bscan score;                   ///< the score image
  double velocity_m_per_ns = 0;  ///< the velocity used
  bool velocity_estimated = false;
  double threshold = 0;  ///< the fixed threshold used
  ScoreWindows windows;  ///< the scoring windows used
};

/// Runs the chain on `in` and returns the alarms, highest score first.
/// Throws InvalidArgument for bad options, an empty or non-finite section, or a step whose
/// library folder was not built (GPRKIT_MODULES).
std::vector<Detection> detect(const Bscan& in, const DetectOptions& o = {},
                              DetectReport* report = nullptr);

/// Only the preprocessing part of the chain (filters, clutter removal, migration).
/// `velocity_used` receives the velocity (m/ns) when not null.
Bscan detect_preprocess(const Bscan& in, const DetectOptions& o, double* velocity_used = nullptr,
                        bool* velocity_estimated = nullptr);

/// The default threshold of a scoring method (energy 6, rx 40, hyperbola 0.6).
double default_threshold(ScoreMethod m);

}  // namespace gprkit
