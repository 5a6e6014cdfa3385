#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/filters.h"

namespace gprkit::py {

void bind_filters(pyb::module_& m) {
  m.def(
      "dc_remove",
      [](const pyb::array& data, double dt_ns, double t0_ns, const std::string& method,
         double start_ns, double end_ns) {
        DcRemoveOptions o;
        o.method = parse_choice<DcMethod>(
            method, {{"mean", DcMethod::mean}, {"median", DcMethod::median}}, "dc_remove: method");
        o.start_ns = start_ns;
        o.end_ns = end_ns;
        return map_section(data, "data",
                           [&](ConstView in, MutView out) { dc_remove(in, out, dt_ns, t0_ns, o); });
      },
      pyb::arg("data"), pyb::arg("dt_ns"), pyb::arg("t0_ns"), pyb::arg("method"),
      pyb::arg("start_ns"), pyb::arg("end_ns"));
  m.def(
      "dewow",
      [](const pyb::array& data, double dt_ns, double window_ns) {
        return map_section(data, "data",
                           [&](ConstView in, MutView out) { dewow(in, out, dt_ns, {window_ns}); });
      },
      pyb::arg("data"), pyb::arg("dt_ns"), pyb::arg("window_ns"));
  m.def(
      "time_zero",
      [](const pyb::array& data, double dt_ns, double t0_ns, const std::string& method,
         double threshold, double search_start_ns, double search_end_ns, double target_sample,
         bool shift, int lobe_window_traces) {
        TimeZeroOptions o;
        o.method = parse_choice<TimeZeroPick>(
            method,
            {{"first_peak", TimeZeroPick::first_peak}, {"threshold", TimeZeroPick::threshold}},
            "time_zero: method");
        o.threshold = threshold;
        o.search_start_ns = search_start_ns;
        o.search_end_ns = search_end_ns;
        o.target_sample = target_sample;
        o.shift = shift;
        o.lobe_window_traces = lobe_window_traces;
        TimeZeroResult res;
        farray out = map_section(data, "data", [&](ConstView in, MutView ov) {
          res = time_zero(in, ov, dt_ns, t0_ns, o);
        });
        return pyb::make_tuple(out, to_numpy(res.picks_samples), res.target_sample);
      },
      pyb::arg("data"), pyb::arg("dt_ns"), pyb::arg("t0_ns"), pyb::arg("method"),
      pyb::arg("threshold"), pyb::arg("search_start_ns"), pyb::arg("search_end_ns"),
      pyb::arg("target_sample"), pyb::arg("shift"), pyb::arg("lobe_window_traces") = -1);
  m.def(
      "shift_traces",
      [](const pyb::array& data, const std::vector<double>& shifts) {
        return map_section(data, "data",
                           [&](ConstView in, MutView out) { shift_traces(in, out, shifts); });
      },
      pyb::arg("data"), pyb::arg("shifts_samples"));
  m.def(
      "bandpass",
      [](const pyb::array& data, double dt_ns, double low_mhz, double high_mhz,
         const std::string& shape, double transition_mhz, int order, std::ptrdiff_t pad_samples) {
        BandpassOptions o;
        o.low_mhz = low_mhz;
        o.high_mhz = high_mhz;
        o.shape = parse_choice<BandpassShape>(
            shape, {{"cosine", BandpassShape::cosine}, {"butterworth", BandpassShape::butterworth}},
            "bandpass: shape");
        o.transition_mhz = transition_mhz;
        o.order = order;
        o.pad_samples = pad_samples;
        return map_section(data, "data",
                           [&](ConstView in, MutView out) { bandpass(in, out, dt_ns, o); });
      },
      pyb::arg("data"), pyb::arg("dt_ns"), pyb::arg("low_mhz"), pyb::arg("high_mhz"),
      pyb::arg("shape"), pyb::arg("transition_mhz"), pyb::arg("order"), pyb::arg("pad_samples"));
  m.def(
      "gain",
      [](const pyb::array& data, double dt_ns, double t0_ns, const std::string& kind, double power,
         double db_per_ns, double window_ns, double max_gain) {
        GainOptions o;
        o.kind = parse_choice<GainKind>(kind,
                                        {{"tpow", GainKind::tpow},
                                         {"exp", GainKind::exp},
                                         {"sec", GainKind::sec},
                                         {"agc", GainKind::agc}},
                                        "gain: kind");
        o.power = power;
        o.db_per_ns = db_per_ns;
        o.window_ns = window_ns;
        o.max_gain = max_gain;
        return map_section(data, "data",
                           [&](ConstView in, MutView out) { gain(in, out, dt_ns, t0_ns, o); });
      },
      pyb::arg("data"), pyb::arg("dt_ns"), pyb::arg("t0_ns"), pyb::arg("kind"), pyb::arg("power"),
      pyb::arg("db_per_ns"), pyb::arg("window_ns"), pyb::arg("max_gain"));
  m.def(
      "envelope",
      [](const pyb::array& data, std::ptrdiff_t pad_samples) {
        return map_section(data, "data",
                           [&](ConstView in, MutView out) { envelope(in, out, {pad_samples}); });
      },
      pyb::arg("data"), pyb::arg("pad_samples"));
}

}  // namespace gprkit::py
