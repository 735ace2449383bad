// SPDX-License-Identifier: MIT
// stat: what the file system knows about each file: type, inode, links, size.
#include "../user.h"

static const char *type_name(int type)
{
	switch (type) {
	case T_DIR: return "directory";
	case T_FILE: return "file";
	case T_DEVICE: return "device";
	case T_PIPE: return "pipe";
	default: return "?";
	}
}

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2) {
		fprintf(2, "usage: stat FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int fd = open(argv[i], O_RDONLY), err = fd;
		if (fd >= 0) {
			err = fstat(fd, &st);
			close(fd);
		}
		if (err < 0) {
			fprintf(2, "stat: %s: %s\n", argv[i], strerror(err));
			status = 1;
			continue;
		}
		printf("%s: %s, inode %u, %d link%s, %lu bytes\n", argv[i], type_name(st.type),
		       st.ino, st.nlink, st.nlink == 1 ? "" : "s", st.size);
	}
	return status;
}
