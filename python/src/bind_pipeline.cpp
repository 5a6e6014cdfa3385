// Python bindings of the step registry and pipelines (private: see python/gprkit/pipeline.py).
#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/core/validate.h"
#include "gprkit/core/version.h"
#include "gprkit/detect/detect.h"
#include "gprkit/pipeline/pipeline.h"
#include "gprkit/pipeline/registry.h"

namespace gprkit::py {

namespace {
pyb::dict outputs_dict(const StepOutputs& o) {
  pyb::dict d;
  for (const auto& [name, values] : o.arrays) d[pyb::str(name)] = to_numpy(values);
  return d;
}
}  // namespace

void bind_pipeline(pyb::module_& m) {
  m.def("version", &version);
  m.def("registry_json", &registry_json, "Every step's description, as JSON text.");
  m.def("step_names", &step_names);
  m.def(
      "normalize_options",
      [](const std::string& step, const std::string& options_json) {
        return normalize_options(step, options_json);
      },
      pyb::arg("step"), pyb::arg("options_json"));
  m.def(
      "normalize_pipeline",
      [](const std::string& text) { return Pipeline::from_json(text).to_json(-1); },
      pyb::arg("text"), "Validates a pipeline's JSON and returns it with every default filled in.");
  m.def("landmine_pipeline_json", [] { return landmine_pipeline().to_json(-1); });
  m.def(
      "pipeline_reach",
      [](const std::string& text, const pyb::dict& header) {
        const StepReach r = Pipeline::from_json(text).reach(header_from_dict(header));
        return pyb::make_tuple(r.whole_line, r.traces, r.causal);
      },
      pyb::arg("text"), pyb::arg("header"));
  m.def(
      "run_step",
      [](const std::string& step, const pyb::array& data, const pyb::dict& header,
         const std::string& options_json, const pyb::object& out_obj) {
        // Validation and defaults come from the registry (normalize), then one plan runs.
        const std::string opts = normalize_options(step, options_json);
        const ConstView in = as_view(data, "data");
        Header h = header_from_dict(header);
        StepOutputs outputs;
        pyb::array out;
        {
          std::unique_ptr<StepPlan> plan;
          {
            pyb::gil_scoped_release nogil;
            plan = prepare_step(step, opts, in.n_samples, in.n_traces, h);
          }
          MutView ov;
          if (out_obj.is_none()) {
            farray fresh = new_fortran(plan->out_samples(), plan->out_traces());
            ov = view_of(fresh);
            out = fresh;
          } else {
            // An array the caller owns: never a converted copy, which would be written and
            // dropped while the caller's array kept its old values.
            if (!pyb::isinstance<pyb::array>(out_obj))
              throw pyb::type_error(step + ": out must be a numpy float32 array or a Bscan, not " +
                                    std::string(pyb::str(out_obj.get_type().attr("__name__"))));
            out = pyb::reinterpret_borrow<pyb::array>(out_obj);
            ov = as_mut_view(out, "out");
            if (ov.n_samples != plan->out_samples() || ov.n_traces != plan->out_traces())
              throw pyb::value_error(step + ": out has shape " +
                                     check::shape_str(ov.n_samples, ov.n_traces) +
                                     "; expected the output's " +
                                     check::shape_str(plan->out_samples(), plan->out_traces()));
            check::no_partial_overlap(step, in, ov);
            if (ov.data == in.data && !plan->in_place())
              throw pyb::value_error(step + ": cannot run in place; give out a separate array");
          }
          pyb::gil_scoped_release nogil;
          plan->run(in, ov, h, &outputs);
          h.history.push_back({step, plan->resolved_json(), version()});
        }
        return pyb::make_tuple(out, header_to_dict(h), outputs_dict(outputs));
      },
      pyb::arg("step"), pyb::arg("data"), pyb::arg("header"), pyb::arg("options_json"),
      pyb::arg("out") = pyb::none());
  m.def(
      "pipeline_run",
      [](const std::string& text, const pyb::array& data, const pyb::dict& header) {
        const Pipeline p = Pipeline::from_json(text);
        Bscan b(as_view(data, "data"), header_from_dict(header));
        {
          pyb::gil_scoped_release nogil;
          b = p.run(std::move(b));
        }
        pyb::dict h = header_to_dict(b.header());
        return pyb::make_tuple(bscan_to_numpy(std::move(b)), h);
      },
      pyb::arg("text"), pyb::arg("data"), pyb::arg("header"));
}

}  // namespace gprkit::py
