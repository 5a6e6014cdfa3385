#include <catch2/catch.hpp>
#include <cstring>

#include "gprkit/core/error.h"
#include "gprkit/io/dzt.h"
#include "shared_data.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("read_dzt: GPRPy's SIR-3000 400 MHz file matches its header and size arithmetic") {
  GPRKIT_REQUIRE_SHARED_DATA(root);
  const auto path = root / "real/gprpy/GSSI/FILE____032.DZT";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return;
  }
  const auto ch = io::read_dzt(path);
  REQUIRE(ch.size() == 1);
  const Bscan& b = ch[0];
  // header: 512 words a scan, 16 bits, one channel, header of 1024 bytes -> (size-1024)/(512*2)
  // scans; the first 2 words of a scan (counter and mark) are dropped: 510 samples from 2 dt.
  const auto size = std::filesystem::file_size(path);
  CHECK(b.header().raw.at("rh_nsamp") == "512");
  CHECK(b.n_samples() == 510);
  CHECK(b.header().t0_ns == Approx(2 * 48.0 / 512));
  CHECK(static_cast<std::uintmax_t>(b.n_traces()) == (size - 1024) / (512 * 2));
  CHECK(b.n_traces() == 1040);
  CHECK(b.header().raw.at("rh_bits") == "16");
  CHECK(b.header().raw.at("rh_antname") == "400MHz");
  CHECK(b.header().centre_frequency_mhz == 400.0);
  CHECK(b.header().dt_ns == Approx(48.0 / 512));  // rhf_range = 48 ns over 512 samples
  CHECK(b.header().dx_m == Approx(1.0 / 50));     // 50 scans per metre
  // marks every 100 scans (the mark word of GSSI scans)
  CHECK(b.header().raw.at("marks") == "0,100,200,300,400,500,600,700,800,900,1000");
  // data: centred 16-bit (quiet samples near 0, not near 32768), finite, direct wave early
  CHECK(test::all_finite(b));
  CHECK(std::fabs(b(10, 500)) < 100.0f);
  const auto t = test::first_arrival(b);
  CHECK(t > 2);
  CHECK(static_cast<double>(t) < 0.1 * static_cast<double>(b.n_samples()));
}

TEST_CASE("DZT round trip: real file and multi-channel synthetic data read back identical") {
  const auto dir = test::scratch("dzt");
  SECTION("synthetic, two channels, integers -> 16-bit") {
    std::vector<Bscan> ch = {test::random_section(256, 40, true, 1),
                             test::random_section(256, 40, true, 2)};
    for (auto& c : ch) {
      c.header().dt_ns = 0.05;
      c.header().dx_m = 0.02;
      c.header().t0_ns = -1.5;
      c.header().centre_frequency_mhz = 1600;
    }
    io::write_dzt(dir / "two.dzt", ch);
    const auto back = io::read_dzt(dir / "two.dzt");
    REQUIRE(back.size() == 2);
    CHECK(test::same_data(back[0], ch[0]));
    CHECK(test::same_data(back[1], ch[1]));
    CHECK(back[0].header().raw.at("rh_bits") == "16");
    CHECK(back[0].header().dt_ns == Approx(0.05).epsilon(1e-6));  // float32 range field
    CHECK(back[1].header().t0_ns == Approx(-1.5));
    CHECK(back[1].header().dx_m == Approx(0.02).epsilon(1e-6));
    CHECK(back[0].header().centre_frequency_mhz == 1600.0);
    // a second round trip is exact in every field (the header is now float32-representable)
    io::write_dzt(dir / "two_b.dzt", back);
    const auto again = io::read_dzt(dir / "two_b.dzt");
    CHECK(again[1].header().raw == back[1].header().raw);
    CHECK(again[1].header().dt_ns == back[1].header().dt_ns);
  }
  SECTION("floats -> 32-bit float samples, exact") {
    Bscan b = test::random_section(100, 7, false);
    io::write_dzt(dir / "f.dzt", b);
    const auto back = io::read_dzt(dir / "f.dzt");
    CHECK(back[0].header().raw.at("rh_dtype") == "16");
    CHECK(test::same_data(back[0], b));
  }
  SECTION("real file") {
    const auto root = test::shared_data();
    const auto path = root / "real/gprpy/GSSI/FILE____032.DZT";
    if (root.empty() || !std::filesystem::exists(path)) return;
    const auto a = io::read_dzt(path);
    io::write_dzt(dir / "copy.dzt", a);
    const auto b = io::read_dzt(dir / "copy.dzt");
    CHECK(test::same_data(a[0], b[0]));
    CHECK(a[0].header().raw == b[0].header().raw);
    CHECK(a[0].header().dt_ns == b[0].header().dt_ns);
    CHECK(a[0].header().dx_m == b[0].header().dx_m);
    CHECK(a[0].header().t0_ns == b[0].header().t0_ns);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("decode_dzt: bad, truncated and absurd files raise FormatError") {
  Bscan s = test::random_section(64, 10, true);
  s.header().dt_ns = 0.1;
  const auto dir = test::scratch("dztbad");
  io::write_dzt(dir / "ok.dzt", s);
  const auto good = test::slurp(dir / "ok.dzt");
  REQUIRE(io::decode_dzt(good).size() == 1);
  auto patched = [&](std::size_t off, std::uint16_t v) {
    auto b = good;
    std::memcpy(&b[off], &v, 2);
    return b;
  };
  // truncated header / partial scan / no scans
  CHECK_THROWS_AS(io::decode_dzt(std::span(good.data(), 500)), FormatError);
  CHECK_THROWS_AS(io::decode_dzt(std::span(good.data(), good.size() - 3)), FormatError);
  CHECK_THROWS_AS(io::decode_dzt(std::span(good.data(), 1024)), FormatError);
  CHECK_THROWS_WITH(io::decode_dzt(std::span(good.data(), good.size() - 3)),
                    Catch::Contains("whole number of scans"));
  // absurd header values
  CHECK_THROWS_AS(io::decode_dzt(patched(4, 65535)), FormatError);  // huge sample count
  CHECK_THROWS_AS(io::decode_dzt(patched(4, 0)), FormatError);      // zero samples
  CHECK_THROWS_AS(io::decode_dzt(patched(6, 12)), FormatError);     // 12 bits
  CHECK_THROWS_AS(io::decode_dzt(patched(52, 0)), FormatError);     // zero channels
  CHECK_THROWS_AS(io::decode_dzt(patched(52, 900)), FormatError);   // 900 channels
  CHECK_THROWS_AS(io::decode_dzt(patched(2, 1000)), FormatError);   // header past the end
  auto bad_range = good;
  const float nan = std::nanf("");
  std::memcpy(&bad_range[26], &nan, 4);
  CHECK_THROWS_AS(io::decode_dzt(bad_range), FormatError);
  CHECK_THROWS_AS(io::read_dzt(dir / "missing.dzt"), IoError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("DZT text fields: CP-1252 bytes read as UTF-8 and are written back as they were") {
  Bscan b = test::random_section(16, 4, true);
  b.header().dt_ns = 0.1;
  b.header().raw["rh_name"] = "Jos\xc3\xa9";       // José
  b.header().raw["rh_antname"] = "M\xc3\xbcller";  // Müller
  const auto dir = test::scratch("dzt_text");
  io::write_dzt(dir / "a.dzt", b);
  const auto bytes = test::slurp(dir / "a.dzt");
  CHECK(std::string(bytes.begin() + 114, bytes.begin() + 118) == "Jos\xe9");  // 8-bit, like GSSI
  CHECK(std::string(bytes.begin() + 98, bytes.begin() + 104) == "M\xfcller");
  const auto r = io::decode_dzt(bytes);
  CHECK(r[0].header().raw.at("rh_name") == "Jos\xc3\xa9");
  CHECK(r[0].header().raw.at("rh_antname") == "M\xc3\xbcller");
  std::filesystem::remove_all(dir);
}

TEST_CASE("write_dzt: permittivity, depth, positions, separation and GPS are written") {
  const auto dir = test::scratch("dzt_fields");
  Bscan b = test::random_section(64, 6, true);
  Header& h = b.header();
  h.dt_ns = 0.1;
  h.t0_ns = 1.25;  // positive t0: rhf_position = -1.25
  h.dx_m = 0.02;
  h.antenna_separation_m = 0.06;
  h.centre_frequency_mhz = 1600;
  h.x_m = {2.0, 2.02, 2.04, 2.06, 2.08, 2.1};
  h.raw["gps_trace"] = "0,5";
  h.raw["gps_latitude_deg"] = "46.5,46.50001";
  h.raw["gps_longitude_deg"] = "-12.25,-12.25002";
  h.raw["gps_altitude_m"] = "100,101";
  io::write_dzt(dir / "a.dzt", b);
  const auto bytes = test::slurp(dir / "a.dzt");
  float epsr = 0, depth = 0;
  std::memcpy(&epsr, &bytes[54], 4);
  std::memcpy(&depth, &bytes[62], 4);
  CHECK(epsr == Approx(8.98755));         // 0.1 m/ns: readgssi divides by it, 0 crashes it
  CHECK(depth == Approx(6.6 * 0.1 / 2));  // the range covers the 2 header words of a scan too
  REQUIRE(std::filesystem::exists(dir / "a.dzg"));
  const Bscan r = io::read_dzt(dir / "a.dzt")[0];
  CHECK(test::same_data(r, b));
  CHECK(r.header().t0_ns == Approx(1.25));
  CHECK(r.header().dx_m == Approx(0.02));
  CHECK(r.header().antenna_separation_m == Approx(0.06));
  REQUIRE(r.header().x_m.size() == 6);
  CHECK(r.header().x_m.front() == Approx(2.0));
  CHECK(r.header().x_m.back() == Approx(2.1));
  CHECK(r.header().raw.at("gps_trace") == "0,5");
  CHECK(std::stod(r.header().raw.at("gps_longitude_deg")) == Approx(-12.25).margin(1e-9));
  // a permittivity in raw (from a DZT that was read) is kept
  Bscan c = r;
  c.header().raw["rhf_epsr"] = "6";
  io::write_dzt(dir / "c.dzt", c);
  CHECK(io::read_dzt(dir / "c.dzt")[0].header().raw.at("rhf_epsr") == "6");
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "DZT header words: the writer writes GSSI's scan counter and mark word, the reader drops "
    "them") {
  const auto dir = test::scratch("dzt_words");
  Bscan b = test::random_section(32, 5, true, 3);
  b.header().dt_ns = 0.1;
  b.header().t0_ns = -1.0;
  b.header().raw["marks"] = "1,3";
  io::write_dzt(dir / "w.dzt", b);
  const auto bytes = test::slurp(dir / "w.dzt");
  std::uint16_t nsamp = 0;
  std::memcpy(&nsamp, &bytes[4], 2);
  CHECK(nsamp == 34);
  REQUIRE(bytes.size() == 1024 + 5 * 34 * 2);
  for (std::size_t k = 0; k < 5; ++k) {
    std::uint16_t counter = 0, mark = 0;
    std::memcpy(&counter, &bytes[1024 + k * 68], 2);
    std::memcpy(&mark, &bytes[1024 + k * 68 + 2], 2);
    CHECK(counter == k);
    CHECK((mark != 0) == (k == 1 || k == 3));
  }
  const Bscan r = io::read_dzt(dir / "w.dzt")[0];
  CHECK(test::same_data(r, b));
  CHECK(r.header().t0_ns == Approx(-1.0));
  CHECK(r.header().raw.at("marks") == "1,3");
  // a file of 2 words a scan holds no samples
  auto two = bytes;
  const std::uint16_t w = 2;
  std::memcpy(&two[4], &w, 2);
  CHECK_THROWS_WITH(io::decode_dzt(two), Catch::Contains("header words"));
  std::filesystem::remove_all(dir);
}
