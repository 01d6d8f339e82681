#define _GNU_SOURCE
#include "CMuJoSystem.h"
#include <locale.h>

int mujo_errno(void) { return errno; }
void mujo_set_errno(int value) { errno = value; }
int mujo_open(const char *path, int flags) { return open(path, flags | O_CLOEXEC); }
int mujo_ioctl_ulong(int fd, unsigned long request, unsigned long arg) { return ioctl(fd, request, arg); }
int mujo_ioctl_ptr(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }

int64_t mujo_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void mujo_sleep_ns(int64_t ns) {
    if (ns <= 0) return;
    struct timespec req = { (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) }, rem;
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) req = rem;
}

void mujo_stdout_line_buffered(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

static locale_t c_locale(void) {
    static locale_t loc = (locale_t)0;
    if (loc == (locale_t)0) loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return loc;
}

float mujo_parse_float(const char *text, int *ok) {
    char *end = NULL;
    errno = 0;
    float v = strtof_l(text, &end, c_locale());
    *ok = (end != text && end != NULL && *end == '\0' && errno == 0) ? 1 : 0;
    return *ok ? v : 0.0f;
}

double mujo_parse_double(const char *text, int *ok) {
    char *end = NULL;
    errno = 0;
    double v = strtod_l(text, &end, c_locale());
    *ok = (end != text && end != NULL && *end == '\0' && errno == 0) ? 1 : 0;
    return *ok ? v : 0.0;
}

#ifdef MUJO_EMBEDDED
/* Embedded Swift's Float("…") calls this (the full runtime has its own); glibc has strtof_l.
   Embedded builds pass -DMUJO_EMBEDDED to the C compiler. */
const char *_swift_stdlib_strtof_clocale(const char *nptr, float *outResult) {
    char *end = NULL;
    *outResult = strtof_l(nptr, &end, c_locale());
    return end;
}
#endif
