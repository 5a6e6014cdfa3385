// Pipeline: an ordered list of registry steps with their options, read from and written to
// JSON:
//   {"gprkit_pipeline": 1,
//    "steps": [{"step": "dewow", "options": {"window_ns": 3.0}},
//              {"step": "bandpass", "options": {"low_mhz": 300, "high_mhz": 2500}}]}
// ("options" may be left out for the defaults). A pipeline is validated when it is built.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"
#include "gprkit/pipeline/step.h"

namespace gprkit {

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

  /// Runs every process step on `in` (decide steps are skipped: see detect()). Each step
  /// appends {name, resolved options, version} to the result's Header::history.
  Bscan run(const Bscan& in) const;
  /// Same, consuming the input: steps that allow it run in place on its samples.
  Bscan run(Bscan&& in) const;

 private:
  std::vector<Step> steps_;
};

/// Runs one step on a section (the pipeline of that single step).
Bscan run_step(std::string_view step, const Bscan& in, std::string_view options_json = "{}");

}  // namespace gprkit
