// TESTS ONLY. Counts heap allocations made by the calling thread while counting is on.
// It interposes malloc/calloc/realloc/posix_memalign/aligned_alloc/memalign and forwards to glibc's
// __libc_* entry points. Link it into test executables only, never into the product.
#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H
#include <stdint.h>

/// Starts counting allocations made by the calling thread (resets the count).
void malloc_counter_start(void);
/// Stops counting and returns how many allocations the calling thread made since start.
int64_t malloc_counter_stop(void);
/// 1 if this process's malloc is the counting one (the interposer took effect).
int malloc_counter_is_active(void);

#endif
