// FFTW wisdom kept per user between processes, so a process's first transform of a size
// replays the plan instead of planning it. Internal to fft.cpp; load_once, save and info are
// called under the plan cache's lock (FFTW's planner is not thread-safe). None of them
// throws: a missing, corrupt or unwritable file only means plans are made as without it.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gprkit/core/fft.h"

namespace gprkit::fft::wisdom {

/// Imports the user's wisdom file once per process (missing, unreadable, oversized,
/// malformed or foreign files are ignored; only FFTW_ESTIMATE entries are imported).
void load_once() noexcept;
/// After a plan that wisdom could not replay (fft.cpp tries FFTW_WISDOM_ONLY first): merges the
/// file's current wisdom (when another process changed it) with this process's and writes it back
/// atomically (temporary file + rename), so concurrent processes never leave a torn file. Skipped
/// when the file already holds it; after a failed write (read-only or full folder) the process
/// stops trying.
void save() noexcept;
/// Where the wisdom lives and what this process did with it.
WisdomInfo info() noexcept;

// ---- file-level pieces, exposed for tests/cpp/test_core_fft_wisdom.cpp -----------------

/// The impatience flags FFTW 3 records for a plan made with FFTW_ESTIMATE (FFTW's internal
/// BELIEVE_PCOST | ESTIMATE | NO_DFT_R2HC | NO_SLOW | NO_VRECURSE | NO_INDIRECT_OP |
/// NO_LARGE_GENERIC | NO_RANK_SPLITS | NO_VRANK_SPLITS | NO_NONTHREADED |
/// NO_FIXED_RADIX_LARGE_N | NO_UGLY | ALLOW_PRUNING, kernel/ifftw.h). An entry whose flags
/// hold all of them was made by a planner exactly as impatient as ours, so it names the plan
/// our FFTW_ESTIMATE planner would pick itself. Entries of patient planners (FFTW_MEASURE
/// and up) also satisfy FFTW_ESTIMATE requests and would change the plans, so the numbers.
inline constexpr unsigned kEstimateFlags = 0x30bffu;

struct Filtered {
  std::string text;  // FFTW wisdom text: the header, the kept entries sorted, ")"
  std::size_t entries = 0;
};
/// Keeps the FFTW_ESTIMATE entries (kEstimateFlags, no time limit) of FFTW 3 float wisdom
/// text, sorted so that equal wisdom gives equal text; nullopt when the text is not complete,
/// well-formed fftwf wisdom (truncated, garbage, another precision).
std::optional<Filtered> estimate_only(std::string_view text);

/// The file's text when it is a regular file of at most kMaxBytes; nullopt otherwise.
std::optional<std::string> read_file(const std::string& path) noexcept;
/// Writes text to a new temporary file beside path and renames it over path (creating the
/// folder); false, leaving path as it was, when any step fails.
bool write_atomically(const std::string& path, std::string_view text) noexcept;

/// This process's FFTW_ESTIMATE wisdom as estimate_only text (what save writes). Call it
/// under the plan cache's lock, or where no other thread plans.
std::optional<std::string> own_wisdom();

/// A wisdom file larger than this is ignored (and replaced by this process's wisdom, so it
/// shrinks back): importing costs ~0.3 ms plus ~2 us an entry (filtering included), so a
/// file this size (~1,300 entries, some 100 sizes) already costs ~3 ms to load, half of what
/// planning a kernel's sizes afresh costs. A few sizes make a file of a few kB.
inline constexpr std::size_t kMaxBytes = std::size_t{128} << 10;

}  // namespace gprkit::fft::wisdom
