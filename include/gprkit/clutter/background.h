// Background (clutter) removal: mean / median trace, moving-window mean / median,
// eigenimage (SVD), robust PCA and ground-bounce flattening.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gprkit/clutter/rpca.h"
#include "gprkit/core/bscan.h"

namespace gprkit {

/// What remove_background() estimates and subtracts.
enum class BackgroundMethod {
  mean,           ///< the mean trace of the selected traces
  median,         ///< the sample-wise median trace of the selected traces
  moving_mean,    ///< the mean of a window of window_traces selected traces around each trace
  moving_median,  ///< the median of that window (sorted-window update, O(log N + N) per step)
  svd,            ///< the first k singular components (eigenimages), randomized SVD
  rpca,           ///< robust PCA (inexact ALM): the output is the sparse part
  ground_bounce,  ///< local average of the ground reflection after flattening to it
  exponential,    ///< exponentially weighted mean of the traces so far (causal), a =
                  ///< 2 / (window_traces + 1)
  surface,        ///< rough ground: sub-sample surface track (track_surface), a local ground
                  ///< wavelet fitted per trace (amplitude + shift) and subtracted at the
                  ///< trace's own time, alternating with a time-fixed mean (ringing)
};

struct BackgroundOptions {
  BackgroundMethod method = BackgroundMethod::mean;
  std::ptrdiff_t window_traces = 31;  ///< moving_* and ground_bounce window (odd, traces, >= 1)
  /// The same window as a length along the line (m); > 0 replaces window_traces (see
  /// resolve()), 0 = use window_traces.
  double window_m = 0.0;
  /// Trace range the background is estimated from ([first_trace, first_trace + n_traces),
  /// n_traces = -1: to the end). The background is removed from every trace.
  std::ptrdiff_t first_trace = 0, n_traces = -1;
  /// Optional per-trace mask (empty or one entry per trace of the whole section): only
  /// traces with a non-zero entry (and inside the range) are used for the estimate, e.g.
  /// to leave out traces over a known target.
  std::vector<std::uint8_t> trace_mask;

  // ---- svd -----------------------------------------------------------------------
  int svd_components = -1;       ///< k; -1 = the largest gap s_i / s_{i+1}, i <= svd_max_components
  int svd_max_components = 10;   ///< search range of the automatic k
  int svd_oversampling = 10;     ///< extra random directions of the randomized SVD
  int svd_power_iterations = 2;  ///< subspace iterations of the randomized SVD
  std::uint64_t seed = 1;        ///< random directions (results are reproducible)

  // ---- rpca ----------------------------------------------------------------------
  double rpca_lambda = -1.0;      ///< sparsity weight; <= 0: 1 / sqrt(max(m, n))
  double rpca_tolerance = 1e-6;   ///< stop when ||D - L - S||_F / ||D||_F < tolerance
  int rpca_max_iterations = 500;  ///< iteration cap
  double rpca_rho = 1.5;          ///< growth of the penalty mu per iteration (> 1)
  RpcaSvd rpca_svd = RpcaSvd::randomized;

  // ---- ground_bounce -------------------------------------------------------------
  /// Samples searched for the surface reflection: [ground_first_sample,
  /// ground_first_sample + ground_n_samples) (-1 = to the end of the trace).
  std::ptrdiff_t ground_first_sample = 0, ground_n_samples = -1;
  /// Running median over this many traces applied to the picks (odd; 1 = none) to
  /// reject single-trace mispicks.
  std::ptrdiff_t ground_smooth_traces = 5;
  /// Surface picks supplied by the caller (fractional sample index per trace of the
  /// whole section); empty = pick the strongest |amplitude| per trace.
  std::vector<double> ground_pick_samples;
  /// The search window as times (ns, on the section's time axis); when both are finite they
  /// replace ground_first_sample / ground_n_samples (see resolve()).
  double ground_start_ns = -1e300, ground_end_ns = 1e300;
  bool ground_median = false;            ///< local median instead of the local mean
  bool ground_remove_horizontal = true;  ///< also remove a time-fixed mean (antenna ringing)
  int ground_iterations = 2;             ///< alternations between the two backgrounds (>= 1)

  // ---- surface (also uses window_traces, ground_* window / picks / median / horizontal)
  // --------------------------------------------------------------------------------------
  /// Period of the wavelet in samples (resolve(): from the header's centre frequency);
  /// 0 = measured from the data by track_surface.
  double surface_period_samples = 0.0;
  /// Gate around the surface where the ground wavelet is estimated and removed: from
  /// surface_before_periods before the pick to surface_after_periods after it.
  double surface_before_periods = 1.0, surface_after_periods = 2.0;
  /// Largest residual shift fitted per trace (periods) on top of the track.
  double surface_max_shift_periods = 0.25;
  /// Alternations between the ground fit and the time-fixed mean (ground_iterations is
  /// ground_bounce's).
  int surface_iterations = 4;

  /// Fill BackgroundReport::removed with the full removed image (memory: one section).
  bool report_removed = false;

  /// The options with lengths turned into counts for a section of n_traces with header h:
  /// window_m > 0 becomes the odd window_traces nearest window_m / trace spacing (at least 3,
  /// at most the line), and a finite ground_start_ns / ground_end_ns the sample range.
  BackgroundOptions resolve(const Header& h, std::ptrdiff_t n_samples,
                            std::ptrdiff_t n_traces) const;
};

/// What was removed (filled when a report is asked for).
struct BackgroundReport {
  BackgroundMethod method = BackgroundMethod::mean;
  std::ptrdiff_t traces_used = 0;       ///< traces the estimate came from
  std::vector<float> background_trace;  ///< mean/median/ground_bounce (horizontal part):
                                        ///< the subtracted trace (n_samples)
  std::vector<double> singular_values;  ///< svd: the leading estimates; rpca: of L
  int components = 0;                   ///< svd: k removed; rpca: rank of L
  int iterations = 0;                   ///< rpca iterations
  double residual = 0.0;                ///< rpca: final ||D - L - S||_F / ||D||_F
  std::vector<double>
      ground_pick_samples;  ///< ground_bounce / surface: surface (fractional sample) per trace
  std::vector<double> ground_amplitude;  ///< surface: fitted ground amplitude per trace
  Bscan removed;                         ///< the removed image, when report_removed
};

/// out = in - background (n_samples x n_traces, any strides). out may be the same view as
/// in (in-place); other overlaps are rejected. Throws InvalidArgument for an empty or
/// non-finite section, a bad range/mask/window, k larger than the rank, etc.
/// Complexity: mean O(m n); median O(m n) average; moving_mean O(m n); moving_median
/// O(m n (log N + N)) with a tiny constant; svd O(m n (k + p) (2 q + 2)); rpca per iteration
/// O(m n r) (randomized) or a full SVD; ground_bounce O(m n iterations).
void remove_background(ConstView in, MutView out, const BackgroundOptions& o,
                       BackgroundReport* report = nullptr);
Bscan remove_background(const Bscan& in, const BackgroundOptions& o = {},
                        BackgroundReport* report = nullptr);

}  // namespace gprkit
