// Topographic (static elevation) correction: shift each trace by its surface elevation so
// that flat layers under a slope come out flat.
#pragma once
#include <cstddef>
#include <limits>
#include <vector>

#include "gprkit/core/bscan.h"

namespace gprkit {

struct TopographicCorrectionOptions {
  /// Velocity of the ground above the reflectors (m/ns), > 0.
  double velocity_m_per_ns = 0.1;
  /// Elevation of the datum (m) every trace is referred to; -infinity = automatic: the highest
  /// surface elevation on the line (every trace is then delayed, none is cut).
  double datum_m = -std::numeric_limits<double>::infinity();
  /// Lengthen the traces by the largest delay so that nothing is shifted out of the window
  /// (false: keep n_samples; what moves past the end is lost).
  bool extend = true;
};

/// Per-trace delays in samples (positive = later), 2 (datum - z_j) / v / dt, split into whole
/// samples (moved by index) and a fraction in [0, 1) (the band-limited shift), so that no
/// shift wraps round the FFT's padding.
struct TopographicDelays {
  std::vector<double> samples;
  std::vector<std::ptrdiff_t> whole;
  std::vector<double> fraction;
};

/// The delays of every trace from its elevation z_m[j]. InvalidArgument
/// when z_m is empty or has the wrong length, an elevation is not finite, or v / dt / datum
/// is not valid; with a fixed datum above the highest trace by more than the trace length.
TopographicDelays topographic_delays(const std::vector<double>& z_m, std::ptrdiff_t n_traces,
                                     double dt_ns, const TopographicCorrectionOptions& o);

/// Samples per output trace: n_samples + ceil(largest delay) when extending, else n_samples.
std::ptrdiff_t topographic_samples(std::ptrdiff_t n_samples, const TopographicDelays& delays,
                                   const TopographicCorrectionOptions& o);

/// out (topographic_samples x n_traces) = each trace delayed by its delay with the
/// band-limited (FFT phase-ramp) fractional shift of time_zero; the added samples start as 0.
/// A negative delay (a trace above a fixed datum) moves the trace earlier: its first samples
/// are lost. Allocates nothing beyond the shift's per-thread FFT scratch.
void topographic_correction(ConstView in, MutView out, const TopographicDelays& delays);

/// The step on a Bscan, elevations from the header's z_m. The time axis is unchanged (t0_ns
/// kept): time is now measured from time-zero at the datum.
Bscan topographic_correction(const Bscan& in, const TopographicCorrectionOptions& o = {});

}  // namespace gprkit
