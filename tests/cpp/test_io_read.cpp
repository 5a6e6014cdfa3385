#include <catch2/catch.hpp>

#include "gprkit/core/error.h"
#include "gprkit/io/read.h"
#include "shared_data.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("read/write: format by extension and magic bytes") {
  const auto dir = test::scratch("read");
  Bscan b = test::random_section(64, 6, true);
  b.header().dt_ns = 0.1;
  for (const char* name : {"a.dzt", "b.DT1", "c.sgy", "d.npy"}) {
    io::write(dir / name, b);
    const auto r = io::read(dir / name);
    REQUIRE(r.size() == 1);
    CHECK(test::same_data(r[0], b));
    CHECK(r[0].header().dt_ns == Approx(0.1));
  }
  CHECK(io::detect_format(dir / "a.dzt") == io::Format::dzt);
  CHECK(io::detect_format(dir / "b.HD") == io::Format::dt1);
  // content decides when the extension does not
  std::filesystem::copy_file(dir / "d.npy", dir / "d.bin");
  std::filesystem::copy_file(dir / "c.sgy", dir / "c.dat");
  std::filesystem::copy_file(dir / "a.dzt", dir / "a.raw");
  CHECK(io::detect_format(dir / "d.bin") == io::Format::npy);
  CHECK(io::detect_format(dir / "c.dat") == io::Format::segy);
  CHECK(io::detect_format(dir / "a.raw") == io::Format::dzt);
  test::spit(dir / "junk.xyz", std::vector<std::uint8_t>(100, 7));
  CHECK_THROWS_AS(io::read(dir / "junk.xyz"), FormatError);
  CHECK_THROWS_AS(io::write(dir / "x.txt", b), InvalidArgument);
  const std::string table = io::info_table(dir / "a.dzt");
  CHECK(table.find("dt_ns") != std::string::npos);
  CHECK(table.find("rh_nsamp") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("read: every real file in the shared folder reads without NaN") {
  GPRKIT_REQUIRE_SHARED_DATA(root);
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "real")) {
    const auto ext = e.path().extension().string();
    if (ext != ".DZT" && ext != ".DT1" && ext != ".rd3") continue;
    INFO(e.path());
    const auto ch = io::read(e.path());
    REQUIRE(!ch.empty());
    CHECK(test::all_finite(ch[0]));
    CHECK(ch[0].header().dt_ns > 0);
    ++n;
  }
  CHECK(n >= 3);
}
