#include "gprkit/stream/stream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "../clutter/sorted_window.h"
#include "../detect/cfar_kernel.h"
#include "../detect/score_kernels.h"
#include "gprkit/clutter/background.h"
#include "gprkit/core/threads.h"
#include "gprkit/core/validate.h"
#include "gprkit/pipeline/registry.h"
#include "landmine_pipeline.h"

namespace gprkit {

namespace {

constexpr const char* kWhere = "StreamProcessor";

// ---- stages -------------------------------------------------------------------------------
// A stage consumes column t of its input (t = 0, 1, ... since reset) and returns its output
// column t - delay, or nullptr while t < delay. The returned column stays valid until the next
// feed(). Every buffer is made in the constructor.
struct Stage {
  std::string name;
  std::ptrdiff_t delay = 0;
  std::ptrdiff_t in_ns = 0, out_ns = 0;
  std::vector<float> out;  // the output column (out_ns)
  virtual ~Stage() = default;
  virtual const float* feed(const float* x, std::ptrdiff_t t) = 0;
  virtual void reset() {}
};

/// A per-trace step: its plan, prepared for one trace.
struct PlanStage final : Stage {
  std::unique_ptr<StepPlan> plan;
  Header h;  // the stage's input header (no history: running it must not allocate)
  double t0_in = 0;
  const float* feed(const float* x, std::ptrdiff_t) override {
    h.t0_ns = t0_in;
    plan->run(ConstView(x, in_ns, 1), MutView(out.data(), out_ns, 1), h, nullptr);
    return out.data();
  }
};

/// remove_background moving_mean / moving_median: the centred window of 2h + 1 traces,
/// clipped at the line's start (as offline), so output j needs input j + h.
struct MovingStage final : Stage {
  std::ptrdiff_t m = 0, W = 0, h = 0, count = 0;
  bool median = false;
  std::vector<float> ring, sorted;
  std::vector<double> sum;
  void reset() override {
    count = 0;
    std::fill(sum.begin(), sum.end(), 0.0);
  }
  const float* feed(const float* x, std::ptrdiff_t t) override {
    float* r = ring.data() + (t % W) * m;
    if (t >= W) {  // column t - W leaves the window
      if (median)
        for (std::ptrdiff_t i = 0; i < m; ++i)
          clutter_detail::sorted_erase(sorted.data() + i * W, count, r[i]);
      else
        for (std::ptrdiff_t i = 0; i < m; ++i) sum[static_cast<std::size_t>(i)] -= r[i];
      --count;
    }
    std::copy(x, x + m, r);
    if (median)
      for (std::ptrdiff_t i = 0; i < m; ++i)
        clutter_detail::sorted_insert(sorted.data() + i * W, count, r[i]);
    else
      for (std::ptrdiff_t i = 0; i < m; ++i) sum[static_cast<std::size_t>(i)] += r[i];
    ++count;
    if (t < h) return nullptr;
    const float* xj = ring.data() + ((t - h) % W) * m;
    if (median) {
      for (std::ptrdiff_t i = 0; i < m; ++i)
        out[static_cast<std::size_t>(i)] =
            xj[i] - clutter_detail::sorted_median(sorted.data() + i * W, count);
    } else {
      const double inv = 1.0 / static_cast<double>(count);
      for (std::ptrdiff_t i = 0; i < m; ++i)
        out[static_cast<std::size_t>(i)] =
            xj[i] - static_cast<float>(sum[static_cast<std::size_t>(i)] * inv);
    }
    return out.data();
  }
};

/// remove_background exponential: causal.
struct ExponentialStage final : Stage {
  double a = 0;
  std::vector<double> b;
  const float* feed(const float* x, std::ptrdiff_t t) override {
    for (std::ptrdiff_t i = 0; i < in_ns; ++i) {
      const double v = x[i];
      double& bi = b[static_cast<std::size_t>(i)];
      bi = t == 0 ? v : bi + a * (v - bi);
      out[static_cast<std::size_t>(i)] = static_cast<float>(v - bi);
    }
    return out.data();
  }
};

/// The hyperbola score over a window of 2A + 1 traces (output j needs input j + A).
struct HyperbolaStage final : Stage {
  detect_detail::HyperbolaTables tab;
  std::unique_ptr<detect_detail::HyperbolaScratch> scratch;
  std::ptrdiff_t A = 0, W = 0;
  std::vector<float> ring, tmp;
  std::vector<double> sigma, sig_win, sig_buf;
  std::vector<const float*> cols;
  const float* feed(const float* x, std::ptrdiff_t t) override {
    const std::ptrdiff_t m = in_ns, slot = t % W;
    float* r = ring.data() + slot * m;
    std::copy(x, x + m, r);
    sigma[static_cast<std::size_t>(slot)] = detect_detail::robust_sigma(r, m, tmp.data());
    if (t < A) return nullptr;
    const std::ptrdiff_t j = t - A;
    std::ptrdiff_t cnt = 0;
    for (std::ptrdiff_t k = -A; k <= A; ++k) {
      const std::ptrdiff_t jj = j + k;
      const bool in = jj >= 0;
      cols[static_cast<std::size_t>(k + A)] = in ? ring.data() + (jj % W) * m : nullptr;
      if (in) sig_win[static_cast<std::size_t>(cnt++)] = sigma[static_cast<std::size_t>(jj % W)];
    }
    const double fl = detect_detail::hyperbola_floor(sig_win.data(), cnt, sig_buf.data());
    detect_detail::hyperbola_column(tab, cols.data(), fl, out.data(), *scratch);
    return out.data();
  }
};

/// Running annulus sums for the energy and rx scores: the traces G+1..G+R away on each side of
/// output trace j, updated by the same four steps as the offline for_each_annulus.
template <class Add>
std::ptrdiff_t advance_annulus(std::ptrdiff_t j, std::ptrdiff_t G, std::ptrdiff_t R,
                               std::ptrdiff_t cnt, Add&& add) {
  if (j == 0) {
    for (std::ptrdiff_t jj = G + 1; jj <= G + R; ++jj, ++cnt) add(jj, 1.0);
    return cnt;
  }
  if (j - 1 - G - R >= 0) add(j - 1 - G - R, -1.0), --cnt;
  if (j - 1 - G >= 0) add(j - 1 - G, 1.0), ++cnt;
  add(j + G, -1.0), --cnt;
  add(j + G + R, 1.0), ++cnt;
  return cnt;
}

/// The energy z-score: output j needs the box energy of trace j + G + R, which needs input
/// j + G + R + hx.
struct EnergyStage final : Stage {
  detect_detail::EnergyKernel k;
  std::ptrdiff_t hx = 0, G = 0, R = 0, TW = 0, EW = 0, cnt = 0;
  std::vector<float> tb, e;
  std::vector<double> p, s1, s2;
  double total = 0;
  std::vector<const float*> cols;
  void reset() override {
    cnt = 0;
    total = 0;
    std::fill(s1.begin(), s1.end(), 0.0);
    std::fill(s2.begin(), s2.end(), 0.0);
  }
  const float* feed(const float* x, std::ptrdiff_t t) override {
    const std::ptrdiff_t m = in_ns;
    k.time_energy(x, p.data(), tb.data() + (t % TW) * m);
    const std::ptrdiff_t je = t - hx;  // box energy of trace je is complete now
    if (je < 0) return nullptr;
    std::ptrdiff_t c = 0;
    for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, je - hx); jj <= t; ++jj)
      cols[static_cast<std::size_t>(c++)] = tb.data() + (jj % TW) * m;
    k.box(cols.data(), c, e.data() + (je % EW) * m);
    const std::ptrdiff_t j = je - G - R;
    if (j < 0) return nullptr;
    cnt = advance_annulus(j, G, R, cnt, [&](std::ptrdiff_t jj, double sg) {
      k.add(e.data() + (jj % EW) * m, sg, s1.data(), s2.data(), total);
    });
    k.z(e.data() + (j % EW) * m, s1.data(), s2.data(), total, cnt, out.data());
    return out.data();
  }
};

/// The rx score: output j needs input j + G + R.
struct RxStage final : Stage {
  std::unique_ptr<detect_detail::RxKernel> k;
  std::ptrdiff_t G = 0, R = 0, XW = 0, cnt = 0;
  std::vector<float> ring;
  std::vector<double> acc;
  double total = 0;
  void reset() override {
    cnt = 0;
    total = 0;
    std::fill(acc.begin(), acc.end(), 0.0);
  }
  const float* feed(const float* x, std::ptrdiff_t t) override {
    const std::ptrdiff_t m = in_ns;
    std::copy(x, x + m, ring.data() + (t % XW) * m);
    const std::ptrdiff_t j = t - G - R;
    if (j < 0) return nullptr;
    cnt = advance_annulus(j, G, R, cnt, [&](std::ptrdiff_t jj, double sg) {
      k->add(ring.data() + (jj % XW) * m, sg, acc.data(), total);
    });
    k->z(ring.data() + (j % XW) * m, acc.data(), total, cnt, out.data());
    return out.data();
  }
};

/// The CFAR threshold of score column j = t - mt (guard + training traces), from a ring of
/// score columns; the fixed threshold is its floor, as in detect().
struct CfarStage final : Stage {
  std::unique_ptr<detect_detail::CfarKernel> k;
  float floor = 0;
  std::ptrdiff_t SW = 0;
  std::vector<float> ring, buf;
  std::vector<double> so, qo, sg, qg, p1, p2;
  std::vector<const float*> cols;
  void reset() override {
    for (auto* v : {&so, &qo, &sg, &qg}) std::fill(v->begin(), v->end(), 0.0);
  }
  const float* column(std::ptrdiff_t j) const { return ring.data() + (j % SW) * in_ns; }
  const float* feed(const float* x, std::ptrdiff_t t) override {
    const std::ptrdiff_t m = in_ns, mt = k->mt, gt = k->gt;
    std::copy(x, x + m, ring.data() + (t % SW) * m);
    const std::ptrdiff_t j = t - mt;
    if (j < 0) return nullptr;
    if (k->o.method == CfarMethod::ca) {
      auto add = [&](std::ptrdiff_t jj, double sgn, bool outer) {
        k->ca_add(column(jj), sgn, outer, p1.data(), p2.data(), outer ? so.data() : sg.data(),
                  outer ? qo.data() : qg.data());
      };
      if (j == 0) {
        for (std::ptrdiff_t jj = 0; jj <= mt; ++jj) add(jj, 1.0, true);
        for (std::ptrdiff_t jj = 0; jj <= gt; ++jj) add(jj, 1.0, false);
      } else {
        if (j - 1 - mt >= 0) add(j - 1 - mt, -1.0, true);
        add(j + mt, 1.0, true);
        if (j - 1 - gt >= 0) add(j - 1 - gt, -1.0, false);
        add(j + gt, 1.0, false);
      }
      k->ca_column(so.data(), qo.data(), sg.data(), qg.data(),
                   j + mt - std::max<std::ptrdiff_t>(0, j - mt) + 1,
                   j + gt - std::max<std::ptrdiff_t>(0, j - gt) + 1, out.data());
    } else {
      for (std::ptrdiff_t q = -mt; q <= mt; ++q)
        cols[static_cast<std::size_t>(q + mt)] = j + q < 0 ? nullptr : column(j + q);
      k->os_column(cols.data(), buf.data(), out.data());
    }
    for (std::ptrdiff_t i = 0; i < m; ++i)
      out[static_cast<std::size_t>(i)] = std::max(out[static_cast<std::size_t>(i)], floor);
    return out.data();
  }
};

/// Candidates (3 x 3 maxima above the threshold, inside the depth range) and the local
/// suppression rule of find_detections (NmsOptions::local), one score column at a time.
struct Decider {
  std::ptrdiff_t m = 0, R = 0, CW = 0;  // R: traces a decision looks at on each side
  double threshold = 0, dx = 0.01, x0 = 0;
  NmsOptions nms;
  Header h;
  std::vector<double> depth;
  std::vector<char> depth_ok;
  std::vector<float> sring, tring;  // the last 3 score (and threshold) columns
  struct Cand {
    float v;
    std::ptrdiff_t i;
  };
  std::vector<Cand> cands;             // CW columns x m
  std::vector<std::ptrdiff_t> ncands;  // per column slot
  std::ptrdiff_t delay() const { return R + 1; }

  /// Feeds score column t; returns the column decided (t - R - 1) or -1, appending its alarms
  /// through emit(Detection).
  template <class Emit>
  std::ptrdiff_t feed(const float* s, const float* thr, std::ptrdiff_t t, Emit&& emit) {
    std::copy(s, s + m, sring.data() + (t % 3) * m);
    if (thr) std::copy(thr, thr + m, tring.data() + (t % 3) * m);
    if (t < 1) return -1;
    const std::ptrdiff_t c = t - 1;  // its right neighbour t is known now
    auto col = [&](std::ptrdiff_t j) { return sring.data() + (j % 3) * m; };
    const float* sc = col(c);
    const float* tc = thr ? tring.data() + (c % 3) * m : nullptr;
    Cand* out = cands.data() + (c % CW) * m;
    std::ptrdiff_t nc = 0;
    for (std::ptrdiff_t i = 0; i < m; ++i) {
      const float v = sc[i];
      const double level = tc ? static_cast<double>(tc[i]) : threshold;
      if (!(v > level) || !depth_ok[static_cast<std::size_t>(i)]) continue;
      bool peak = true;
      for (std::ptrdiff_t dj = -1; dj <= 1 && peak; ++dj) {
        const std::ptrdiff_t jj = c + dj;
        if (jj < 0) continue;
        const float* q = col(jj);
        for (std::ptrdiff_t di = -1; di <= 1; ++di) {
          const std::ptrdiff_t ii = i + di;
          if ((di == 0 && dj == 0) || ii < 0 || ii >= m) continue;
          if (q[ii] > v) {
            peak = false;
            break;
          }
        }
      }
      if (peak) out[nc++] = {v, i};
    }
    ncands[static_cast<std::size_t>(c % CW)] = nc;
    const std::ptrdiff_t d = c - R;
    if (d < 0) return -1;
    const double xd = static_cast<double>(d) * dx;
    const Cand* cd = cands.data() + (d % CW) * m;
    for (std::ptrdiff_t a = 0; a < ncands[static_cast<std::size_t>(d % CW)]; ++a) {
      const Cand& k = cd[a];
      const double z = depth[static_cast<std::size_t>(k.i)];
      bool suppressed = false;
      for (std::ptrdiff_t jj = std::max<std::ptrdiff_t>(0, d - R); jj <= c && !suppressed; ++jj) {
        // The same comparisons as find_detections, so borderline distances agree.
        const double xj = static_cast<double>(jj) * dx, r = nms.radius_m, sr = nms.shadow_radius_m;
        const bool near = r > 0 ? xj >= xd - r && xj <= xd + r && std::abs(xj - xd) < r : xj == xd;
        const bool shadow = sr > 0 && xj >= xd - sr && xj <= xd + sr;
        if (!near && !shadow) continue;
        const Cand* cj = cands.data() + (jj % CW) * m;
        for (std::ptrdiff_t b = 0; b < ncands[static_cast<std::size_t>(jj % CW)]; ++b) {
          const Cand& o = cj[b];
          if (shadow && k.v < nms.shadow_ratio * o.v) {
            suppressed = true;
            break;
          }
          const bool stronger = o.v > k.v || (o.v == k.v && (jj < d || (jj == d && o.i < k.i)));
          if (!near || !stronger) continue;
          if (nms.depth_radius_m >= 0 &&
              std::abs(depth[static_cast<std::size_t>(o.i)] - z) >= nms.depth_radius_m)
            continue;
          suppressed = true;
          break;
        }
      }
      if (suppressed) continue;
      Detection det;
      det.x_m = x0 + xd;
      det.depth_m = z;
      det.t_ns = h.time_ns(static_cast<double>(k.i));
      det.trace = d;
      det.sample = k.i;
      det.score = k.v;
      emit(det);
    }
    return d;
  }
};

double stream_dx(const Header& h) { return h.dx_m > 0 ? h.dx_m : 0.01; }

std::ptrdiff_t traces_for(const char* what, double metres, double dx, std::ptrdiff_t max) {
  return check::count("stream", what, metres, dx, "traces", max, check::Round::up);
}

/// The header a stream configured with `c` works with: dx and the centre frequency fixed.
Header fixed_header(const StreamConfig& c) {
  Header h = c.header;
  h.history.clear();
  h.x_m.clear();
  h.y_m.clear();
  h.z_m.clear();
  check::positive(kWhere, "dt_ns", h.dt_ns);
  check::finite(kWhere, "t0_ns", h.t0_ns);
  check::non_negative(kWhere, "dx_m", h.dx_m);
  check::non_negative(kWhere, "antenna_height_m", h.antenna_height_m);
  check::non_negative(kWhere, "antenna_separation_m", h.antenna_separation_m);
  check::non_negative(kWhere, "centre_frequency_mhz", h.centre_frequency_mhz);
  h.dx_m = stream_dx(h);
  if (!(h.centre_frequency_mhz > 0)) h.centre_frequency_mhz = 100.0 / h.dt_ns;
  return h;
}

/// Whole-line stand-in for resolving window lengths: a stream's line has no end.
constexpr std::ptrdiff_t kLongLine = std::ptrdiff_t{1} << 40;

}  // namespace

// ---- the processor ---------------------------------------------------------------------------

struct StreamProcessor::Impl {
  StreamConfig config;
  DetectOptions offline;  // the matching offline chain
  Header header;          // fixed_header(config)
  Header score_header;    // the header after the pipeline steps
  std::vector<std::unique_ptr<Stage>> stages;
  std::unique_ptr<Stage> score;
  std::unique_ptr<CfarStage> cfar;  // null: a fixed threshold
  Decider decider;
  std::ptrdiff_t delay = 0, out_ns = 0, pipe_delay = 0;
  // Processed columns and score maxima kept until their column is decided.
  std::ptrdiff_t PW = 0, SW = 0;
  std::vector<float> processed;
  std::vector<float> score_max;
  std::ptrdiff_t t_in = 0, t_out = 0, t_proc = 0, t_score = 0;
  // Alarm queue (ring).
  std::vector<Detection> alarms;
  std::size_t a_head = 0, a_count = 0, a_dropped = 0;
  std::vector<float> zero;     // out_ns zeros (configuration only)
  std::vector<float> staging;  // one input trace, for strided input

  void build(const DetectOptions& d);
  void push_one(const float* x, float* out, float* score_out, std::ptrdiff_t& n_out);
  void raise(const Detection& det) {
    if (alarms.empty()) return;
    if (a_count == alarms.size()) {  // full: drop the oldest
      a_head = (a_head + 1) % alarms.size();
      --a_count;
      ++a_dropped;
    }
    alarms[(a_head + a_count) % alarms.size()] = det;
    ++a_count;
  }
  void clear() {
    for (auto& s : stages) s->reset();
    if (score) score->reset();
    if (cfar) cfar->reset();
    t_in = t_out = t_proc = t_score = 0;
    a_head = a_count = a_dropped = 0;
  }
};

namespace {

[[noreturn]] void not_streamable(const std::string& step, const std::string& why) {
  throw InvalidArgument(std::string(kWhere) + ": step '" + step + "' " + why);
}

}  // namespace

void StreamProcessor::Impl::build(const DetectOptions& d) {
  if (config.n_samples < 2)
    check::fail(kWhere, "n_samples", static_cast<double>(config.n_samples), ">= 2");
  if (config.n_samples > (std::ptrdiff_t{1} << 24))
    check::fail(kWhere, "n_samples", static_cast<double>(config.n_samples), "<= 2^24");
  header = fixed_header(config);
  check::positive(kWhere, "velocity_m_per_ns (a stream cannot estimate it)", d.velocity_m_per_ns);
  const double v = d.velocity_m_per_ns;
  if (d.migration != DetectMigration::none && d.migration != DetectMigration::automatic)
    check::fail(kWhere, "migration", static_cast<double>(d.migration),
                "none (migration needs the whole line)");
  if (d.threshold_method != DetectThreshold::fixed && d.threshold_method != DetectThreshold::cfar)
    check::fail(kWhere, "threshold_method", static_cast<double>(d.threshold_method),
                "fixed or cfar");
  if (d.threshold_method == DetectThreshold::cfar && d.cfar.model == CfarModel::exponential &&
      d.score.method == ScoreMethod::energy)
    not_streamable("cfar",
                   "model exponential needs a non-negative score; the energy z-score is "
                   "signed: use model gaussian");
  offline = d;
  offline.migration = DetectMigration::none;
  offline.nms.local = true;
  // What a stream computes, and so what its offline twin may do: no whole-line decisions
  // (SNR gates, weak alarms kept for their SNR, flat-top rescoring, flank suppression) and
  // no estimates from the whole line (time-zero, antenna height); the configured header is
  // taken as it is.
  offline.min_snr = 0.0;
  offline.weak_min_snr = 0.0;
  offline.flat_tops = false;
  offline.flank_radius_m = 0.0;
  offline.infer_time_zero = false;
  offline.estimate_antenna_height = false;
  offline.feature_options.centre_on_reflection = false;

  stages.clear();
  Header h = header;
  std::ptrdiff_t ns = config.n_samples;
  pipe_delay = 0;
  for (std::size_t k = 0; k < d.pipeline.size(); ++k) {
    const Pipeline::Step& st = d.pipeline.step(k);
    const std::string where = st.name + " (steps[" + std::to_string(k) + "])";
    const StepReach reach = step_reach(st.name, st.options_json, h);
    if (st.name == "remove_background") {
      BackgroundOptions o = options_from_json<BackgroundOptions>(st.name, st.options_json);
      o = o.resolve(h, ns, kLongLine);
      if (o.first_trace != 0 || o.n_traces != -1)
        not_streamable(where,
                       "estimates its background from a trace range; a stream uses every trace");
      if (o.method == BackgroundMethod::moving_mean ||
          o.method == BackgroundMethod::moving_median) {
        auto s = std::make_unique<MovingStage>();
        s->m = ns;
        s->W = o.window_traces | 1;
        s->h = s->W / 2;
        s->median = o.method == BackgroundMethod::moving_median;
        s->ring.assign(static_cast<std::size_t>(ns * s->W), 0.0f);
        if (s->median) s->sorted.assign(static_cast<std::size_t>(ns * s->W), 0.0f);
        s->sum.assign(static_cast<std::size_t>(ns), 0.0);
        s->out.assign(static_cast<std::size_t>(ns), 0.0f);
        s->delay = s->h;
        s->name = st.name;
        s->in_ns = s->out_ns = ns;
        pipe_delay += s->delay;
        stages.push_back(std::move(s));
      } else if (o.method == BackgroundMethod::exponential) {
        auto s = std::make_unique<ExponentialStage>();
        s->a = 2.0 / (static_cast<double>(o.window_traces) + 1.0);
        s->b.assign(static_cast<std::size_t>(ns), 0.0);
        s->out.assign(static_cast<std::size_t>(ns), 0.0f);
        s->name = st.name;
        s->in_ns = s->out_ns = ns;
        stages.push_back(std::move(s));
      } else {
        not_streamable(where,
                       "needs the whole line with this method; a stream can use moving_mean, "
                       "moving_median or exponential");
      }
      continue;
    }
    if (reach.whole_line || reach.traces != 0 || !reach.causal)
      not_streamable(where,
                     "needs the whole line (reach: " + step_info(st.name).reach_doc +
                         "); a stream needs a per-trace form (time_zero: set target_sample)");
    if (st.name == "resample") not_streamable(where, "has no streaming form yet");
    auto s = std::make_unique<PlanStage>();
    s->plan = prepare_step(st.name, st.options_json, ns, 1, h);
    s->h = h;
    s->t0_in = h.t0_ns;
    s->name = st.name;
    s->in_ns = ns;
    s->out_ns = s->plan->out_samples();
    s->out.assign(static_cast<std::size_t>(s->out_ns), 0.0f);
    s->plan->predict_header(h);
    ns = s->out_ns;
    stages.push_back(std::move(s));
  }
  score_header = h;
  out_ns = ns;

  // Score.
  ScoreOptions so = d.score;
  so.velocity_m_per_ns = v;
  zero.assign(static_cast<std::size_t>(ns), 0.0f);
  const ScoreWindows w = score_windows(ConstView(zero.data(), ns, 1), h, so);
  if (so.method == ScoreMethod::hyperbola) {
    auto s = std::make_unique<HyperbolaStage>();
    s->tab = detect_detail::hyperbola_tables(ns, h, h.dx_m, w, so);
    s->scratch = std::make_unique<detect_detail::HyperbolaScratch>(ns);
    s->A = s->tab.aperture;
    s->W = 2 * s->A + 1;
    s->ring.assign(static_cast<std::size_t>(ns * s->W), 0.0f);
    s->tmp.assign(static_cast<std::size_t>(ns), 0.0f);
    s->sigma.assign(static_cast<std::size_t>(s->W), 0.0);
    s->sig_win.assign(static_cast<std::size_t>(s->W), 0.0);
    s->sig_buf.assign(static_cast<std::size_t>(2 * s->W), 0.0);  // hyperbola_floor scratch
    s->cols.assign(static_cast<std::size_t>(s->W), nullptr);
    s->delay = s->A;
    score = std::move(s);
  } else if (so.method == ScoreMethod::energy) {
    auto s = std::make_unique<EnergyStage>();
    s->k.m = ns;
    s->k.ht = w.window_samples;
    s->k.rel2 = so.rel_floor * so.rel_floor;
    s->hx = w.window_traces;
    s->G = w.guard_traces;
    s->R = w.reference_traces;
    s->TW = 2 * s->hx + 1;
    s->EW = 2 * (s->G + s->R) + 2;
    s->tb.assign(static_cast<std::size_t>(ns * s->TW), 0.0f);
    s->e.assign(static_cast<std::size_t>(ns * s->EW), 0.0f);
    s->p.assign(static_cast<std::size_t>(ns + 1), 0.0);
    s->s1.assign(static_cast<std::size_t>(ns), 0.0);
    s->s2.assign(static_cast<std::size_t>(ns), 0.0);
    s->cols.assign(static_cast<std::size_t>(s->TW), nullptr);
    s->delay = s->hx + s->G + s->R;
    score = std::move(s);
  } else {
    auto s = std::make_unique<RxStage>();
    s->k = std::make_unique<detect_detail::RxKernel>(ns, w, so);
    s->G = w.guard_traces;
    s->R = w.reference_traces;
    s->XW = 2 * (s->G + s->R) + 2;
    s->ring.assign(static_cast<std::size_t>(ns * s->XW), 0.0f);
    s->acc.assign(static_cast<std::size_t>(ns) * s->k->P, 0.0);
    s->delay = s->G + s->R;
    score = std::move(s);
  }
  score->name = "score";
  score->in_ns = score->out_ns = ns;
  score->out.assign(static_cast<std::size_t>(ns), 0.0f);

  // Decisions: a fixed threshold and local suppression.
  NmsOptions no = d.nms;
  no.threshold = std::isnan(d.threshold) ? default_threshold(so.method) : d.threshold;
  no.velocity_m_per_ns = v;
  no.local = true;
  check::finite(kWhere, "threshold", no.threshold);
  check::non_negative(kWhere, "find_detections radius_m", no.radius_m);
  check::non_negative(kWhere, "find_detections shadow_radius_m", no.shadow_radius_m);
  check::in_range(kWhere, "find_detections shadow_ratio", no.shadow_ratio, 0.0, 1.0);
  if (!(no.min_depth_m <= no.max_depth_m))
    check::fail(kWhere, "find_detections max_depth_m", no.max_depth_m, ">= min_depth_m");
  if (std::isnan(no.depth_radius_m))
    check::fail(kWhere, "find_detections depth_radius_m", no.depth_radius_m, "a number");
  cfar.reset();
  if (d.threshold_method == DetectThreshold::cfar) {
    cfar = std::make_unique<CfarStage>();
    cfar->k = std::make_unique<detect_detail::CfarKernel>(d.cfar, ns);
    cfar->floor = static_cast<float>(no.threshold);
    cfar->SW = 2 * cfar->k->mt + 2;
    cfar->ring.assign(static_cast<std::size_t>(ns * cfar->SW), 0.0f);
    cfar->buf.assign(static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, cfar->k->nmax)), 0.0f);
    for (auto* v : {&cfar->so, &cfar->qo, &cfar->sg, &cfar->qg})
      v->assign(static_cast<std::size_t>(ns), 0.0);
    cfar->p1.assign(static_cast<std::size_t>(ns + 1), 0.0);
    cfar->p2.assign(static_cast<std::size_t>(ns + 1), 0.0);
    cfar->cols.assign(static_cast<std::size_t>(2 * cfar->k->mt + 1), nullptr);
    cfar->out.assign(static_cast<std::size_t>(ns), 0.0f);
    cfar->delay = cfar->k->mt;
    cfar->name = "cfar";
    cfar->in_ns = cfar->out_ns = ns;
  }
  Decider& dc = decider;
  dc = Decider{};
  dc.m = ns;
  dc.dx = h.dx_m;
  check::finite(kWhere, "x0_m", config.x0_m);
  dc.x0 = config.x0_m;
  dc.nms = no;
  dc.threshold = no.threshold;
  dc.h = h;
  dc.R = traces_for("radius_m", std::max(no.radius_m, no.shadow_radius_m), h.dx_m,
                    check::kMaxElements / (2 * ns + 2));  // the candidate ring is (2R + 2) x ns
  dc.CW = 2 * dc.R + 2;
  dc.depth.resize(static_cast<std::size_t>(ns));
  dc.depth_ok.resize(static_cast<std::size_t>(ns));
  for (std::ptrdiff_t i = 0; i < ns; ++i) {
    const double z = depth_from_time_m(h.time_ns(static_cast<double>(i)), h, v);
    dc.depth[static_cast<std::size_t>(i)] = z;
    dc.depth_ok[static_cast<std::size_t>(i)] = z >= no.min_depth_m && z <= no.max_depth_m;
  }
  dc.sring.assign(static_cast<std::size_t>(3 * ns), 0.0f);
  dc.tring.assign(static_cast<std::size_t>(3 * ns), 0.0f);
  dc.cands.resize(static_cast<std::size_t>(dc.CW * ns));
  dc.ncands.assign(static_cast<std::size_t>(dc.CW), 0);

  const std::ptrdiff_t sd = score->delay, cd = cfar ? cfar->delay : 0;
  delay = pipe_delay + sd + cd + dc.delay();
  PW = sd + cd + dc.delay() + 1;
  SW = cd + dc.delay() + 1;
  processed.assign(static_cast<std::size_t>(PW * ns), 0.0f);
  score_max.assign(static_cast<std::size_t>(SW), 0.0f);
  alarms.assign(config.alarm_capacity, Detection{});

  // Warm-up: every plan runs once here, so this thread's scratch exists before the first trace.
  {
    staging.assign(static_cast<std::size_t>(config.n_samples), 0.0f);
    const float* p = staging.data();
    for (auto& s : stages) {
      const float* q = s->feed(p, 0);
      p = q ? q : zero.data();
    }
  }
  clear();
}

void StreamProcessor::Impl::push_one(const float* x, float* out, float* score_out,
                                     std::ptrdiff_t& n_out) {
  ++t_in;
  const float* p = x;
  std::ptrdiff_t t = t_in - 1;
  for (auto& s : stages) {
    p = s->feed(p, t);
    if (p == nullptr) return;
    t -= s->delay;
  }
  // Column t of the processed section.
  const std::ptrdiff_t ns = out_ns;
  std::copy(p, p + ns, processed.data() + (t % PW) * ns);
  const float* sc = score->feed(p, t);
  if (sc == nullptr) return;
  const std::ptrdiff_t js = t - score->delay;
  score_max[static_cast<std::size_t>(js % SW)] = *std::max_element(sc, sc + ns);
  auto emit = [this](const Detection& det) { raise(det); };
  std::ptrdiff_t d = -1;
  if (cfar) {
    const float* th = cfar->feed(sc, js);
    if (th == nullptr) return;
    const std::ptrdiff_t jc = js - cfar->delay;
    d = decider.feed(cfar->column(jc), th, jc, emit);
  } else {
    d = decider.feed(sc, nullptr, js, emit);
  }
  if (d < 0) return;
  if (out) std::copy_n(processed.data() + (d % PW) * ns, ns, out + n_out * ns);
  if (score_out) score_out[n_out] = score_max[static_cast<std::size_t>(d % SW)];
  ++n_out;
  ++t_out;
}

StreamProcessor::StreamProcessor(StreamConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->build(impl_->config.detect);
}
StreamProcessor::~StreamProcessor() = default;
StreamProcessor::StreamProcessor(StreamProcessor&&) noexcept = default;
StreamProcessor& StreamProcessor::operator=(StreamProcessor&&) noexcept = default;

std::ptrdiff_t StreamProcessor::n_samples() const { return impl_->config.n_samples; }
std::ptrdiff_t StreamProcessor::out_samples() const { return impl_->out_ns; }
std::ptrdiff_t StreamProcessor::delay_traces() const { return impl_->delay; }

std::vector<std::pair<std::string, std::ptrdiff_t>> StreamProcessor::stage_delays() const {
  std::vector<std::pair<std::string, std::ptrdiff_t>> r;
  for (const auto& s : impl_->stages) r.emplace_back(s->name, s->delay);
  r.emplace_back("score", impl_->score->delay);
  if (impl_->cfar) r.emplace_back("cfar", impl_->cfar->delay);
  r.emplace_back("find_detections", impl_->decider.delay());
  return r;
}

std::ptrdiff_t StreamProcessor::push(ConstView traces, MutView out, float* scores) {
  Impl& im = *impl_;
  if (traces.n_traces < 0)
    check::fail(kWhere, "n_traces", static_cast<double>(traces.n_traces), ">= 0");
  if (traces.n_traces == 0) return 0;
  if (traces.data == nullptr) check::fail(kWhere, "traces", "a null pointer", "trace data");
  if (traces.n_samples != im.config.n_samples)
    check::fail(kWhere, "trace length", static_cast<double>(traces.n_samples),
                std::to_string(im.config.n_samples) + " samples (as configured)");
  check::finite_data(kWhere, "traces", traces);
  const bool want_out = out.data != nullptr && !out.empty();
  if (want_out && (out.n_samples != im.out_ns || out.n_traces < traces.n_traces))
    check::fail(kWhere, "out", check::shape_str(out.n_samples, out.n_traces),
                check::shape_str(im.out_ns, traces.n_traces) + " or larger");
  const bool direct = want_out && out.sample_stride == 1 && out.trace_stride == im.out_ns;
  std::ptrdiff_t n_out = 0;
  for (std::ptrdiff_t j = 0; j < traces.n_traces; ++j) {
    const float* x = traces.trace(j);
    if (traces.sample_stride != 1) {  // stage a strided trace
      float* z = im.staging.data();
      for (std::ptrdiff_t i = 0; i < traces.n_samples; ++i) z[i] = traces(i, j);
      x = z;
    }
    const std::ptrdiff_t before = n_out;
    im.push_one(x, direct ? out.data : nullptr, scores, n_out);
    if (want_out && !direct && n_out > before) {
      const float* p = im.processed.data() + ((im.t_out - 1) % im.PW) * im.out_ns;
      for (std::ptrdiff_t i = 0; i < im.out_ns; ++i) out(i, before) = p[i];
    }
  }
  return n_out;
}

std::size_t StreamProcessor::drain_alarms(Detection* buf, std::size_t capacity) {
  Impl& im = *impl_;
  if (buf == nullptr && capacity > 0)
    check::fail(kWhere, "alarm buffer", "a null pointer", "a buffer");
  const std::size_t n = std::min(capacity, im.a_count);
  for (std::size_t k = 0; k < n; ++k) buf[k] = im.alarms[(im.a_head + k) % im.alarms.size()];
  if (n > 0) {
    im.a_head = (im.a_head + n) % im.alarms.size();
    im.a_count -= n;
  }
  return n;
}

std::vector<Detection> StreamProcessor::alarms() {
  std::vector<Detection> r(impl_->a_count);
  drain_alarms(r.data(), r.size());
  return r;
}

std::size_t StreamProcessor::pending_alarms() const { return impl_->a_count; }
std::size_t StreamProcessor::dropped_alarms() const { return impl_->a_dropped; }
std::ptrdiff_t StreamProcessor::traces_in() const { return impl_->t_in; }
std::ptrdiff_t StreamProcessor::traces_out() const { return impl_->t_out; }

void StreamProcessor::reset() { impl_->clear(); }

void StreamProcessor::reset(const DetectOptions& detect) {
  auto next = std::make_unique<Impl>();
  next->config = impl_->config;
  next->config.detect = detect;
  next->build(detect);
  impl_ = std::move(next);
}

const StreamConfig& StreamProcessor::config() const { return impl_->config; }
DetectOptions StreamProcessor::offline_options() const { return impl_->offline; }
Pipeline StreamProcessor::offline_pipeline() const { return pipeline_of(impl_->offline); }
Header StreamProcessor::offline_header() const { return impl_->header; }

// ---- pipelines with decision steps -----------------------------------------------------------

Pipeline landmine_stream_pipeline() {
  static const Pipeline p = Pipeline::from_json(detect_detail::landmine_stream_pipeline_json);
  return p;
}

DetectOptions stream_options(const Pipeline& p) {
  static const DetectOptions defaults = detect_options_from_pipeline(landmine_stream_pipeline());
  return detect_options_from_pipeline(p, defaults);
}

// ---- several channels ---------------------------------------------------------------------------

StreamChannels::StreamChannels(const StreamConfig& config, int n_channels) {
  if (n_channels < 1 || n_channels > 4096)
    check::fail("StreamChannels", "n_channels", n_channels, "1..4096");
  channels_.reserve(static_cast<std::size_t>(n_channels));
  for (int c = 0; c < n_channels; ++c) channels_.emplace_back(config);
}

int StreamChannels::n_channels() const { return static_cast<int>(channels_.size()); }

StreamProcessor& StreamChannels::channel(int c) {
  if (c < 0 || c >= n_channels())
    check::fail("StreamChannels", "channel", c, "0.." + std::to_string(n_channels() - 1));
  return channels_[static_cast<std::size_t>(c)];
}

void StreamChannels::push(const ConstView* traces, const MutView* out, float* const* scores,
                          std::ptrdiff_t* n_out, int n_threads) {
  if (traces == nullptr || n_out == nullptr)
    check::fail("StreamChannels", "traces / n_out", "a null pointer", "one entry per channel");
  const int nc = n_channels();
  // Validate every block first, so a bad one pushes nothing anywhere.
  for (int c = 0; c < nc; ++c) {
    if (traces[c].n_traces > 0 && traces[c].n_samples != channels_[0].n_samples())
      check::fail("StreamChannels", "channel " + std::to_string(c) + " trace length",
                  static_cast<double>(traces[c].n_samples),
                  std::to_string(channels_[0].n_samples()) + " samples");
    if (traces[c].n_traces > 0) check::finite_data("StreamChannels", "traces", traces[c]);
  }
  const int nt = std::max(1, std::min(nc, n_threads > 0 ? n_threads : get_num_threads()));
  bool failed = false;
  std::string message;
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int c = 0; c < nc; ++c) {
    try {
      n_out[c] = channels_[static_cast<std::size_t>(c)].push(traces[c], out ? out[c] : MutView{},
                                                             scores ? scores[c] : nullptr);
    } catch (const std::exception& e) {
#pragma omp critical(gprkit_stream_channels)
      {
        failed = true;
        message = e.what();
      }
    }
  }
  if (failed) throw InvalidArgument(message);
}

void StreamChannels::reset() {
  for (auto& c : channels_) c.reset();
}

}  // namespace gprkit
