#include "gprkit/pipeline/registry.h"

#include <cmath>
#include <string>

#include "gprkit/clutter/background.h"
#include "gprkit/detect/cfar.h"
#include "gprkit/detect/detection.h"
#include "gprkit/detect/score.h"
#include "gprkit/filters.h"
#include "gprkit/migrate/migrate.h"
#include "step_def.h"

namespace gprkit {
namespace pipeline_detail {

namespace {

std::string type_name(FieldType t) {
  switch (t) {
    case FieldType::number:
      return "number";
    case FieldType::integer:
      return "integer";
    case FieldType::boolean:
      return "boolean";
    case FieldType::choice:
      return "choice";
    case FieldType::number_list:
      return "number_list";
  }
  return "?";
}

std::string fmt(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  json j = v;
  return j.dump();
}

std::string range_text(const FieldInfo& f) {
  const bool lo = std::isfinite(f.min), hi = std::isfinite(f.max);
  if (lo && hi)
    return std::string(f.min_exclusive ? "(" : "[") + fmt(f.min) + ", " + fmt(f.max) +
           (f.max_exclusive ? ")" : "]");
  if (lo) return std::string(f.min_exclusive ? "> " : ">= ") + fmt(f.min);
  if (hi) return std::string(f.max_exclusive ? "< " : "<= ") + fmt(f.max);
  return "";
}

std::string expected(const FieldInfo& f) {
  std::string e;
  switch (f.type) {
    case FieldType::number:
      e = "a number";
      break;
    case FieldType::integer:
      e = "an integer";
      break;
    case FieldType::boolean:
      e = "true or false";
      break;
    case FieldType::choice: {
      e = "one of ";
      for (std::size_t i = 0; i < f.choices.size(); ++i)
        e += (i ? ", '" : "'") + f.choices[i] + "'";
      break;
    }
    case FieldType::number_list:
      e = "a list of numbers";
      break;
  }
  const std::string r = range_text(f);
  if (!r.empty()) e += (f.type == FieldType::number_list ? ", each " : " ") + r;
  if (!f.unit.empty() && f.type != FieldType::choice) e += " (" + f.unit + ")";
  if (!f.auto_doc.empty()) e += ", or null (" + f.auto_doc + ")";
  return e;
}

[[noreturn]] void bad(const std::string& step, const FieldInfo& f, const json& v) {
  std::string shown = v.dump();
  if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
  throw InvalidArgument(step + ": option '" + f.name + "' = " + shown + "; expected " +
                        expected(f));
}

bool in_range(const FieldInfo& f, double x) {
  if (!std::isfinite(x)) return false;
  if (f.min_exclusive ? !(x > f.min) : !(x >= f.min)) return false;
  if (f.max_exclusive ? !(x < f.max) : !(x <= f.max)) return false;
  return true;
}

}  // namespace

void check_value(const std::string& step, const FieldInfo& f, const json& v) {
  if (v.is_null()) {
    if (f.auto_doc.empty()) bad(step, f, v);
    return;
  }
  switch (f.type) {
    case FieldType::number:
      if (!v.is_number() || !in_range(f, v.get<double>())) bad(step, f, v);
      return;
    case FieldType::integer: {
      if (!v.is_number()) bad(step, f, v);
      if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9e15) bad(step, f, v);
      }
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > (std::uint64_t{1} << 62))
        bad(step, f, v);
      if (!in_range(f, v.get<double>())) bad(step, f, v);
      return;
    }
    case FieldType::boolean:
      if (!v.is_boolean()) bad(step, f, v);
      return;
    case FieldType::choice: {
      if (!v.is_string()) bad(step, f, v);
      const auto s = v.get<std::string>();
      for (const auto& c : f.choices)
        if (c == s) return;
      bad(step, f, v);
    }
    case FieldType::number_list:
      if (!v.is_array() || v.size() > (std::size_t{1} << 20)) bad(step, f, v);
      for (const auto& x : v)
        if (!x.is_number() || !in_range(f, x.get<double>())) bad(step, f, v);
      return;
  }
}

void check_names(const std::string& step, const std::vector<FieldInfo>& fields, const json& obj) {
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (const auto& f : fields) known = known || f.name == key;
    if (known) continue;
    std::string names;
    for (const auto& f : fields) names += (names.empty() ? "'" : ", '") + f.name + "'";
    throw InvalidArgument(step + ": unknown option '" + key + "'; expected one of " +
                          (names.empty() ? std::string("none (this step has no options)") : names));
  }
}

json parse_text(std::string_view text, const std::string& what) {
  // Options and pipelines are shallow: refuse deep nesting before the parser recurses into it.
  int depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 32) throw InvalidArgument(what + ": nested deeper than 32 levels");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    std::string m = e.what();
    if (auto p = m.find("] "); p != std::string::npos) m = m.substr(p + 2);
    throw InvalidArgument(what + ": not valid JSON (" + m + ")");
  }
}

namespace {
const Registry& registry() {
  static const Registry r = [] {
    Registry out;
    add_filter_steps(out);
    add_clutter_steps(out);
    add_migrate_steps(out);
    add_detect_steps(out);
    return out;
  }();
  return r;
}
}  // namespace

const StepDef& find_step(std::string_view name) {
  for (const auto& s : registry())
    if (s->info.name == name) return *s;
  std::string names;
  for (const auto& s : registry()) names += (names.empty() ? "'" : ", '") + s->info.name + "'";
  std::string shown(name.substr(0, 80));
  throw InvalidArgument("pipeline: unknown step '" + shown + "'; expected one of " + names);
}

}  // namespace pipeline_detail

using pipeline_detail::find_step;
using pipeline_detail::json;
using pipeline_detail::parse_text;

std::vector<std::string> step_names() {
  std::vector<std::string> out;
  for (const auto& s : pipeline_detail::registry()) out.push_back(s->info.name);
  return out;
}

const StepInfo& step_info(std::string_view name) { return find_step(name).info; }

std::string normalize_options(std::string_view step, std::string_view options_json) {
  const auto& def = find_step(step);
  return def.normalize(parse_text(options_json, def.info.name + ": options")).dump();
}

std::unique_ptr<StepPlan> prepare_step(std::string_view step, std::string_view options_json,
                                       std::ptrdiff_t n_samples, std::ptrdiff_t n_traces,
                                       const Header& h) {
  const auto& def = find_step(step);
  return def.prepare(parse_text(options_json, def.info.name + ": options"), n_samples, n_traces, h);
}

StepReach step_reach(std::string_view step, std::string_view options_json, const Header& h) {
  const auto& def = find_step(step);
  return def.reach(parse_text(options_json, def.info.name + ": options"), h);
}

namespace {
template <class O>
const pipeline_detail::TypedStep<O>& typed(std::string_view step) {
  const auto* t = dynamic_cast<const pipeline_detail::TypedStep<O>*>(&find_step(step));
  if (t == nullptr)
    throw InvalidArgument("options_from_json: step '" + std::string(step) +
                          "' has another options struct");
  return *t;
}
}  // namespace

template <class O>
O options_from_json(std::string_view step, std::string_view options_json, const O& base) {
  const auto& t = typed<O>(step);
  const json user = parse_text(options_json, t.info.name + ": options");
  if (!user.is_object())
    throw InvalidArgument(t.info.name + ": options = " + user.dump() + "; expected an object");
  pipeline_detail::check_names(t.info.name, t.info.fields, user);
  json merged = pipeline_detail::dump(t.table(), base);
  for (const auto& [k, v] : user.items()) merged[k] = v;
  return pipeline_detail::parse(t.info.name, t.table(), merged);
}

template <class O>
std::string options_to_json(std::string_view step, const O& o) {
  return pipeline_detail::dump(typed<O>(step).table(), o).dump();
}

#define GPRKIT_OPTIONS_JSON(O)                                                   \
  template O options_from_json<O>(std::string_view, std::string_view, const O&); \
  template std::string options_to_json<O>(std::string_view, const O&);
GPRKIT_OPTIONS_JSON(DcRemoveOptions)
GPRKIT_OPTIONS_JSON(DewowOptions)
GPRKIT_OPTIONS_JSON(TimeZeroOptions)
GPRKIT_OPTIONS_JSON(BandpassOptions)
GPRKIT_OPTIONS_JSON(GainOptions)
GPRKIT_OPTIONS_JSON(EnvelopeOptions)
GPRKIT_OPTIONS_JSON(BackgroundOptions)
GPRKIT_OPTIONS_JSON(MigrateOptions)
GPRKIT_OPTIONS_JSON(ScoreOptions)
GPRKIT_OPTIONS_JSON(CfarOptions)
GPRKIT_OPTIONS_JSON(NmsOptions)
#undef GPRKIT_OPTIONS_JSON

std::string registry_json() {
  json all = json::object();
  for (const auto& s : pipeline_detail::registry()) {
    const StepInfo& i = s->info;
    json d;
    d["doc"] = i.doc;
    d["kind"] = i.kind == StepKind::process ? "process" : "decide";
    d["reach"] = i.reach_doc;
    json opts = json::object();
    for (const auto& f : i.fields) {
      json o;
      o["type"] = pipeline_detail::type_name(f.type);
      o["unit"] = f.unit;
      o["default"] = json::parse(f.default_json);
      o["doc"] = f.doc;
      o["auto"] = f.auto_doc.empty() ? json(nullptr) : json(f.auto_doc);
      o["min"] = std::isfinite(f.min) ? json(f.min) : json(nullptr);
      o["max"] = std::isfinite(f.max) ? json(f.max) : json(nullptr);
      o["min_exclusive"] = f.min_exclusive;
      o["max_exclusive"] = f.max_exclusive;
      if (f.type == FieldType::choice) o["choices"] = f.choices;
      o["range"] = pipeline_detail::range_text(f);
      opts[f.name] = o;
    }
    d["options"] = opts;
    all[i.name] = d;
  }
  return all.dump();
}

}  // namespace gprkit
