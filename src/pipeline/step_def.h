// Internal: a registry entry. TypedStep<O> ties a field table for options struct O to the
// step's resolve, reach and plan functions; everything JSON-facing is generic.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fields.h"
#include "gprkit/core/bscan.h"
#include "gprkit/pipeline/step.h"

namespace gprkit::pipeline_detail {

class StepDef {
 public:
  virtual ~StepDef() = default;
  StepInfo info;
  /// Complete options (defaults filled in) from a user object; validates names and values.
  virtual json normalize(const json& user) const = 0;
  virtual std::unique_ptr<StepPlan> prepare(const json& opts, std::ptrdiff_t ns, std::ptrdiff_t nt,
                                            const Header& h) const = 0;
  virtual StepReach reach(const json& opts, const Header& h) const = 0;
};

/// A plan that runs a callable; `resolved` is the options with defaults resolved.
class FnPlan final : public StepPlan {
 public:
  using Run = std::function<void(ConstView, MutView, Header&, StepOutputs*)>;
  using Predict = std::function<void(Header&)>;
  FnPlan(std::ptrdiff_t ns, std::ptrdiff_t nt, std::string resolved, Run run, bool in_place,
         Predict predict = nullptr)
      : ns_(ns),
        nt_(nt),
        resolved_(std::move(resolved)),
        run_(std::move(run)),
        in_place_(in_place),
        predict_(std::move(predict)) {}
  std::ptrdiff_t out_samples() const override { return ns_; }
  std::ptrdiff_t out_traces() const override { return nt_; }
  void run(ConstView in, MutView out, Header& h, StepOutputs* outputs) const override {
    run_(in, out, h, outputs);
  }
  bool in_place() const override { return in_place_; }
  void predict_header(Header& h) const override {
    if (predict_) predict_(h);
  }
  const std::string& resolved_json() const override { return resolved_; }

 private:
  std::ptrdiff_t ns_, nt_;
  std::string resolved_;
  Run run_;
  bool in_place_;
  Predict predict_;
};

template <class O>
class TypedStep final : public StepDef {
 public:
  using Resolve = std::function<O(const O&, std::ptrdiff_t, std::ptrdiff_t, const Header&)>;
  using Reach = std::function<StepReach(const O&, const Header&)>;
  /// Makes the plan from resolved options (the plan's resolved JSON is filled in here).
  using Make = std::function<std::unique_ptr<StepPlan>(const O&, std::ptrdiff_t, std::ptrdiff_t,
                                                       const Header&, std::string)>;

  TypedStep(StepInfo i, Table<O> t, Resolve resolve, Reach reach, Make make)
      : table_(std::move(t)),
        resolve_(std::move(resolve)),
        reach_(std::move(reach)),
        make_(std::move(make)) {
    info = std::move(i);
    info.fields = infos(table_);
  }
  json normalize(const json& user) const override {
    if (!user.is_object())
      throw InvalidArgument(info.name + ": options = " + user.dump() + "; expected an object");
    check_names(info.name, info.fields, user);
    return dump(table_, parse(info.name, table_, user));
  }
  std::unique_ptr<StepPlan> prepare(const json& opts, std::ptrdiff_t ns, std::ptrdiff_t nt,
                                    const Header& h) const override {
    const O r = resolve_ ? resolve_(parse(info.name, table_, opts), ns, nt, h)
                         : parse(info.name, table_, opts);
    return make_(r, ns, nt, h, dump(table_, r).dump());
  }
  StepReach reach(const json& opts, const Header& h) const override {
    return reach_(parse(info.name, table_, opts), h);
  }
  const Table<O>& table() const { return table_; }

 private:
  Table<O> table_;
  Resolve resolve_;
  Reach reach_;
  Make make_;
};

using Registry = std::vector<std::unique_ptr<StepDef>>;

/// Each folder's steps (src/pipeline/steps_<folder>.cpp), in registry order.
void add_filter_steps(Registry& r);
void add_clutter_steps(Registry& r);
void add_migrate_steps(Registry& r);
void add_detect_steps(Registry& r);

/// The registry entry of `name` (throws InvalidArgument listing the steps).
const StepDef& find_step(std::string_view name);

/// A same-shape plan whose kernel is kernel(in, out, header, outputs).
template <class K>
std::unique_ptr<StepPlan> same_shape_plan(std::ptrdiff_t ns, std::ptrdiff_t nt,
                                          std::string resolved, K&& kernel, bool in_place = true,
                                          FnPlan::Predict predict = nullptr) {
  return std::make_unique<FnPlan>(ns, nt, std::move(resolved), std::forward<K>(kernel), in_place,
                                  std::move(predict));
}

}  // namespace gprkit::pipeline_detail
