#include "gprkit/pipeline/pipeline.h"

#include <fstream>
#include <sstream>

#include "gprkit/core/validate.h"
#include "gprkit/core/version.h"
#include "gprkit/pipeline/registry.h"
#include "step_def.h"

namespace gprkit {

using pipeline_detail::find_step;
using pipeline_detail::json;
using pipeline_detail::parse_text;

namespace {

constexpr const char* kWhere = "pipeline";

std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

[[noreturn]] void fail(const std::string& msg) {
  throw InvalidArgument(std::string(kWhere) + ": " + msg);
}

}  // namespace

Pipeline Pipeline::from_json(std::string_view text) {
  const json j = parse_text(text, kWhere);
  if (!j.is_object())
    fail("top level = " + shown(j) + "; expected an object with 'gprkit_pipeline' and 'steps'");
  for (const auto& [key, value] : j.items())
    if (key != "gprkit_pipeline" && key != "steps")
      fail("unknown key '" + key + "'; expected 'gprkit_pipeline' and 'steps'");
  auto ver = j.find("gprkit_pipeline");
  if (ver == j.end()) fail("missing 'gprkit_pipeline' (the format version, 1)");
  if (!ver->is_number_integer() || ver->get<long long>() != 1)
    fail("gprkit_pipeline = " + shown(*ver) + "; expected 1 (the only format version)");
  auto steps = j.find("steps");
  if (steps == j.end()) fail("missing 'steps' (a list of {\"step\": name, \"options\": {...}})");
  if (!steps->is_array()) fail("steps = " + shown(*steps) + "; expected a list");
  Pipeline p;
  std::size_t k = 0;
  for (const auto& s : *steps) {
    const std::string at = "steps[" + std::to_string(k++) + "]";
    if (!s.is_object())
      fail(at + " = " + shown(s) + "; expected {\"step\": name, \"options\": {...}}");
    for (const auto& [key, value] : s.items())
      if (key != "step" && key != "options")
        fail(at + ": unknown key '" + key + "'; expected 'step' and 'options'");
    auto name = s.find("step");
    if (name == s.end() || !name->is_string())
      fail(at + ": 'step' = " + (name == s.end() ? std::string("missing") : shown(*name)) +
           "; expected a step name");
    auto opts = s.find("options");
    const json o = opts == s.end() ? json::object() : *opts;
    try {
      p.add(name->get<std::string>(), o.dump());
    } catch (const InvalidArgument& e) {
      fail(at + ": " + e.what());
    }
  }
  return p;
}

Pipeline Pipeline::from_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw IoError("pipeline: '" + path.string() + "' is not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError("pipeline: cannot stat '" + path.string() + "': " + ec.message());
  if (size > (16u << 20))
    fail("'" + path.string() + "' is " + std::to_string(size) +
         " bytes; expected a pipeline file of at most 16 MiB");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IoError("pipeline: cannot open '" + path.string() + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  try {
    return from_json(ss.str());
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(path.string() + ": " + e.what());
  }
}

Pipeline Pipeline::from_history(const std::vector<HistoryEntry>& history) {
  Pipeline p;
  const std::vector<std::string> names = step_names();
  for (const auto& e : history) {
    bool known = false;
    for (const auto& n : names) known = known || n == e.step;
    if (!known || step_info(e.step).kind != StepKind::process) continue;  // "read" and the like
    p.add(e.step, e.options_json);
  }
  return p;
}

Pipeline& Pipeline::add(std::string_view step, std::string_view options_json) {
  const auto& def = find_step(step);
  const json user = parse_text(options_json, def.info.name + ": options");
  steps_.push_back({def.info.name, def.normalize(user).dump()});
  return *this;
}

std::string Pipeline::to_json(int indent) const {
  json j;
  j["gprkit_pipeline"] = 1;
  j["steps"] = json::array();
  for (const auto& s : steps_) {
    json e;
    e["step"] = s.name;
    e["options"] = json::parse(s.options_json);
    j["steps"].push_back(std::move(e));
  }
  return j.dump(indent);
}

std::size_t Pipeline::find(std::string_view name) const {
  for (std::size_t i = 0; i < steps_.size(); ++i)
    if (steps_[i].name == name) return i;
  return steps_.size();
}

void Pipeline::set_options(std::size_t i, std::string_view options_json) {
  Step& s = steps_.at(i);
  json merged = json::parse(s.options_json);
  const json upd = parse_text(options_json, s.name + ": options");
  if (!upd.is_object()) fail(s.name + ": options = " + shown(upd) + "; expected an object");
  for (const auto& [k, v] : upd.items()) merged[k] = v;
  s.options_json = find_step(s.name).normalize(merged).dump();
}

void Pipeline::erase(std::size_t i) {
  steps_.erase(steps_.begin() + static_cast<std::ptrdiff_t>(i));
}

StepReach Pipeline::reach(const Header& h) const {
  StepReach total{false, 0, true};
  for (const auto& s : steps_) {
    const StepReach r = step_reach(s.name, s.options_json, h);
    total.whole_line = total.whole_line || r.whole_line;
    total.traces += r.traces;
    total.causal = total.causal && r.causal;
  }
  if (total.whole_line) total.traces = 0;
  return total;
}

namespace {

// What a plan depends on: the header without its raw fields and history.
Header geometry(const Header& h) {
  Header g = h;
  g.raw.clear();
  g.history.clear();
  return g;
}
bool same_geometry(const Header& a, const Header& b) {
  return a.dt_ns == b.dt_ns && a.t0_ns == b.t0_ns && a.dx_m == b.dx_m &&
         a.antenna_separation_m == b.antenna_separation_m &&
         a.antenna_height_m == b.antenna_height_m &&
         a.centre_frequency_mhz == b.centre_frequency_mhz && a.x_m == b.x_m && a.y_m == b.y_m &&
         a.z_m == b.z_m;
}

}  // namespace

PipelinePlan Pipeline::prepare(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces,
                               const Header& h) const {
  PipelinePlan p;
  p.ns_ = n_samples;
  p.nt_ = n_traces;
  Header cur = geometry(h);
  std::ptrdiff_t ns = n_samples, nt = n_traces;
  for (const auto& s : steps_) {
    const auto& def = find_step(s.name);
    if (def.info.kind != StepKind::process)
      fail("step '" + s.name +
           "' is a decision step (detections out); it ends a detect() chain, "
           "not a pipeline run");
    PipelinePlan::Stage st;
    st.name = s.name;
    st.options_json = s.options_json;
    st.prepared_for = cur;
    st.in_samples = ns;
    st.in_traces = nt;
    st.plan = def.prepare(json::parse(s.options_json), ns, nt, cur);
    st.plan->predict_header(cur);
    ns = st.plan->out_samples();
    nt = st.plan->out_traces();
    p.stages_.push_back(std::move(st));
  }
  return p;
}

std::ptrdiff_t PipelinePlan::out_samples() const {
  return stages_.empty() ? ns_ : stages_.back().plan->out_samples();
}
std::ptrdiff_t PipelinePlan::out_traces() const {
  return stages_.empty() ? nt_ : stages_.back().plan->out_traces();
}

void PipelinePlan::run(ConstView in, MutView out, Header& header, bool record_history) const {
  run_views(in, MutView{}, out, header, record_history);
}

Bscan PipelinePlan::run(Bscan&& in) const {
  Header h = in.header();
  if (out_samples() == in.n_samples() && out_traces() == in.n_traces()) {
    run_views(in.cview(), in.view(), in.view(), h, true);
    in.header() = std::move(h);
    return std::move(in);
  }
  Bscan out = Bscan::uninitialized(out_samples(), out_traces());
  run_views(in.cview(), in.view(), out.view(), h, true);
  out.header() = std::move(h);
  return out;
}

void PipelinePlan::run_views(ConstView in, MutView scratch, MutView out, Header& h,
                             bool record) const {
  if (in.n_samples != ns_ || in.n_traces != nt_)
    check::fail(kWhere, "input shape", check::shape_str(in.n_samples, in.n_traces),
                "the planned " + check::shape_str(ns_, nt_));
  if (out.n_samples != out_samples() || out.n_traces != out_traces())
    check::fail(kWhere, "output shape", check::shape_str(out.n_samples, out.n_traces),
                "the planned " + check::shape_str(out_samples(), out_traces()));
  ConstView src = in;
  MutView src_mut = scratch;  // the current data, when this plan may overwrite it
  for (std::size_t k = 0; k < stages_.size(); ++k) {
    Stage& s = stages_[k];
    if (!same_geometry(h, s.prepared_for) || src.n_samples != s.in_samples ||
        src.n_traces != s.in_traces) {
      // The data's header (or shape) is not the one this step was prepared for: prepare again.
      s.prepared_for = geometry(h);
      s.in_samples = src.n_samples;
      s.in_traces = src.n_traces;
      s.plan = find_step(s.name).prepare(json::parse(s.options_json), src.n_samples, src.n_traces,
                                         s.prepared_for);
    }
    const bool last = k + 1 == stages_.size();
    const std::ptrdiff_t ons = s.plan->out_samples(), ont = s.plan->out_traces();
    const bool same_shape = ons == src.n_samples && ont == src.n_traces;
    MutView dst;
    if (last && (s.plan->in_place() || out.data != src.data)) {
      dst = out;
    } else if (!last && s.plan->in_place() && same_shape && src_mut.data == src.data &&
               src_mut.data != nullptr) {
      dst = src_mut;
    } else {
      if (s.buffer.n_samples() != ons || s.buffer.n_traces() != ont)
        s.buffer = Bscan::uninitialized(ons, ont);
      dst = s.buffer.view();
    }
    s.plan->run(src, dst, h);
    if (record) h.history.push_back({s.name, s.plan->resolved_json(), version()});
    src = dst;
    src_mut = dst;
  }
  if (src.data != out.data) {  // no step, or the last one could not write over its input
    for (std::ptrdiff_t j = 0; j < out.n_traces; ++j)
      for (std::ptrdiff_t i = 0; i < out.n_samples; ++i) out(i, j) = src(i, j);
  }
}

Bscan Pipeline::run(const Bscan& in) const { return run(Bscan(in)); }

Bscan Pipeline::run(Bscan&& in) const {
  const PipelinePlan p = prepare(in.n_samples(), in.n_traces(), in.header());
  return p.run(std::move(in));
}

Bscan run_step(std::string_view step, const Bscan& in, std::string_view options_json) {
  return Pipeline().add(step, options_json).run(in);
}

}  // namespace gprkit
