#include "text.h"

#include <cstdint>

namespace gprkit::io::detail {

namespace {
// CP-1252 0x80..0x9F; 0 marks the five undefined bytes, taken as Latin-1 (U+0080..U+009F).
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf8(std::string& s, char32_t c) {
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Decodes one UTF-8 sequence at s[i]; false when it is not well formed (overlong forms,
// surrogates and values above U+10FFFF are rejected, as by Python's strict decoder).
bool next_utf8(std::string_view s, std::size_t& i, char32_t& c) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  if (b0 < 0x80) {
    c = b0;
    ++i;
    return true;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 1;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 2;
    c = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 3;
    c = b0 & 0x07;
  } else {
    return false;
  }
  for (std::size_t k = 1; k <= n; ++k) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    c = (c << 6) | (b & 0x3F);
  }
  if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10FFFF)) ||
      (c >= 0xD800 && c <= 0xDFFF))
    return false;
  i += n + 1;
  return true;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  char32_t c = 0;
  while (i < s.size())
    if (!next_utf8(s, i, c)) return false;
  return true;
}
}  // namespace

std::string to_utf8(std::string_view bytes, bool* transcoded) {
  const bool ok = valid_utf8(bytes);
  if (transcoded != nullptr) *transcoded = !ok;
  if (ok) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    char32_t c = b;
    if (b >= 0x80 && b <= 0x9F && kCp1252High[b - 0x80] != 0) c = kCp1252High[b - 0x80];
    append_utf8(out, c);
  }
  return out;
}

bool to_cp1252(std::string_view utf8, std::string& out) {
  out.clear();
  std::size_t i = 0;
  char32_t c = 0;
  while (i < utf8.size()) {
    if (!next_utf8(utf8, i, c)) return false;
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) {
      out += static_cast<char>(c);
      continue;
    }
    bool found = false;
    for (std::size_t k = 0; k < 32 && !found; ++k)
      if (kCp1252High[k] == c || (kCp1252High[k] == 0 && c == 0x80 + k)) {
        out += static_cast<char>(0x80 + k);
        found = true;
      }
    if (!found) return false;
  }
  return true;
}

std::string header_bytes(std::string_view utf8) {
  std::string out;
  // CP-1252 bytes that happen to form valid UTF-8 ("Ã©" -> C3 A9) would read back as other
  // text: such text (and text CP-1252 cannot hold) is written as UTF-8, which reads back as is.
  if (!to_cp1252(utf8, out) || (out != utf8 && valid_utf8(out))) return std::string(utf8);
  return out;
}

}  // namespace gprkit::io::detail
