// SPDX-License-Identifier: MIT
// ls: list directories (the current one by default) or files: name, type, inode, size.
#include "../user.h"

static const char *type_name(int type)
{
	switch (type) {
	case T_DIR: return "dir";
	case T_FILE: return "file";
	case T_DEVICE: return "device";
	case T_PIPE: return "pipe";
	default: return "?";
	}
}

/* One line for path, shown as name; 0, or 1 after printing an error. */
static int show(const char *path, const char *name)
{
	struct stat st;
	int fd = open(path, O_RDONLY), err;

	if (fd < 0) {
		fprintf(2, "ls: %s: %s\n", path, strerror(fd));
		return 1;
	}
	err = fstat(fd, &st);
	close(fd);
	if (err < 0) {
		fprintf(2, "ls: %s: %s\n", path, strerror(err));
		return 1;
	}
	printf("%-16s %-6s %5u %8lu\n", name, type_name(st.type), st.ino, st.size);
	return 0;
}

/* One line per entry of the directory open as fd, whose path is dir. */
static int list_dir(int fd, const char *dir)
{
	struct dirent de[16];
	char name[DIRSIZ + 1], path[128];
	int status = 0;
	long n;

	while ((n = read(fd, de, sizeof de)) > 0) {
		for (long i = 0; i < n / (long)sizeof de[0]; i++) {
			if (!de[i].inum)
				continue; /* a free slot */
			nagi_strlcpy(name, de[i].name, sizeof name);
			snprintf(path, sizeof path, "%s%s%s", dir,
				 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
			status |= show(path, name);
		}
	}
	if (n < 0) {
		fprintf(2, "ls: %s: %s\n", dir, strerror(n));
		return 1;
	}
	return status;
}

/* List path: its entries if it is a directory, else the file itself. */
static int ls(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY), status;

	if (fd < 0) {
		fprintf(2, "ls: %s: %s\n", path, strerror(fd));
		return 1;
	}
	if (fstat(fd, &st) == 0 && st.type == T_DIR)
		status = list_dir(fd, path);
	else
		status = show(path, path);
	close(fd);
	return status;
}

int main(int argc, char *argv[])
{
	int status = 0;

	if (argc < 2)
		return ls(".");
	for (int i = 1; i < argc; i++)
		status |= ls(argv[i]);
	return status;
}
