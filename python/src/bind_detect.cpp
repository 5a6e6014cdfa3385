// Python bindings of the detect folder (private: see python/gprkit/detect.py).
#include <pybind11/stl.h>

#include <cmath>
#include <string>
#include <type_traits>

#include "convert.h"
#include "gprkit/detect.h"
#include "gprkit/pipeline/registry.h"

namespace gprkit::py {

namespace {

// A str where a number belongs is InvalidArgument naming the key (pybind11's cast_error
// says only "Unable to cast Python instance of type <class 'str'> to C++ type '?'").
template <class T>
T get(const pyb::dict& d, const char* key, T fallback) {
  if (!d.contains(key) || d[key].is_none()) return fallback;
  try {
    return d[key].cast<T>();
  } catch (const pyb::cast_error&) {
    throw InvalidArgument(std::string("detect: ") + key + " = " + std::string(pyb::repr(d[key])) +
                          "; expected " + (std::is_same_v<T, std::string> ? "a str" : "a number"));
  }
}

// (x, depth, t, trace, sample, score, features): features a dict, None when not computed.
pyb::list detections_to_list(const std::vector<Detection>& dets) {
  pyb::list out;
  for (const auto& d : dets) {
    pyb::object f = pyb::none();
    if (d.mine_likeness >= 0) {
      pyb::dict fd;
      fd["polarity"] = d.polarity;
      fd["material"] = material_name(d.material);
      fd["coherence"] = d.coherence;
      fd["reflection_strength"] = d.reflection_strength;
      fd["ringing"] = d.ringing;
      fd["width_m"] = d.width_m;
      fd["double_reflection"] = d.double_reflection;
      fd["double_reflection_delay_ns"] = d.double_reflection_delay_ns;
      fd["snr"] = d.snr;
      fd["mine_likeness"] = d.mine_likeness;
      f = fd;
    }
    out.append(pyb::make_tuple(d.x_m, d.depth_m, d.t_ns, d.trace, d.sample, d.score, f));
  }
  return out;
}

pyb::dict windows_dict(const ScoreWindows& w) {
  pyb::dict d;
  d["centre_frequency_mhz"] = w.centre_frequency_mhz;
  d["window_samples"] = w.window_samples;
  d["window_traces"] = w.window_traces;
  d["guard_traces"] = w.guard_traces;
  d["reference_traces"] = w.reference_traces;
  d["feature_step"] = w.feature_step;
  d["aperture_traces"] = w.aperture_traces;
  return d;
}

}  // namespace

void bind_detect(pyb::module_& m) {
  m.def(
      "score",
      [](const pyb::array& data, const pyb::dict& header, const std::string& options_json) {
        ConstView in = as_view(data, "data");
        const Header h = header_from_dict(header);
        const auto o = options_from_json<ScoreOptions>("score", options_json);
        farray out = new_fortran(in.n_samples, in.n_traces);
        MutView ov = view_of(out);
        ScoreWindows w;
        {
          pyb::gil_scoped_release nogil;
          score(in, ov, h, o);
          w = score_windows(in, h, o);
        }
        return pyb::make_tuple(out, windows_dict(w));
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("options_json"));
  m.def(
      "trace_score",
      [](const pyb::array& data, std::ptrdiff_t first, std::ptrdiff_t count) {
        ConstView in = as_view(data, "score");
        std::vector<float> r;
        {
          pyb::gil_scoped_release nogil;
          r = trace_score(in, first, count);
        }
        return pyb::array_t<float>(static_cast<pyb::ssize_t>(r.size()), r.data());
      },
      pyb::arg("score"), pyb::arg("first_sample"), pyb::arg("n_samples"));
  m.def(
      "cfar",
      [](const pyb::array& data, const std::string& options_json) {
        const auto o = options_from_json<CfarOptions>("cfar", options_json);
        return map_section(data, "score", [&](ConstView in, MutView ov) { cfar(in, ov, o); });
      },
      pyb::arg("score"), pyb::arg("options_json"));
  m.def("cfar_ca_factor", &cfar_ca_factor, pyb::arg("pfa"), pyb::arg("n"));
  m.def("cfar_os_factor", &cfar_os_factor, pyb::arg("pfa"), pyb::arg("n"), pyb::arg("k"));
  m.def(
      "depth_from_time_m",
      [](double t, const pyb::dict& header, double v) {
        return depth_from_time_m(t, header_from_dict(header), v);
      },
      pyb::arg("t_ns"), pyb::arg("header"), pyb::arg("velocity_m_per_ns"));
  m.def(
      "find_detections",
      [](const pyb::array& data, const pyb::dict& header, const pyb::object& thr_image,
         const std::string& options_json) {
        ConstView in = as_view(data, "score");
        const Header h = header_from_dict(header);
        const auto o = options_from_json<NmsOptions>("find_detections", options_json);
        std::vector<Detection> dets;
        pyb::array thr_arr;
        ConstView tv;
        const bool has_thr = !thr_image.is_none();
        if (has_thr) {
          thr_arr = thr_image.cast<pyb::array>();
          tv = as_view(thr_arr, "threshold");
        }
        {
          pyb::gil_scoped_release nogil;
          dets = find_detections(in, h, o, has_thr ? &tv : nullptr);
        }
        return detections_to_list(dets);
      },
      pyb::arg("score"), pyb::arg("header"), pyb::arg("threshold_image"), pyb::arg("options_json"));
  m.def(
      "detect",
      [](const pyb::array& data, const pyb::dict& header, const std::string& pipeline_json,
         const std::string& score_json, const std::string& cfar_json, const std::string& nms_json,
         const pyb::dict& d, bool preprocess_only) {
        ConstView in = as_view(data, "data");
        Bscan b(in, header_from_dict(header));
        // A pipeline may end with score / cfar / find_detections; explicit options override.
        DetectOptions o = detect_options_from_pipeline(Pipeline::from_json(pipeline_json));
        // Missing options keep the chain's own defaults (hyperbola score, flank suppression).
        o.score = options_from_json<ScoreOptions>("score", score_json, o.score);
        o.cfar = options_from_json<CfarOptions>("cfar", cfar_json, o.cfar);
        o.nms = options_from_json<NmsOptions>("find_detections", nms_json, o.nms);
        if (d.contains("migration"))
          o.migration =
              parse_choice<DetectMigration>(get(d, "migration", std::string()),
                                            {{"auto", DetectMigration::automatic},
                                             {"none", DetectMigration::none},
                                             {"stolt", DetectMigration::stolt},
                                             {"phase_shift", DetectMigration::phase_shift},
                                             {"kirchhoff", DetectMigration::kirchhoff},
                                             {"backprojection", DetectMigration::backprojection}},
                                            "detect: migration");
        o.velocity_m_per_ns = get(d, "velocity_m_per_ns", o.velocity_m_per_ns);
        if (d.contains("threshold_method"))
          o.threshold_method = parse_choice<DetectThreshold>(
              get(d, "threshold_method", std::string()),
              {{"fixed", DetectThreshold::fixed}, {"cfar", DetectThreshold::cfar}},
              "detect: threshold_method");
        o.threshold = get(d, "threshold", o.threshold);
        o.features = get(d, "features", o.features);
        o.min_mine_likeness = get(d, "min_mine_likeness", o.min_mine_likeness);
        o.min_snr = get(d, "min_snr", o.min_snr);
        o.min_snr_ground_polarity = get(d, "min_snr_ground_polarity", o.min_snr_ground_polarity);
        o.weak_threshold = get(d, "weak_threshold", o.weak_threshold);
        o.weak_min_snr = get(d, "weak_min_snr", o.weak_min_snr);
        o.flat_tops = get(d, "flat_tops", o.flat_tops);
        o.flank_radius_m = get(d, "flank_radius_m", o.flank_radius_m);
        DetectReport rep;
        std::vector<Detection> dets;
        double v = 0;
        bool est = false;
        {
          pyb::gil_scoped_release nogil;
          // b is this call's own copy of the array: the chain works in it.
          if (preprocess_only)
            rep.processed = detect_preprocess(std::move(b), o, &v, &est);
          else
            dets = detect(std::move(b), o, &rep);
        }
        pyb::dict info;
        info["velocity_m_per_ns"] = preprocess_only ? v : rep.velocity_m_per_ns;
        info["velocity_estimated"] = preprocess_only ? est : rep.velocity_estimated;
        info["threshold"] = rep.threshold;
        info["windows"] = windows_dict(rep.windows);
        pyb::dict ph = header_to_dict(rep.processed.header());
        pyb::object score_arr = pyb::none();
        if (!preprocess_only) score_arr = bscan_to_numpy(std::move(rep.score));
        return pyb::make_tuple(detections_to_list(dets), bscan_to_numpy(std::move(rep.processed)),
                               ph, score_arr, info);
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("pipeline_json"), pyb::arg("score_json"),
      pyb::arg("cfar_json"), pyb::arg("nms_json"), pyb::arg("options"),
      pyb::arg("preprocess_only") = false);
  m.def(
      "evaluate",
      [](const std::vector<std::tuple<double, double, double, double>>& dets,
         const std::vector<std::tuple<double, double, bool>>& truth, double halo_m,
         double depth_halo_m, double line_length_m, double swath_m, double froc_max_rate) {
        std::vector<Detection> dv;
        for (const auto& [x, z, s, ml] : dets) {
          Detection d;
          d.x_m = x;
          d.depth_m = z;
          d.score = s;
          d.mine_likeness = ml;
          dv.push_back(d);
        }
        std::vector<TruthObject> tv;
        for (const auto& [x, z, t] : truth) tv.push_back({x, z, t});
        EvaluateOptions o;
        o.halo_m = halo_m;
        o.depth_halo_m = depth_halo_m;
        o.line_length_m = line_length_m;
        o.swath_m = swath_m;
        o.froc_max_rate = froc_max_rate;
        EvaluateResult r;
        {
          pyb::gil_scoped_release nogil;
          r = evaluate(dv, tv, o);
        }
        pyb::dict out;
        out["n_targets"] = r.n_targets;
        out["n_detected"] = r.n_detected;
        out["pd"] = r.pd;
        out["false_alarms"] = r.false_alarms;
        out["false_alarm_rate"] = r.false_alarm_rate;
        out["area_m"] = r.area_m;
        out["detection_target"] = r.detection_target;
        out["target_detected_by"] = r.target_detected_by;
        out["thresholds"] = to_numpy(r.thresholds);
        out["curve_pd"] = to_numpy(r.curve_pd);
        out["curve_false_alarms"] = to_numpy(r.curve_false_alarms);
        out["curve_false_alarm_rate"] = to_numpy(r.curve_false_alarm_rate);
        out["auc"] = r.auc;
        out["froc_auc"] = r.froc_auc;
        out["false_alarms_per_m"] = r.false_alarms_per_m;
        out["false_alarms_per_m2"] = r.false_alarms_per_m2;
        out["n_clutter"] = r.n_clutter;
        out["n_clutter_detected"] = r.n_clutter_detected;
        out["likeness_auc"] = r.likeness_auc;
        out["likeness_margin"] = r.likeness_margin;
        out["likeness_thresholds"] = to_numpy(r.likeness_thresholds);
        out["likeness_mine_rate"] = to_numpy(r.likeness_mine_rate);
        out["likeness_clutter_rate"] = to_numpy(r.likeness_clutter_rate);
        return out;
      },
      pyb::arg("detections"), pyb::arg("truth"), pyb::arg("halo_m"), pyb::arg("depth_halo_m"),
      pyb::arg("line_length_m"), pyb::arg("swath_m"), pyb::arg("froc_max_rate"));
}

}  // namespace gprkit::py
