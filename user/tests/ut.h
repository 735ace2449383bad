/* SPDX-License-Identifier: MIT */
/* usertests' framework: ending a test with a reason, checking results, helpers. */
#pragma once
#include "../user.h"
#include "../../lib/printf.h"
#include "../../lib/syscall.h"

#define PAGE 4096UL
#define HZ ut_hz                 /* ticks per second (bootarg hz=, from sysinfo) */
#define UT_FAILED 99            /* exit status of a test that printed why */
#define UT_SKIPPED 98           /* exit status of a test that could not run (skipped()) */
#define E_ANY (-1)              /* want_err2: any -E* will do */
#define KERN_ADDR 0x80200000UL  /* kernel text: never reachable from U-mode */
#define STACK_BOTTOM (USER_TOP - USER_STACK_PAGES * PAGE)
#define GUARD_PAGE (STACK_BOTTOM - PAGE)

extern long ut_hz;

/* say - print one line with one write(), so lines of processes don't mix. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* fail - end the running test: "test NAME: FAILED (why)". In a child of the
 * test it prints a note and exits UT_FAILED for the test to notice. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* skipped - say why the running test cannot check what it is for here (no
 * file system, no workers...): "  NAME: why: skipped". If the test then
 * returns, it counts as skipped, not passed. Returns true. */
bool skipped(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define want(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)
/* want_err2 - ret must be -e1 or -e2 (E_ANY: any error); fmt names the call. */
void want_err2(long ret, int e1, int e2, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define want_err(ret, e, ...) want_err2((long)(ret), e, e, __VA_ARGS__)
/* want_ok - ret must not be an error; returns it. */
long want_ok(long ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* child_status - wait until pid ends (other children are dropped); its status. */
int child_status(int pid);
void want_status(int pid, int st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* want_statuses - wait for n children, in any order: each must end with st. */
void want_statuses(int n, int st, const char *what);
/* in_child - run fn in a new child process, return its exit status. */
int in_child(void (*fn)(void));
/* exec_status - exec in a child: the errno exec returned, or the program's status. */
int exec_status(const char *path, char *const argv[]);
int xfork(void);
void xpipe(int fds[2]);
/* heap_edge - grow the heap to a page boundary and one page more: the
 * returned address is the first byte of the first unmapped page. */
char *heap_edge(void);
/* lowest_fd - the fd the next open would get (checks for leaks). */
int lowest_fd(void);
/* raw_syscall - ecall with any number and arguments, as a buggy program might. */
long raw_syscall(long nr, long a0, long a1, long a2);
/* spin - burn CPU for about n loop iterations. */
void spin(long n);
/* rdtime - the time CSR, readable from U-mode: sysinfo's timebase a second. */
static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
