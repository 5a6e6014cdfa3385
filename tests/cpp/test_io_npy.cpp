#include <catch2/catch.hpp>
#include <cstring>

#include "gprkit/core/error.h"
#include "gprkit/io/npy.h"
#include "test_io_util.h"

using namespace gprkit;

TEST_CASE("npy + JSON sidecar round trip is exact") {
  const auto dir = test::scratch("npy");
  Bscan b = test::random_section(33, 5, false);
  b.header().dt_ns = 0.1 / 3.0;
  b.header().t0_ns = -0.7;
  b.header().antenna_height_m = 0.05;
  b.header().x_m = {0.1, 0.2, 0.30000000000000004, 0.4, 0.5};
  b.header().raw["note"] = "quote \" backslash \\ newline \n tab \t";
  io::write_npy(dir / "a.npy", b);
  CHECK(std::filesystem::exists(dir / "a.npy.json"));
  const Bscan r = io::read_npy(dir / "a.npy");
  CHECK(test::same_data(r, b));
  CHECK(r.header().dt_ns == b.header().dt_ns);
  CHECK(r.header().t0_ns == b.header().t0_ns);
  CHECK(r.header().antenna_height_m == b.header().antenna_height_m);
  CHECK(r.header().x_m == b.header().x_m);
  CHECK(r.header().raw.at("note") == b.header().raw.at("note"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("decode_npy: C order, other dtypes, bad files") {
  // a C-ordered int16 (3, 2) array: rows are samples
  std::string dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (3, 2), }";
  dict.resize(118 - 1, ' ');
  dict += '\n';
  std::vector<std::uint8_t> f(10 + dict.size() + 12);
  std::memcpy(f.data(), "\x93NUMPY\x01\x00", 8);
  const std::uint16_t hl = static_cast<std::uint16_t>(dict.size());
  std::memcpy(&f[8], &hl, 2);
  std::memcpy(&f[10], dict.data(), dict.size());
  const std::int16_t vals[6] = {1, 2, 3, 4, 5, 6};  // row-major: (0,0)=1 (0,1)=2 (1,0)=3 ...
  std::memcpy(&f[10 + dict.size()], vals, 12);
  const Bscan b = io::decode_npy(f, "");
  CHECK(b.n_samples() == 3);
  CHECK(b.n_traces() == 2);
  CHECK(b(1, 0) == 3.0f);
  CHECK(b(2, 1) == 6.0f);
  CHECK_THROWS_AS(io::decode_npy(std::span(f.data(), f.size() - 1), ""), FormatError);  // truncated
  auto g = f;
  g[0] = 'X';
  CHECK_THROWS_AS(io::decode_npy(g, ""), FormatError);  // wrong magic
  CHECK_THROWS_AS(io::decode_npy(f, "{\"dt_ns\": -1}"), FormatError);
  CHECK_THROWS_AS(io::decode_npy(f, "{\"dt_ns\": 0.1"), FormatError);
  CHECK_THROWS_AS(io::decode_npy(f, "{\"x_m\": [1, 2, 3]}"), FormatError);  // wrong length
  CHECK(io::header_from_json("{\"dt_ns\": 0.25, \"raw\": {\"a\": \"b\"}}").dt_ns == 0.25);
}

TEST_CASE("header_from_json: surrogate escapes and Latin-1 bytes") {
  // an emoji escaped as a surrogate pair is decoded; a lone surrogate is a FormatError
  CHECK(io::header_from_json(R"({"dt_ns": 0.1, "raw": {"op": "\ud83d\ude00"}})").raw.at("op") ==
        "\xf0\x9f\x98\x80");
  CHECK_THROWS_AS(io::header_from_json(R"({"dt_ns": 0.1, "raw": {"op": "\ud83d"}})"), FormatError);
  CHECK_THROWS_AS(io::header_from_json(R"({"dt_ns": 0.1, "raw": {"op": "a\udc00b"}})"),
                  FormatError);
  // a sidecar saved in Latin-1 reads as UTF-8 text
  CHECK(io::header_from_json("{\"dt_ns\": 0.1, \"raw\": {\"op\": \"Jos\xe9\"}}").raw.at("op") ==
        "Jos\xc3\xa9");
  // library exceptions never leave the reader: a number too large for a double
  CHECK_THROWS_AS(io::header_from_json(R"({"dt_ns": 1e400})"), FormatError);
}
