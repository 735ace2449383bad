// SPDX-License-Identifier: MIT
// df: the file system's size and free space, in blocks and inodes.
#include "../user.h"

int main(void)
{
	struct statfs st;
	int err = statfs(&st);
	uint64_t used;

	if (err < 0) {
		fprintf(2, "df: %s%s\n", strerror(err),
			err == -ENXIO ? ": no file system mounted (the boot files are read-only)"
				      : "");
		return 1;
	}
	used = st.blocks - st.bfree;
	printf("%-6s %6s %8s %8s %8s %5s %7s %6s %6s\n", "fs", "bsize", "blocks", "used", "free",
	       "use%", "inodes", "iused", "ifree");
	printf("%-6s %6u %8lu %8lu %8lu %4lu%% %7lu %6lu %6lu\n", "pmem", st.bsize, st.blocks,
	       used, st.bfree, (used * 100 + st.blocks - 1) / st.blocks, st.files,
	       st.files - st.ffree, st.ffree);
	printf("%lu KiB free of %lu KiB\n", st.bfree * st.bsize / 1024,
	       st.blocks * st.bsize / 1024);
	return 0;
}
