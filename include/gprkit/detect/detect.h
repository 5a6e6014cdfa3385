// The default detection chain: per-trace filters -> clutter removal -> migration ->
// scoring -> threshold -> non-maximum suppression.
#pragma once
#include <cstddef>
#include <limits>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/detect/air_gap.h"
#include "gprkit/detect/cfar.h"
#include "gprkit/detect/detection.h"
#include "gprkit/detect/features.h"
#include "gprkit/detect/flat_top.h"
#include "gprkit/detect/score.h"
#include "gprkit/pipeline/pipeline.h"

namespace gprkit {

/// Migration step of the chain, run after the preprocessing pipeline at the chain's
/// velocity. `automatic`: phase-shift migration before the energy and rx scores (they need
/// focused targets); none before the hyperbola score, which does its own focusing along the
/// diffraction curve.
enum class DetectMigration { automatic, none, stolt, phase_shift, kirchhoff, backprojection };
/// How the score image is thresholded before non-maximum suppression.
enum class DetectThreshold {
  fixed,  ///< score > threshold everywhere
  cfar,   ///< score > the CFAR threshold image (DetectOptions::cfar) and > threshold
};

/// The default preprocessing of the landmine chain: samples/pipelines/landmine.json (dewow,
/// band-pass with corners from the centre frequency, ground-bounce removal over 1 m),
/// compiled into the library.
Pipeline landmine_pipeline();

/// The chain = a preprocessing pipeline, then migration, scoring and decisions. Stage options
/// are the steps' own option structs (the registry describes each field).
struct DetectOptions {
  /// Process steps run first (any registry process steps; see landmine_pipeline()).
  Pipeline pipeline = landmine_pipeline();
  DetectMigration migration = DetectMigration::automatic;
  /// Ground velocity (m/ns) for migration, the hyperbola score and depths. The default 0.1
  /// m/ns (moist soil, eps_r ~ 9) is what the chain was tuned and tested with: the hyperbola
  /// score tolerates tens of per cent of error, while estimating the velocity from shallow
  /// targets under an air gap is ill-conditioned (see docs/detect.md). <= 0:
  /// estimate_velocity() when its estimate lies in 0.04..0.2 m/ns, else 0.1 m/ns.
  double velocity_m_per_ns = 0.1;
  ScoreOptions score{ScoreMethod::hyperbola};  ///< hyperbola semblance by default
  DetectThreshold threshold_method = DetectThreshold::fixed;
  /// Alarm level on the score; NaN: the method's default (energy z 6, rx 40, hyperbola 0.5).
  double threshold = std::numeric_limits<double>::quiet_NaN();
  CfarOptions cfar{CfarMethod::ca, CfarModel::gaussian, 1e-4, 15, 50, 0, 0, 0.75};
  /// Non-maximum suppression; its threshold and velocity are set by the chain. Flank
  /// suppression: alarms within 0.3 m of a stronger one and below 0.75 of its score are the
  /// flanks of a strong diffraction, not separate objects. Depths from 0 m.
  NmsOptions nms{0.0, 0.1, -1.0, 0.0, 1e300, 0.1, 10000, 0.3, 0.75};
  /// Discrimination features at every alarm (detect/features.h): the ground reference from the
  /// raw section, then compute_features() on the processed one. Off: the feature fields keep
  /// their defaults (mine_likeness -1).
  bool features = true;
  GroundReferenceOptions ground_reference;
  FeatureOptions feature_options;
  /// Alarms whose mine likeness is below this are dropped (0: none; needs features).
  double min_mine_likeness = 0.0;
  /// Alarms whose reflection rises less than this above the section's robust noise level at
  /// its time (Detection::snr) are dropped: rough-ground residue and soil texture score on the
  /// hyperbola too, without standing out in amplitude. Needs features and a ground reference;
  /// 0: none. 2.5 since 2026-12 (was 2): over 24 rough lines it halves the alarms on empty
  /// ground and drops no mine (docs/detect.md).
  double min_snr = 2.5;
  /// The same gate for alarms whose reflection has the ground's polarity (polarity +1: stones,
  /// metal, soil texture and the ground's residue; a plastic mine reflects with the opposite
  /// sign): they are dropped below this snr (the larger of the two applies; min_snr 0 turns
  /// both off). Over 60 rough lines 4 took 10 of 52 alarms off empty ground and lost one mine
  /// of 219 (docs/detect.md).
  double min_snr_ground_polarity = 4.0;
  /// A second way in for weak hyperbolae with a strong reflection: with features, the
  /// hyperbola score, a fixed threshold and a ground reference, alarms scoring above
  /// weak_threshold (a semblance level) but not above the threshold are kept where their
  /// reflection has a plastic mine's polarity (-1) and an snr of at least weak_min_snr. A wide
  /// or deep plastic mine scores 0.3-0.5 on the semblance (a flat top is not a hyperbola)
  /// while its reflection stands 5-20 times above the noise; soil texture that scores so low
  /// stands out less (docs/detect.md). weak_min_snr 0 (or weak_threshold >= threshold): off.
  double weak_threshold = 0.35;
  double weak_min_snr = 5.0;
  /// Time-zero from the data where the header's is evidently not the emission time (see
  /// infer_time_zero(), features.h): depths, the hyperbola shapes and migration need it.
  bool infer_time_zero = true;
  /// Where the header has no antenna height (0), read it from the moveout of the strongest
  /// hyperbolas after the preprocessing (estimate_air_gap(), air_gap.h) and use it for the
  /// velocity, migration, score and depths.
  bool estimate_antenna_height = true;
  AirGapOptions air_gap;
  /// With the hyperbola score: weak maxima looked at again with the response of a flat-topped
  /// object (rescore_flat_tops(), flat_top.h) before the threshold.
  bool flat_tops = true;
  FlatTopOptions flat_top;
  /// With features: alarms within this of a stronger alarm and below nms.shadow_ratio of its
  /// score are its flanks and are dropped (a strong diffraction's tails reach ~0.5 m; the NMS
  /// radius stays at what a stream decides within). 0: off.
  double flank_radius_m = 0.6;
};

/// What the chain did (filled when asked for).
struct DetectReport {
  Bscan processed;               ///< the section after filters, clutter removal and migration
  Bscan score;                   ///< the score image
  double velocity_m_per_ns = 0;  ///< the velocity used
  bool velocity_estimated = false;
  double threshold = 0;    ///< the fixed threshold used
  ScoreWindows windows;    ///< the scoring windows used
  GroundReference ground;  ///< the polarity reference (empty without features)
};

/// Runs the chain on `in` and returns the alarms, highest score first. The processed section
/// in the report carries the history of every step. Throws InvalidArgument for bad options
/// or an empty or non-finite section.
std::vector<Detection> detect(const Bscan& in, const DetectOptions& o = {},
                              DetectReport* report = nullptr);
/// The same on a section the caller gives up: it becomes the chain's working buffer, so the
/// chain holds one section less (what the Python binding uses).
std::vector<Detection> detect(Bscan&& in, const DetectOptions& o = {},
                              DetectReport* report = nullptr);

/// Detect options from a pipeline whose trailing steps may be `score`, `cfar` and
/// `find_detections` (in that order): the steps before `score` become the preprocessing; a
/// `cfar` step selects the CFAR threshold; `find_detections` gives the non-maximum suppression
/// and its `threshold` the fixed threshold; the score step's velocity_m_per_ns becomes the
/// chain's velocity. Stages the pipeline does not name keep `base`'s. A `find_detections` with
/// `local` (what a stream decides) also turns off what needs the whole line (features, the SNR
/// gate, time-zero and antenna height from the data, flat-top rescoring, the wider flank
/// suppression): a stream's offline
/// equivalent (StreamProcessor::offline_pipeline()) then gives the stream's alarms.
/// Throws InvalidArgument when the decision steps are out of order.
DetectOptions detect_options_from_pipeline(const Pipeline& p, DetectOptions base = {});

/// The inverse: the chain as one pipeline (its process steps, then score with the chain's
/// velocity, a cfar step when the threshold is CFAR, and find_detections with the threshold).
/// Migration is not a step: a chain that migrates is refused (InvalidArgument).
Pipeline pipeline_of(const DetectOptions& o);

/// Only the preprocessing part of the chain (filters, clutter removal, migration).
/// `velocity_used` receives the velocity (m/ns) when not null.
/// `ground` receives the air-ground reference (features.h) when not null.
Bscan detect_preprocess(const Bscan& in, const DetectOptions& o, double* velocity_used = nullptr,
                        bool* velocity_estimated = nullptr, GroundReference* ground = nullptr);
/// The same on a section the caller gives up (processed in place).
Bscan detect_preprocess(Bscan&& in, const DetectOptions& o, double* velocity_used = nullptr,
                        bool* velocity_estimated = nullptr, GroundReference* ground = nullptr);

/// The default threshold of a scoring method (energy 6, rx 40, hyperbola 0.5).
double default_threshold(ScoreMethod m);

}  // namespace gprkit
