/* SPDX-License-Identifier: MIT */
/* What a lab's stub does in the student tree (docs/labs/README.md). */
#pragma once

/* lab_missing - print "lab LAB: WHAT" on the console and return -ENOSYS:
 * the stub a solution region is replaced with in a student tree. */
long lab_missing(const char *lab, const char *what);
