/* SPDX-License-Identifier: MIT */
/* Moving data between the kernel and the current process's user memory.
 * Every byte's page is checked (mapped, user, readable or writable) before
 * anything is copied; nothing here can fault. */
#pragma once
#include "lib/types.h"

/* copyin - n bytes from user address uva into dst; 0 or -EFAULT. */
int copyin(void *dst, uint64_t uva, uint64_t n);
/* copyout - n bytes from src to user address uva; 0 or -EFAULT. */
int copyout(uint64_t uva, const void *src, uint64_t n);
/* copyinstr - a NUL-terminated string of at most max bytes (NUL included)
 * into dst; its length, -EFAULT, or -ENAMETOOLONG if no NUL within max. */
long copyinstr(char *dst, uint64_t uva, uint64_t max);
