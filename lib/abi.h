/* SPDX-License-Identifier: MIT */
/* Structures and constants shared by the kernel and user space. Every
 * layout here is part of the ABI: offsets are checked at compile time. */
#pragma once
#include "types.h"

/* open() flags, xv6's values. */
#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400
#define O_APPEND 0x800

/* struct stat types */
#define T_DIR 1
#define T_FILE 2
#define T_DEVICE 3
#define T_PIPE 4

struct stat {
	int32_t dev;    /* 0 device of the file system */
	uint32_t ino;   /* 4 inode number */
	int16_t type;   /* 8 T_* */
	int16_t nlink;  /* 10 links */
	uint32_t pad;   /* 12 */
	uint64_t size;  /* 16 bytes */
};
_Static_assert(sizeof(struct stat) == 24, "struct stat");
_Static_assert(offsetof(struct stat, size) == 16, "stat.size");

/* Exit statuses the kernel gives a process it kills. */
#define EXIT_KILLED 137  /* kill() or ^C: 128 + SIGKILL's 9, as a shell shows it */
#define EXIT_FAULT 139   /* a fault: 128 + SIGSEGV's 11 */

/* The interrupt statistics table returned by the intrstat syscall. */
#define INTR_MAX_HARTS 8
#define INTR_MAX_ROWS 48

struct intr_row {
	char label[8];                    /*   0 "10", "TIM", "IPI0" */
	char desc[40];                    /*   8 "PLIC  uart0" */
	uint64_t count[INTR_MAX_HARTS];   /*  48 per column */
};
_Static_assert(sizeof(struct intr_row) == 112, "intr_row");

struct intr_table {
	uint32_t nharts;                  /*   0 columns in use */
	uint32_t nrows;                   /*   4 rows in use */
	int32_t hartid[INTR_MAX_HARTS];   /*   8 column -> hart id */
	struct intr_row rows[INTR_MAX_ROWS]; /* 40 */
};
_Static_assert(offsetof(struct intr_table, rows) == 40, "intr_table.rows");

/* A directory entry, as read() returns them from a directory fd. */
#define DIRSIZ 28
struct dirent {
	uint32_t inum;      /* 0: a free slot */
	char name[DIRSIZ];  /* 4: NUL-padded, not always NUL-terminated */
};
_Static_assert(sizeof(struct dirent) == 32, "struct dirent");

/* User address space (Sv39 slot 1): text from USER_BASE, heap above it,
 * the stack at the top with an unmapped guard page below it. */
#define USER_BASE 0x40000000UL
#define USER_TOP 0x80000000UL
#define USER_STACK_PAGES 16
