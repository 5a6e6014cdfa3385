// Python bindings of the migrate folder (private: the public API is gprkit/migrate.py).
#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/migrate/migrate.h"

namespace gprkit::py {

namespace {

MigrationMethod parse_method(const std::string& s, const char* what) {
  return parse_choice<MigrationMethod>(s,
                                       {{"stolt", MigrationMethod::stolt},
                                        {"phase_shift", MigrationMethod::phase_shift},
                                        {"kirchhoff", MigrationMethod::kirchhoff},
                                        {"backprojection", MigrationMethod::backprojection}},
                                       what);
}

pyb::dict velocity_to_dict(const VelocityEstimate& r) {
  pyb::dict d;
  d["velocity_m_per_ns"] = r.velocity_m_per_ns;
  d["quality"] = r.quality;
  d["method"] = r.method == VelocityMethod::semblance ? "semblance" : "focus";
  d["velocities_m_per_ns"] = to_numpy(r.velocities_m_per_ns);
  d["focus"] = to_numpy(r.focus);
  d["time_zero_shift_ns"] = r.time_zero_shift_ns;
  d["time_zero_calibrated"] = r.time_zero_calibrated;
  return d;
}

}  // namespace

void bind_migrate(pyb::module_& m) {
  auto mo = pyb::class_<MigrateOptions>(m, "MigrateOptions").def(pyb::init<>());
  mo.def_property(
      "method",
      [](const MigrateOptions& o) {
        switch (o.method) {
          case MigrationMethod::stolt:
            return std::string("stolt");
          case MigrationMethod::phase_shift:
            return std::string("phase_shift");
          case MigrationMethod::kirchhoff:
            return std::string("kirchhoff");
          default:
            return std::string("backprojection");
        }
      },
      [](MigrateOptions& o, const std::string& s) {
        o.method = parse_method(s, "migrate: method");
      });
#define GPRKIT_FIELD(name) mo.def_readwrite(#name, &MigrateOptions::name)
  GPRKIT_FIELD(velocity_m_per_ns);
  GPRKIT_FIELD(vz_depth_m);
  GPRKIT_FIELD(vz_velocity_m_per_ns);
  GPRKIT_FIELD(aperture_m);
  GPRKIT_FIELD(aperture_deg);
  GPRKIT_FIELD(max_dip_deg);
  GPRKIT_FIELD(antenna_offset_m);
  GPRKIT_FIELD(antenna_height_m);
  GPRKIT_FIELD(antialias);
  GPRKIT_FIELD(pad_time_factor);
  GPRKIT_FIELD(pad_traces);
#undef GPRKIT_FIELD

  auto vo = pyb::class_<VelocityOptions>(m, "VelocityOptions").def(pyb::init<>());
#define GPRKIT_FIELD(name) vo.def_readwrite(#name, &VelocityOptions::name)
  GPRKIT_FIELD(min_velocity_m_per_ns);
  GPRKIT_FIELD(max_velocity_m_per_ns);
  GPRKIT_FIELD(n_velocities);
  GPRKIT_FIELD(t_min_ns);
  GPRKIT_FIELD(t_max_ns);
  GPRKIT_FIELD(first_trace);
  GPRKIT_FIELD(n_traces);
  GPRKIT_FIELD(antenna_offset_m);
  GPRKIT_FIELD(antenna_height_m);
  GPRKIT_FIELD(max_apexes);
  GPRKIT_FIELD(remove_median_trace);
  GPRKIT_FIELD(calibrate_time_zero);
  GPRKIT_FIELD(target_radius_m);
#undef GPRKIT_FIELD
  vo.def_property(
      "method", [](const VelocityOptions& o) { return static_cast<int>(o.method); },
      [](VelocityOptions& o, const std::string& s) {
        o.method = parse_choice<VelocityMethod>(s,
                                                {{"auto", VelocityMethod::automatic},
                                                 {"focus", VelocityMethod::focus},
                                                 {"semblance", VelocityMethod::semblance}},
                                                "estimate_velocity: method");
      });

  auto ho = pyb::class_<HyperbolaFitOptions>(m, "HyperbolaFitOptions").def(pyb::init<>());
#define GPRKIT_FIELD(name) ho.def_readwrite(#name, &HyperbolaFitOptions::name)
  GPRKIT_FIELD(min_velocity_m_per_ns);
  GPRKIT_FIELD(max_velocity_m_per_ns);
  GPRKIT_FIELD(half_width_traces);
  GPRKIT_FIELD(window_ns);
  GPRKIT_FIELD(search_samples);
  GPRKIT_FIELD(search_traces);
  GPRKIT_FIELD(antenna_offset_m);
  GPRKIT_FIELD(antenna_height_m);
  GPRKIT_FIELD(target_radius_m);
#undef GPRKIT_FIELD

  m.def(
      "migrate",
      [](const pyb::array& data, const pyb::dict& header, const MigrateOptions& o) {
        const Header h = header_from_dict(header);
        return map_section(data, "b.data",
                           [&](ConstView in, MutView ov) { migrate(in, h, ov, o); });
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("options"));

  m.def(
      "backproject",
      [](const pyb::array& data, const pyb::dict& header, const ImageGrid& g,
         const MigrateOptions& o) {
        ConstView in = as_view(data, "b.data");
        Bscan b(in, header_from_dict(header));
        Bscan out;
        {
          pyb::gil_scoped_release nogil;
          out = backproject(b, g, o);
        }
        pyb::dict hd = header_to_dict(out.header());
        return pyb::make_tuple(bscan_to_numpy(std::move(out)), hd);
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("grid"), pyb::arg("options"));

  pyb::class_<ImageGrid>(m, "ImageGrid")
      .def(pyb::init<>())
      .def_readwrite("x_m", &ImageGrid::x_m)
      .def_readwrite("depth0_m", &ImageGrid::depth0_m)
      .def_readwrite("ddepth_m", &ImageGrid::ddepth_m)
      .def_readwrite("n_depths", &ImageGrid::n_depths);

  m.def(
      "migrate_3d",
      [](pyb::array_t<float, pyb::array::f_style | pyb::array::forcecast> vol, double dt_ns,
         double t0_ns, double dx_m, double dy_m, double offset, double height,
         const MigrateOptions& o) {
        if (vol.ndim() != 3)
          throw InvalidArgument("migrate_3d: volume ndim = " + std::to_string(vol.ndim()) +
                                "; expected 3 (n_samples, n_traces, n_lines)");
        const auto ns = vol.shape(0), nx = vol.shape(1), ny = vol.shape(2);
        pyb::array_t<float, pyb::array::f_style> out({ns, nx, ny});
        VolumeGeometry g{dt_ns, t0_ns, dx_m, dy_m, offset, height};
        const float* src = vol.data();
        float* dst = out.mutable_data();
        {
          pyb::gil_scoped_release nogil;
          migrate_3d(src, dst, ns, nx, ny, g, o);
        }
        return out;
      },
      pyb::arg("volume"), pyb::arg("dt_ns"), pyb::arg("t0_ns"), pyb::arg("dx_m"), pyb::arg("dy_m"),
      pyb::arg("antenna_offset_m"), pyb::arg("antenna_height_m"), pyb::arg("options"));

  m.def(
      "estimate_velocity",
      [](const pyb::array& data, const pyb::dict& header, const VelocityOptions& o) {
        Bscan b(as_view(data, "b.data"), header_from_dict(header));
        VelocityEstimate r;
        {
          pyb::gil_scoped_release nogil;
          r = estimate_velocity(b, o);
        }
        return velocity_to_dict(r);
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("options"));

  m.def(
      "fit_hyperbola",
      [](const pyb::array& data, const pyb::dict& header, std::ptrdiff_t trace,
         std::ptrdiff_t sample, const HyperbolaFitOptions& o) {
        Bscan b(as_view(data, "b.data"), header_from_dict(header));
        HyperbolaFit r{};
        {
          pyb::gil_scoped_release nogil;
          r = fit_hyperbola(b, trace, sample, o);
        }
        pyb::dict d;
        d["velocity_m_per_ns"] = r.velocity_m_per_ns;
        d["apex_depth_m"] = r.apex_depth_m;
        d["apex_time_ns"] = r.apex_time_ns;
        d["x_m"] = r.x_m;
        d["quality"] = r.quality;
        return d;
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("trace"), pyb::arg("sample"),
      pyb::arg("options"));
}

}  // namespace gprkit::py
