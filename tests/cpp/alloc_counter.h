// Counting operator new in the test program (defined in test_pipeline_registry.cpp): tests
// switch `counting` on around code that must not allocate. Off under ASan, which owns
// operator new (its alloc/dealloc pairing checks would see the replacement's free()).
#pragma once
#include <atomic>

#if defined(__SANITIZE_ADDRESS__)
#define GPRKIT_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GPRKIT_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef GPRKIT_COUNT_ALLOCATIONS
#define GPRKIT_COUNT_ALLOCATIONS 1
#endif

namespace gprkit::test {
extern std::atomic<long> allocations;
extern std::atomic<bool> counting;
}  // namespace gprkit::test
