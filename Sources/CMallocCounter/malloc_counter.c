#define _GNU_SOURCE
#include "CMallocCounter.h"
#include <stddef.h>
#include <errno.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static __thread int counting __attribute__((tls_model("initial-exec")));
static __thread int64_t count __attribute__((tls_model("initial-exec")));
static __thread int probe __attribute__((tls_model("initial-exec")));

// Under AddressSanitizer the interposer is left out: ASan owns malloc, and memory from
// __libc_malloc freed through ASan's free would crash. The counter then reports itself
// inactive (malloc_counter_is_active() == 0), and the allocation tests are not run under ASan.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MUJO_MALLOC_COUNTER_OFF 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MUJO_MALLOC_COUNTER_OFF 1
#endif

#ifndef MUJO_MALLOC_COUNTER_OFF
static inline void note(void) {
    if (counting) count++;
    probe = 1;
}

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { note(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void *memalign(size_t al, size_t n) { note(); return __libc_memalign(al, n); }
void *aligned_alloc(size_t al, size_t n) { note(); return __libc_memalign(al, n); }
int posix_memalign(void **out, size_t al, size_t n) {
    note();
    if (al < sizeof(void *) || (al & (al - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(al, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
#endif

void malloc_counter_start(void) { count = 0; counting = 1; }
int64_t malloc_counter_stop(void) { counting = 0; return count; }
int malloc_counter_is_active(void) {
    probe = 0;
    void *volatile p = malloc(16);
    free(p);
    return probe;
}
