// Time-varying gains: t-power, exponential, spreading-and-exponential compensation, AGC.
#pragma once
#include "gprkit/core/bscan.h"

namespace gprkit {

enum class GainKind {
  tpow,  ///< g(t) = t^power
  exp,   ///< g(t) = 10^(db_per_ns * t / 20)
  sec,   ///< g(t) = t^power * 10^(db_per_ns * t / 20)
  agc,   ///< g = 1 / RMS over window_ns centred on the sample
};

struct GainOptions {
  GainKind kind = GainKind::tpow;
  double power = 1.0;      ///< tpow / sec exponent
  double db_per_ns = 0.5;  ///< exp / sec attenuation compensation (dB/ns)
  double window_ns = 5.0;  ///< agc window (ns)
  double max_gain = 1e4;   ///< every gain is clamped to <= max_gain (> 0)
};

/// t is time since time-zero in ns (t0_ns + i * dt_ns); samples at t <= 0 get the gain of t = 0
/// (0 for tpow/sec with power > 0, i.e. the pre-time-zero part is muted; 1 for exp).
/// AGC: g = min(max_gain, 1 / rms), rms over window_ns centred on the sample (shrunk at the ends).
/// In-place allowed.
void gain(ConstView in, MutView out, double dt_ns, double t0_ns, const GainOptions& o = {});
Bscan gain(const Bscan& in, const GainOptions& o = {});
/// The deterministic gain curve (tpow, exp, sec) at time t_ns.
double gain_at(double t_ns, const GainOptions& o);

}  // namespace gprkit
