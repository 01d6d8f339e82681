#define _GNU_SOURCE
#include "CMuJoSystem.h"
#include <locale.h>

static int saved_argc = 0;
static char **saved_argv = NULL;
__attribute__((constructor)) static void mujo_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}
int mujo_argc(void) { return saved_argc; }
const char *mujo_argv(int index) { return (index >= 0 && index < saved_argc) ? saved_argv[index] : NULL; }

static volatile sig_atomic_t stop_signal = 0;
static volatile sig_atomic_t hangups = 0;
static void on_stop(int sig) { stop_signal = sig; }
static void on_hangup(int sig) { (void)sig; hangups = hangups + 1; }
void mujo_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_hangup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}
int mujo_stop_requested(int *which) { if (which) *which = stop_signal; return stop_signal != 0; }
int mujo_take_hangup(void) { if (hangups == 0) return 0; hangups = 0; return 1; }

int mujo_open_append(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    return fd < 0 ? -errno : fd;
}

int mujo_unix_listen(const char *path) {
    struct sockaddr_un addr;
    if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 4) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int mujo_unix_accept(int listener) {
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

long mujo_send_nonblocking(int fd, const void *buf, size_t len) {
    long r;
    do { r = (long)send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL); } while (r < 0 && errno == EINTR);
    return r < 0 ? -(long)errno : r;
}

long mujo_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    long pages = 0, resident = 0;
    int n = fscanf(f, "%ld %ld", &pages, &resident);
    fclose(f);
    return n == 2 ? resident * sysconf(_SC_PAGESIZE) : -1;
}

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
