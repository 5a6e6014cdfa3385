#include "gprkit/pipeline/pipeline.h"

#include <fstream>
#include <sstream>

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

Bscan Pipeline::run(const Bscan& in) const { return run(Bscan(in)); }

Bscan Pipeline::run(Bscan&& in) const {
  Bscan b = std::move(in);
  for (const auto& s : steps_) {
    const auto& def = find_step(s.name);
    if (def.info.kind != StepKind::process)
      fail("step '" + s.name +
           "' is a decision step (detections out); it ends a detect() chain, "
           "not a pipeline run");
    const auto plan =
        def.prepare(json::parse(s.options_json), b.n_samples(), b.n_traces(), b.header());
    Header h = b.header();
    if (plan->in_place() && plan->out_samples() == b.n_samples() &&
        plan->out_traces() == b.n_traces()) {
      plan->run(b.cview(), b.view(), h);
      b.header() = std::move(h);
    } else {
      Bscan out = Bscan::uninitialized(plan->out_samples(), plan->out_traces());
      plan->run(b.cview(), out.view(), h);
      out.header() = std::move(h);
      b = std::move(out);
    }
    b.header().history.push_back({s.name, plan->resolved_json(), version()});
  }
  return b;
}

Bscan run_step(std::string_view step, const Bscan& in, std::string_view options_json) {
  return Pipeline().add(step, options_json).run(in);
}

}  // namespace gprkit
