#include "gprkit/detect/features.h"

#include <algorithm>
#include <cmath>

#include "../core/select.h"
#include "gprkit/clutter/surface.h"
#include "gprkit/core/error.h"
#include "gprkit/core/physics.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"

namespace gprkit {

const char* material_name(Material m) {
  switch (m) {
    case Material::low_permittivity:
      return "low_permittivity";
    case Material::high_permittivity:
      return "high_permittivity";
    case Material::metal:
      return "metal";
    default:
      return "unknown";
  }
}

namespace {

// Per sample, across up to 1024 evenly spaced traces (targets are a minority there): the
// median (`noise` false) or the robust noise level, the median absolute deviation from that
// median / 0.6745 (a Gaussian's standard deviation).
std::vector<double> row_statistic(ConstView in, bool noise) {
  const std::ptrdiff_t m = in.n_samples, n = in.n_traces;
  const std::ptrdiff_t step = std::max<std::ptrdiff_t>(1, n / 1024);
  const std::ptrdiff_t cols = (n + step - 1) / step;
  std::vector<double> out(static_cast<std::size_t>(m));
  const int nt = threads_for(static_cast<std::size_t>(m * cols));
  // Blocks of rows, each first copied out of the sampled traces reading along each trace (one
  // sample from each of 1,000 traces per row misses the cache every time).
  constexpr std::ptrdiff_t kRows = 32;
  const std::ptrdiff_t nblocks = (m + kRows - 1) / kRows;
#pragma omp parallel num_threads(nt)
  {
    std::vector<double> rows(static_cast<std::size_t>(kRows * cols)), scratch(2 * cols);
    const std::ptrdiff_t mid = cols / 2;
#pragma omp for schedule(static)
    for (std::ptrdiff_t b = 0; b < nblocks; ++b) {
      const std::ptrdiff_t i0 = b * kRows, i1 = std::min(m, i0 + kRows);
      for (std::ptrdiff_t c = 0; c < cols; ++c)
        for (std::ptrdiff_t i = i0; i < i1; ++i)
          rows[static_cast<std::size_t>((i - i0) * cols + c)] = in(i, c * step);
      for (std::ptrdiff_t i = i0; i < i1; ++i) {
        double* col = rows.data() + (i - i0) * cols;
        double v = detail::kth_smallest(col, cols, mid, scratch.data());
        if (noise) {
          for (std::ptrdiff_t c = 0; c < cols; ++c) col[c] = std::abs(col[c] - v);
          v = detail::kth_smallest(col, cols, mid, scratch.data()) / 0.6745;
        }
        out[static_cast<std::size_t>(i)] = v;
      }
    }
  }
  return out;
}

// Over the traces row_statistic() samples, each trace's largest |value - trace mean|: the 90th
// percentile of those, what the strong traces reach. Not the maximum: one shallow metal object
// outshines the ground bounce five times over and would pass for the only signal in the section.
double strong_trace_deviation(ConstView in) {
  const std::ptrdiff_t m = in.n_samples, n = in.n_traces;
  const std::ptrdiff_t step = std::max<std::ptrdiff_t>(1, n / 1024);
  std::vector<double> peaks;
  for (std::ptrdiff_t j = 0; j < n; j += step) {
    double mean = 0.0, peak = 0.0;
    for (std::ptrdiff_t i = 0; i < m; ++i) mean += in(i, j);
    mean /= static_cast<double>(m);
    for (std::ptrdiff_t i = 0; i < m; ++i) peak = std::max(peak, std::abs(in(i, j) - mean));
    peaks.push_back(peak);
  }
  const auto k = static_cast<std::ptrdiff_t>(0.9 * static_cast<double>(peaks.size() - 1));
  std::nth_element(peaks.begin(), peaks.begin() + k, peaks.end());
  return peaks[static_cast<std::size_t>(k)];
}

std::ptrdiff_t argmax_abs(const std::vector<double>& v, std::ptrdiff_t i0, std::ptrdiff_t i1) {
  std::ptrdiff_t best = i0;
  for (std::ptrdiff_t i = i0; i < i1; ++i)
    if (std::abs(v[static_cast<std::size_t>(i)]) > std::abs(v[static_cast<std::size_t>(best)]))
      best = i;
  return best;
}

// The reference wavelet resampled to the section's sample interval (linear interpolation).
std::vector<double> resampled(const GroundReference& g, double dt, std::ptrdiff_t& lead) {
  std::vector<double> r;
  const double scale = g.dt_ns / dt;
  const auto n = static_cast<std::ptrdiff_t>(std::floor((g.wavelet.size() - 1) * scale)) + 1;
  lead = static_cast<std::ptrdiff_t>(std::lround(static_cast<double>(g.lead) * scale));
  for (std::ptrdiff_t k = 0; k < n; ++k) {
    const double u = static_cast<double>(k) / scale;
    const auto k0 = static_cast<std::size_t>(std::floor(u));
    const std::size_t k1 = std::min(k0 + 1, g.wavelet.size() - 1);
    const double f = u - static_cast<double>(k0);
    r.push_back((1 - f) * g.wavelet[k0] + f * g.wavelet[k1]);
  }
  return r;
}

struct Fit {
  std::ptrdiff_t sample = 0;  // where the reference's peak sits
  double amplitude = 0.0;     // least-squares amplitude of the reference there
  double coherence = 0.0;
};

// Correlation of the reference (peak at `lead`) with trace values tr[0..m) placed at sample k.
double correlate(const std::vector<double>& tr, const std::vector<double>& ref, std::ptrdiff_t lead,
                 std::ptrdiff_t k) {
  const auto m = static_cast<std::ptrdiff_t>(tr.size());
  double s = 0.0;
  for (std::size_t q = 0; q < ref.size(); ++q) {
    const std::ptrdiff_t i = k - lead + static_cast<std::ptrdiff_t>(q);
    if (i >= 0 && i < m) s += tr[static_cast<std::size_t>(i)] * ref[q];
  }
  return s;
}

// The best |correlation| for placements in [k0, k1]; sign > 0 / < 0 restricts to that sign.
Fit best_fit(const std::vector<double>& tr, const std::vector<double>& ref, std::ptrdiff_t lead,
             double ref_energy, std::ptrdiff_t k0, std::ptrdiff_t k1, int sign = 0) {
  Fit f;
  double best = -1.0;
  for (std::ptrdiff_t k = k0; k <= k1; ++k) {
    const double c = correlate(tr, ref, lead, k);
    const double v = sign == 0 ? std::abs(c) : sign * c;
    if (v > best) {
      best = v;
      f.sample = k;
      f.amplitude = c / ref_energy;
    }
  }
  double e = 0.0;
  const auto m = static_cast<std::ptrdiff_t>(tr.size());
  for (std::size_t q = 0; q < ref.size(); ++q) {
    const std::ptrdiff_t i = f.sample - lead + static_cast<std::ptrdiff_t>(q);
    if (i >= 0 && i < m) e += tr[static_cast<std::size_t>(i)] * tr[static_cast<std::size_t>(i)];
  }
  f.coherence =
      e > 0 ? std::min(1.0, std::abs(f.amplitude) * ref_energy / std::sqrt(e * ref_energy)) : 0.0;
  return f;
}

void subtract(std::vector<double>& tr, const std::vector<double>& ref, std::ptrdiff_t lead,
              const Fit& f) {
  const auto m = static_cast<std::ptrdiff_t>(tr.size());
  for (std::size_t q = 0; q < ref.size(); ++q) {
    const std::ptrdiff_t i = f.sample - lead + static_cast<std::ptrdiff_t>(q);
    if (i >= 0 && i < m) tr[static_cast<std::size_t>(i)] -= f.amplitude * ref[q];
  }
}

}  // namespace

GroundReference ground_reference(ConstView in, const Header& h, const GroundReferenceOptions& o) {
  constexpr const char* w = "ground_reference";
  check::positive(w, "dt_ns", h.dt_ns);
  check::positive(w, "centre_frequency_mhz", h.centre_frequency_mhz);
  check::positive(w, "lead_periods", o.lead_periods);
  check::positive(w, "tail_periods", o.tail_periods);
  check::non_negative(w, "min_separation_periods", o.min_separation_periods);
  check::in_range(w, "min_relative_amplitude", o.min_relative_amplitude, 0.0, 1.0);
  GroundReference g;
  g.dt_ns = h.dt_ns;
  if (in.n_samples < 3 || in.n_traces < 1) return g;
  const double data_peak = strong_trace_deviation(in);
  std::vector<double> med = row_statistic(in, false);
  double mean = 0.0;
  for (double v : med) mean += v;
  mean /= static_cast<double>(med.size());
  for (double& v : med) v -= mean;
  const auto m = static_cast<std::ptrdiff_t>(med.size());
  const double period = 1e3 / h.centre_frequency_mhz;
  std::ptrdiff_t peak = argmax_abs(med, 0, m);
  // No air-ground reflection (a clutter-free or ground-removed section): no reference.
  if (!(std::abs(med[static_cast<std::size_t>(peak)]) >= o.min_relative_amplitude * data_peak) ||
      !(data_peak > 0))
    return g;
  double sign = -1.0;  // the first arrival inverted: the ground's polarity (see the header)
  const double a = std::max(0.0, h.antenna_separation_m);
  const double hh = std::max(0.0, h.antenna_height_m);
  const double delay = 2.0 * std::hypot(hh, a / 2) / c_air_m_per_ns - a / c_air_m_per_ns;
  if (hh > 0 && delay >= o.min_separation_periods * period) {
    // Separate arrivals: the direct wave is the first strong lobe, the ground reflection the
    // strongest lobe near its expected delay after it.
    const double big = std::abs(med[static_cast<std::size_t>(peak)]);
    std::ptrdiff_t onset = 0;
    while (onset < m && std::abs(med[static_cast<std::size_t>(onset)]) < 0.3 * big) ++onset;
    const auto half = static_cast<std::ptrdiff_t>(std::lround(0.5 * period / h.dt_ns));
    const std::ptrdiff_t direct = argmax_abs(med, onset, std::min(m, onset + half + 1));
    const auto at = direct + static_cast<std::ptrdiff_t>(std::lround(delay / h.dt_ns));
    const auto third = static_cast<std::ptrdiff_t>(std::lround(period / 3 / h.dt_ns));
    if (at - third >= 0 && at + third < m) {
      peak = argmax_abs(med, at - third, at + third + 1);
      sign = 1.0;
      g.overlaps_direct_wave = false;
    }
  } else {
    // Overlapping: where the time axis is trustworthy (the peak lies near the geometry's
    // arrival times) and the peak is nearer the ground's time than the direct wave's, the
    // ground reflection dominates the first arrival (a weak or absent direct wave).
    const double tp = h.time_ns(static_cast<double>(peak));
    const double t_direct = a / c_air_m_per_ns, t_ground = t_direct + delay;
    if (tp >= t_direct - period / 2 && tp <= t_ground + period / 2 &&
        std::abs(tp - t_ground) < std::abs(tp - t_direct))
      sign = 1.0;
  }
  if (g.overlaps_direct_wave && o.use_surface_track) {
    // On rough ground the reflection moves while the direct wave stays: the surface tracker
    // separates the two and gives the ground's own wavelet, sign included.
    const std::ptrdiff_t step = std::max<std::ptrdiff_t>(1, in.n_traces / 1024);
    ConstView sub(in.data, in.n_samples, (in.n_traces + step - 1) / step, in.sample_stride,
                  in.trace_stride * step);
    Header hs = h;
    hs.x_m.clear();
    hs.dx_m = h.dx_m * static_cast<double>(step);
    try {
      const SurfaceTrack t = track_surface(sub, hs);
      if (t.fixed_separated && !t.fixed.empty()) {
        // The time-fixed part is the direct wave: inverted, it has the ground's polarity and
        // the shape of every reflection (the moving ground wavelet is a blend of the two).
        std::vector<double> fixed(t.fixed.begin(), t.fixed.end());
        const auto nf = static_cast<std::ptrdiff_t>(fixed.size());
        const std::ptrdiff_t fp = argmax_abs(fixed, 0, nf);
        const auto lead =
            static_cast<std::ptrdiff_t>(std::lround(o.lead_periods * period / h.dt_ns));
        const auto tail =
            static_cast<std::ptrdiff_t>(std::lround(o.tail_periods * period / h.dt_ns));
        const std::ptrdiff_t f0 = std::max<std::ptrdiff_t>(0, fp - lead);
        for (std::ptrdiff_t i = f0; i < std::min(nf, fp + tail + 1); ++i)
          g.wavelet.push_back(static_cast<float>(-fixed[static_cast<std::size_t>(i)]));
        g.lead = fp - f0;
        g.peak_time_ns = h.time_ns(static_cast<double>(t.window_first_sample + fp));
        std::vector<double> times = t.time_ns;
        std::nth_element(times.begin(),
                         times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2),
                         times.end());
        g.ground_time_ns = times[times.size() / 2];
        g.from_surface_track = true;
        return g;
      }
    } catch (const InvalidArgument&) {
      // No trackable surface: the first arrival below.
    }
  }
  const auto lead = static_cast<std::ptrdiff_t>(std::lround(o.lead_periods * period / h.dt_ns));
  const auto tail = static_cast<std::ptrdiff_t>(std::lround(o.tail_periods * period / h.dt_ns));
  const std::ptrdiff_t i0 = std::max<std::ptrdiff_t>(0, peak - lead);
  const std::ptrdiff_t i1 = std::min(m, peak + tail + 1);
  for (std::ptrdiff_t i = i0; i < i1; ++i)
    g.wavelet.push_back(static_cast<float>(sign * med[static_cast<std::size_t>(i)]));
  g.lead = peak - i0;
  g.peak_time_ns = h.time_ns(static_cast<double>(peak));
  g.ground_time_ns = g.peak_time_ns + (g.overlaps_direct_wave ? delay : 0.0);
  return g;
}

double infer_time_zero(GroundReference& g, Header& h) {
  if (g.wavelet.empty() || h.t0_ns != 0.0 || !(h.centre_frequency_mhz > 0)) return 0.0;
  const double a = std::max(0.0, h.antenna_separation_m);
  const double hh = std::max(0.0, h.antenna_height_m);
  const double t_direct = a / c_air_m_per_ns;
  const double t_ground = 2.0 * std::hypot(hh, a / 2) / c_air_m_per_ns;
  const double period = 1e3 / h.centre_frequency_mhz;
  if (g.peak_time_ns <= t_ground + period / 2) return 0.0;
  const double model = g.overlaps_direct_wave ? t_direct : t_ground;
  const double shift = g.peak_time_ns - model;
  h.t0_ns -= shift;
  g.peak_time_ns -= shift;
  g.ground_time_ns -= shift;
  return shift;
}

void compute_features(ConstView p, const Header& h, const GroundReference& g, double v,
                      std::vector<Detection>& dets, const FeatureOptions& o) {
  constexpr const char* w = "compute_features";
  check::positive(w, "dt_ns", h.dt_ns);
  check::positive(w, "velocity_m_per_ns", v);
  check::non_negative(w, "search_before_periods", o.search_before_periods);
  check::non_negative(w, "search_after_periods", o.search_after_periods);
  check::finite(w, "min_after_ground_periods", o.min_after_ground_periods);
  if (o.stack_traces < 0 || o.stack_traces > 64)
    check::fail(w, "stack_traces", static_cast<double>(o.stack_traces), "0..64");
  check::in_range(w, "min_coherence", o.min_coherence, 0.0, 1.0);
  check::non_negative(w, "metal_ringing", o.metal_ringing);
  check::non_negative(w, "metal_strength", o.metal_strength);
  check::non_negative(w, "double_min_ratio", o.double_min_ratio);
  check::non_negative(w, "double_min_delay_periods", o.double_min_delay_periods);
  if (!(o.double_max_delay_periods >= o.double_min_delay_periods))
    check::fail(w, "double_max_delay_periods", o.double_max_delay_periods,
                ">= double_min_delay_periods");
  check::in_range(w, "width_ratio", o.width_ratio, 0.0, 1.0);
  check::non_negative(w, "max_width_m", o.max_width_m);
  check::non_negative(w, "min_centre_width_m", o.min_centre_width_m);
  check::non_negative(w, "max_centre_width_m", o.max_centre_width_m);
  const std::ptrdiff_t m = p.n_samples, n = p.n_traces;
  const bool usable = !g.wavelet.empty() && g.dt_ns > 0 && h.centre_frequency_mhz > 0;
  std::ptrdiff_t lead = 0;
  const std::vector<double> ref = usable ? resampled(g, h.dt_ns, lead) : std::vector<double>{};
  double ref_energy = 0.0;
  for (double v : ref) ref_energy += v * v;
  if (!usable || !(ref_energy > 0)) {
    for (auto& d : dets) d.mine_likeness = mine_likeness(d);
    return;
  }
  const double period = 1e3 / h.centre_frequency_mhz;
  const std::vector<double> noise = row_statistic(p, true);
  auto samples = [&](double periods) {
    return static_cast<std::ptrdiff_t>(std::lround(periods * period / h.dt_ns));
  };
  const std::ptrdiff_t before = samples(o.search_before_periods);
  const std::ptrdiff_t after = samples(o.search_after_periods);
  // The earliest placement: just after the ground reflection (its residue is not a target).
  const double first_ns = g.peak_time_ns + o.min_after_ground_periods * period;
  const auto first = static_cast<std::ptrdiff_t>(
      std::ceil(std::clamp((first_ns - h.t0_ns) / h.dt_ns, 0.0, static_cast<double>(m - 1))));
  const std::ptrdiff_t quarter = std::max<std::ptrdiff_t>(1, samples(0.25));
  auto column = [&](std::ptrdiff_t j0, std::ptrdiff_t j1) {
    std::vector<double> tr(static_cast<std::size_t>(m), 0.0);
    for (std::ptrdiff_t j = j0; j <= j1; ++j)
      for (std::ptrdiff_t i = 0; i < m; ++i) tr[static_cast<std::size_t>(i)] += p(i, j);
    for (double& v : tr) v /= static_cast<double>(j1 - j0 + 1);
    return tr;
  };
  std::vector<double> one(static_cast<std::size_t>(m), 0.0);
  for (auto& d : dets) {
    const std::ptrdiff_t j = std::clamp<std::ptrdiff_t>(d.trace, 0, n - 1);
    const std::ptrdiff_t i = std::clamp<std::ptrdiff_t>(d.sample, 0, m - 1);
    std::vector<double> tr = column(std::max<std::ptrdiff_t>(0, j - o.stack_traces),
                                    std::min(n - 1, j + o.stack_traces));
    const std::ptrdiff_t k0 = std::max(first, i - before);
    const Fit strongest = best_fit(tr, ref, lead, ref_energy, k0, std::max(k0, i + after));
    subtract(tr, ref, lead, strongest);
    // The first reflection is the top: a reflection of the other sign shortly before the
    // strongest (a plastic mine whose bottom outshines its top) is the top, the strongest its
    // bottom; else look for the bottom after the strongest.
    const int other = strongest.amplitude > 0 ? -1 : 1;
    const std::ptrdiff_t dmin = samples(o.double_min_delay_periods);
    const std::ptrdiff_t dmax = std::max(dmin, samples(o.double_max_delay_periods));
    const std::ptrdiff_t e0 =
        std::max(first, strongest.sample - std::max(dmin, samples(o.first_max_delay_periods)));
    const std::ptrdiff_t e1 = strongest.sample - std::max(dmin, samples(o.first_min_delay_periods));
    // The strongest's own bottom: the best placement of the other sign dmin to `reach` after
    // it, a bottom when at least double_min_ratio as strong.
    auto bottom_within = [&](std::ptrdiff_t reach) {
      return best_fit(tr, ref, lead, ref_energy, strongest.sample + dmin, strongest.sample + reach,
                      other);
    };
    auto is_bottom = [&](const Fit& b) {
      return b.amplitude * other > 0 &&
             std::abs(b.amplitude) >= o.double_min_ratio * std::abs(strongest.amplitude);
    };
    const auto thickest =
        std::clamp<std::ptrdiff_t>(std::lround(thickest_mine_delay_ns / h.dt_ns), dmin, dmax);
    Fit top = strongest, bottom;
    bool pair = false;
    if (e1 >= e0) {
      const Fit earlier = best_fit(tr, ref, lead, ref_energy, e0, e1, other);
      // A mine's top and bottom (the strongest of a mine's sign, its bottom within a mine's
      // thickness) under a reflection that would make the body thicker than any mine: the
      // earlier one is the ground's residue above the mine, not its top.
      const bool mine_below = strongest.amplitude < 0 &&
                              static_cast<double>(strongest.sample - earlier.sample) * h.dt_ns >
                                  thickest_mine_delay_ns &&
                              is_bottom(bottom_within(thickest));
      if (!mine_below && earlier.amplitude * other > 0 &&
          std::abs(earlier.amplitude) >= o.first_min_ratio * std::abs(strongest.amplitude)) {
        top = earlier;
        bottom = strongest;
        pair = true;
        subtract(tr, ref, lead, earlier);
      }
    }
    if (!pair) {
      bottom = bottom_within(dmax);
      pair = is_bottom(bottom);
      if (pair) subtract(tr, ref, lead, bottom);
    }
    double peak = 0.0;
    for (std::ptrdiff_t k = std::max<std::ptrdiff_t>(0, strongest.sample - quarter);
         k <= std::min(m - 1, strongest.sample + quarter); ++k) {
      const double nk = noise[static_cast<std::size_t>(k)];
      if (nk > 0) peak = std::max(peak, std::abs(static_cast<double>(p(k, j))) / nk);
    }
    d.snr = peak;
    d.coherence = strongest.coherence;
    d.reflection_strength = std::abs(strongest.amplitude);
    d.polarity = strongest.coherence >= o.min_coherence ? (top.amplitude > 0 ? 1 : -1) : 0;
    if (d.polarity != 0)
      d.depth_m =
          std::max(0.0, v * (h.time_ns(static_cast<double>(top.sample)) - g.ground_time_ns) / 2);
    d.double_reflection = d.polarity != 0 && pair;
    d.double_reflection_delay_ns =
        d.double_reflection ? static_cast<double>(bottom.sample - top.sample) * h.dt_ns : 0.0;
    double late = 0.0;
    const std::ptrdiff_t last = std::max(strongest.sample, pair ? bottom.sample : strongest.sample);
    for (std::ptrdiff_t k = last + samples(0.9); k < last + samples(3.0); ++k)
      if (k >= 0 && k < m)
        late += tr[static_cast<std::size_t>(k)] * tr[static_cast<std::size_t>(k)];
    const double top_energy = strongest.amplitude * strongest.amplitude * ref_energy;
    d.ringing = top_energy > 0 ? late / top_energy : 0.0;
    // Width: follow the same-sign reflection trace by trace while it keeps its amplitude.
    const int sign = strongest.amplitude > 0 ? 1 : -1;
    std::ptrdiff_t kept = 1, ends[2] = {j, j};
    for (int step : {-1, 1}) {
      std::ptrdiff_t k = strongest.sample;
      for (std::ptrdiff_t jj = j + step; jj >= 0 && jj < n; jj += step) {
        if (std::abs(h.trace_x_m(jj) - h.trace_x_m(j)) > o.max_width_m / 2) break;
        // Only the samples the placements k +- quarter read.
        const std::ptrdiff_t i0 = std::max<std::ptrdiff_t>(0, k - quarter - lead);
        const std::ptrdiff_t i1 =
            std::min(m, k + quarter - lead + static_cast<std::ptrdiff_t>(ref.size()));
        std::fill(one.begin(), one.end(), 0.0);
        for (std::ptrdiff_t q = i0; q < i1; ++q) one[static_cast<std::size_t>(q)] = p(q, jj);
        const Fit f = best_fit(one, ref, lead, ref_energy, k - quarter, k + quarter, sign);
        if (!(f.amplitude * sign >= o.width_ratio * std::abs(strongest.amplitude))) break;
        k = f.sample;
        ++kept;
        ends[step > 0] = jj;
      }
    }
    const double dx =
        n > 1 ? std::abs(h.trace_x_m(std::min(n - 1, j + 1)) -
                         h.trace_x_m(std::max<std::ptrdiff_t>(0, j - 1))) /
                    static_cast<double>(std::min(n - 1, j + 1) - std::max<std::ptrdiff_t>(0, j - 1))
              : 0.0;
    d.width_m = static_cast<double>(kept) * dx;
    if (o.centre_on_reflection && d.width_m >= o.min_centre_width_m &&
        d.width_m <= o.max_centre_width_m) {
      d.trace = (ends[0] + ends[1]) / 2;
      d.x_m = h.trace_x_m(d.trace);
    }
    if (d.polarity < 0)
      d.material = Material::low_permittivity;
    else if (d.polarity > 0)
      d.material = (d.ringing >= o.metal_ringing || d.reflection_strength >= o.metal_strength)
                       ? Material::metal
                       : Material::high_permittivity;
    else
      d.material = Material::unknown;
    d.mine_likeness = mine_likeness(d);
  }
}

double mine_likeness(const Detection& d) {
  double z = -0.5 + 3.0 * d.coherence * static_cast<double>(-d.polarity);
  if (d.double_reflection) {
    z += 1.0 + static_cast<double>(-d.polarity) -
         2.0 * std::max(0.0, d.double_reflection_delay_ns - thickest_mine_delay_ns);
  }
  if (d.width_m >= 0.05 && d.width_m <= 0.4) z += 0.5;
  if (d.material == Material::metal) z -= 1.5;
  return 1.0 / (1.0 + std::exp(-z));
}

}  // namespace gprkit
