// Registry entries of the per-trace filters (include/gprkit/filters/).
#include <algorithm>
#include <cmath>
#include <limits>

#include "../filters/kernels.h"
#include "gprkit/core/validate.h"
#include "gprkit/filters.h"
#include "gprkit/io/gprmax.h"
#include "step_def.h"

namespace gprkit::pipeline_detail {

namespace {

constexpr StepReach per_trace{false, 0, true};

template <class O>
void add(Registry& r, StepInfo info, Table<O> t, typename TypedStep<O>::Resolve resolve,
         typename TypedStep<O>::Reach reach, typename TypedStep<O>::Make make) {
  r.push_back(std::make_unique<TypedStep<O>>(std::move(info), std::move(t), std::move(resolve),
                                             std::move(reach), std::move(make)));
}

StepInfo info(const char* name, const char* doc, const char* reach) {
  StepInfo i;
  i.name = name;
  i.doc = doc;
  i.reach_doc = reach;
  return i;
}

struct ResampleOptions {
  double dt_ns = 0.0;
};

}  // namespace

void add_filter_steps(Registry& r) {
  add<DcRemoveOptions>(
      r,
      info("dc_remove", "Subtract each trace's mean or median (over a time window) from the trace.",
           "0 (per trace)"),
      {choice("method", &DcRemoveOptions::method,
              {{"mean", DcMethod::mean}, {"median", DcMethod::median}},
              "level measured as the window's mean or median"),
       number("start_ns", &DcRemoveOptions::start_ns, "ns", any,
              "start of the window the level is measured over (time from time-zero)",
              {-1e300, "the start of the trace"}),
       number("end_ns", &DcRemoveOptions::end_ns, "ns", any, "end of that window",
              {1e300, "the end of the trace"})},
      nullptr, [](const DcRemoveOptions&, const Header&) { return per_trace; },
      [](const DcRemoveOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&,
         std::string res) {
        return same_shape_plan(ns, nt, std::move(res),
                               [o](ConstView in, MutView out, Header& h, StepOutputs*) {
                                 dc_remove(in, out, h.dt_ns, h.t0_ns, o);
                               });
      });

  add<DewowOptions>(
      r,
      info("dewow", "Remove the slow wow of each trace: subtract a centred running mean.",
           "0 (per trace)"),
      {number("window_ns", &DewowOptions::window_ns, "ns", above(0), "running-mean window",
              {0.0, "three periods of the centre frequency; without one max(2 ns, 20 samples)"})},
      [](const DewowOptions& o, std::ptrdiff_t, std::ptrdiff_t, const Header& h) {
        return o.resolve(h);
      },
      [](const DewowOptions&, const Header&) { return per_trace; },
      [](const DewowOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header& ph,
         std::string res) {
        check::positive("dewow", "window_ns", o.window_ns);
        const double dt = ph.dt_ns;
        return same_shape_plan(
            ns, nt, std::move(res),
            [o, dt](ConstView in, MutView out, Header&, StepOutputs*) { dewow(in, out, dt, o); });
      });

  add<TimeZeroOptions>(
      r,
      info("time_zero",
           "Pick each trace's first break and shift every trace to a common time-zero "
           "(band-limited fractional shift); t0_ns becomes -target * dt_ns.",
           "the whole line when target_sample is automatic (median pick), else half of "
           "lobe_window_traces (0 by default)"),
      {choice("method", &TimeZeroOptions::method,
              {{"first_peak", TimeZeroPick::first_peak}, {"threshold", TimeZeroPick::threshold}},
              "first extremum above the threshold, or first threshold crossing"),
       number("threshold", &TimeZeroOptions::threshold, "", {0, 1, true, false},
              "fraction of the trace's maximum |amplitude|"),
       number("search_start_ns", &TimeZeroOptions::search_start_ns, "ns", any,
              "picks only after this time (on the input's time axis)",
              {-1e300, "the start of the trace"}),
       number("search_end_ns", &TimeZeroOptions::search_end_ns, "ns", any,
              "picks only before this time", {1e300, "the end of the trace"}),
       number("target_sample", &TimeZeroOptions::target_sample, "samples", at_least(0),
              "sample index time-zero is moved to", {-1.0, "the median pick"}),
       integer("lobe_window_traces", &TimeZeroOptions::lobe_window_traces, "traces",
               between(-1, 1 << 20),
               "first_peak: re-pick traces that jumped to another lobe of the direct wave on "
               "the line's pick polarity nearest the running median of the picks over this "
               "many traces; 0 = independent per-trace picks",
               {-1, "1001 with the automatic target, 0 with a fixed target_sample"})},
      nullptr,
      [](const TimeZeroOptions& o, const Header&) {
        if (o.target_sample < 0) return StepReach{true, 0, false};
        const int w = o.method == TimeZeroPick::first_peak ? o.lobe_window() : 0;
        return w > 1 ? StepReach{false, w / 2, false} : StepReach{false, 0, true};
      },
      [](const TimeZeroOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&,
         std::string res) {
        return same_shape_plan(
            ns, nt, std::move(res),
            [o](ConstView in, MutView out, Header& h, StepOutputs* extra) {
              TimeZeroResult tz = time_zero(in, out, h.dt_ns, h.t0_ns, o);
              h.t0_ns = 0.0 - tz.target_sample * h.dt_ns;  // never -0
              if (extra) extra->arrays.emplace_back("time_zero_picks_samples", tz.picks_samples);
            },
            /*in_place=*/false,
            [o](Header& h) {  // known before the data only for a fixed target
              if (o.shift && o.target_sample >= 0) h.t0_ns = 0.0 - o.target_sample * h.dt_ns;
            });
      });

  add<BandpassOptions>(
      r, info("bandpass", "Zero-phase FFT band-pass of each trace.", "0 (per trace)"),
      {number("low_mhz", &BandpassOptions::low_mhz, "MHz", at_least(0),
              "low corner; 0 = no high-pass part",
              {-1.0, "min(0.3 x centre frequency, high / 2); without one 0.02 x Nyquist"}),
       number("high_mhz", &BandpassOptions::high_mhz, "MHz", above(0), "high corner, below Nyquist",
              {-1.0, "min(2.5 x centre frequency, 0.8 x Nyquist); without one 0.8 x Nyquist"}),
       choice("shape", &BandpassOptions::shape,
              {{"cosine", BandpassShape::cosine}, {"butterworth", BandpassShape::butterworth}},
              "flat pass band with raised-cosine transitions, or Butterworth magnitude"),
       number("transition_mhz", &BandpassOptions::transition_mhz, "MHz", at_least(0),
              "cosine: width of each transition band", {-1.0, "a quarter of each corner"}),
       integer("order", &BandpassOptions::order, "", between(1, 32), "Butterworth order"),
       integer("pad_samples", &BandpassOptions::pad_samples, "samples", between(0, 1 << 28),
               "padding against wrap-around (a line joins the trace's end to its start)",
               {-1, "n_samples / 8, at least 16"})},
      [](const BandpassOptions& o, std::ptrdiff_t, std::ptrdiff_t, const Header& h) {
        return o.resolve(h);
      },
      [](const BandpassOptions&, const Header&) { return per_trace; },
      [](const BandpassOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header& h,
         std::string res) {
        auto table =
            std::make_shared<const detail::BandpassTable>(detail::bandpass_table(ns, h.dt_ns, o));
        return same_shape_plan(ns, nt, std::move(res),
                               [table](ConstView in, MutView out, Header&, StepOutputs*) {
                                 detail::bandpass_apply(in, out, *table);
                               });
      });

  add<GainOptions>(
      r,
      info("gain",
           "Time-varying gain: t^power, exponential, both (sec), or AGC; t from time-zero, "
           "clamped to max_gain.",
           "0 (per trace)"),
      {choice("kind", &GainOptions::kind,
              {{"tpow", GainKind::tpow},
               {"exp", GainKind::exp},
               {"sec", GainKind::sec},
               {"agc", GainKind::agc}},
              "t^power, 10^(db_per_ns t / 20), their product, or 1 / RMS over window_ns"),
       number("power", &GainOptions::power, "", between(0, 10), "tpow / sec exponent"),
       number("db_per_ns", &GainOptions::db_per_ns, "dB/ns", between(-1000, 1000),
              "exp / sec attenuation compensation"),
       number("window_ns", &GainOptions::window_ns, "ns", above(0), "agc window"),
       number("max_gain", &GainOptions::max_gain, "", above(0), "every gain is clamped to this")},
      nullptr, [](const GainOptions&, const Header&) { return per_trace; },
      [](const GainOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header& h,
         std::string res) -> std::unique_ptr<StepPlan> {
        detail::validate_gain(h.dt_ns, h.t0_ns, o);
        const double dt = h.dt_ns;
        if (o.kind == GainKind::agc)
          return same_shape_plan(ns, nt, std::move(res),
                                 [o, dt](ConstView in, MutView out, Header& hh, StepOutputs*) {
                                   gain(in, out, dt, hh.t0_ns, o);
                                 });
        auto curve =
            std::make_shared<const std::vector<float>>(detail::gain_curve(ns, dt, h.t0_ns, o));
        return same_shape_plan(ns, nt, std::move(res),
                               [curve](ConstView in, MutView out, Header&, StepOutputs*) {
                                 detail::gain_apply_curve(in, out, *curve);
                               });
      });

  add<EnvelopeOptions>(
      r,
      info("envelope", "Instantaneous amplitude |x + i H(x)| (Hilbert transform by FFT).",
           "0 (per trace)"),
      {integer("pad_samples", &EnvelopeOptions::pad_samples, "samples", between(0, 1 << 28),
               "zero padding against wrap-around", {-1, "n_samples / 8, at least 16"})},
      nullptr, [](const EnvelopeOptions&, const Header&) { return per_trace; },
      [](const EnvelopeOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&,
         std::string res) {
        return same_shape_plan(
            ns, nt, std::move(res),
            [o](ConstView in, MutView out, Header&, StepOutputs*) { envelope(in, out, o); });
      });

  add<NormalizeDistanceOptions>(
      r,
      info("normalize_distance",
           "Resample a line recorded at uneven spacing (time-triggered, a slipping or stopped "
           "wheel) onto equal trace spacing from its per-trace positions (header x_m): traces "
           "at one station are averaged, the rest interpolated linearly in position; x_m "
           "becomes regular, y_m / z_m follow, per-trace raw lists are dropped.",
           "the whole line (the output's trace count depends on every position)"),
      {number("spacing_m", &NormalizeDistanceOptions::spacing_m, "m", above(0),
              "output trace spacing", {0.0, "the median step between consecutive positions"}),
       number("stationary_m", &NormalizeDistanceOptions::stationary_m, "m", at_least(0),
              "traces within this distance of the first of their run are one station "
              "(averaged); steps back within it are jitter",
              {-1.0, "a quarter of the output spacing"})},
      [](const NormalizeDistanceOptions& o, std::ptrdiff_t, std::ptrdiff_t nt, const Header& h) {
        if (static_cast<std::ptrdiff_t>(h.x_m.size()) != nt)
          throw InvalidArgument("normalize_distance: the line has " + std::to_string(h.x_m.size()) +
                                " per-trace positions (x_m) for " + std::to_string(nt) +
                                " traces; it needs one per trace");
        NormalizeDistanceOptions r = o;  // the history records the spacing actually used
        r.spacing_m = distance_grid(h.x_m, o).spacing_m;
        if (r.stationary_m < 0) r.stationary_m = 0.25 * r.spacing_m;
        return r;
      },
      [](const NormalizeDistanceOptions&, const Header&) {
        return StepReach{true, 0, false};
      },
      [](const NormalizeDistanceOptions& o, std::ptrdiff_t ns, std::ptrdiff_t, const Header& h,
         std::string res) -> std::unique_ptr<StepPlan> {
        auto grid = std::make_shared<const DistanceGrid>(distance_grid(h.x_m, o));
        return std::make_unique<FnPlan>(
            ns, grid->n_traces(), std::move(res),
            [grid](ConstView in, MutView out, Header& hh, StepOutputs*) {
              normalize_distance(in, out, *grid);
              normalize_distance_header(hh, *grid);
            },
            false, [grid](Header& hh) { normalize_distance_header(hh, *grid); });
      });

  add<TopographicCorrectionOptions>(
      r,
      info("topographic_correction",
           "Static elevation correction: delay each trace by 2 (datum - z) / v (z = header "
           "z_m, the surface elevation) with a band-limited fractional shift, so that flat "
           "layers under a slope come out flat; the traces grow by the largest delay.",
           "0 (per trace) with a fixed datum_m; the whole line with the automatic datum (its "
           "highest elevation)"),
      {number("velocity_m_per_ns", &TopographicCorrectionOptions::velocity_m_per_ns, "m/ns",
              above(0), "velocity of the ground above the reflectors"),
       number(
           "datum_m", &TopographicCorrectionOptions::datum_m, "m", any,
           "elevation every trace is referred to",
           {-std::numeric_limits<double>::infinity(), "the highest surface elevation on the line"}),
       flag("extend", &TopographicCorrectionOptions::extend,
            "lengthen the traces by the largest delay (false: keep n_samples, lose what moves "
            "past the end)")},
      [](const TopographicCorrectionOptions& o, std::ptrdiff_t, std::ptrdiff_t, const Header& h) {
        TopographicCorrectionOptions r = o;
        if (r.datum_m == -std::numeric_limits<double>::infinity() && !h.z_m.empty() &&
            std::all_of(h.z_m.begin(), h.z_m.end(), [](double z) { return std::isfinite(z); }))
          r.datum_m = *std::max_element(h.z_m.begin(), h.z_m.end());
        return r;
      },
      [](const TopographicCorrectionOptions& o, const Header&) {
        return o.datum_m == -std::numeric_limits<double>::infinity() ? StepReach{true, 0, false}
                                                                     : per_trace;
      },
      [](const TopographicCorrectionOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt,
         const Header& h, std::string res) -> std::unique_ptr<StepPlan> {
        auto d =
            std::make_shared<const TopographicDelays>(topographic_delays(h.z_m, nt, h.dt_ns, o));
        return std::make_unique<FnPlan>(
            topographic_samples(ns, *d, o), nt, std::move(res),
            [d](ConstView in, MutView out, Header&, StepOutputs*) {
              topographic_correction(in, out, *d);
            },
            false);
      });

  add<ResampleOptions>(
      r,
      info("resample",
           "Band-limited (Lanczos-windowed sinc) resampling of every trace to dt_ns; the time "
           "window is kept.",
           "0 (per trace)"),
      {number("dt_ns", &ResampleOptions::dt_ns, "ns", above(0), "new sample interval",
              {0.0, "the input's dt_ns (a copy)"})},
      nullptr, [](const ResampleOptions&, const Header&) { return per_trace; },
      [](const ResampleOptions& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header& h,
         std::string res) -> std::unique_ptr<StepPlan> {
        check::positive("resample", "input dt_ns", h.dt_ns);
        if (o.dt_ns == 0.0)
          return same_shape_plan(ns, nt, std::move(res),
                                 [](ConstView in, MutView out, Header&, StepOutputs*) {
                                   if (in.data == out.data) return;
                                   for (std::ptrdiff_t j = 0; j < in.n_traces; ++j)
                                     for (std::ptrdiff_t i = 0; i < in.n_samples; ++i)
                                       out(i, j) = in(i, j);
                                 });
        check::positive("resample", "dt_ns", o.dt_ns);
        const double span = static_cast<double>(ns - 1) * h.dt_ns;
        const std::ptrdiff_t n_out =
            check::count("resample", "input span at dt_ns (ns)", span + 1e-9 * o.dt_ns, o.dt_ns,
                         "samples", 100'000'000, check::Round::down) +
            1;
        return std::make_unique<FnPlan>(
            n_out, nt, std::move(res),
            [o](ConstView in, MutView out, Header& hh, StepOutputs*) {
              check::finite_data("resample", "input", in);  // interpolation would spread a NaN
              Bscan b(in, hh);
              Bscan rs = io::resample_traces(b, o.dt_ns);
              for (std::ptrdiff_t j = 0; j < rs.n_traces(); ++j)
                for (std::ptrdiff_t i = 0; i < rs.n_samples(); ++i) out(i, j) = rs(i, j);
              hh = rs.header();
            },
            false, [o](Header& hh) { hh.dt_ns = o.dt_ns; });
      });
}

}  // namespace gprkit::pipeline_detail
