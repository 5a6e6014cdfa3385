// What the step registry says about a step: its options (name, type, unit, default, range or
// choices, one-line doc), its reach along the line and whether a causal form exists; and the
// plan interface every step runs through.
#pragma once
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gprkit/core/header.h"
#include "gprkit/core/view.h"

namespace gprkit {

enum class FieldType {
  number,       ///< a real number (JSON number)
  integer,      ///< a whole number (JSON integer)
  boolean,      ///< true / false
  choice,       ///< one of a list of names (JSON string)
  number_list,  ///< a list of real numbers (JSON array)
};

/// One option of a step.
struct FieldInfo {
  std::string name;
  FieldType type = FieldType::number;
  std::string unit;          ///< "ns", "m", "MHz", "traces", ... ("" for none)
  std::string doc;           ///< one line
  std::string default_json;  ///< the default as JSON text; "null" = resolved from the data
  std::string auto_doc;      ///< how a null (automatic) value is resolved; "" = null not allowed
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false, max_exclusive = false;
  std::vector<std::string> choices;  ///< for choice fields
};

/// How a step uses the data.
enum class StepKind {
  process,  ///< section in, section out (filters, clutter removal, migration, scores)
  decide,   ///< score image in, detections out (thresholds, non-maximum suppression)
};

/// How far along the line one output trace depends on the input.
struct StepReach {
  bool whole_line = false;    ///< every output trace depends on every input trace
  std::ptrdiff_t traces = 0;  ///< otherwise: traces needed on each side (0 = per trace)
  bool causal = false;        ///< a causal (trailing-window) form exists for streaming
};

/// Everything the registry says about one step.
struct StepInfo {
  std::string name;
  std::string doc;
  std::string reach_doc;  ///< the reach in words, per method where it differs
  StepKind kind = StepKind::process;
  std::vector<FieldInfo> fields;
};

/// Per-trace or per-line results a step computes besides its output section (time-zero picks,
/// ground picks, the removed background trace), by name.
struct StepOutputs {
  std::vector<std::pair<std::string, std::vector<double>>> arrays;
};

/// A step prepared for one input shape and Header: data-dependent defaults resolved, FFT
/// plans made, tables computed. run() is const and allocates nothing beyond what the step's
/// documentation says (per-trace steps: nothing once each worker thread has run once).
class StepPlan {
 public:
  virtual ~StepPlan() = default;
  /// Output shape (samples, traces) for the planned input.
  virtual std::ptrdiff_t out_samples() const = 0;
  virtual std::ptrdiff_t out_traces() const = 0;
  /// out = step(in). `header` is the input's header on entry and the output's on return.
  /// in and out may be the same view when in_place() is true.
  /// `outputs`, when given, receives the step's extra results.
  virtual void run(ConstView in, MutView out, Header& header,
                   StepOutputs* outputs = nullptr) const = 0;
  virtual bool in_place() const { return true; }
  /// What run() will do to the header, as far as it is known before the data is seen
  /// (time_zero with a fixed target, migrate, resample); used to prepare the next step.
  virtual void predict_header(Header&) const {}
  /// The options with every default resolved (a JSON object, as text), for the history.
  virtual const std::string& resolved_json() const = 0;
};

}  // namespace gprkit
