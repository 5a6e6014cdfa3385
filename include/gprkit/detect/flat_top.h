// A second look at weak hyperbola-score maxima with the response of a flat-topped object: a
// mine 5-30 cm across reflects flat over its top and diffracts from its edges, which the point
// diffractor's hyperbola fits poorly (a 20 cm top scores 0.4 where a point scores 0.8).
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/detect/score.h"

namespace gprkit {

struct FlatTopOptions {
  /// Half-widths of the flat top tried (m); the flanks beyond are the edges' diffractions.
  std::vector<double> half_widths_m = {0.03, 0.06, 0.09, 0.12, 0.15};
  /// Local maxima of the score in [min_score, threshold) are looked at again.
  double min_score = 0.4;
  /// Candidates within shadow_radius_m of a trace scoring above the threshold and above
  /// candidate / shadow_ratio are a strong diffraction's flanks and are left alone, as are
  /// those whose aperture leaves the line.
  double shadow_radius_m = 0.6;
  double shadow_ratio = 0.75;
};

/// For every 3 x 3 local maximum of `score` (the hyperbola score of `in` with `so`) in
/// [o.min_score, threshold), the semblance along the response of a flat top of each
/// half-width (flat over the top, the hyperbola of the nearer edge beyond, the same window and
/// noise floor as the hyperbola score) centred on the maximum's trace or one half-width to
/// either side (the maximum may be an edge's diffraction), at rows within two semblance windows
/// of it (the hyperbola score of a flat top peaks off its time); where the best beats the
/// maximum's score, the best-fitting row of that trace takes it (the alarm's features then
/// centre it on the top: FeatureOptions::centre_on_reflection). Returns how many cells were raised.
/// O(candidates x widths x aperture x window), in parallel over candidates; the raises are applied
/// in a fixed order, so the result does not depend on the thread count.
std::ptrdiff_t rescore_flat_tops(ConstView in, const Header& h, const ScoreOptions& so,
                                 MutView score, double threshold, const FlatTopOptions& o = {});

}  // namespace gprkit
