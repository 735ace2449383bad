/* SPDX-License-Identifier: MIT */
/* What a lab's stub in the user library does in the student tree (docs/labs/README.md). */
#pragma once

/* lab_missing - print "lab LAB: WHAT" on stderr and return -ENOSYS: the
 * user library's stubs in a student tree (the kernel's is kernel/lab.h). */
long lab_missing(const char *lab, const char *what);
