// Fuzz inputs for two-file formats: "<text header>\0<binary data>".
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace gprkit::fuzz {
struct Split {
  std::string_view text;
  std::span<const std::uint8_t> data;
};
inline Split split(const std::uint8_t* d, std::size_t n) {
  const void* z = std::memchr(d, 0, n);
  if (z == nullptr) return {{reinterpret_cast<const char*>(d), n}, {}};
  const auto k = static_cast<std::size_t>(static_cast<const std::uint8_t*>(z) - d);
  return {{reinterpret_cast<const char*>(d), k}, {d + k + 1, n - k - 1}};
}
}  // namespace gprkit::fuzz
