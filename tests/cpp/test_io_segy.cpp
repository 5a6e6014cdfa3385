#include <catch2/catch.hpp>
#include <cstring>

#include "gprkit/core/error.h"
#include "gprkit/io/segy.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("SEG-Y round trip: IEEE exact, IBM within float precision, header kept") {
  const auto dir = test::scratch("segy");
  Bscan b = test::random_section(300, 25, false);
  b.header().dt_ns = 0.0234;  // not a whole number of ps: kept exactly via the textual header
  b.header().t0_ns = -1.25;
  b.header().dx_m = 0.02;
  b.header().centre_frequency_mhz = 1500;
  b.header().antenna_separation_m = 0.1;
  for (int j = 0; j < 25; ++j) {
    b.header().x_m.push_back(512000.0 + 0.02 * j);  // UTM-like easting
    b.header().y_m.push_back(4178000.5);
    b.header().z_m.push_back(120.0 + 0.01 * j);
  }
  io::write_segy(dir / "a.sgy", b);
  const Bscan r = io::read_segy(dir / "a.sgy");
  CHECK(test::same_data(r, b));
  CHECK(r.header().dt_ns == b.header().dt_ns);
  CHECK(r.header().t0_ns == b.header().t0_ns);
  CHECK(r.header().dx_m == b.header().dx_m);
  CHECK(r.header().centre_frequency_mhz == 1500.0);
  CHECK(r.header().raw.at("sample_interval") == "23");  // rounded ps in the binary header
  REQUIRE(r.header().x_m.size() == 25);
  for (int j = 0; j < 25; ++j) {
    CHECK(r.header().x_m[j] == Approx(b.header().x_m[j]).margin(1e-3));  // scaled coordinates
    CHECK(r.header().y_m[j] == Approx(b.header().y_m[j]).margin(1e-3));
    CHECK(r.header().z_m[j] == Approx(b.header().z_m[j]).margin(1e-4));
  }
  // IBM floats
  io::write_segy(dir / "ibm.sgy", b, {.ibm_float = true});
  const Bscan i = io::read_segy(dir / "ibm.sgy");
  CHECK(i.header().raw.at("format_code") == "1");
  for (std::ptrdiff_t k = 0; k < b.n_samples() * b.n_traces(); ++k)
    REQUIRE(i.data()[k] == Approx(b.data()[k]).epsilon(1e-6));
  std::filesystem::remove_all(dir);
}

TEST_CASE("SEG-Y: IBM float conversion of known values") {
  // 0xC276A000 = -118.625 (the classic example), 0x41100000 = 1.0, 0x42640000 = 100.0
  std::vector<std::uint8_t> f(3600 + 240 + 12, 0);
  auto be16 = [&](std::size_t o, std::uint16_t v) {
    f[o] = v >> 8;
    f[o + 1] = v & 0xff;
  };
  be16(3200 + 16, 100);
  be16(3200 + 20, 3);
  be16(3200 + 24, 1);
  const std::uint8_t vals[12] = {0xC2, 0x76, 0xA0, 0x00, 0x41, 0x10,
                                 0x00, 0x00, 0x42, 0x64, 0x00, 0x00};
  std::memcpy(&f[3840], vals, 12);
  const Bscan b = io::decode_segy(f);
  CHECK(b(0, 0) == -118.625f);
  CHECK(b(1, 0) == 1.0f);
  CHECK(b(2, 0) == 100.0f);
  CHECK(b.header().dt_ns == Approx(0.1));  // interval 100 in ps
  // bad files
  auto g = f;
  be16(3200 + 24, 4);  // unknown format code
  CHECK_THROWS_AS(io::decode_segy(f), FormatError);
  CHECK_THROWS_AS(io::decode_segy(std::span(g.data(), g.size() - 1)), FormatError);  // truncated
  CHECK_THROWS_AS(io::decode_segy(std::span(g.data(), 3000)), FormatError);
  CHECK_THROWS_AS(io::decode_segy(std::span(g.data(), 3600)), FormatError);  // no traces
  g[3200 + 20] = 0xff;  // 65280+ samples: does not fit the file
  CHECK_THROWS_AS(io::decode_segy(g), FormatError);
}
