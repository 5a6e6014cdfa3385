/* The C API's contract at its edges: versions, statuses, messages, NULL pointers, bad sizes,
 * bad samples, foreign handles. */
#include "c_test.h"

/* A block of memory that is not a gprkit handle: its first bytes are not a valid tag. */
typedef struct {
  uint64_t words[8];
} fake_handle;

static void test_versions(void) {
  const char* v = gprkit_version();
  int major = -1, minor = -1, patch = -1;
  CHECK(gprkit_abi_version() == GPRKIT_ABI_VERSION);
  CHECK(v != NULL && sscanf(v, "%d.%d.%d", &major, &minor, &patch) == 3);
  CHECK(major >= 0 && minor >= 0 && patch >= 0);
  CHECK(strcmp(gprkit_status_name(GPRKIT_OK), "GPRKIT_OK") == 0);
  CHECK(strcmp(gprkit_status_name(GPRKIT_STATE_ERROR), "GPRKIT_STATE_ERROR") == 0);
  CHECK(strcmp(gprkit_status_name((gprkit_status)99), "unknown status") == 0);
  CHECK(GPRKIT_OK == 0 && GPRKIT_INVALID_ARGUMENT == 1 && GPRKIT_FORMAT_ERROR == 2 &&
        GPRKIT_IO_ERROR == 3 && GPRKIT_STATE_ERROR == 4 && GPRKIT_INTERNAL_ERROR == 5);
}

static void test_invalid_pipelines(void) {
  gprkit_stream* s = (gprkit_stream*)&s; /* must be reset to NULL on failure */
  CHECK_STATUS(gprkit_stream_create("{not json", 256, 0.05, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK(s == NULL);
  CHECK(strlen(gprkit_last_error()) > 0);
  CHECK_MESSAGE("gprkit_stream_create");
  CHECK_STATUS(gprkit_stream_create("", 256, 0.05, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_create("[1, 2", 256, 0.05, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_create("{\"gprkit_pipeline\": 1, \"steps\": [{\"step\": \"nope\"}]}",
                                    256, 0.05, 0.01, &s),
               GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("nope");
  CHECK(s == NULL);
  /* A valid pipeline of process steps keeps the streaming score and decision. */
  CHECK_OK(gprkit_stream_create("{\"gprkit_pipeline\": 1, \"steps\": [{\"step\": \"dewow\"}]}", 256,
                                0.05, 0.01, &s));
  CHECK(s != NULL);
  gprkit_stream_destroy(s);
}

static void test_null_pointers(void) {
  gprkit_stream* s = NULL;
  gprkit_bscan* b = NULL;
  gprkit_stream_config c = gprkit_stream_config_default();
  float trace[64] = {0};
  float out[64], score[1];
  gprkit_alarm alarms[4];
  int64_t n = 0;
  double d = 0;
  int ch = 0;

  CHECK_STATUS(gprkit_stream_create(NULL, 64, 0.1, 0.01, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'out'");
  CHECK_STATUS(gprkit_stream_create_ex(NULL, NULL, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'config'");
  c.n_samples = 64;
  CHECK_STATUS(gprkit_stream_create_ex(NULL, &c, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'out'");
  CHECK_STATUS(gprkit_stream_create_for_bscan(NULL, NULL, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'bscan'");

  CHECK_STATUS(gprkit_stream_delay(NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'stream'");
  CHECK_STATUS(gprkit_stream_n_samples(NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_out_samples(NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_push(NULL, trace, 1, out, score, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'stream'");
  CHECK_STATUS(gprkit_stream_alarms(NULL, alarms, 4, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_pending_alarms(NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_dropped_alarms(NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_reset(NULL), GPRKIT_INVALID_ARGUMENT);

  CHECK_OK(gprkit_stream_create(NULL, 64, 0.1, 0.01, &s));
  CHECK_STATUS(gprkit_stream_delay(s, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'delay_traces'");
  CHECK_STATUS(gprkit_stream_n_samples(s, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'n_samples'");
  CHECK_STATUS(gprkit_stream_out_samples(s, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'out_samples'");
  n = 7;
  CHECK_STATUS(gprkit_stream_push(s, NULL, 1, out, score, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'traces'");
  CHECK(n == 0);
  CHECK_STATUS(gprkit_stream_push(s, trace, 1, out, score, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'n_out'");
  /* Both outputs are optional. */
  CHECK_OK(gprkit_stream_push(s, trace, 1, NULL, NULL, &n));
  CHECK_STATUS(gprkit_stream_alarms(s, NULL, 4, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'buf'");
  CHECK_STATUS(gprkit_stream_alarms(s, alarms, 4, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'n'");
  CHECK_STATUS(gprkit_stream_pending_alarms(s, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'n_pending'");
  CHECK_STATUS(gprkit_stream_dropped_alarms(s, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'n_dropped'");
  gprkit_stream_destroy(s);

  CHECK_STATUS(gprkit_read(NULL, 0, &b), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'path'");
  CHECK_STATUS(gprkit_read("x.npy", 0, NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'out'");
  CHECK_STATUS(gprkit_read_channel_count(NULL, &ch), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_read_channel_count("x.npy", NULL), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'n_channels'");
  CHECK_STATUS(gprkit_bscan_info(NULL, &n, &n, &d, &d), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("'bscan'");
  CHECK_STATUS(gprkit_bscan_header(NULL, &d, &d, &d, &d), GPRKIT_INVALID_ARGUMENT);
  CHECK(gprkit_bscan_data(NULL) == NULL);
  CHECK_MESSAGE("'bscan'");

  /* destroy(NULL) is a no-op. */
  gprkit_stream_destroy(NULL);
  gprkit_bscan_destroy(NULL);
}

static void test_sizes(void) {
  gprkit_stream* s = NULL;
  gprkit_stream_config c = gprkit_stream_config_default();
  float trace[64] = {0};
  gprkit_alarm alarms[2];
  int64_t n = 0;

  CHECK(c.struct_size == (int64_t)sizeof(gprkit_stream_config));
  CHECK(c.struct_size == GPRKIT_STREAM_CONFIG_V1_SIZE);
  CHECK(c.n_samples == 0 && c.dt_ns > 0 && c.alarm_capacity > 0);

  CHECK_STATUS(gprkit_stream_create(NULL, 0, 0.1, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("n_samples");
  CHECK_STATUS(gprkit_stream_create(NULL, -5, 0.1, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_create(NULL, 64, 0.0, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("dt_ns");
  CHECK_STATUS(gprkit_stream_create(NULL, 64, -0.1, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_create(NULL, 64, (double)NAN, 0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_create(NULL, 64, 0.1, -0.01, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("dx_m");
  CHECK(s == NULL);

  c.n_samples = 64;
  c.struct_size = 0;
  CHECK_STATUS(gprkit_stream_create_ex(NULL, &c, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("struct_size");
  c.struct_size = GPRKIT_STREAM_CONFIG_V1_SIZE - 8;
  CHECK_STATUS(gprkit_stream_create_ex(NULL, &c, &s), GPRKIT_INVALID_ARGUMENT);
  c.struct_size = GPRKIT_STREAM_CONFIG_V1_SIZE;
  c.alarm_capacity = 0;
  CHECK_STATUS(gprkit_stream_create_ex(NULL, &c, &s), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("alarm_capacity");
  c.alarm_capacity = 16;
  c.antenna_height_m = -1.0;
  CHECK_STATUS(gprkit_stream_create_ex(NULL, &c, &s), GPRKIT_INVALID_ARGUMENT);
  c.antenna_height_m = 0.05;
  {
    /* A config from a newer header (larger struct_size) is accepted: its tail is ignored. */
    struct {
      gprkit_stream_config v1;
      double future_field;
    } bigger;
    bigger.v1 = c;
    bigger.v1.struct_size = (int64_t)sizeof bigger;
    bigger.future_field = 1.0;
    CHECK_OK(gprkit_stream_create_ex(NULL, &bigger.v1, &s));
    gprkit_stream_destroy(s);
  }
  /* dx_m = 0 is an unknown spacing, not an error. */
  CHECK_OK(gprkit_stream_create(NULL, 64, 0.1, 0.0, &s));

  CHECK_STATUS(gprkit_stream_push(s, trace, 0, NULL, NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("n_traces");
  CHECK_STATUS(gprkit_stream_push(s, trace, -3, NULL, NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_push(s, trace, INT64_MAX, NULL, NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_STATUS(gprkit_stream_alarms(s, alarms, 0, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_MESSAGE("capacity");
  CHECK_STATUS(gprkit_stream_alarms(s, alarms, -1, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK_OK(gprkit_stream_alarms(s, alarms, 2, &n));
  CHECK(n == 0);
  gprkit_stream_destroy(s);
}

/* A block with a non-finite sample is refused whole: the stream carries on as if it had not
 * been pushed. */
static void test_bad_samples(void) {
  const int64_t ns = 128, nt = 80;
  float* line = test_line(ns, nt, 0.05, 0.02, 1000.0);
  float* block = (float*)checked_malloc((size_t)(ns * 3) * sizeof(float));
  float *out_a = (float*)checked_malloc((size_t)(ns * nt) * sizeof(float)),
        *out_b = (float*)checked_malloc((size_t)(ns * nt) * sizeof(float));
  gprkit_stream *a = NULL, *b = NULL;
  int64_t n = 0, total_a = 0, total_b = 0, j;
  CHECK_OK(gprkit_stream_create(NULL, ns, 0.05, 0.02, &a));
  CHECK_OK(gprkit_stream_create(NULL, ns, 0.05, 0.02, &b));
  if (a == NULL || b == NULL) return;

  memcpy(block, line, (size_t)(ns * 3) * sizeof(float));
  block[ns + 5] = (float)NAN;
  n = 9;
  CHECK_STATUS(gprkit_stream_push(a, block, 3, out_a, NULL, &n), GPRKIT_INVALID_ARGUMENT);
  CHECK(n == 0);
  CHECK(strlen(gprkit_last_error()) > 0);
  block[ns + 5] = (float)INFINITY;
  CHECK_STATUS(gprkit_stream_push(a, block, 3, out_a, NULL, &n), GPRKIT_INVALID_ARGUMENT);

  for (j = 0; j < nt; ++j) {
    CHECK_OK(gprkit_stream_push(a, line + j * ns, 1, out_a + total_a * ns, NULL, &n));
    total_a += n;
    CHECK_OK(gprkit_stream_push(b, line + j * ns, 1, out_b + total_b * ns, NULL, &n));
    total_b += n;
  }
  CHECK(total_a == total_b && total_a > 0);
  CHECK(memcmp(out_a, out_b, (size_t)(total_a * ns) * sizeof(float)) == 0);
  gprkit_stream_destroy(a);
  gprkit_stream_destroy(b);
  free(line);
  free(block);
  free(out_a);
  free(out_b);
}

static void test_foreign_handles(void) {
  fake_handle fake;
  fake_handle copy;
  gprkit_stream* fs = (gprkit_stream*)(void*)&fake;
  gprkit_bscan* fb = (gprkit_bscan*)(void*)&fake;
  gprkit_stream* s = NULL;
  float trace[64] = {0};
  gprkit_alarm alarms[2];
  int64_t n = 0;
  double d = 0;
  int k;
  for (k = 0; k < 8; ++k) fake.words[k] = 0x0123456789abcdefull * (uint64_t)(k + 1);
  copy = fake;

  CHECK_STATUS(gprkit_stream_delay(fs, &n), GPRKIT_STATE_ERROR);
  CHECK_MESSAGE("destroyed or foreign handle");
  CHECK_STATUS(gprkit_stream_n_samples(fs, &n), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_stream_out_samples(fs, &n), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_stream_push(fs, trace, 1, NULL, NULL, &n), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_stream_alarms(fs, alarms, 2, &n), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_stream_pending_alarms(fs, &n), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_stream_dropped_alarms(fs, &n), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_stream_reset(fs), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_bscan_info(fb, &n, &n, &d, &d), GPRKIT_STATE_ERROR);
  CHECK_STATUS(gprkit_bscan_header(fb, &d, &d, &d, &d), GPRKIT_STATE_ERROR);
  CHECK(gprkit_bscan_data(fb) == NULL);
  CHECK_STATUS(gprkit_stream_create_for_bscan(NULL, fb, &s), GPRKIT_STATE_ERROR);
  CHECK(s == NULL);
  /* destroy leaves a foreign block alone and says so. */
  gprkit_stream_destroy(fs);
  CHECK_MESSAGE("gprkit_stream_destroy");
  gprkit_bscan_destroy(fb);
  CHECK_MESSAGE("gprkit_bscan_destroy");
  CHECK(memcmp(&fake, &copy, sizeof fake) == 0);

  /* A handle of the other kind is foreign too. */
  CHECK_OK(gprkit_stream_create(NULL, 64, 0.1, 0.01, &s));
  CHECK_STATUS(gprkit_bscan_info((const gprkit_bscan*)(const void*)s, &n, &n, &d, &d),
               GPRKIT_STATE_ERROR);
  gprkit_bscan_destroy((gprkit_bscan*)(void*)s); /* refused: s stays valid */
  CHECK_OK(gprkit_stream_delay(s, &n));
  gprkit_stream_destroy(s);
}

int main(void) {
  /* No failure yet on this thread: the message is empty, not NULL. */
  CHECK(gprkit_last_error() != NULL && gprkit_last_error()[0] == '\0');
  test_versions();
  test_invalid_pipelines();
  test_null_pointers();
  test_sizes();
  test_bad_samples();
  test_foreign_handles();
  return test_result("c_api_basics");
}
