// Registry entry of migration (include/gprkit/migrate/migrate.h).
#include "gprkit/core/validate.h"
#include "gprkit/migrate/migrate.h"
#include "step_def.h"

namespace gprkit::pipeline_detail {

void add_migrate_steps(Registry& r) {
  using O = MigrateOptions;
  StepInfo i;
  i.name = "migrate";
  i.doc =
      "Migrate a 2-D section (Stolt, Gazdag phase shift with v(z), Kirchhoff, "
      "back-projection); the output keeps a two-way-time axis from the ground surface, "
      "with the air gap and antenna offset taken out.";
  i.reach_doc =
      "the whole line (stolt, phase_shift; kirchhoff and backprojection without a "
      "metric aperture); aperture_m / trace spacing for kirchhoff / backprojection";
  Table<O> t = {
      choice("method", &O::method,
             {{"stolt", MigrationMethod::stolt},
              {"phase_shift", MigrationMethod::phase_shift},
              {"kirchhoff", MigrationMethod::kirchhoff},
              {"backprojection", MigrationMethod::backprojection}},
             "migration algorithm"),
      number("velocity_m_per_ns", &O::velocity_m_per_ns, "m/ns", {0, 0.3, true, false},
             "ground velocity (phase_shift: when no v(z) table is given)"),
      numbers("vz_depth_m", &O::vz_depth_m, "m", any,
              "phase_shift v(z): depths below the surface, increasing, the first <= 0"),
      numbers("vz_velocity_m_per_ns", &O::vz_velocity_m_per_ns, "m/ns", {0, 0.3, true, false},
              "phase_shift v(z): the velocities at those depths"),
      number("aperture_m", &O::aperture_m, "m", above(0),
             "kirchhoff / backprojection: half-width of the aperture", {-1.0, "no metric limit"}),
      number("aperture_deg", &O::aperture_deg, "deg", {0, 90, true, false},
             "kirchhoff / backprojection: largest ray angle from vertical", {-1.0, "60 deg"}),
      number("max_dip_deg", &O::max_dip_deg, "deg", {0, 90, true, false},
             "stolt / phase_shift: dips steeper than this are removed"),
      number("antenna_offset_m", &O::antenna_offset_m, "m", at_least(0),
             "transmitter-receiver offset", {-1.0, "the header's antenna_separation_m"}),
      number("antenna_height_m", &O::antenna_height_m, "m", at_least(0),
             "antenna height above the ground", {-1.0, "the header's antenna_height_m"}),
      flag("antialias", &O::antialias, "kirchhoff: triangle-filter anti-aliasing"),
      number("pad_time_factor", &O::pad_time_factor, "", between(1, 16),
             "stolt / phase_shift: padded time length / n_samples"),
      integer("pad_traces", &O::pad_traces, "traces", between(0, 1 << 24),
              "stolt / phase_shift: zero traces added", {-1, "n_traces / 2, at least 16"}),
  };
  r.push_back(std::make_unique<TypedStep<O>>(
      std::move(i), std::move(t), nullptr,
      [](const O& o, const Header& h) {
        const bool summation =
            o.method == MigrationMethod::kirchhoff || o.method == MigrationMethod::backprojection;
        if (summation && o.aperture_m > 0 && h.dx_m > 0)
          return StepReach{false,
                           check::count("migrate", "aperture_m", o.aperture_m, h.dx_m, "traces",
                                        check::kMaxElements, check::Round::down) +
                               1,
                           false};
        return StepReach{true, 0, false};
      },
      [](const O& o, std::ptrdiff_t ns, std::ptrdiff_t nt, const Header&, std::string json) {
        return same_shape_plan(
            ns, nt, std::move(json),
            [o](ConstView in, MutView out, Header& h, StepOutputs*) {
              migrate(in, h, out, o);
              h.antenna_height_m = 0.0;
              h.antenna_separation_m = 0.0;
            },
            /*in_place=*/false,
            [](Header& h) {
              h.antenna_height_m = 0.0;
              h.antenna_separation_m = 0.0;
            });
      }));
}

}  // namespace gprkit::pipeline_detail
