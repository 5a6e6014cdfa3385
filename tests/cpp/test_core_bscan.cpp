#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include "gprkit/core/bscan.h"
#include "gprkit/core/error.h"
#include "gprkit/core/validate.h"

using namespace gprkit;

// The section cache is off under AddressSanitizer (GCC defines the first, Clang answers the
// second), as in src/core/section_memory.cpp.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GPRKIT_TEST_HAS_ASAN 1
#endif
#endif
#ifndef GPRKIT_TEST_HAS_ASAN
#define GPRKIT_TEST_HAS_ASAN 0
#endif

TEST_CASE("Bscan: column-major storage, deep copies, views", "[core]") {
  Bscan b(4, 3);
  for (std::ptrdiff_t j = 0; j < 3; ++j)
    for (std::ptrdiff_t i = 0; i < 4; ++i) b(i, j) = static_cast<float>(10 * j + i);
  CHECK(b.data()[5] == 11.0f);  // sample 1 of trace 1: traces are contiguous
  CHECK(reinterpret_cast<std::uintptr_t>(b.data()) % 64 == 0);
  Bscan c = b;
  c(0, 0) = -1;
  CHECK(b(0, 0) == 0.0f);
  // A transposed (row-major) view reads the same elements.
  std::vector<float> rm(12);
  for (std::ptrdiff_t i = 0; i < 4; ++i)
    for (std::ptrdiff_t j = 0; j < 3; ++j) rm[static_cast<std::size_t>(i * 3 + j)] = b(i, j);
  ConstView v(rm.data(), 4, 3, 3, 1);
  Bscan d(v);
  CHECK(d(3, 2) == 23.0f);
  CHECK(d.view().traces(1, 2)(0, 1) == 20.0f);
  CHECK(d.view().samples(2, 2)(1, 0) == 3.0f);
}

TEST_CASE(
    "Bscan: a large freed buffer is reused for the next section of about its size, "
    "zero-filled again, and released on request",
    "[core]") {
#if defined(__SANITIZE_ADDRESS__) || GPRKIT_TEST_HAS_ASAN
  SUCCEED("the cache is off under AddressSanitizer, which must see every free");
#else
  if (std::getenv("GPRKIT_SECTION_CACHE_MB") != nullptr) {
    WARN("skipped: GPRKIT_SECTION_CACHE_MB is set");
    return;
  }
  release_cached_sections();
  const std::ptrdiff_t n = 1024, m = 2000;  // 8 MB: a large block
  const float* first = nullptr;
  {
    Bscan a(n, m);
    first = a.data();
    a(7, 9) = 3.0f;
  }
  {
    Bscan b(n, m);  // the same block, already faulted in, and zero-filled like any new one
    CHECK(b.data() == first);
    CHECK(b(7, 9) == 0.0f);
  }
  {
    Bscan big = Bscan::uninitialized(n, 2 * m);  // twice the size: cannot use it
    CHECK(big.data() != first);
    Bscan small = Bscan::uninitialized(n, 1024);  // 4 MiB: would waste half the block
    CHECK(small.data() != first);
    Bscan same = Bscan::uninitialized(n, m - 100);  // 5 % smaller: reused
    CHECK(same.data() == first);
  }
  // Freed now: the three blocks (8 + 16 + 4 MiB, rounded up to 2 MiB pages) come back.
  CHECK(release_cached_sections() >= std::size_t(4 * n * m * 7 / 2));
  CHECK(release_cached_sections() == 0);
#endif
}

TEST_CASE("Bscan: negative sizes are rejected with the argument's name", "[core]") {
  CHECK_THROWS_WITH(Bscan(-1, 2), Catch::Contains("n_samples"));
  CHECK_THROWS_AS(Bscan(2, -5), InvalidArgument);
  Bscan empty(0, 0);
  CHECK(empty.view().empty());
}

TEST_CASE("validate: messages name the function, the argument, the value and the expectation",
          "[core]") {
  try {
    check::positive("dewow", "window_ns", -2.5);
    FAIL("no throw");
  } catch (const InvalidArgument& e) {
    const std::string m = e.what();
    CHECK(m.find("dewow") != std::string::npos);
    CHECK(m.find("window_ns") != std::string::npos);
    CHECK(m.find("-2.5") != std::string::npos);
    CHECK(m.find("> 0") != std::string::npos);
  }
  std::vector<float> x(6, 1.0f);
  x[4] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(check::finite_data("f", "input", ConstView(x.data(), 3, 2)),
                    Catch::Contains("Inf at sample 1, trace 1"));
  Bscan a(3, 2), b(4, 2);
  CHECK_THROWS_WITH(check::same_shape("f", a.view(), b.view()), Catch::Contains("output shape"));
  // Overlapping but not identical views are refused; identical ones allowed (in-place).
  MutView whole = b.view();
  CHECK_THROWS(check::no_partial_overlap("f", whole.samples(1, 3), whole.samples(0, 3)));
  CHECK_NOTHROW(check::no_partial_overlap("f", whole, whole));
}

TEST_CASE("validate: count() range-checks a length before it becomes a count", "[core]") {
  CHECK(check::count("f", "window_ns", 5.0, 0.1, "samples") == 50);
  CHECK(check::count("f", "window_ns", 0.25, 0.1, "samples", 100, check::Round::up) == 3);
  CHECK(check::count("f", "window_ns", 0.29, 0.1, "samples", 100, check::Round::down) == 2);
  CHECK_THROWS_WITH(check::count("gain", "window_ns", 1e20, 0.05, "samples"),
                    Catch::Contains("gain: window_ns = 1e+20; expected a finite value in [0, ") &&
                        Catch::Contains("4294967296 samples of 0.05"));
  for (double v : std::initializer_list<double>{-1e20, 1e20, INFINITY, -INFINITY, NAN, -1.0})
    CHECK_THROWS_AS(check::count("f", "window_m", v, 0.01, "traces"), InvalidArgument);
  for (double step : std::initializer_list<double>{1e-300, 0.0, -1.0, NAN, INFINITY})
    CHECK_THROWS_WITH(check::count("f", "window_m", 1.0, step, "traces"),
                      Catch::Contains("window_m = 1"));
  CHECK_THROWS(check::count("f", "window_m", 1.0, 0.01, "traces", 50));  // beyond the data
  // Positions are clamped before the cast; NaN or a reversed span is empty.
  CHECK(check::index_span(-1e300, 1e300, 10) == std::pair<std::ptrdiff_t, std::ptrdiff_t>{0, 9});
  CHECK(check::index_span(2.5, 4.5, 10) == std::pair<std::ptrdiff_t, std::ptrdiff_t>{3, 4});
  CHECK(check::index_span(1e30, INFINITY, 10).second < check::index_span(1e30, INFINITY, 10).first);
  CHECK(check::index_span(NAN, 3, 10).second < check::index_span(NAN, 3, 10).first);
}

TEST_CASE("validate: sections beyond 2^32 samples x traces and non-finite outputs are refused",
          "[core]") {
  float one = 1.0f;
  const ConstView broadcast(&one, 100000, 100000, 0, 0);  // stride 0, like numpy broadcast_to
  CHECK_THROWS_WITH(check::non_empty("svd", "a", broadcast),
                    Catch::Contains("100000 samples x 100000 traces") && Catch::Contains("2^32"));
  CHECK_NOTHROW(check::non_empty("svd", "a", ConstView(&one, 65536, 65536, 0, 0)));
  std::vector<float> in(4, 3e38f), out(4, 1.0f);
  CHECK_NOTHROW(
      check::finite_output("dewow", ConstView(out.data(), 2, 2), ConstView(in.data(), 2, 2)));
  out[3] = INFINITY;
  CHECK_THROWS_WITH(
      check::finite_output("dewow", ConstView(out.data(), 2, 2), ConstView(in.data(), 2, 2)),
      Catch::Contains("dewow: output = not finite (Inf at sample 1, trace 1)") &&
          Catch::Contains("3.00000001e+38") && Catch::Contains("scale the data"));
}
