// Real-time processing, trace by trace: the detection chain (pipeline steps, score, threshold,
// non-maximum suppression) in its causal or bounded-look-ahead form, on the same step plans
// as the offline chain.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "gprkit/core/header.h"
#include "gprkit/core/view.h"
#include "gprkit/detect/detect.h"

namespace gprkit {

/// The default streaming chain: samples/pipelines/landmine_stream.json (dewow, band-pass,
/// moving-mean background over 1 m, then the hyperbola score, a fixed threshold and local
/// non-maximum suppression). The offline landmine chain flattens the ground bounce over the
/// whole line, which a stream cannot see; this is its bounded-look-ahead counterpart.
Pipeline landmine_stream_pipeline();

/// A streaming pipeline's detect options: detect_options_from_pipeline(p, base) where base is
/// the default streaming chain's, so a pipeline of process steps alone keeps its score (the
/// hyperbola semblance), threshold and suppression.
DetectOptions stream_options(const Pipeline& p);

/// What a stream is configured with.
struct StreamConfig {
  std::ptrdiff_t n_samples = 0;  ///< samples per input trace
  /// dt_ns, t0_ns, dx_m (0: 0.01 m), antenna_height_m, antenna_separation_m and
  /// centre_frequency_mhz (0: unknown; the stream then assumes 1 / (10 dt_ns), ten samples per
  /// period, since it cannot measure it before the first trace).
  Header header;
  /// The chain: its pipeline (every step must have a causal or bounded form), score, threshold
  /// and suppression. Migration must be none (it needs the whole line) and the velocity fixed
  /// (> 0). The default is detect_options_from_pipeline(landmine_stream_pipeline()).
  DetectOptions detect = detect_options_from_pipeline(landmine_stream_pipeline());
  double x0_m = 0.0;                  ///< position of trace 0: alarms at x0_m + trace * dx_m
  std::size_t alarm_capacity = 4096;  ///< alarms kept until drained (the oldest are dropped)
};

/// One channel's real-time processor. Configured once (every plan, FFT plan, table and buffer
/// made in the constructor); push() then neither allocates nor locks.
///
/// Delay: output trace j comes out, with its score and the alarms decided at it, when input
/// trace j + delay_traces() has been pushed. The delay is the sum of the stages' reaches
/// (docs/stream.md lists them per step): after k pushed traces exactly max(0, k - delay)
/// traces have come out; the last delay traces of a line stay inside (no flush).
///
/// Equivalence: the traces, scores and alarms are those of the offline chain
/// detect(line, offline_options()) (float tolerance), for every trace that has come out.
/// Not thread-safe: one processor per channel (StreamChannels runs several in parallel).
class StreamProcessor {
 public:
  /// Throws InvalidArgument for a bad configuration (naming the step and option), e.g. a step
  /// that needs the whole line.
  explicit StreamProcessor(StreamConfig config);
  ~StreamProcessor();
  StreamProcessor(StreamProcessor&&) noexcept;
  StreamProcessor& operator=(StreamProcessor&&) noexcept;
  StreamProcessor(const StreamProcessor&) = delete;
  StreamProcessor& operator=(const StreamProcessor&) = delete;

  std::ptrdiff_t n_samples() const;    ///< samples per input trace
  std::ptrdiff_t out_samples() const;  ///< samples per output trace (resample may change it)
  std::ptrdiff_t delay_traces() const;
  /// Delay of each stage, in order (pipeline steps, score, threshold, suppression), by name.
  std::vector<std::pair<std::string, std::ptrdiff_t>> stage_delays() const;

  /// Pushes traces.n_traces traces (traces.n_samples must be n_samples(); any strides).
  /// Writes the m <= traces.n_traces traces that became ready to out (out_samples() x
  /// >= traces.n_traces, since up to that many may be ready; out may be empty: data not wanted) and
  /// their scores (the maximum of each output trace's score column) to scores[0..m) (may be null).
  /// Returns m. Throws InvalidArgument for a wrong trace length or a non-finite sample; the stream
  /// is then unchanged (a rejected block pushes nothing).
  std::ptrdiff_t push(ConstView traces, MutView out, float* scores);

  /// Copies up to `capacity` alarms raised so far (oldest first) to buf and removes them;
  /// returns how many were copied.
  std::size_t drain_alarms(Detection* buf, std::size_t capacity);
  /// Convenience (allocates): every pending alarm.
  std::vector<Detection> alarms();
  std::size_t pending_alarms() const;
  std::size_t dropped_alarms() const;  ///< alarms lost to a full queue since reset()

  std::ptrdiff_t traces_in() const;   ///< traces pushed since reset()
  std::ptrdiff_t traces_out() const;  ///< traces that came out since reset()

  /// Starts a new line: empties every window and the alarm queue; trace numbers and x start
  /// at 0 again. Allocates nothing.
  void reset();
  /// Starts a new line with new options (same shape): re-configures (allocates; throws
  /// InvalidArgument like the constructor, leaving the processor unchanged).
  void reset(const DetectOptions& detect);

  const StreamConfig& config() const;
  /// The offline chain this stream reproduces: config().detect with the data-dependent values
  /// fixed as the stream fixes them (centre frequency, local suppression).
  DetectOptions offline_options() const;
  /// offline_options() as one pipeline (pipeline_of), e.g. for gprkit.detect in Python.
  Pipeline offline_pipeline() const;
  /// The header the offline chain must be run with: config().header with the trace spacing and
  /// centre frequency the stream assumed, and no per-trace positions (a stream numbers its
  /// traces: x = trace * dx_m).
  Header offline_header() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Several channels (a vehicle array), each its own StreamProcessor with one configuration,
/// pushed in parallel (one channel per thread; results do not depend on the thread count).
class StreamChannels {
 public:
  StreamChannels(const StreamConfig& config, int n_channels);
  int n_channels() const;
  StreamProcessor& channel(int c);
  /// Pushes one block per channel: traces[c] into channel c, outputs to out[c] / scores[c]
  /// (either may be empty / null per channel); n_out[c] receives each channel's count.
  /// n_threads <= 0: gprkit's thread setting. No allocation.
  void push(const ConstView* traces, const MutView* out, float* const* scores,
            std::ptrdiff_t* n_out, int n_threads = 0);
  void reset();

 private:
  std::vector<StreamProcessor> channels_;
};

}  // namespace gprkit
