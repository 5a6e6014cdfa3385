// gprkit.io bindings: read/write every instrument format, info tables.
#include <pybind11/stl.h>

#include <filesystem>
#include <string>

#include "convert.h"
#include "gprkit/core/validate.h"
#include "gprkit/io.h"

namespace gprkit::py {

namespace {
// Paths come as bytes (os.fsencode): any Linux file name, NUL bytes left for the C++ check.
std::filesystem::path fs_path(const pyb::bytes& b) { return std::string(b); }

pyb::list to_list(std::vector<Bscan>&& v) {
  pyb::list out;
  for (auto& b : v) {
    pyb::dict h = header_to_dict(b.header());
    out.append(pyb::make_tuple(bscan_to_numpy(std::move(b)), h));
  }
  return out;
}
}  // namespace

void bind_io(pyb::module_& m) {
  m.def(
      "io_read",
      [](const pyb::bytes& path, const std::string& component, double gprmax_dt_ns,
         double segy_unit_ns, bool read_gps) {
        const auto p = fs_path(path);
        std::vector<Bscan> v;
        {
          pyb::gil_scoped_release nogil;
          io::ReadOptions o;
          o.gprmax_component = component;
          o.gprmax_dt_ns = gprmax_dt_ns;
          o.segy_interval_unit_ns = segy_unit_ns;
          o.read_gps = read_gps;
          v = io::read(p, o);
        }
        return to_list(std::move(v));
      },
      pyb::arg("path"), pyb::arg("gprmax_component") = "Ez", pyb::arg("gprmax_dt_ns") = 0.0,
      pyb::arg("segy_interval_unit_ns") = 0.001, pyb::arg("read_gps") = true,
      "Read any supported file: list of (data, header) per channel.");
  m.def(
      "io_write",
      [](const pyb::bytes& path, const std::vector<pyb::tuple>& channels) {
        const auto p = fs_path(path);
        std::vector<Bscan> bs;
        for (const auto& t : channels) {
          if (t.size() != 2) throw pyb::value_error("io_write: expected (data, header) tuples");
          pyb::array a = pyb::cast<pyb::array>(t[0]);
          bs.emplace_back(as_view(a, "data"), header_from_dict(pyb::cast<pyb::dict>(t[1])));
        }
        pyb::gil_scoped_release nogil;
        io::write(p, bs);
      },
      pyb::arg("path"), pyb::arg("channels"),
      "Write (data, header) channels; format from the extension.");
  m.def(
      "io_info_table",
      [](const pyb::bytes& path) {
        const auto p = fs_path(path);
        std::string table;
        {
          pyb::gil_scoped_release nogil;
          table = io::info_table(p);
        }
        return lossy_str(table);
      },
      pyb::arg("path"));
  m.def(
      "io_detect_format",
      [](const pyb::bytes& path) {
        const auto p = fs_path(path);
        pyb::gil_scoped_release nogil;
        return io::format_name(io::detect_format(p));
      },
      pyb::arg("path"));
  m.def(
      "io_resample",
      [](const pyb::array& data, const pyb::dict& header, double dt_out_ns) {
        const ConstView in = as_view(data, "data");
        check::finite_data("resample", "data", in);  // interpolation would spread a NaN
        Bscan b(in, header_from_dict(header));
        Bscan r;
        {
          pyb::gil_scoped_release nogil;
          r = io::resample_traces(b, dt_out_ns);
        }
        pyb::dict h = header_to_dict(r.header());
        return pyb::make_tuple(bscan_to_numpy(std::move(r)), h);
      },
      pyb::arg("data"), pyb::arg("header"), pyb::arg("dt_out_ns"));
  m.def(
      "io_trace_positions",
      [](const pyb::dict& header, std::ptrdiff_t n_traces) {
        const Header h = header_from_dict(header);
        io::TracePositions p;
        {
          pyb::gil_scoped_release nogil;
          p = io::trace_positions(h, n_traces);
        }
        pyb::dict d;
        d["longitude_deg"] = to_numpy(p.longitude_deg);
        d["latitude_deg"] = to_numpy(p.latitude_deg);
        d["altitude_m"] = to_numpy(p.altitude_m);
        d["east_m"] = to_numpy(p.east_m);
        d["north_m"] = to_numpy(p.north_m);
        d["distance_m"] = to_numpy(p.distance_m);
        d["first_trace"] = p.first_trace;
        d["last_trace"] = p.last_trace;
        d["n_fixes"] = p.n_fixes;
        d["crs"] = p.crs;
        return d;
      },
      pyb::arg("header"), pyb::arg("n_traces"));
}

}  // namespace gprkit::py
