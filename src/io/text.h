// Header text as instruments write it, and the reader boundary (internal, not installed).
#pragma once
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "gprkit/core/error.h"

namespace gprkit::io::detail {

/// Header text as UTF-8: valid UTF-8 is kept; otherwise the bytes are read as Windows-1252
/// (what pulseEKKO, MALA and GSSI software write on Windows), the five bytes CP-1252 leaves
/// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as Latin-1, so every byte maps to one character
/// and nothing is lost. `transcoded` (optional) says whether the CP-1252 path was taken.
std::string to_utf8(std::string_view bytes, bool* transcoded = nullptr);
/// The inverse for writers of 8-bit header formats: UTF-8 text as CP-1252 bytes (the
/// Latin-1 fallback for the five undefined bytes included), so to_utf8 gives the text back.
/// Returns false (and leaves `out` unspecified) when the text is not valid UTF-8 or holds a
/// character CP-1252 cannot hold; the caller then writes the UTF-8 as it is.
bool to_cp1252(std::string_view utf8, std::string& out);
/// Text for an 8-bit header file: CP-1252 when every character fits (and the bytes cannot be
/// mistaken for UTF-8), else the UTF-8 unchanged; to_utf8 of the result is always `utf8`.
std::string header_bytes(std::string_view utf8);

/// Runs a reader body so that only gprkit::Error leaves it: a library exception (JSON,
/// std::bad_alloc, std::length_error, ...) becomes FormatError("<format>: ...").
template <class F>
auto reader_boundary(std::string_view format, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw FormatError(std::string(format) + ": out of memory while reading (a header asks for " +
                      "more data than this machine can hold)");
  } catch (const std::exception& e) {
    throw FormatError(std::string(format) + ": " + e.what());
  }
}

}  // namespace gprkit::io::detail
