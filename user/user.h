/* SPDX-License-Identifier: MIT */
/* The user API: system calls (stubs in lib/syscall.S) and the user library. */
#pragma once
#include "../lib/abi.h"
#include "../lib/printf.h"
#include "../lib/errno.h"
#include "../lib/string.h"
#include "../lib/types.h"
#include <stdarg.h>

/* System calls. Each returns a negative -E* on error. */
int fork(void);
void exit(int status) __attribute__((noreturn));
int wait(int *status);
int pipe(int fds[2]);
long read(int fd, void *buf, unsigned long n);
int kill(int pid);
int exec(const char *path, char *const argv[]);
int fstat(int fd, struct stat *st);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
void *sbrk(long delta);  /* old break, or (void *)-errno */
int sleep(long ticks);   /* in ticks: sysinfo()'s hz a second (100 by default) */
long uptime(void);       /* ticks since boot */
int open(const char *path, int flags);
long write(int fd, const void *buf, unsigned long n);
int mknod(const char *path, int major, int minor);
int unlink(const char *path);
int link(const char *old, const char *new);
int mkdir(const char *path);
int close(int fd);
int thread_create(void (*entry)(void *), void *arg, void *stack_top);
void thread_exit(long value) __attribute__((noreturn));
int thread_join(int tid, long *value);
int intrstat(struct intr_table *t, unsigned long size);
int setpgid(int pid, int pgid);
int fgset(int pgid);     /* the console's ^C target; returns the one before */
int gettid(void);
int null(void);
int hartid(void);
long lseek(int fd, long off, int whence); /* the new offset */
int fsync(int fd);
int statfs(struct statfs *st);
int fsstat(struct fsstat *st, unsigned long size); /* the log's counters */
int pmemctl(int op, unsigned long arg);   /* PMEMCTL_* (lib/abi.h) */
/* syscall_nr - any call by its SYS_* number, through the trap path. */
long syscall_nr(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
int sysinfo(struct sysinfo *si, unsigned long size); /* tick rate, memory, hart roles */
int setaffinity(int tid, int hart); /* pin thread tid (0: me) to hart, -1: unpin */
int trace(unsigned long mask);     /* the kernel prints my calls whose bit is set */
int sigalarm(int ticks, void (*handler)(void)); /* upcall every ticks; 0: off */
int sigreturn(void);               /* the last thing an alarm handler does */

/* The user library (user/lib). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(int fd, const char *fmt, va_list ap);
/* snprintf is the shared formatter's own (lib/printf.c). */
#define snprintf nagi_snprintf
void *malloc(unsigned long n);
void *calloc(unsigned long n, unsigned long size);
void *realloc(void *p, unsigned long n);
void free(void *p);
int atoi(const char *s);
char *gets(char *buf, int max); /* one line from fd 0, NUL-terminated; NULL at EOF */
const char *strerror(int err);  /* "ENOENT" for -ENOENT or ENOENT */
unsigned tick_hz(void);         /* ticks per second of sleep() and uptime() */
/* exec_cmd - exec name, or /name if that is not found: how sh and intr
 * find programs. Returns only on failure (-errno). */
int exec_cmd(const char *name, char *const argv[]);
/* thread_spawn - start fn(arg) on a new thread with a malloc'd stack. */
int thread_spawn(void (*fn)(void *), void *arg);
/* thread_wait - thread_join, then free the stack of a thread_spawn'ed thread. */
int thread_wait(int tid, long *value);
