#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/simulate/simulate.h"

namespace gprkit::py {

void bind_simulate(pyb::module_& m) {
  pyb::class_<Diffractor>(m, "Diffractor")
      .def(pyb::init<>())
      .def(pyb::init([](double x, double d, double a, int k, double eps, bool metal, double w,
                        double hgt, double ring, double ring_decay) {
             return Diffractor{x, d, a, k, eps, metal, w, hgt, ring, ring_decay};
           }),
           pyb::arg("x_m"), pyb::arg("depth_m"), pyb::arg("amplitude") = 1.0, pyb::arg("kind") = 0,
           pyb::arg("permittivity") = 0.0, pyb::arg("metal") = false, pyb::arg("width_m") = 0.0,
           pyb::arg("height_m") = 0.0, pyb::arg("metal_ringing") = 0.5,
           pyb::arg("metal_ringing_decay_ns") = 1.0)
      .def_readwrite("x_m", &Diffractor::x_m)
      .def_readwrite("depth_m", &Diffractor::depth_m)
      .def_readwrite("amplitude", &Diffractor::amplitude)
      .def_readwrite("kind", &Diffractor::kind)
      .def_readwrite("permittivity", &Diffractor::permittivity)
      .def_readwrite("metal", &Diffractor::metal)
      .def_readwrite("width_m", &Diffractor::width_m)
      .def_readwrite("height_m", &Diffractor::height_m)
      .def_readwrite("metal_ringing", &Diffractor::metal_ringing)
      .def_readwrite("metal_ringing_decay_ns", &Diffractor::metal_ringing_decay_ns);
  pyb::class_<Layer>(m, "Layer")
      .def(pyb::init<>())
      .def(pyb::init([](double d, double dip, double x0, double a, double xmin, double xmax) {
             return Layer{d, dip, x0, a, xmin, xmax};
           }),
           pyb::arg("depth_m"), pyb::arg("dip_deg") = 0.0, pyb::arg("x0_m") = 0.0,
           pyb::arg("amplitude") = 0.3, pyb::arg("x_min_m") = -1e300, pyb::arg("x_max_m") = 1e300)
      .def_readwrite("x_min_m", &Layer::x_min_m)
      .def_readwrite("x_max_m", &Layer::x_max_m)
      .def_readwrite("depth_m", &Layer::depth_m)
      .def_readwrite("dip_deg", &Layer::dip_deg)
      .def_readwrite("x0_m", &Layer::x0_m)
      .def_readwrite("amplitude", &Layer::amplitude);
  auto so = pyb::class_<SimulateOptions>(m, "SimulateOptions").def(pyb::init<>());
#define GPRKIT_FIELD(name) so.def_readwrite(#name, &SimulateOptions::name)
  GPRKIT_FIELD(n_samples);
  GPRKIT_FIELD(n_traces);
  GPRKIT_FIELD(dt_ns);
  GPRKIT_FIELD(t0_ns);
  GPRKIT_FIELD(dx_m);
  GPRKIT_FIELD(x0_m);
  GPRKIT_FIELD(velocity_m_per_ns);
  GPRKIT_FIELD(antenna_offset_m);
  GPRKIT_FIELD(antenna_height_m);
  GPRKIT_FIELD(height_variation_m);
  GPRKIT_FIELD(height_variation_period_m);
  GPRKIT_FIELD(centre_frequency_mhz);
  GPRKIT_FIELD(direct_wave_amplitude);
  GPRKIT_FIELD(ground_bounce_amplitude);
  GPRKIT_FIELD(ringing_amplitude);
  GPRKIT_FIELD(ringing_period_ns);
  GPRKIT_FIELD(ringing_decay_ns);
  GPRKIT_FIELD(wow_amplitude);
  GPRKIT_FIELD(wow_time_ns);
  GPRKIT_FIELD(noise_std);
  GPRKIT_FIELD(geometric_spreading);
  GPRKIT_FIELD(seed);
  GPRKIT_FIELD(surface_rms_m);
  GPRKIT_FIELD(surface_correlation_m);
  GPRKIT_FIELD(permittivity_std);
  GPRKIT_FIELD(permittivity_correlation_m);
  GPRKIT_FIELD(scatterer_density_per_m2);
  GPRKIT_FIELD(scatterer_amplitude);
  GPRKIT_FIELD(scatterer_max_depth_m);
  GPRKIT_FIELD(diffractors);
  GPRKIT_FIELD(layers);
#undef GPRKIT_FIELD

  m.def(
      "simulate",
      [](const SimulateOptions& o) {
        Simulation sim;
        {
          pyb::gil_scoped_release nogil;
          sim = simulate(o);
        }
        auto to_list = [](const std::vector<TargetTruth>& ts) {
          pyb::list out;
          for (const auto& t : ts) {
            pyb::dict d;
            d["x_m"] = t.x_m;
            d["depth_m"] = t.depth_m;
            d["apex_time_ns"] = t.apex_time_ns;
            d["amplitude"] = t.amplitude;
            d["kind"] = t.kind;
            d["permittivity"] = t.permittivity;
            d["metal"] = t.metal;
            d["width_m"] = t.width_m;
            d["height_m"] = t.height_m;
            d["reflection"] = t.reflection;
            d["polarity"] = t.polarity;
            out.append(d);
          }
          return out;
        };
        pyb::list truth = to_list(sim.truth);
        pyb::list scatterers = to_list(sim.scatterers);
        pyb::dict header = header_to_dict(sim.bscan.header());
        return pyb::make_tuple(bscan_to_numpy(std::move(sim.bscan)), header, truth,
                               to_numpy(sim.ground_time_ns), scatterers,
                               to_numpy(sim.surface_elevation_m), to_numpy(sim.soil_permittivity));
      },
      pyb::arg("options"),
      "Synthetic B-scan: (data, header, truth, ground_time_ns, scatterers, surface_elevation_m, "
      "soil_permittivity).");
  m.def("ricker", &ricker, pyb::arg("t_ns"), pyb::arg("f_mhz"));
  m.def("two_way_time_ns", &two_way_time_ns, pyb::arg("xt_m"), pyb::arg("xr_m"),
        pyb::arg("height_m"), pyb::arg("x_m"), pyb::arg("depth_m"), pyb::arg("velocity_m_per_ns"));
}

}  // namespace gprkit::py
