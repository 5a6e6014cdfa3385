// Python bindings of the streaming processor (private: see python/gprkit/stream.py).
#include <pybind11/stl.h>

#include "convert.h"
#include "gprkit/stream/stream.h"

namespace gprkit::py {

void bind_stream(pyb::module_& m) {
  m.def("landmine_stream_pipeline_json", [] { return landmine_stream_pipeline().to_json(-1); });
  pyb::class_<StreamProcessor>(m, "StreamProcessor")
      .def(pyb::init([](std::ptrdiff_t n_samples, const pyb::dict& header,
                        const std::string& pipeline_json, std::size_t alarm_capacity, double x0_m) {
             StreamConfig c;
             c.n_samples = n_samples;
             c.header = header_from_dict(header);
             c.detect = stream_options(pipeline_json.empty() ? landmine_stream_pipeline()
                                                             : Pipeline::from_json(pipeline_json));
             c.alarm_capacity = alarm_capacity;
             c.x0_m = x0_m;
             return std::make_unique<StreamProcessor>(std::move(c));
           }),
           pyb::arg("n_samples"), pyb::arg("header"), pyb::arg("pipeline_json"),
           pyb::arg("alarm_capacity"), pyb::arg("x0_m"))
      .def(
          "push",
          [](StreamProcessor& sp, const pyb::array& traces) {
            const ConstView in = as_view(traces, "traces");
            farray out = new_fortran(sp.out_samples(), in.n_traces);
            pyb::array_t<float> scores(in.n_traces);
            std::ptrdiff_t n = 0;
            {
              pyb::gil_scoped_release nogil;
              n = sp.push(in, view_of(out), scores.mutable_data());
            }
            return pyb::make_tuple(out, scores, n);
          },
          pyb::arg("traces"))
      .def("alarms",
           [](StreamProcessor& sp) {
             pyb::list out;
             for (const Detection& d : sp.alarms())
               out.append(pyb::make_tuple(d.x_m, d.depth_m, d.t_ns, d.trace, d.sample, d.score,
                                          pyb::none()));
             return out;
           })
      .def("reset", [](StreamProcessor& sp) { sp.reset(); })
      .def(
          "reset_with",
          [](StreamProcessor& sp, const std::string& pipeline_json) {
            sp.reset(stream_options(Pipeline::from_json(pipeline_json)));
          },
          pyb::arg("pipeline_json"))
      .def_property_readonly("n_samples", &StreamProcessor::n_samples)
      .def_property_readonly("out_samples", &StreamProcessor::out_samples)
      .def_property_readonly("delay_traces", &StreamProcessor::delay_traces)
      .def_property_readonly("stage_delays", &StreamProcessor::stage_delays)
      .def_property_readonly("traces_in", &StreamProcessor::traces_in)
      .def_property_readonly("traces_out", &StreamProcessor::traces_out)
      .def_property_readonly("pending_alarms", &StreamProcessor::pending_alarms)
      .def_property_readonly("dropped_alarms", &StreamProcessor::dropped_alarms)
      .def_property_readonly(
          "pipeline_json",
          [](const StreamProcessor& sp) { return pipeline_of(sp.config().detect).to_json(-1); })
      .def_property_readonly(
          "offline_pipeline_json",
          [](const StreamProcessor& sp) { return sp.offline_pipeline().to_json(-1); })
      .def_property_readonly("offline_header", [](const StreamProcessor& sp) {
        return header_to_dict(sp.offline_header());
      });
}

}  // namespace gprkit::py
