// Python bindings of the detect folder (private: see python/gprkit/detect.py).
#include <pybind11/stl.h>

#include <cmath>
#include <string>

#include "convert.h"
#include "gprkit/detect.h"

namespace gprkit::py {

namespace {

ScoreMethod parse_method(const std::string& s) {
  return parse_choice<ScoreMethod>(s,
                                   {{"energy", ScoreMethod::energy},
                                    {"rx", ScoreMethod::rx},
                                    {"hyperbola", ScoreMethod::hyperbola}},
                                   "score: method");
}

template <class T>
T get(const pyb::dict& d, const char* key, T fallback) {
  return d.contains(key) ? d[key].cast<T>() : fallback;
}

// Fills ScoreOptions from a dict (keys are the C++ field names; "method" by name).
ScoreOptions score_options(const pyb::dict& d) {
  ScoreOptions o;
  if (d.contains("method")) o.method = parse_method(d["method"].cast<std::string>());
  o.window_ns = get(d, "window_ns", o.window_ns);
  o.window_m = get(d, "window_m", o.window_m);
  o.guard_m = get(d, "guard_m", o.guard_m);
  o.reference_m = get(d, "reference_m", o.reference_m);
  o.rel_floor = get(d, "rel_floor", o.rel_floor);
  o.rx_features = get(d, "rx_features", o.rx_features);
  o.rx_feature_spacing_ns = get(d, "rx_feature_spacing_ns", o.rx_feature_spacing_ns);
  o.rx_regularization = get(d, "rx_regularization", o.rx_regularization);
  o.velocity_m_per_ns = get(d, "velocity_m_per_ns", o.velocity_m_per_ns);
  o.aperture_m = get(d, "aperture_m", o.aperture_m);
  o.semblance_window_ns = get(d, "semblance_window_ns", o.semblance_window_ns);
  return o;
}

CfarOptions cfar_options(const pyb::dict& d, const char* prefix, CfarOptions o) {
  auto key = [&](const char* k) { return std::string(prefix) + k; };
  auto has = [&](const char* k) { return d.contains(key(k)); };
  if (has("method"))
    o.method =
        parse_choice<CfarMethod>(d[key("method").c_str()].cast<std::string>(),
                                 {{"ca", CfarMethod::ca}, {"os", CfarMethod::os}}, "cfar: method");
  if (has("model"))
    o.model = parse_choice<CfarModel>(
        d[key("model").c_str()].cast<std::string>(),
        {{"exponential", CfarModel::exponential}, {"gaussian", CfarModel::gaussian}},
        "cfar: model");
  o.pfa = get(d, key("pfa").c_str(), o.pfa);
  o.guard_traces = get(d, key("guard_traces").c_str(), o.guard_traces);
  o.train_traces = get(d, key("train_traces").c_str(), o.train_traces);
  o.guard_samples = get(d, key("guard_samples").c_str(), o.guard_samples);
  o.train_samples = get(d, key("train_samples").c_str(), o.train_samples);
  o.os_rank = get(d, key("os_rank").c_str(), o.os_rank);
  return o;
}

pyb::list detections_to_list(const std::vector<Detection>& dets) {
  pyb::list out;
  for (const auto& d : dets)
    out.append(pyb::make_tuple(d.x_m, d.depth_m, d.t_ns, d.trace, d.sample, d.score));
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
      [](const pyb::array& data, const pyb::dict& header, const pyb::dict& options) {
        ConstView in = as_view(data, "data");
        const Header h = header_from_dict(header);
        const ScoreOptions o = score_options(options);
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
      pyb::arg("data"), pyb::arg("header"), pyb::arg("options"));
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
      [](const pyb::array& data, const pyb::dict& options) {
        const CfarOptions o = cfar_options(options, "", CfarOptions{});
        return map_section(data, "score", [&](ConstView in, MutView ov) { cfar(in, ov, o); });
      },
      pyb::arg("score"), pyb::arg("options"));
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
         double threshold, double radius_m, double depth_radius_m, double min_depth_m,
         double max_depth_m, double v, std::ptrdiff_t max_detections, double shadow_radius_m,
         double shadow_ratio) {
        ConstView in = as_view(data, "score");
        const Header h = header_from_dict(header);
        NmsOptions o;
        o.threshold = threshold;
        o.radius_m = radius_m;
        o.depth_radius_m = depth_radius_m;
        o.min_depth_m = min_depth_m;
        o.max_depth_m = max_depth_m;
        o.velocity_m_per_ns = v;
        o.max_detections = max_detections;
        o.shadow_radius_m = shadow_radius_m;
        o.shadow_ratio = shadow_ratio;
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
      pyb::arg("score"), pyb::arg("header"), pyb::arg("threshold_image"), pyb::arg("threshold"),
      pyb::arg("radius_m"), pyb::arg("depth_radius_m"), pyb::arg("min_depth_m"),
      pyb::arg("max_depth_m"), pyb::arg("velocity_m_per_ns"), pyb::arg("max_detections"),
      pyb::arg("shadow_radius_m") = 0.0, pyb::arg("shadow_ratio") = 0.75);
  m.def(
      "detect",
      [](const pyb::array& data, const pyb::dict& header, const std::string& pipeline_json,
         const pyb::dict& d, bool preprocess_only) {
        ConstView in = as_view(data, "data");
        Bscan b(in, header_from_dict(header));
        DetectOptions o;
        o.pipeline = Pipeline::from_json(pipeline_json);
        if (d.contains("migration"))
          o.migration =
              parse_choice<DetectMigration>(d["migration"].cast<std::string>(),
                                            {{"auto", DetectMigration::automatic},
                                             {"none", DetectMigration::none},
                                             {"stolt", DetectMigration::stolt},
                                             {"phase_shift", DetectMigration::phase_shift},
                                             {"kirchhoff", DetectMigration::kirchhoff},
                                             {"backprojection", DetectMigration::backprojection}},
                                            "detect: migration");
        o.velocity_m_per_ns = get(d, "velocity_m_per_ns", o.velocity_m_per_ns);
        {
          const ScoreMethod chain_method = o.score.method;
          o.score = score_options(d);
          if (!d.contains("method")) o.score.method = chain_method;
        }
        if (d.contains("threshold_method"))
          o.threshold_method = parse_choice<DetectThreshold>(
              d["threshold_method"].cast<std::string>(),
              {{"fixed", DetectThreshold::fixed}, {"cfar", DetectThreshold::cfar}},
              "detect: threshold_method");
        if (d.contains("threshold") && !d["threshold"].is_none())
          o.threshold = d["threshold"].cast<double>();
        o.cfar = cfar_options(d, "cfar_", o.cfar);
        o.nms.radius_m = get(d, "nms_radius_m", o.nms.radius_m);
        o.nms.depth_radius_m = get(d, "nms_depth_radius_m", o.nms.depth_radius_m);
        o.nms.shadow_radius_m = get(d, "nms_shadow_radius_m", o.nms.shadow_radius_m);
        o.nms.shadow_ratio = get(d, "nms_shadow_ratio", o.nms.shadow_ratio);
        o.nms.min_depth_m = get(d, "min_depth_m", o.nms.min_depth_m);
        o.nms.max_depth_m = get(d, "max_depth_m", o.nms.max_depth_m);
        o.nms.max_detections = get(d, "max_detections", o.nms.max_detections);
        DetectReport rep;
        std::vector<Detection> dets;
        double v = 0;
        bool est = false;
        {
          pyb::gil_scoped_release nogil;
          if (preprocess_only)
            rep.processed = detect_preprocess(b, o, &v, &est);
          else
            dets = detect(b, o, &rep);
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
      pyb::arg("data"), pyb::arg("header"), pyb::arg("pipeline_json"), pyb::arg("options"),
      pyb::arg("preprocess_only") = false);
  m.def(
      "evaluate",
      [](const std::vector<std::tuple<double, double, double>>& dets,
         const std::vector<std::tuple<double, double, bool>>& truth, double halo_m,
         double depth_halo_m, double line_length_m, double swath_m, double froc_max_rate) {
        std::vector<Detection> dv;
        for (const auto& [x, z, s] : dets) {
          Detection d;
          d.x_m = x;
          d.depth_m = z;
          d.score = s;
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
        return out;
      },
      pyb::arg("detections"), pyb::arg("truth"), pyb::arg("halo_m"), pyb::arg("depth_halo_m"),
      pyb::arg("line_length_m"), pyb::arg("swath_m"), pyb::arg("froc_max_rate"));
}

}  // namespace gprkit::py
