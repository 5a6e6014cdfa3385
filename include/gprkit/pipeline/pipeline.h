// Pipeline: an ordered list of registry steps with their options, read from and written to
// JSON:
//   {"gprkit_pipeline": 1,
//    "steps": [{"step": "dewow", "options": {"window_ns": 3.0}},
//              {"step": "bandpass", "options": {"low_mhz": 300, "high_mhz": 2500}}]}
// ("options" may be left out for the defaults). A pipeline is validated when it is built.
#pragma once
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"
#include "gprkit/pipeline/step.h"

namespace gprkit {

class PipelinePlan;

class Pipeline {
 public:
  struct Step {
    std::string name;
    std::string options_json;  ///< complete options (defaults filled in), a JSON object
  };

  Pipeline() = default;
  /// Parses the pipeline format above. Throws InvalidArgument for text that is not JSON, a
  /// wrong version, an unknown step or option, a wrong type or an out-of-range value; the
  /// message names the step (and its index), the option, the value and what is valid.
  static Pipeline from_json(std::string_view text);
  /// Reads a JSON pipeline file (at most 16 MiB). Throws IoError, InvalidArgument.
  static Pipeline from_file(const std::filesystem::path& path);
  /// The processing steps of a history, in order; entries that are not registry steps (such
  /// as "read") are skipped.
  static Pipeline from_history(const std::vector<HistoryEntry>& history);

  /// Appends a step (options: a JSON object; missing options take their defaults).
  Pipeline& add(std::string_view step, std::string_view options_json = "{}");
  /// The pipeline format, defaults filled in. from_json(to_json()) is the same pipeline.
  std::string to_json(int indent = 2) const;

  std::size_t size() const { return steps_.size(); }
  bool empty() const { return steps_.empty(); }
  const Step& step(std::size_t i) const { return steps_.at(i); }
  const std::vector<Step>& steps() const { return steps_; }
  /// Index of the first step called `name`, or size() when there is none.
  std::size_t find(std::string_view name) const;
  /// Replaces options of step i (merged over its current ones) / removes step i.
  void set_options(std::size_t i, std::string_view options_json);
  void erase(std::size_t i);

  /// Reach of the whole chain (sum of the steps' reaches; whole_line if any step is).
  StepReach reach(const Header& h) const;

  /// Prepares every step for inputs of n_samples x n_traces with header `h` (see
  /// PipelinePlan). Throws InvalidArgument for a decide step or options the data refuses.
  PipelinePlan prepare(std::ptrdiff_t n_samples, std::ptrdiff_t n_traces, const Header& h) const;

  /// Runs every process step on `in` (decide steps are refused: see detect()). Each step
  /// appends {name, resolved options, version} to the result's Header::history.
  Bscan run(const Bscan& in) const;
  /// Same, consuming the input: steps that allow it run in place on its samples.
  Bscan run(Bscan&& in) const;

 private:
  std::vector<Step> steps_;
};

/// A pipeline prepared once for one input shape and Header: every step's plan (FFT plans,
/// tables). run() allocates nothing once it has run once (intermediate buffers are made on
/// the first run, only for steps that cannot work in place) while each step sees the header
/// it was prepared for; a step whose input header differs from the prepared one (time_zero
/// with an automatic target moves t0 by a data-dependent amount) is prepared again, which
/// allocates. Not thread-safe: one plan per thread or channel.
class PipelinePlan {
 public:
  PipelinePlan() = default;
  std::ptrdiff_t in_samples() const { return ns_; }
  std::ptrdiff_t in_traces() const { return nt_; }
  std::ptrdiff_t out_samples() const;
  std::ptrdiff_t out_traces() const;
  /// out = pipeline(in); `header` is the input's on entry and the output's on return. With
  /// record_history, one history entry per step is appended (that allocates strings). in
  /// must have the planned shape and out the output shape; they may be the same view.
  void run(ConstView in, MutView out, Header& header, bool record_history = true) const;
  /// Runs on a section it may overwrite, returning the result (the same Bscan when every
  /// step keeps the shape).
  Bscan run(Bscan&& in) const;

 private:
  friend class Pipeline;
  struct Stage {
    std::string name, options_json;
    Header prepared_for;  ///< geometry only (no raw fields, no history)
    std::ptrdiff_t in_samples = 0, in_traces = 0;
    std::unique_ptr<StepPlan> plan;
    Bscan buffer;  ///< output of a step that cannot write over its input
  };
  void run_views(ConstView in, MutView scratch, MutView out, Header& h, bool record) const;
  std::ptrdiff_t ns_ = 0, nt_ = 0;
  mutable std::vector<Stage> stages_;
};

/// Runs one step on a section (the pipeline of that single step).
Bscan run_step(std::string_view step, const Bscan& in, std::string_view options_json = "{}");

}  // namespace gprkit
