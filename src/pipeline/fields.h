// Internal: typed field tables. A step's table binds each option of its options struct (by
// member pointer) to its registry description; JSON parsing, writing, defaults and range
// checks are generic over it. Defaults come from the struct's own initializers.
#pragma once
#include <cmath>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "gprkit/core/error.h"
#include "gprkit/pipeline/step.h"

namespace gprkit::pipeline_detail {

using json = nlohmann::ordered_json;

/// A field of options struct O: its description plus how to read and write it as JSON.
template <class O>
struct Field {
  FieldInfo info;
  std::function<json(const O&)> get;
  std::function<void(O&, const json&)> set;  ///< value already type- and range-checked
};

template <class O>
using Table = std::vector<Field<O>>;

struct Range {
  double min = -INFINITY, max = INFINITY;
  bool min_exclusive = false, max_exclusive = false;
};
inline constexpr Range any{};
inline Range at_least(double v) { return {v, INFINITY, false, false}; }
inline Range above(double v) { return {v, INFINITY, true, false}; }
inline Range between(double lo, double hi) { return {lo, hi, false, false}; }

/// "Automatic" values: the struct stores `sentinel`, JSON shows null, and auto_doc says how
/// the value is resolved.
struct Auto {
  double sentinel = 0;
  const char* doc = "";
};

namespace impl {
inline FieldInfo info(const char* name, FieldType t, const char* unit, const char* doc, Range r,
                      const char* auto_doc) {
  FieldInfo f;
  f.name = name;
  f.type = t;
  f.unit = unit;
  f.doc = doc;
  f.auto_doc = auto_doc;
  f.min = r.min;
  f.max = r.max;
  f.min_exclusive = r.min_exclusive;
  f.max_exclusive = r.max_exclusive;
  return f;
}
}  // namespace impl

template <class O, class T>
Field<O> number(const char* name, T O::*m, const char* unit, Range r, const char* doc,
                Auto a = {0, ""}) {
  const bool has_auto = *a.doc != '\0';
  const double s = a.sentinel;
  return {impl::info(name, FieldType::number, unit, doc, r, a.doc),
          [m, has_auto, s](const O& o) -> json {
            if (has_auto && static_cast<double>(o.*m) == s) return nullptr;
            return static_cast<double>(o.*m);
          },
          [m, s](O& o, const json& v) {
            o.*m = static_cast<T>(v.is_null() ? s : v.template get<double>());
          }};
}

template <class O, class T>
Field<O> integer(const char* name, T O::*m, const char* unit, Range r, const char* doc,
                 Auto a = {0, ""}) {
  const bool has_auto = *a.doc != '\0';
  const double s = a.sentinel;
  return {impl::info(name, FieldType::integer, unit, doc, r, a.doc),
          [m, has_auto, s](const O& o) -> json {
            if (has_auto && static_cast<double>(o.*m) == s) return nullptr;
            return static_cast<long long>(o.*m);
          },
          [m, s](O& o, const json& v) {
            o.*m = v.is_null() ? static_cast<T>(s) : static_cast<T>(v.template get<long long>());
          }};
}

template <class O>
Field<O> flag(const char* name, bool O::*m, const char* doc) {
  return {impl::info(name, FieldType::boolean, "", doc, any, ""),
          [m](const O& o) -> json { return o.*m; },
          [m](O& o, const json& v) { o.*m = v.template get<bool>(); }};
}

template <class O, class E>
Field<O> choice(const char* name, E O::*m, std::initializer_list<std::pair<const char*, E>> names,
                const char* doc) {
  FieldInfo fi = impl::info(name, FieldType::choice, "", doc, any, "");
  std::vector<std::pair<std::string, E>> table;
  for (const auto& [k, v] : names) {
    fi.choices.emplace_back(k);
    table.emplace_back(k, v);
  }
  return {std::move(fi),
          [m, table](const O& o) -> json {
            for (const auto& [k, v] : table)
              if (v == o.*m) return k;
            return nullptr;
          },
          [m, table](O& o, const json& v) {
            const auto s = v.template get<std::string>();
            for (const auto& [k, e] : table)
              if (k == s) o.*m = e;
          }};
}

template <class O>
Field<O> numbers(const char* name, std::vector<double> O::*m, const char* unit, Range r,
                 const char* doc) {
  return {impl::info(name, FieldType::number_list, unit, doc, r, ""),
          [m](const O& o) -> json { return o.*m; },
          [m](O& o, const json& v) { o.*m = v.template get<std::vector<double>>(); }};
}

/// Checks `v` against a field's type and range; throws InvalidArgument naming the step,
/// option, value and what is valid.
void check_value(const std::string& step, const FieldInfo& f, const json& v);

/// The registry descriptions of a table (defaults from a default-constructed O).
template <class O>
std::vector<FieldInfo> infos(const Table<O>& t) {
  std::vector<FieldInfo> out;
  const O d{};
  for (const auto& f : t) {
    FieldInfo fi = f.info;
    fi.default_json = f.get(d).dump();
    out.push_back(std::move(fi));
  }
  return out;
}

/// Parses a complete options object into O (unknown names and bad values rejected; missing
/// names keep the struct's default).
template <class O>
O parse(const std::string& step, const Table<O>& t, const json& obj) {
  O o{};
  for (const auto& f : t) {
    auto it = obj.find(f.info.name);
    if (it == obj.end()) continue;
    check_value(step, f.info, *it);
    f.set(o, *it);
  }
  return o;
}

/// O as a complete JSON object, in table order.
template <class O>
json dump(const Table<O>& t, const O& o) {
  json j = json::object();
  for (const auto& f : t) j[f.info.name] = f.get(o);
  return j;
}

/// Rejects names that are not in the table (message lists the valid names).
void check_names(const std::string& step, const std::vector<FieldInfo>& fields, const json& obj);

/// Parses JSON text, turning nlohmann's errors into InvalidArgument naming `what`.
json parse_text(std::string_view text, const std::string& what);

}  // namespace gprkit::pipeline_detail
