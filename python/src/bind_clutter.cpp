// gprkit._core bindings of the clutter folder: remove_background, rpca, truncated_svd.
#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/clutter.h"

namespace gprkit::py {

namespace {

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
      .value("exponential", BackgroundMethod::exponential);
  pyb::enum_<RpcaSvd>(m, "RpcaSvd")
      .value("randomized", RpcaSvd::randomized)
      .value("full", RpcaSvd::full);

  auto bo = pyb::class_<BackgroundOptions>(m, "BackgroundOptions").def(pyb::init<>());
#define GPRKIT_FIELD(name) bo.def_readwrite(#name, &BackgroundOptions::name)
  GPRKIT_FIELD(method);
  GPRKIT_FIELD(window_traces);
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
  GPRKIT_FIELD(ground_n_samples);
  GPRKIT_FIELD(ground_smooth_traces);
  GPRKIT_FIELD(ground_pick_samples);
  GPRKIT_FIELD(ground_median);
  GPRKIT_FIELD(ground_remove_horizontal);
  GPRKIT_FIELD(ground_iterations);
  GPRKIT_FIELD(report_removed);
#undef GPRKIT_FIELD

  m.def(
      "remove_background",
      [](const pyb::array& data, const BackgroundOptions& o) {
        BackgroundReport rep;
        farray out = map_section(
            data, "data", [&](ConstView in, MutView ov) { remove_background(in, ov, o, &rep); });
        return pyb::make_tuple(out, report_dict(rep));
      },
      pyb::arg("data"), pyb::arg("options"),
      "data minus its background: (new Fortran float32 array, report dict).");

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
