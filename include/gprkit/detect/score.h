// Anomaly scores of a B-scan: windowed energy z-score, Reed-Xiaoli (RX) and
// diffraction-hyperbola semblance. Each maps a section to a score image of the same
// shape (n_samples x n_traces) in which a buried object stands out.
#pragma once
#include <cstddef>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

enum class ScoreMethod {
  energy,     ///< windowed energy, z-score against a sliding reference window along the line
  rx,         ///< Reed-Xiaoli: Mahalanobis distance of a short vertical feature vector
              ///< from the mean/covariance of an annulus of traces at the same depth
  hyperbola,  ///< semblance along the diffraction hyperbola of a given velocity (0..1)
};

/// Scoring options. Every length <= 0 is derived from the Header (dt_ns, dx_m,
/// centre_frequency_mhz; when the centre frequency is 0 it is measured from the data).
struct ScoreOptions {
  ScoreMethod method = ScoreMethod::energy;

  // ---- windows (shared by energy and rx) ------------------------------------------
  double window_ns = -1.0;    ///< energy: time window (ns); default one period 1000/f
  double window_m = -1.0;     ///< energy: horizontal window (m); default max(dx, 0.02 m)
  double guard_m = -1.0;      ///< half-width of the guard band around the cell (m); default 0.15
  double reference_m = -1.0;  ///< length of the reference window on each side (m); default 0.5
  /// energy: the z-score denominator is sqrt(var_ref + (rel_floor * mean_ref)^2): keeps a
  /// reference window of nearly constant energy from turning tiny changes into huge scores.
  double rel_floor = 0.1;

  // ---- rx ---------------------------------------------------------------------------
  int rx_features = 4;                ///< d, samples per feature vector (1..16)
  double rx_feature_spacing_ns = -1;  ///< spacing of those samples (ns); default a quarter period
  double rx_regularization = 1e-2;    ///< C + (reg * trace(C) / d) I

  // ---- hyperbola ---------------------------------------------------------------------
  double velocity_m_per_ns = 0.1;   ///< ground velocity of the hyperbola (m/ns)
  double aperture_m = -1.0;         ///< half-width of the hyperbola (m); default 0.15
  double semblance_window_ns = -1;  ///< time window of the semblance (ns); default half a period
};

/// The option values actually used once the defaults are derived from the header.
struct ScoreWindows {
  double centre_frequency_mhz = 0;
  std::ptrdiff_t window_samples = 0;    ///< half-width of the time window (samples)
  std::ptrdiff_t window_traces = 0;     ///< half-width of the horizontal window (traces)
  std::ptrdiff_t guard_traces = 0;      ///< half-width of the guard band (traces)
  std::ptrdiff_t reference_traces = 0;  ///< reference traces on each side
  std::ptrdiff_t feature_step = 0;      ///< rx feature spacing (samples)
  std::ptrdiff_t aperture_traces = 0;   ///< hyperbola half-aperture (traces)
};

/// Resolves the defaults of `o` for a section with header `h` (and data `in`, used only when
/// the centre frequency is unknown). Throws InvalidArgument for bad values.
ScoreWindows score_windows(ConstView in, const Header& h, const ScoreOptions& o);

/// Dominant frequency (MHz) of a section: the amplitude-spectrum centroid of up to 64
/// evenly spread traces. Used when the header's centre frequency is 0.
double dominant_frequency_mhz(ConstView in, double dt_ns);

/// out = score of `in` (same shape; out must not overlap in). `h` gives dt_ns, t0_ns, dx_m,
/// antenna_height_m, antenna_separation_m and centre_frequency_mhz.
/// Complexity per cell: energy O(1) (running sums), rx O(d^2) updates plus a d x d Cholesky
/// (d = rx_features, independent of the reference size), hyperbola O(aperture traces).
/// Edges: windows are clipped to the section. Results do not depend on the thread count.
/// Throws InvalidArgument for an empty or non-finite section or bad options.
void score(ConstView in, MutView out, const Header& h, const ScoreOptions& o = {});
/// Convenience: a new Bscan with the header of `in`.
Bscan score(const Bscan& in, const ScoreOptions& o = {});

/// Per-trace score: the maximum over samples [first_sample, first_sample + n_samples)
/// (n_samples = -1: to the end) of each trace of a score image.
std::vector<float> trace_score(ConstView score, std::ptrdiff_t first_sample = 0,
                               std::ptrdiff_t n_samples = -1);

/// Depth (m) below the ground of a reflector right under the antenna whose two-way time
/// is t_ns (from time-zero), honouring the air gap (antenna_height_m) and the antenna
/// separation; negative above the ground (air velocity). Exact (refracted rays), bisection.
double depth_from_time_m(double t_ns, const Header& h, double velocity_m_per_ns);

}  // namespace gprkit
