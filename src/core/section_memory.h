// Internal: the memory of sections (Bscan samples), with a small cache of large freed blocks.
#pragma once
#include <cstddef>

namespace gprkit::detail {

/// At least `bytes` bytes, 64-byte aligned (2 MiB aligned and advised onto huge pages from
/// 4 MiB). nullptr for 0 bytes; throws std::bad_alloc when memory is short.
float* allocate_section(std::size_t bytes);
/// Frees a block of allocate_section; nullptr is ignored.
void free_section(float* p) noexcept;

}  // namespace gprkit::detail
