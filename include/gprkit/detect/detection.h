// Detections: local maxima of a score image above a threshold, thinned by
// non-maximum suppression, with position, depth, time and score.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

/// What the first reflection of an alarm says the object is made of (see detect/features.h).
enum class Material {
  unknown,            ///< the reflection does not match the ground's wavelet well enough
  low_permittivity,   ///< opposite polarity to the air-ground reflection (plastic, air, dry wood)
  high_permittivity,  ///< the same polarity (stone, water-filled, wet root)
  metal,              ///< the same polarity, strong and/or ringing
};

/// One alarm.
struct Detection {
  double x_m = 0.0;      ///< position along the line (m): header x_m[trace] or trace * dx_m
  double depth_m = 0.0;  ///< depth below the ground (m), from t_ns, the velocity and the air gap
  double t_ns = 0.0;     ///< two-way time from time-zero (ns)
  std::ptrdiff_t trace = 0;
  std::ptrdiff_t sample = 0;
  double score = 0.0;
  // Discrimination features (compute_features(), detect/features.h; defaults: not computed).
  /// Sign of the object's reflection relative to the air-ground reflection: -1 opposite
  /// (permittivity below the soil's: a plastic mine), +1 the same (stone, metal), 0 unknown.
  int polarity = 0;
  Material material = Material::unknown;
  double coherence = 0.0;  ///< 0..1: shape match of the reflection to the ground's wavelet
  double reflection_strength = 0.0;  ///< |reflection amplitude| / |first-arrival amplitude|
  double ringing = 0.0;              ///< energy after the reflection / the reflection's energy
  double width_m = 0.0;  ///< along-line extent over which the reflection keeps half its amplitude
  bool double_reflection = false;           ///< a top-and-bottom pair of opposite signs was found
  double double_reflection_delay_ns = 0.0;  ///< the delay of the bottom after the top (ns)
  /// Peak |amplitude| of the reflection over the section's robust noise level at that time
  /// (the median absolute deviation across traces, / 0.6745): what rises above the clutter.
  double snr = 0.0;
  double mine_likeness = -1.0;  ///< 0..1 (mine_likeness()); -1 = features not computed
};

struct NmsOptions {
  double threshold = 0.0;        ///< a cell is a candidate when score > threshold
  double radius_m = 0.1;         ///< no two detections closer than this along the line (m)
  double depth_radius_m = -1.0;  ///< ... unless further apart in depth (m); < 0: depth ignored
  double min_depth_m = -1e300;   ///< keep detections with depth in [min_depth_m, max_depth_m]
  double max_depth_m = 1e300;
  double velocity_m_per_ns = 0.1;         ///< converts time to depth
  std::ptrdiff_t max_detections = 10000;  ///< keep at most this many (highest scores)
  /// Flank suppression: a candidate within shadow_radius_m of a kept detection and scoring
  /// below shadow_ratio times it is dropped. A strong diffraction (metal, stone) scores
  /// again on its own flanks a few tens of centimetres away; 0 turns this off.
  double shadow_radius_m = 0.0;
  double shadow_ratio = 0.75;
  /// Local rule instead of the greedy one: a candidate is dropped when any stronger candidate
  /// (kept or not) lies within radius_m (and depth_radius_m), or within shadow_radius_m with a
  /// score above candidate / shadow_ratio. Each decision then depends only on candidates
  /// within max(radius_m, shadow_radius_m): what a stream can decide (StreamProcessor uses it).
  bool local = false;
};

/// Greedy non-maximum suppression: candidates are the cells above the threshold (or above
/// the per-cell threshold image when `threshold_image` is given) that are maxima of their
/// 3 x 3 neighbourhood, taken in decreasing score (ties: lower trace, then lower sample,
/// first); a candidate is kept unless a kept one lies within radius_m (and depth_radius_m),
/// or within shadow_radius_m with a score above candidate / shadow_ratio.
/// With o.local, see NmsOptions::local (ranks as above).
/// Returns detections sorted by decreasing score. O(cells + c log c + c * kept).
std::vector<Detection> find_detections(ConstView score, const Header& h, const NmsOptions& o,
                                       const ConstView* threshold_image = nullptr);

}  // namespace gprkit
