// The few system interfaces the MuJo Edge board code needs, for host and Embedded Swift alike.
// No BLAS here: the float GEMM path is host-only (CMuJoBLAS).
// Swift cannot call variadic C functions (open, ioctl) nor read errno portably in Embedded
// mode, so thin wrappers live here. Everything else is the plain C API.
#ifndef CMUJOSYSTEM_H
#define CMUJOSYSTEM_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <signal.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <i2c/smbus.h>
#include <math.h>

/// errno of the calling thread. The corresponding C expression is `errno`.
int mujo_errno(void);
/// Sets errno (for syscall fakes in tests).
void mujo_set_errno(int value);
/// `open(path, flags)` without a mode argument.
int mujo_open(const char *path, int flags);
/// `ioctl(fd, request, (unsigned long)arg)`: I2C_SLAVE, I2C_SLAVE_FORCE, I2C_FUNCS-by-value.
int mujo_ioctl_ulong(int fd, unsigned long request, unsigned long arg);
/// `ioctl(fd, request, ptr)`: I2C_FUNCS, I2C_RDWR, I2C_SMBUS.
int mujo_ioctl_ptr(int fd, unsigned long request, void *arg);
/// CLOCK_MONOTONIC in nanoseconds.
int64_t mujo_monotonic_ns(void);
/// Sleeps for the given number of nanoseconds (nanosleep, restarted on EINTR).
void mujo_sleep_ns(int64_t ns);
/// Line-buffers stdout so an Embedded Swift trap cannot lose already printed lines.
void mujo_stdout_line_buffered(void);
/// Parses a float with the C locale; returns 0 and sets *ok = 0 on failure.
float mujo_parse_float(const char *text, int *ok);
/// Parses a double with the C locale; returns 0 and sets *ok = 0 on failure.
double mujo_parse_double(const char *text, int *ok);

// ---- For mujod (the board program): arguments, signals, event sinks ----

/// The program's argument count and arguments, captured before main (glibc passes them to
/// constructors), so Embedded Swift programs need no `CommandLine`.
int mujo_argc(void);
const char *mujo_argv(int index);
/// Installs handlers that only set flags: SIGINT/SIGTERM (stop), SIGHUP (reopen the event file);
/// ignores SIGPIPE (a closed socket reader is an error return, not a death).
void mujo_install_signal_handlers(void);
/// 1 when a stop signal arrived (SIGINT or SIGTERM); the signal number via *which.
int mujo_stop_requested(int *which);
/// 1 once per SIGHUP received since the last call.
int mujo_take_hangup(void);
/// `open(path, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0640)`; fd or -errno.
int mujo_open_append(const char *path);
/// A listening, non-blocking Unix stream socket at `path` (an old socket file is replaced); fd or -errno.
int mujo_unix_listen(const char *path);
/// Accepts one pending client without blocking; fd, or -EAGAIN when none, or -errno.
int mujo_unix_accept(int listener);
/// `send(fd, buf, len, MSG_DONTWAIT|MSG_NOSIGNAL)`; bytes or -errno (EAGAIN when the reader is slow).
long mujo_send_nonblocking(int fd, const void *buf, size_t len);
/// Resident set size of this process in bytes (from /proc/self/statm), or -1.
long mujo_rss_bytes(void);

/// `stat(path)`'s st_mode (type and permission bits), or -errno. The corresponding C call is `stat`.
static inline long mujo_stat_mode(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return -errno;
    return (long)st.st_mode;
}

// ---- Added for MuJoSensors (static inline so no C source changes are needed) ----

/// One I2C_RDWR transfer: write the register byte `reg`, then (repeated start) read `len` bytes.
/// Returns 0 or -errno. The corresponding C call is `ioctl(fd, I2C_RDWR, &data)`.
static inline int mujo_i2c_write_read(int fd, uint16_t addr, uint8_t reg, uint8_t *buf, uint16_t len) {
    struct i2c_msg msgs[2];
    msgs[0].addr = addr; msgs[0].flags = 0; msgs[0].len = 1; msgs[0].buf = &reg;
    msgs[1].addr = addr; msgs[1].flags = I2C_M_RD; msgs[1].len = len; msgs[1].buf = buf;
    struct i2c_rdwr_ioctl_data data;
    data.msgs = msgs; data.nmsgs = 2;
    int r = ioctl(fd, I2C_RDWR, &data);
    return r < 0 ? -errno : 0;
}
/// `ioctl(fd, I2C_FUNCS, &funcs)`; returns 0 or -errno.
static inline int mujo_i2c_funcs(int fd, unsigned long *funcs) {
    int r = ioctl(fd, I2C_FUNCS, funcs);
    return r < 0 ? -errno : 0;
}
/// The name of a directory entry (`d_name`), or NULL.
static inline const char *mujo_dirent_name(const struct dirent *entry) { return entry ? entry->d_name : NULL; }
/// `poll` on one descriptor for POLLIN; returns >0 readable, 0 timeout, -errno on error.
/// `*revents` receives the returned events (POLLHUP/POLLERR included).
static inline int mujo_poll_in(int fd, int timeout_ms, short *revents) {
    struct pollfd p; p.fd = fd; p.events = POLLIN; p.revents = 0;
    int r;
    do { r = poll(&p, 1, timeout_ms); } while (r < 0 && errno == EINTR);
    *revents = p.revents;
    return r < 0 ? -errno : r;
}
/// `read` restarted on EINTR; returns bytes or -errno.
static inline long mujo_read(int fd, void *buf, size_t len) {
    long r;
    do { r = (long)read(fd, buf, len); } while (r < 0 && errno == EINTR);
    return r < 0 ? -(long)errno : r;
}
/// `write` restarted on EINTR; returns bytes or -errno.
static inline long mujo_write(int fd, const void *buf, size_t len) {
    long r;
    do { r = (long)write(fd, buf, len); } while (r < 0 && errno == EINTR);
    return r < 0 ? -(long)errno : r;
}

#endif
