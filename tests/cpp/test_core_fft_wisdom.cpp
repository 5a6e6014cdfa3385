// The file-level pieces of the FFTW wisdom cache (src/core/fft_wisdom.h, internal): which
// entries are kept, what a corrupt file gives, the atomic replace. The per-process load and
// save are tested across processes in tests/python/test_fft_wisdom.py.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "../../src/core/fft_wisdom.h"
#include "gprkit/core/fft.h"

using namespace gprkit;
namespace fs = std::filesystem;
namespace w = gprkit::fft::wisdom;

namespace {

const std::string kHeader =
    "(fftw-3.3.10 fftwf_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf\n";
// As FFTW 3.3.10 writes them: FFTW_ESTIMATE entries (#x30bff, #x31bff), FFTW_MEASURE ones
// (#x10bdd, #x11bdd), a time-limited one.
const std::string kEst1 =
    "  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #xd3c9452e #x3dbf3b1a #x01234567 #x89abcdef)\n";
const std::string kEst2 =
    "  (fftwf_dft_vrank_geq1_register 0 #x30bff #x30bff #x0 #xbb60e586 #x931e3653 #x3189d416 "
    "#x035c2c27)\n";
const std::string kMeasure =
    "  (fftwf_codelet_n1fv_16_avx2 0 #x10bdd #x10bdd #x0 #x11111111 #x22222222 #x33333333 "
    "#x44444444)\n";
const std::string kTimed =
    "  (fftwf_codelet_n1fv_8_avx2 0 #x30bff #x30bff #x5 #x55555555 #x66666666 #x77777777 "
    "#x88888888)\n";

fs::path scratch(const std::string& name) {
  auto p = fs::temp_directory_path() / ("gprkit_wisdom_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("fft wisdom: only FFTW_ESTIMATE entries are kept, sorted", "[core][fft]") {
  const auto f = w::estimate_only(kHeader + kMeasure + kEst2 + kTimed + kEst1 + ")\n");
  REQUIRE(f);
  CHECK(f->entries == 2);
  CHECK(f->text == kHeader + kEst1 + kEst2 + ")\n");  // sorted: equal wisdom, equal text
  // Another order, extra blank lines and indentation, a duplicate: the same text.
  const auto g = w::estimate_only("\n" + kHeader + kEst2 + "\n" + kEst1 + kEst1 + ")");
  REQUIRE(g);
  CHECK(g->text == f->text);
  // Only foreign (patient) wisdom: valid, nothing kept.
  const auto m = w::estimate_only(kHeader + kMeasure + ")\n");
  REQUIRE(m);
  CHECK(m->entries == 0);
  CHECK(m->text == kHeader + ")\n");
}

TEST_CASE("fft wisdom: truncated, garbage or foreign text is refused", "[core][fft]") {
  const std::string whole = kHeader + kEst1 + kEst2 + ")\n";
  CHECK_FALSE(w::estimate_only(""));
  CHECK_FALSE(w::estimate_only("garbage\n"));
  CHECK_FALSE(w::estimate_only(std::string(300, '\0')));
  // Every truncation of a valid file (a crash mid-write, a full disk) is refused whole.
  for (std::size_t n = 0; n + 2 <= whole.size(); ++n) {  // all but the final ")\n" kept
    INFO("truncated to " << n << " bytes");
    CHECK_FALSE(w::estimate_only(whole.substr(0, n)));
  }
  CHECK(w::estimate_only(whole.substr(0, whole.size() - 1)));  // only the last newline cut
  // Double precision wisdom, another major version, a flipped hex digit made non-hex.
  CHECK_FALSE(w::estimate_only(
      "(fftw-3.3.10 fftw_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf\n" + kEst1 + ")\n"));
  CHECK_FALSE(w::estimate_only(
      "(fftw-4.0.0 fftwf_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf\n" + kEst1 + ")\n"));
  std::string bad = whole;
  bad[bad.find("#x31bff") + 3] = 'z';
  CHECK_FALSE(w::estimate_only(bad));
  CHECK_FALSE(w::estimate_only(kHeader + "  (fftwf_codelet_r2cf_2 2 #x31bff)\n)\n"));
}

TEST_CASE("fft wisdom: this FFTW's own FFTW_ESTIMATE wisdom passes the filter", "[core][fft]") {
  // Guards kEstimateFlags against another FFTW: a new size planned here must be kept.
  auto x = fft::alloc_real(2 * 1000);
  auto X = fft::alloc_complex(1000);
  for (int i = 0; i < 1998; ++i) x[i] = static_cast<float>(i % 5);
  fft::r2c(1998, x.get(), X.get());  // 2 * 3^3 * 37: an unusual size, so a fresh plan
  const auto own = w::own_wisdom();
  REQUIRE(own);
  const auto again = w::estimate_only(*own);
  REQUIRE(again);
  CHECK(again->entries > 0);
  CHECK(again->text == *own);
}

TEST_CASE("fft wisdom: files are read bounded and replaced atomically", "[core][fft]") {
  const fs::path dir = scratch("files");
  const std::string path = (dir / "sub" / "w.wisdom").string();
  CHECK_FALSE(w::read_file(path));            // absent
  CHECK(w::write_atomically(path, "one\n"));  // creates the folder
  CHECK(w::read_file(path) == std::optional<std::string>("one\n"));
  CHECK(w::write_atomically(path, "two, longer\n"));
  CHECK(slurp(path) == "two, longer\n");
  // No temporary file is left beside it.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "sub")) files += e.is_regular_file();
  CHECK(files == 1);
  // Not a regular file: refused, never replaced.
  CHECK_FALSE(w::read_file(dir.string()));
  CHECK_FALSE(w::write_atomically((dir / "sub").string(), "x"));  // a folder stays one
  CHECK(fs::is_directory(dir / "sub"));
  // A parent that is a file: false, no exception, nothing created.
  CHECK_FALSE(w::write_atomically(path + "/inside.wisdom", "x"));
  CHECK(slurp(path) == "two, longer\n");
  // Larger than kMaxBytes: refused.
  const std::string big = (dir / "big.wisdom").string();
  CHECK(w::write_atomically(big, std::string(w::kMaxBytes + 1, ' ')));
  CHECK_FALSE(w::read_file(big));
  fs::remove_all(dir);
}
