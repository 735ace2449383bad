/* SPDX-License-Identifier: MIT */
/* Error numbers shared by kernel and user space; syscalls return -E*. */
#pragma once

#define EPERM 1    /* operation not permitted */
#define ENOENT 2   /* no such file or directory */
#define ESRCH 3    /* no such process */
#define EINTR 4    /* interrupted */
#define EIO 5      /* I/O error */
#define ENXIO 6    /* no such device */
#define E2BIG 7    /* argument list too long */
#define ENOEXEC 8  /* exec format error */
#define EBADF 9    /* bad file descriptor */
#define ECHILD 10  /* no child processes */
#define EAGAIN 11  /* try again */
#define ENOMEM 12  /* out of memory */
#define EACCES 13  /* permission denied */
#define EFAULT 14  /* bad address */
#define EBUSY 16   /* resource busy */
#define EEXIST 17  /* file exists */
#define ENOTDIR 20 /* not a directory */
#define EISDIR 21  /* is a directory */
#define EINVAL 22  /* invalid argument */
#define ENFILE 23  /* file table overflow */
#define EMFILE 24  /* too many open files */
#define EFBIG 27   /* file too large */
#define ENOSPC 28  /* no space left on device */
#define ESPIPE 29  /* illegal seek */
#define EROFS 30   /* read-only file system */
#define EMLINK 31  /* too many links */
#define EPIPE 32   /* broken pipe */
#define ERANGE 34  /* result out of range */
#define ENAMETOOLONG 36 /* name too long */
#define ENOSYS 38  /* function not implemented */
#define ENOTEMPTY 39 /* directory not empty */
#define ETIMEDOUT 110 /* timed out */
#define ENOTSUP 95 /* operation not supported */
#define EUCLEAN 117 /* structure needs cleaning: damage found on disk */
#define EMAYWAIT 140 /* not run: the call may wait for another program (SYS_BOUNDED) */

/* errno_name - the symbolic name of an error number, or "E?" if unknown. */
const char *errno_name(int err);
