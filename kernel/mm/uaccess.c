// SPDX-License-Identifier: MIT
// copyin/copyout/copyinstr: walk the process's page table in software, so a
// bad user address is an -EFAULT, never a kernel fault.
#include "uaccess.h"
#include "page.h"
#include "kernel/proc/proc.h"
#include "vm.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Copy between kernel buffer k and user range [uva, uva+n), page by page,
 * checking each page for perm. to_user picks the direction. */
static int copy(void *k, uint64_t uva, uint64_t n, uint64_t perm, bool to_user)
{
	struct proc *p = curproc();
	uint8_t *kb = k;
	int err = 0;

	if (!p || !p->vm || uva < USER_BASE || uva >= USER_TOP || n > USER_TOP - uva)
		return n ? -EFAULT : 0;
	spin_lock(&p->vm->lock);
	while (n) {
		uint64_t pa = mmu_lookup(p->vm->root, uva, perm | MMU_U);
		uint64_t chunk = MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		if (!pa) {
			err = -EFAULT;
			break;
		}
		if (to_user)
			memcpy((void *)pa, kb, chunk);
		else
			memcpy(kb, (void *)pa, chunk);
		uva += chunk, kb += chunk, n -= chunk;
	}
	spin_unlock(&p->vm->lock);
	return err;
}

int copyin(void *dst, uint64_t uva, uint64_t n)
{
	return copy(dst, uva, n, MMU_R, false);
}

int copyout(uint64_t uva, const void *src, uint64_t n)
{
	return copy((void *)src, uva, n, MMU_W, true);
}

long copyinstr(char *dst, uint64_t uva, uint64_t max)
{
	/* Byte-wise through copy(): strings are short and this stays simple. */
	for (uint64_t i = 0; i < max; i++) {
		if (copyin(&dst[i], uva + i, 1))
			return -EFAULT;
		if (dst[i] == 0)
			return (long)i;
	}
	return -ENAMETOOLONG;
}
