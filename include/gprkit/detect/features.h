// Discrimination features of alarms: polarity of the reflection relative to the air-ground
// reflection, material class, strength, ringing, width along the line, a top-and-bottom
// double reflection, and the mine likeness built from them. Computed only at the alarms.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/detect/detection.h"

namespace gprkit {

/// The name of a material class: "unknown", "low_permittivity", "high_permittivity", "metal".
const char* material_name(Material m);

/// The air-ground reflection's wavelet, the reference every alarm's reflection is compared with.
struct GroundReference {
  /// The wavelet (first-arrival scale) from `lead` samples before its peak; empty = not found.
  std::vector<float> wavelet;
  std::ptrdiff_t lead = 0;
  double dt_ns = 0.0;           ///< the wavelet's sample interval
  double peak_time_ns = 0.0;    ///< time of the reference's peak on the section's time axis
  double ground_time_ns = 0.0;  ///< the ground reflection's time (peak + direct-to-ground delay
                                ///< of the header's geometry where they overlap)
  /// True when the ground reflection overlaps the direct wave (the usual case with the antenna
  /// a few cm above ground): the reference is then the first arrival, inverted unless the
  /// ground dominates it (see ground_reference()).
  bool overlaps_direct_wave = true;
  /// True when the wavelet is the direct wave, inverted, separated from the moving ground
  /// reflection by track_surface() (clutter/surface.h) because the surface moves.
  bool from_surface_track = false;
};

struct GroundReferenceOptions {
  /// Reference window around the peak, in periods of the centre frequency.
  double lead_periods = 0.6, tail_periods = 0.9;
  /// The ground reflection is taken as a separate arrival only when its delay after the direct
  /// wave (from the header's antenna height and separation) is at least this many periods.
  double min_separation_periods = 0.75;
  /// The median trace's peak must reach this fraction of what the strong traces reach (the
  /// 90th percentile over traces of each one's largest deviation from its mean; not the
  /// section's maximum, which one shallow metal object sets): below it the section has no
  /// air-ground reflection to refer to.
  double min_relative_amplitude = 0.2;
  /// Where the arrivals overlap, first try track_surface() on up to 1024 traces: when it
  /// separates a moving ground reflection from the time-fixed direct wave, that direct wave,
  /// inverted, is the reference (a reflection's shape is the direct wave's; the ground's own
  /// pick, blended with it, is not a clean wavelet).
  bool use_surface_track = true;
};

/// The ground reflection's wavelet from the raw section (`in` before any filter), from the
/// median trace (targets do not bias it). Physics: the air-ground reflection is the direct
/// wave times the Fresnel coefficient R = (1 - n) / (1 + n) < 0 (air to any soil), so where
/// the two overlap in time the first arrival, dominated by the direct wave, is inverted to
/// give the ground's polarity; where the header's antenna height separates them by
/// min_separation_periods, the later arrival is the reference itself. Where they overlap but
/// the time axis is trustworthy (the first arrival's peak lies within half a period of the
/// geometry's direct-wave and ground times) and the peak is nearer the ground's time, the
/// ground dominates (a weak or absent direct wave, as in many simulations) and is not
/// inverted. Needs
/// centre_frequency_mhz > 0 in the header; returns an empty wavelet when the section is flat.
GroundReference ground_reference(ConstView in, const Header& h,
                                 const GroundReferenceOptions& o = {});

/// Where the header's time-zero is evidently not the emission time (t0_ns == 0, as in files
/// without one, and the first arrival's peak more than half a period after the geometry's
/// ground time 2 sqrt(h^2 + a^2 / 4) / c), moves time-zero so the peak sits at its model time:
/// the direct wave's a / c where it overlaps the ground reflection, else the ground's. Updates
/// h.t0_ns and the reference's times; returns the shift applied to the time axis (ns, 0 when
/// none).
double infer_time_zero(GroundReference& g, Header& h);

struct FeatureOptions {
  /// The reflection is looked for from search_before_periods before the alarm's sample to
  /// search_after_periods after it, and not earlier than min_after_ground_periods after the
  /// ground reference's peak. At the apex the hyperbola score stacks the trace at its own
  /// time whatever the velocity, so the alarm sits on or just after the top: a period before
  /// it covers the wavelet, while a wider reach (2.5 periods until 2026-12) caught the
  /// ground's residue and soil texture above small shallow objects. Later, a thick object's
  /// bottom and a score that peaks below a flat top need the longer reach.
  /// min_after_ground_periods: a placement nearer the ground reads the ground wavelet's own
  /// trailing side lobe and the residue of its removal (a Ricker has 7 % of its peak left 0.7
  /// periods out; 0.4 until 2026-12-07, docs/detect.md "Reflection").
  double search_before_periods = 1.0, search_after_periods = 2.5;
  double min_after_ground_periods = 0.7;
  std::ptrdiff_t stack_traces = 1;  ///< traces either side of the alarm averaged
  /// Below this coherence (normalized correlation with the reference) the polarity is 0 and
  /// the material unknown.
  double min_coherence = 0.5;
  /// Metal: the same polarity as the ground and ringing (energy 0.9 to 3 periods after the
  /// reflection, after the reflection and any second reflection are removed, relative to the
  /// reflection's) above metal_ringing, or a strength above metal_strength.
  double metal_ringing = 0.25;
  double metal_strength = 0.5;
  /// Double reflection: a second reflection of the opposite sign, delayed by
  /// [double_min_delay_periods, double_max_delay_periods], at least double_min_ratio as strong.
  double double_min_ratio = 0.4;
  /// A reflection of the other sign first_min_delay_periods to first_max_delay_periods before
  /// the strongest, at least first_min_ratio as strong, is the object's top (the first
  /// reflection; a thick object's bottom can outshine its top). Closer than 0.6 periods the
  /// residue of an imperfect fit would pass for one. Not taken where it would make the body
  /// thicker than a plastic mine (more than thickest_mine_delay_ns above the strongest) while
  /// the strongest has a mine's sign and its own bottom within that delay after it: that is a
  /// mine's top and bottom, and the earlier reflection the ground's residue above it.
  double first_min_ratio = 0.6;
  double first_min_delay_periods = 0.6, first_max_delay_periods = 3.0;
  double double_min_delay_periods = 0.45, double_max_delay_periods = 3.0;
  /// Width: traces either side kept while the same-sign reflection within a quarter period of
  /// the previous trace's time keeps at least width_ratio of the alarm's amplitude.
  double width_ratio = 0.5;
  double max_width_m = 1.0;  ///< the width search stops here
  /// The alarm moves to the middle of the traces its reflection was followed over (the width
  /// above) where that is at most max_centre_width_m: the hyperbola score of a flat top wider
  /// than its Fresnel zone peaks on the edges' diffractions, up to half the top away from its
  /// centre, while a point's reflection extends evenly both ways. Off in a stream's offline
  /// twin (a stream reports the score's cell).
  bool centre_on_reflection = true;
  double min_centre_width_m = 0.1, max_centre_width_m = 0.4;
};

/// Fills the feature fields of each detection from the section the alarms were raised on
/// (`processed`: the chain's section before scoring; its header gives dt, the centre frequency
/// and trace positions) and the ground reference from the raw section. Where the reflection
/// is found (polarity != 0) depth_m becomes the depth of its peak below the ground reflection,
/// v (t - t_ground) / 2 with t_ground from the reference (the first arrival plus the
/// direct-to-ground delay of the header's antenna height where they overlap): a depth that
/// needs neither time-zero nor the antenna height. O(alarms x window), independent of the
/// section's size. A reference with an empty wavelet leaves every alarm unknown (polarity 0)
/// with its mine likeness from the remaining features.
void compute_features(ConstView processed, const Header& h, const GroundReference& g,
                      double velocity_m_per_ns, std::vector<Detection>& dets,
                      const FeatureOptions& o = {});

/// Two-way time through the thickest plastic mine body the features expect: 2 h n / c with
/// h = 8.7 cm and n = 1.73 (eps 3); AP mines are 4-6 cm tall. A top-and-bottom pair further
/// apart is a thicker or denser body (a stone).
inline constexpr double thickest_mine_delay_ns = 1.0;

/// The mine likeness in [0, 1] of a detection with features: a logistic model
///   z = -0.5 + 3 * coherence * (-polarity)
///       + double_reflection * (1 - polarity
///                              - 2 * max(0, double_reflection_delay_ns - thickest_mine_delay_ns))
///       + 0.5 * [0.05 m <= width_m <= 0.4 m] - 1.5 * [material == metal],
///   mine_likeness = 1 / (1 + exp(-z)).
/// A plastic mine reflects with the opposite sign to the ground (its permittivity, about 3, is
/// below any moist soil's), shows its bottom as a second reflection of the other sign, is thin
/// (top to bottom 2 h n / c <= 1 ns for h <= 8.7 cm at eps 3) and 5 to 40 cm across; stones
/// and metal reflect with the ground's sign, metal strongly and ringing, and a stone's bottom
/// comes later (eps 7-30). The weights are set from this physics, not fitted; the thickness
/// and the pair's sign were checked on simulated lines (docs/detect.md).
double mine_likeness(const Detection& d);

}  // namespace gprkit
