// The step registry: every processing step, described once.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gprkit/pipeline/step.h"

namespace gprkit {

/// The names of every registered step, in a stable order (the order of docs/pipeline.md).
std::vector<std::string> step_names();
/// The description of step `name`; throws InvalidArgument naming the valid steps.
const StepInfo& step_info(std::string_view name);
/// Validates `options_json` (a JSON object of option name -> value; missing options take
/// their defaults) against the step's field table and returns the complete options as a JSON
/// object (defaults filled in, in table order). Throws InvalidArgument naming the step, the
/// option, the value and what is valid.
std::string normalize_options(std::string_view step, std::string_view options_json = "{}");
/// Prepares step `step` with complete options (as from normalize_options) for an input of
/// n_samples x n_traces with header `h`.
std::unique_ptr<StepPlan> prepare_step(std::string_view step, std::string_view options_json,
                                       std::ptrdiff_t n_samples, std::ptrdiff_t n_traces,
                                       const Header& h);
/// The reach of a step with these options on data with header `h` (see StepReach).
StepReach step_reach(std::string_view step, std::string_view options_json, const Header& h);
/// The options struct of step `step` from a JSON object, validated and defaulted exactly as a
/// pipeline step's options (InvalidArgument names the option, value and valid range). O is
/// the step's options struct: DcRemoveOptions, DewowOptions, TimeZeroOptions,
/// BandpassOptions, GainOptions, EnvelopeOptions, BackgroundOptions, MigrateOptions,
/// ScoreOptions, CfarOptions or NmsOptions; another O for that step throws InvalidArgument.
/// Options missing from the object keep their value in `base`.
template <class O>
O options_from_json(std::string_view step, std::string_view options_json, const O& base = O{});
/// The complete JSON object of `o` for step `step` (the inverse of options_from_json).
template <class O>
std::string options_to_json(std::string_view step, const O& o);

/// The whole registry as a JSON object {name: {doc, kind, reach, options: {...}}}.
std::string registry_json();

}  // namespace gprkit
