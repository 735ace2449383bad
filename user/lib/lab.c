// SPDX-License-Identifier: MIT
// The user library's stubs report themselves: "lab fibers: fiber_switch not implemented".
#include "../user.h"
#include "../lab.h"

long lab_missing(const char *lab, const char *what)
{
	/* On the console itself, where the grader looks, even from a
	 * program whose stderr goes elsewhere; stderr without a console. */
	int fd = open("/dev/console", O_WRONLY);
	fprintf(fd >= 0 ? fd : 2, "lab %s: %s\n", lab, what);
	if (fd >= 0)
		close(fd);
	return -ENOSYS;
}
