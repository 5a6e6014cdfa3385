/* The stream through the C API: the k - delay count law, block pushes equal to single pushes
 * (bit for bit), reset, the alarm queue, and the default chain on a low- and a high-frequency
 * geometry. */
#include "c_test.h"

typedef struct {
  int64_t n_out;
  float* traces; /* n_out x out_samples */
  float* scores; /* n_out */
  gprkit_alarm* alarms;
  int64_t n_alarms;
} run_result;

static void free_result(run_result* r) {
  free(r->traces);
  free(r->scores);
  free(r->alarms);
}

/* Drains every pending alarm into r (the buffer holds up to max_alarms). */
static void drain(gprkit_stream* s, run_result* r, int64_t max_alarms) {
  int64_t n = 0;
  do {
    if (r->n_alarms >= max_alarms) break;
    CHECK_OK(gprkit_stream_alarms(s, r->alarms + r->n_alarms, max_alarms - r->n_alarms, &n));
    r->n_alarms += n;
  } while (n > 0);
}

/* Pushes line (nt x ns) in blocks whose sizes cycle through `blocks` (0-terminated). */
static run_result run(gprkit_stream* s, const float* line, int64_t ns, int64_t nt,
                      const int64_t* blocks) {
  run_result r;
  int64_t out_ns = 0, j = 0, b = 0, n = 0;
  const int64_t max_alarms = 100000;
  CHECK_OK(gprkit_stream_out_samples(s, &out_ns));
  r.n_out = 0;
  r.n_alarms = 0;
  r.traces = (float*)checked_malloc((size_t)(out_ns * nt) * sizeof(float));
  r.scores = (float*)checked_malloc((size_t)nt * sizeof(float));
  r.alarms = (gprkit_alarm*)checked_malloc((size_t)max_alarms * sizeof(gprkit_alarm));
  while (j < nt) {
    int64_t k = blocks[b];
    if (k == 0) {
      b = 0;
      k = blocks[0];
    }
    ++b;
    if (k > nt - j) k = nt - j;
    CHECK_OK(gprkit_stream_push(s, line + j * ns, k, r.traces + r.n_out * out_ns,
                                r.scores + r.n_out, &n));
    CHECK(n >= 0 && n <= k);
    r.n_out += n;
    j += k;
    drain(s, &r, max_alarms);
  }
  return r;
}

static int same_result(const run_result* a, const run_result* b, int64_t out_ns) {
  return a->n_out == b->n_out && a->n_alarms == b->n_alarms &&
         memcmp(a->traces, b->traces, (size_t)(a->n_out * out_ns) * sizeof(float)) == 0 &&
         memcmp(a->scores, b->scores, (size_t)a->n_out * sizeof(float)) == 0 &&
         memcmp(a->alarms, b->alarms, (size_t)a->n_alarms * sizeof(gprkit_alarm)) == 0;
}

/* After k single-trace pushes exactly max(0, k - delay) traces have come out. */
static void check_count_law(gprkit_stream* s, const float* line, int64_t ns, int64_t nt) {
  int64_t delay = -1, total = 0, k, n = 0;
  float* out = NULL;
  float score = 0;
  int law_ok = 1;
  CHECK_OK(gprkit_stream_delay(s, &delay));
  CHECK(delay >= 0);
  out = (float*)checked_malloc((size_t)ns * sizeof(float));
  for (k = 1; k <= nt; ++k) {
    CHECK_OK(gprkit_stream_push(s, line + (k - 1) * ns, 1, out, &score, &n));
    total += n;
    if (total != (k > delay ? k - delay : 0)) law_ok = 0;
    if (n == 1 && !isfinite(score)) law_ok = 0;
  }
  CHECK(law_ok);
  CHECK(total == (nt > delay ? nt - delay : 0));
  free(out);
}

static void test_default_chain_1ghz(void) {
  const int64_t ns = 256;
  const double dt = 0.05, dx = 0.01;
  const int64_t blocks_single[] = {1, 0};
  const int64_t blocks_mixed[] = {7, 1, 33, 2, 64, 5, 0};
  gprkit_stream *s = NULL, *t = NULL;
  int64_t delay = 0, nt = 0, v = 0, out_ns = 0, j;
  float* line = NULL;
  run_result single, mixed, again;

  CHECK_OK(gprkit_stream_create(NULL, ns, dt, dx, &s));
  CHECK_OK(gprkit_stream_create(NULL, ns, dt, dx, &t));
  if (s == NULL || t == NULL) return;
  CHECK_OK(gprkit_stream_delay(s, &delay));
  CHECK_OK(gprkit_stream_n_samples(s, &v));
  CHECK(v == ns);
  CHECK_OK(gprkit_stream_out_samples(s, &out_ns));
  CHECK(out_ns == ns);
  nt = delay + 300;
  line = test_line(ns, nt, dt, dx, 1000.0);
  printf("1 GHz-like line: %lld samples, delay %lld traces\n", (long long)ns, (long long)delay);

  check_count_law(s, line, ns, nt);
  CHECK_OK(gprkit_stream_reset(s));

  single = run(s, line, ns, nt, blocks_single);
  mixed = run(t, line, ns, nt, blocks_mixed);
  CHECK(single.n_out == nt - delay);
  CHECK(same_result(&single, &mixed, out_ns));
  printf("  %lld traces out, %lld alarms\n", (long long)single.n_out, (long long)single.n_alarms);
  for (j = 1; j < single.n_alarms; ++j) CHECK(single.alarms[j].trace >= single.alarms[j - 1].trace);
  for (j = 0; j < single.n_alarms; ++j) {
    CHECK(single.alarms[j].trace >= 0 && single.alarms[j].trace < single.n_out);
    CHECK(fabs(single.alarms[j].x_m - (double)single.alarms[j].trace * dx) < 1e-9);
  }

  /* reset: a new line numbered from 0 again, with the same results. */
  CHECK_OK(gprkit_stream_reset(s));
  again = run(s, line, ns, nt, blocks_single);
  CHECK(same_result(&single, &again, out_ns));

  free_result(&single);
  free_result(&mixed);
  free_result(&again);
  gprkit_stream_destroy(s);
  gprkit_stream_destroy(t);
  free(line);
}

/* The alarm queue: drained in small pieces oldest first; a full queue drops the oldest. */
static void test_alarm_queue(void) {
  const int64_t ns = 256;
  const double dt = 0.05, dx = 0.01;
  gprkit_stream_config c = gprkit_stream_config_default();
  gprkit_stream *all = NULL, *tiny = NULL;
  int64_t delay = 0, nt, n = 0, pending = 0, dropped = 0, total = 0, j;
  gprkit_alarm one, last;
  float* line;
  c.n_samples = ns;
  c.dt_ns = dt;
  c.dx_m = dx;
  CHECK_OK(gprkit_stream_create_ex(NULL, &c, &all));
  c.alarm_capacity = 1;
  CHECK_OK(gprkit_stream_create_ex(NULL, &c, &tiny));
  if (all == NULL || tiny == NULL) return;
  CHECK_OK(gprkit_stream_delay(all, &delay));
  nt = delay + 300;
  line = test_line(ns, nt, dt, dx, 1000.0);
  CHECK_OK(gprkit_stream_push(all, line, nt, NULL, NULL, &n));
  CHECK(n == nt - delay);
  CHECK_OK(gprkit_stream_push(tiny, line, nt, NULL, NULL, &n));
  CHECK_OK(gprkit_stream_pending_alarms(all, &pending));
  CHECK_OK(gprkit_stream_dropped_alarms(all, &dropped));
  CHECK(dropped == 0);
  total = pending;
  last.trace = -1;
  for (j = 0; j < total; ++j) {
    CHECK_OK(gprkit_stream_alarms(all, &one, 1, &n));
    CHECK(n == 1);
    CHECK(one.trace >= last.trace);
    last = one;
  }
  CHECK_OK(gprkit_stream_alarms(all, &one, 1, &n));
  CHECK(n == 0);
  CHECK_OK(gprkit_stream_pending_alarms(all, &pending));
  CHECK(pending == 0);

  CHECK_OK(gprkit_stream_pending_alarms(tiny, &pending));
  CHECK_OK(gprkit_stream_dropped_alarms(tiny, &dropped));
  CHECK(pending == (total > 0 ? 1 : 0));
  CHECK(dropped == (total > 0 ? total - 1 : 0));
  if (total > 0) {
    CHECK_OK(gprkit_stream_alarms(tiny, &one, 1, &n));
    CHECK(n == 1 && memcmp(&one, &last, sizeof one) == 0); /* the newest survives */
  }
  CHECK_OK(gprkit_stream_reset(tiny));
  CHECK_OK(gprkit_stream_dropped_alarms(tiny, &dropped));
  CHECK(dropped == 0);
  gprkit_stream_destroy(all);
  gprkit_stream_destroy(tiny);
  free(line);
}

/* The default chain accepts very different antennas: it must create and run, not refuse. */
static void test_geometry(const char* name, int64_t ns, double dt, double dx, double f_mhz,
                          double centre_frequency_mhz) {
  gprkit_stream_config c = gprkit_stream_config_default();
  gprkit_stream* s = NULL;
  int64_t delay = 0, nt;
  float* line;
  c.n_samples = ns;
  c.dt_ns = dt;
  c.dx_m = dx;
  c.centre_frequency_mhz = centre_frequency_mhz;
  CHECK_OK(gprkit_stream_create_ex(NULL, &c, &s));
  if (s == NULL) {
    fprintf(stderr, "%s: refused: %s\n", name, gprkit_last_error());
    return;
  }
  CHECK_OK(gprkit_stream_delay(s, &delay));
  nt = delay + 120;
  line = test_line(ns, nt, dt, dx, f_mhz);
  printf("%s: %lld samples at %g ns, dx %g m, delay %lld traces\n", name, (long long)ns, dt, dx,
         (long long)delay);
  check_count_law(s, line, ns, nt);
  gprkit_stream_destroy(s);
  free(line);
}

int main(void) {
  test_default_chain_1ghz();
  test_alarm_queue();
  test_geometry("100 MHz-like line", 200, 0.8, 0.1, 100.0, 0.0);
  test_geometry("100 MHz-like line (frequency known)", 200, 0.8, 0.1, 100.0, 100.0);
  test_geometry("1.5 GHz-like line", 512, 0.02, 0.01, 1500.0, 0.0);
  test_geometry("1.5 GHz-like line (frequency known)", 512, 0.02, 0.01, 1500.0, 1500.0);
  test_geometry("1.5 GHz-like line, unknown spacing", 512, 0.02, 0.0, 1500.0, 1500.0);
  return test_result("c_api_stream");
}
