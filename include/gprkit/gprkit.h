/* gprkit C API: a stable C interface (libgprkit_c, CMake target gprkit::c) to the file
 * readers and the real-time detection stream of gprkit.
 *
 * Conventions, for every function below:
 * - Every function that can fail returns a gprkit_status; GPRKIT_OK (0) is success. On a
 *   failure gprkit_last_error() describes it. No C++ exception ever leaves the library.
 * - Pointer arguments must not be NULL unless a function says so (NULL gives
 *   GPRKIT_INVALID_ARGUMENT naming the argument); size arguments must be > 0.
 * - Handles (gprkit_stream, gprkit_bscan) are opaque and owned by the caller from their
 *   create/read call until their destroy call. A handle that was not made by this library, or
 *   of the wrong kind, gives GPRKIT_STATE_ERROR; so usually does a destroyed one, but using a
 *   handle after destroying it is undefined behaviour and not reliably detected.
 * - Output arguments are written only on success, except where a function says otherwise.
 * - Sections are column-major float32: sample i of trace j is data[i + j * n_samples], each
 *   trace contiguous (numpy: a C-ordered array of shape (n_traces, n_samples)).
 * - Units are in the names: _ns nanoseconds (two-way time), _m metres, _mhz megahertz.
 * - Threads: the library is thread-safe across handles; one handle must be used by one thread
 *   at a time (no locking inside: a stream's push neither locks nor allocates).
 *
 * ABI policy: GPRKIT_ABI_VERSION is the SONAME version (libgprkit_c.so.1). Within one ABI
 * version functions and enum values are only added, never changed or removed; versioned
 * structs (gprkit_stream_config) grow only at their end and carry their size. */
#ifndef GPRKIT_GPRKIT_H
#define GPRKIT_GPRKIT_H

#include <stdint.h>

#define GPRKIT_ABI_VERSION 1

#if defined(__GNUC__)
#define GPRKIT_API __attribute__((visibility("default")))
#else
#define GPRKIT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque real-time processor of one channel (gprkit::StreamProcessor). */
typedef struct gprkit_stream gprkit_stream;
/** Opaque section read from a file: samples and header. */
typedef struct gprkit_bscan gprkit_bscan;

/** One detection raised by a stream. */
typedef struct {
  double x_m;     /**< position along the line (m): trace * dx_m */
  double depth_m; /**< depth below the ground surface (m) */
  double t_ns;    /**< two-way time from time-zero (ns) */
  double score;   /**< detection score (the chain's score, e.g. hyperbola semblance) */
  int64_t trace;  /**< output trace the alarm was decided at (0 = first trace since reset) */
} gprkit_alarm;

typedef enum {
  GPRKIT_OK = 0,
  GPRKIT_INVALID_ARGUMENT, /**< a NULL pointer, a bad size or value, invalid pipeline JSON */
  GPRKIT_FORMAT_ERROR,     /**< a file's content does not follow its format */
  GPRKIT_IO_ERROR,         /**< the operating system refused a read */
  GPRKIT_STATE_ERROR,      /**< a destroyed, foreign or wrong-kind handle */
  GPRKIT_INTERNAL_ERROR    /**< out of memory or an unexpected failure inside gprkit */
} gprkit_status;

/* ---- library ------------------------------------------------------------------------- */

/** The library version ("major.minor.patch"); a static string, never NULL. */
GPRKIT_API const char* gprkit_version(void);
/** The ABI version the library was built with; compare with GPRKIT_ABI_VERSION. */
GPRKIT_API int gprkit_abi_version(void);
/** The message of the last failed call on this thread ("" when none failed yet). Valid until
 * the next failing call on the same thread; successful calls may leave it unchanged. */
GPRKIT_API const char* gprkit_last_error(void);
/** The enumerator name of a status ("GPRKIT_OK", ...; "unknown status" otherwise). */
GPRKIT_API const char* gprkit_status_name(gprkit_status status);

/* ---- files --------------------------------------------------------------------------- */

/** Reads channel `channel` (0-based) of any supported file (DZT, DT1, MALA, ImpulseRadar,
 * SEG-Y, gprMax HDF5, .npy with its .json sidecar); the format is chosen from the magic bytes
 * and the extension. *out receives a new handle (free with gprkit_bscan_destroy); it is set to
 * NULL on failure. GPRKIT_IO_ERROR: the file cannot be read; GPRKIT_FORMAT_ERROR: unknown format
 * or bad content; GPRKIT_INVALID_ARGUMENT: channel < 0 or not in the file. */
GPRKIT_API gprkit_status gprkit_read(const char* path, int channel, gprkit_bscan** out);
/** Number of channels in a file (reads the whole file). */
GPRKIT_API gprkit_status gprkit_read_channel_count(const char* path, int* n_channels);
/** Shape and sampling of a section: samples per trace, traces, sample interval (ns), nominal
 * trace spacing (m; 0 when the survey is time-based). */
GPRKIT_API gprkit_status gprkit_bscan_info(const gprkit_bscan* bscan, int64_t* n_samples,
                                           int64_t* n_traces, double* dt_ns, double* dx_m);
/** Acquisition geometry: time of sample 0 relative to time-zero (ns), antenna height above
 * the ground (m), transmitter-receiver separation (m), centre frequency (MHz; 0: unknown). */
GPRKIT_API gprkit_status gprkit_bscan_header(const gprkit_bscan* bscan, double* t0_ns,
                                             double* antenna_height_m, double* antenna_separation_m,
                                             double* centre_frequency_mhz);
/** The samples, n_samples x n_traces column-major (each trace contiguous). Owned by the handle
 * and valid until gprkit_bscan_destroy. NULL (and gprkit_last_error set) for a bad handle. */
GPRKIT_API const float* gprkit_bscan_data(const gprkit_bscan* bscan);
/** Frees a section. NULL is a no-op; a foreign handle is left alone (gprkit_last_error says
 * so). */
GPRKIT_API void gprkit_bscan_destroy(gprkit_bscan* bscan);

/* ---- streams ------------------------------------------------------------------------- */

/** Geometry of a stream (version 1 of the struct). Get one from gprkit_stream_config_default()
 * and set the fields; struct_size tells the library which fields the caller knows. */
typedef struct {
  int64_t struct_size;         /**< sizeof(gprkit_stream_config) (at least the v1 size) */
  int64_t n_samples;           /**< samples per input trace (> 0; default 0: must be set) */
  double dt_ns;                /**< sample interval (ns, > 0; default 0.1) */
  double dx_m;                 /**< trace spacing (m; 0: unknown, 0.01 is assumed) */
  double t0_ns;                /**< time of sample 0 relative to time-zero (ns; default 0) */
  double antenna_height_m;     /**< antenna height above the ground (m, >= 0; default 0) */
  double antenna_separation_m; /**< transmitter-receiver separation (m, >= 0; default 0) */
  double centre_frequency_mhz; /**< antenna centre frequency (MHz; 0: unknown, the stream
                                    assumes 1 / (10 dt_ns), ten samples per period) */
  int64_t alarm_capacity;      /**< alarms kept until drained (> 0; default 4096; when full
                                    the oldest are dropped) */
} gprkit_stream_config;

/** Size of version 1 of gprkit_stream_config, the smallest struct_size accepted. */
#define GPRKIT_STREAM_CONFIG_V1_SIZE 72

/** A config with every default and struct_size = sizeof(gprkit_stream_config). */
GPRKIT_API gprkit_stream_config gprkit_stream_config_default(void);

/** Creates a stream running the pipeline `pipeline_json` (the gprkit pipeline format:
 * {"gprkit_pipeline": 1, "steps": [...]}; its trailing score / cfar / find_detections steps
 * give the decision stages, which otherwise keep the streaming defaults) on traces of the
 * given geometry. NULL pipeline_json: the default landmine streaming chain
 * (samples/pipelines/landmine_stream.json). *out receives a new handle (free with
 * gprkit_stream_destroy); it is set to NULL on failure. GPRKIT_INVALID_ARGUMENT: text that is
 * not JSON, an unknown step or option, a step that needs the whole line, a bad geometry. The
 * configuration is done here (plans, tables, buffers); pushing then allocates nothing. */
GPRKIT_API gprkit_status gprkit_stream_create(const char* pipeline_json, int64_t n_samples,
                                              double dt_ns, double dx_m, gprkit_stream** out);
/** Same with the whole geometry. config->struct_size must be at least
 * GPRKIT_STREAM_CONFIG_V1_SIZE; fields beyond what this library knows are ignored. */
GPRKIT_API gprkit_status gprkit_stream_create_ex(const char* pipeline_json,
                                                 const gprkit_stream_config* config,
                                                 gprkit_stream** out);
/** Same with the geometry (samples per trace, dt, dx, t0, antenna height and separation,
 * centre frequency) of a section read from a file. The section is not pushed. */
GPRKIT_API gprkit_status gprkit_stream_create_for_bscan(const char* pipeline_json,
                                                        const gprkit_bscan* bscan,
                                                        gprkit_stream** out);

/** The stream's delay in traces: output trace j (with its score and the alarms decided at
 * it) comes out when input trace j + delay has been pushed. After k pushed traces exactly
 * max(0, k - delay) traces have come out; the last delay traces of a line stay inside. */
GPRKIT_API gprkit_status gprkit_stream_delay(const gprkit_stream* stream, int64_t* delay_traces);
/** Samples per input trace. */
GPRKIT_API gprkit_status gprkit_stream_n_samples(const gprkit_stream* stream, int64_t* n_samples);
/** Samples per output trace: n_samples unless the pipeline resamples. */
GPRKIT_API gprkit_status gprkit_stream_out_samples(const gprkit_stream* stream,
                                                   int64_t* out_samples);

/** Pushes n_traces (> 0) traces: `traces` holds n_traces x n_samples floats, each trace
 * contiguous (column-major). The m <= n_traces traces that became ready are written to
 * out_traces (room for n_traces x out_samples floats; m x out_samples are written, each trace
 * contiguous) and their scores (the maximum of each output trace's score column) to
 * out_scores[0..m) (room for n_traces floats). Either output may be NULL (not wanted).
 * *n_out receives m (0 on failure). A non-finite sample gives GPRKIT_INVALID_ARGUMENT and the
 * whole block is rejected: the stream is unchanged. Block pushes give exactly the results of
 * pushing the same traces one by one. */
GPRKIT_API gprkit_status gprkit_stream_push(gprkit_stream* stream, const float* traces,
                                            int64_t n_traces, float* out_traces, float* out_scores,
                                            int64_t* n_out);
/** Moves up to `capacity` (> 0) pending alarms, oldest first, into buf (room for capacity
 * alarms); *n receives how many. The rest stay pending. */
GPRKIT_API gprkit_status gprkit_stream_alarms(gprkit_stream* stream, gprkit_alarm* buf,
                                              int64_t capacity, int64_t* n);
/** Alarms raised and not drained yet. */
GPRKIT_API gprkit_status gprkit_stream_pending_alarms(const gprkit_stream* stream,
                                                      int64_t* n_pending);
/** Alarms lost to a full queue (see alarm_capacity) since creation or the last reset. */
GPRKIT_API gprkit_status gprkit_stream_dropped_alarms(const gprkit_stream* stream,
                                                      int64_t* n_dropped);
/** Starts a new line: empties every window and the alarm queue; trace numbers and x start at 0
 * again. Allocates nothing. */
GPRKIT_API gprkit_status gprkit_stream_reset(gprkit_stream* stream);
/** Frees a stream. NULL is a no-op; a foreign handle is left alone (gprkit_last_error says
 * so). */
GPRKIT_API void gprkit_stream_destroy(gprkit_stream* stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GPRKIT_GPRKIT_H */
