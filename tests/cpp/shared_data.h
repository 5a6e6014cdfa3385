// Location of ../shared/data for tests that use it; they SKIP-by-warning when absent.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

namespace gprkit::test {

/// $GPRKIT_SHARED_DATA, else the folder beside the source checkout; empty path when absent.
inline std::filesystem::path shared_data() {
  std::filesystem::path p =
      std::getenv("GPRKIT_SHARED_DATA") ? std::getenv("GPRKIT_SHARED_DATA") : GPRKIT_SHARED_DATA;
  std::error_code ec;
  return std::filesystem::is_directory(p, ec) ? p : std::filesystem::path{};
}

}  // namespace gprkit::test

/// Use at the top of a TEST_CASE: returns early with a message when the data are absent.
#define GPRKIT_REQUIRE_SHARED_DATA(var)                                                  \
  const auto var = ::gprkit::test::shared_data();                                        \
  if (var.empty()) {                                                                     \
    WARN("skipped: ../shared/data is absent (set GPRKIT_SHARED_DATA to run this test)"); \
    return;                                                                              \
  }
