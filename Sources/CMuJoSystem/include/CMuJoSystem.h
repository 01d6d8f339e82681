// The few system interfaces the MuJo Edge core needs, for host and Embedded Swift alike.
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
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <i2c/smbus.h>

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

#endif
