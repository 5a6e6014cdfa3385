// gprkit._core bindings of the clutter folder: remove_background, rpca, truncated_svd.
#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/clutter.h"

namespace gprkit::py {

namespace {

pyb::dict track_dict(const SurfaceTrack& t) {
  pyb::dict d;
  d["time_ns"] = to_numpy(t.time_ns);
  d["sample"] = to_numpy(t.sample);
  d["amplitude"] = to_numpy(t.amplitude);
  d["quality"] = to_numpy(t.quality);
  d["wavelet"] = pyb::array_t<float>(static_cast<pyb::ssize_t>(t.wavelet.size()), t.wavelet.data());
  d["wavelet_centre"] = t.wavelet_centre;
  d["fixed"] = pyb::array_t<float>(static_cast<pyb::ssize_t>(t.fixed.size()), t.fixed.data());
  d["window_first_sample"] = t.window_first_sample;
  d["window_n_samples"] = t.window_n_samples;
  d["period_ns"] = t.period_ns;
  d["fixed_separated"] = t.fixed_separated;
  d["continuous"] = t.continuous;
  return d;
}

pyb::dict report_dict(BackgroundReport& r) {
  pyb::dict d;
  d["traces_used"] = r.traces_used;
  d["background_trace"] = pyb::array_t<float>(static_cast<pyb::ssize_t>(r.background_trace.size()),
                                              r.background_trace.data());
  d["singular_values"] = to_numpy(r.singular_values);
  d["components"] = r.components;
  d["iterations"] = r.iterations;
  d["residual"] = r.residual;
  d["ground_pick_samples"] = to_numpy(r.ground_pick_samples);
  d["ground_amplitude"] = to_numpy(r.ground_amplitude);
  if (r.removed.n_traces() > 0) d["removed"] = bscan_to_numpy(std::move(r.removed));
  return d;
}

}  // namespace

void bind_clutter(pyb::module_& m) {
  pyb::enum_<BackgroundMethod>(m, "BackgroundMethod")
      .value("mean", BackgroundMethod::mean)
      .value("median", BackgroundMethod::median)
      .value("moving_mean", BackgroundMethod::moving_mean)
      .value("moving_median", BackgroundMethod::moving_median)
      .value("svd", BackgroundMethod::svd)
      .value("rpca", BackgroundMethod::rpca)
      .value("ground_bounce", BackgroundMethod::ground_bounce)
      .value("exponential", BackgroundMethod::exponential)
      .value("surface", BackgroundMethod::surface);
  pyb::enum_<RpcaSvd>(m, "RpcaSvd")
      .value("randomized", RpcaSvd::randomized)
      .value("full", RpcaSvd::full);

  auto bo = pyb::class_<BackgroundOptions>(m, "BackgroundOptions").def(pyb::init<>());
#define GPRKIT_FIELD(name) bo.def_readwrite(#name, &BackgroundOptions::name)
  GPRKIT_FIELD(method);
  GPRKIT_FIELD(window_traces);
  GPRKIT_FIELD(window_m);
  GPRKIT_FIELD(first_trace);
  GPRKIT_FIELD(n_traces);
  GPRKIT_FIELD(trace_mask);
  GPRKIT_FIELD(svd_components);
  GPRKIT_FIELD(svd_max_components);
  GPRKIT_FIELD(svd_oversampling);
  GPRKIT_FIELD(svd_power_iterations);
  GPRKIT_FIELD(seed);
  GPRKIT_FIELD(rpca_lambda);
  GPRKIT_FIELD(rpca_tolerance);
  GPRKIT_FIELD(rpca_max_iterations);
  GPRKIT_FIELD(rpca_rho);
  GPRKIT_FIELD(rpca_svd);
  GPRKIT_FIELD(ground_first_sample);
  GPRKIT_FIELD(ground_start_ns);
  GPRKIT_FIELD(ground_end_ns);
  GPRKIT_FIELD(ground_n_samples);
  GPRKIT_FIELD(ground_smooth_traces);
  GPRKIT_FIELD(ground_pick_samples);
  GPRKIT_FIELD(ground_median);
  GPRKIT_FIELD(ground_remove_horizontal);
  GPRKIT_FIELD(ground_iterations);
  GPRKIT_FIELD(surface_period_samples);
  GPRKIT_FIELD(surface_before_periods);
  GPRKIT_FIELD(surface_after_periods);
  GPRKIT_FIELD(surface_max_shift_periods);
  GPRKIT_FIELD(surface_iterations);
  GPRKIT_FIELD(report_removed);
#undef GPRKIT_FIELD

  m.def(
      "remove_background",
      [](const pyb::array& data, const BackgroundOptions& o, const pyb::object& header) {
        BackgroundReport rep;
        // With the section's header, the options it decides (window_m, ground_start_ns /
        // ground_end_ns, the surface period) resolve as in the pipeline step. The dict is read
        // here, with the GIL; the kernel runs without it.
        const bool resolve = !header.is_none();
        const Header h = resolve ? header_from_dict(header.cast<pyb::dict>()) : Header{};
        farray out = map_section(data, "data", [&](ConstView in, MutView ov) {
          const BackgroundOptions r = resolve ? o.resolve(h, in.n_samples, in.n_traces) : o;
          remove_background(in, ov, r, &rep);
        });
        return pyb::make_tuple(out, report_dict(rep));
      },
      pyb::arg("data"), pyb::arg("options"), pyb::arg("header") = pyb::none(),
      "data minus its background: (new Fortran float32 array, report dict); with the header "
      "dict, the options are resolved against it (BackgroundOptions::resolve).");

  auto so = pyb::class_<SurfaceOptions>(m, "SurfaceOptions").def(pyb::init<>());
  so.def_readwrite("start_ns", &SurfaceOptions::start_ns)
      .def_readwrite("end_ns", &SurfaceOptions::end_ns)
      .def_readwrite("search_ns", &SurfaceOptions::search_ns)
      .def_readwrite("max_jump_ns", &SurfaceOptions::max_jump_ns)
      .def_readwrite("wavelet_half_ns", &SurfaceOptions::wavelet_half_ns)
      .def_readwrite("separate_fixed", &SurfaceOptions::separate_fixed)
      .def_readwrite("iterations", &SurfaceOptions::iterations)
      .def_readwrite("centre_frequency_mhz", &SurfaceOptions::centre_frequency_mhz);
  auto ao = pyb::class_<AntennaHeightOptions>(m, "AntennaHeightOptions").def(pyb::init<>());
  ao.def_readwrite("antenna_separation_m", &AntennaHeightOptions::antenna_separation_m)
      .def_readwrite("direct_time_ns", &AntennaHeightOptions::direct_time_ns)
      .def_readwrite("min_delay_periods", &AntennaHeightOptions::min_delay_periods)
      .def_readwrite("surface", &AntennaHeightOptions::surface);

  m.def(
      "track_surface",
      [](const pyb::array& data, const pyb::dict& header, const SurfaceOptions& o) {
        const Header h = header_from_dict(header);
        const ConstView in = as_view(data, "data");
        SurfaceTrack t;
        {
          pyb::gil_scoped_release nogil;
          t = track_surface(in, h, o);
        }
        return track_dict(t);
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("options"),
      "Air-ground reflection per trace: dict of numpy arrays.");
  m.def(
      "estimate_antenna_height",
      [](const pyb::array& data, const pyb::dict& header, const AntennaHeightOptions& o) {
        const Header h = header_from_dict(header);
        const ConstView in = as_view(data, "data");
        AntennaHeight r;
        {
          pyb::gil_scoped_release nogil;
          r = estimate_antenna_height(in, h, o);
        }
        pyb::dict d;
        d["height_m"] = r.height_m;
        d["height_per_trace_m"] = to_numpy(r.height_per_trace_m);
        d["delay_ns"] = r.delay_ns;
        d["direct_time_ns"] = r.direct_time_ns;
        d["resolved"] = r.resolved;
        d["height_from_time_zero_m"] = r.height_from_time_zero_m;
        d["period_ns"] = r.period_ns;
        d["surface"] = track_dict(r.surface);
        return d;
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("options"),
      "Antenna height from the direct-wave / ground-reflection delay: dict.");

  m.def(
      "rpca",
      [](const pyb::array& data, const RpcaOptions& o) {
        const ConstView in = as_view(data, "data");
        farray low = new_fortran(in.n_samples, in.n_traces);
        farray sparse = new_fortran(in.n_samples, in.n_traces);
        const MutView lv = view_of(low), sv = view_of(sparse);
        RpcaReport rep;
        {
          pyb::gil_scoped_release nogil;
          rpca(in, lv, sv, o, &rep);
        }
        pyb::dict d;
        d["iterations"] = rep.iterations;
        d["converged"] = rep.converged;
        d["residual"] = rep.residual;
        d["lambda"] = rep.lambda;
        d["rank"] = rep.rank;
        d["singular_values"] = to_numpy(rep.singular_values);
        return pyb::make_tuple(low, sparse, d);
      },
      pyb::arg("data"), pyb::arg("options"), "Robust PCA: (low_rank, sparse, report dict).");
  auto ro = pyb::class_<RpcaOptions>(m, "RpcaOptions").def(pyb::init<>());
  ro.def_readwrite("lambda_", &RpcaOptions::lambda)
      .def_readwrite("tolerance", &RpcaOptions::tolerance)
      .def_readwrite("max_iterations", &RpcaOptions::max_iterations)
      .def_readwrite("rho", &RpcaOptions::rho)
      .def_readwrite("svd", &RpcaOptions::svd)
      .def_readwrite("oversampling", &RpcaOptions::oversampling)
      .def_readwrite("power_iterations", &RpcaOptions::power_iterations)
      .def_readwrite("seed", &RpcaOptions::seed);

  m.def(
      "truncated_svd",
      [](const pyb::array& data, int k, int oversampling, int power_iterations,
         std::uint64_t seed) {
        const ConstView in = as_view(data, "data");
        TruncatedSvd r;
        {
          pyb::gil_scoped_release nogil;
          r = truncated_svd(in, k, SvdOptions{oversampling, power_iterations, seed});
        }
        farray u = new_fortran(r.n_samples, r.k);
        std::copy(r.u.begin(), r.u.end(), u.mutable_data());
        return pyb::make_tuple(to_numpy(r.singular_values), u);
      },
      pyb::arg("data"), pyb::arg("k"), pyb::arg("oversampling") = 10,
      pyb::arg("power_iterations") = 2, pyb::arg("seed") = 1,
      "Leading k singular values and left singular vectors: (s, u).");
}

}  // namespace gprkit::py
