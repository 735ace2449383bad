// SPDX-License-Identifier: MIT
// In-kernel tests of files without processes: boot files, file_open, the table, pipes.
#include "kernel/file/file.h"
#include "../../kernel/ktest.h"
#include "kernel/mm/page.h"
#include "../../lib/errno.h"
#include "../../lib/string.h"

KTEST(bootfs_lookup)
{
	const struct bootfile *b = bootfs_lookup("hello");
	int n = bootfs_count();

	KEXPECT(b != NULL);
	KEXPECT(strcmp(b->name, "hello") == 0);
	KEXPECT(b->size > 4 && memcmp(b->data, "\177ELF", 4) == 0);
	KEXPECT(bootfs_lookup("/hello") == b);
	KEXPECT(bootfs_lookup("no-such-file") == NULL);
	KEXPECT(bootfs_lookup("") == NULL && bootfs_lookup("/") == NULL);
	KEXPECT(n >= 1);
	KEXPECT(bootfs_get(-1) == NULL && bootfs_get(n) == NULL);
	for (int i = 0; i < n; i++)
		KEXPECT(bootfs_lookup(bootfs_get(i)->name) == bootfs_get(i));
	return 0;
}

/* file_open(path, flags) must fail with err. */
static bool open_fails(const char *path, int flags, int err)
{
	int e = 0;
	struct file *f = file_open(NULL, path, flags, &e);
	if (f) {
		file_close(f);
		return false;
	}
	return e == err;
}

KTEST(file_open_errors)
{
	KEXPECT(open_fails("no-such-file", O_RDONLY, -ENOENT));
	KEXPECT(open_fails("", O_RDONLY, -ENOENT));
	KEXPECT(open_fails("hello/x", O_RDONLY, -ENOTDIR));
	KEXPECT(open_fails("hello", O_WRONLY, -EROFS));
	KEXPECT(open_fails("/hello", O_RDWR, -EROFS));
	KEXPECT(open_fails("hello", O_RDONLY | O_CREATE, -EROFS));
	KEXPECT(open_fails("hello", O_RDONLY | O_TRUNC, -EROFS));
	KEXPECT(open_fails("/", O_WRONLY, -EROFS));
	KEXPECT(open_fails(".", O_RDWR, -EROFS));
	KEXPECT(open_fails("new-file", O_WRONLY | O_CREATE, -EROFS));
	KEXPECT(open_fails("hello", O_WRONLY | O_RDWR, -EINVAL));
	KEXPECT(open_fails("hello", 0x10000, -EINVAL));
	return 0;
}

/* Open path and stat it; st->type is -1 if either fails. */
static void open_stat(const char *path, int flags, struct stat *st, bool *r, bool *w)
{
	int e;
	struct file *f = file_open(NULL, path, flags, &e);

	st->type = -1;
	if (!f)
		return;
	*r = f->readable;
	*w = f->writable;
	if (file_stat(f, st) < 0)
		st->type = -1;
	file_close(f);
}

KTEST(file_stat_kinds)
{
	const struct bootfile *b = bootfs_lookup("hello");
	struct stat st;
	bool r = false, w = false;

	open_stat("/", O_RDONLY, &st, &r, &w);
	KEXPECT(st.type == T_DIR && r && !w);
	KEXPECT(st.size == (uint64_t)bootfs_count() * sizeof(struct dirent));
	open_stat("./", O_RDONLY, &st, &r, &w);
	KEXPECT(st.type == T_DIR);
	open_stat("/hello", O_RDONLY, &st, &r, &w);
	KEXPECT(st.type == T_FILE && st.size == b->size && st.ino >= 1);
	open_stat("console", O_WRONLY, &st, &r, &w);
	KEXPECT(st.type == T_DEVICE && !r && w);
	open_stat("/dev/console", O_RDWR, &st, &r, &w);
	KEXPECT(st.type == T_DEVICE && r && w);
	open_stat("console", O_RDONLY, &st, &r, &w);
	KEXPECT(st.type == T_DEVICE && r && !w);
	return 0;
}

KTEST(file_wrong_direction)
{
	int e;
	struct file *f = file_open(NULL, "hello", O_RDONLY, &e);

	KEXPECT(f && e == 0);
	KEXPECT(file_write(f, 0, 1) == -EBADF);
	file_close(f);
	f = file_open(NULL, "/", O_RDONLY, &e);
	KEXPECT(f);
	KEXPECT(file_write(f, 0, 1) == -EBADF);
	file_close(f);
	f = file_open(NULL, "console", O_WRONLY, &e);
	KEXPECT(f);
	KEXPECT(file_read(f, 0, 1) == -EBADF);
	file_close(f);
	return 0;
}

static int closes;
static void count_close(struct file *f)
{
	UNUSED(f);
	closes++;
}
static const struct file_ops counting_ops = { .close = count_close };

KTEST(file_table_refs)
{
	static struct file *fs[NFILE];
	int n = 0;
	struct stat st;

	closes = 0;
	while (n < NFILE && (fs[n] = file_alloc(&counting_ops, NULL, true, false)))
		n++;
	KEXPECT(n > NFILE / 2); /* nothing else should hold many files */
	KEXPECT(file_alloc(&counting_ops, NULL, true, false) == NULL);
	KEXPECT(file_stat(fs[0], &st) == -EINVAL);
	KEXPECT(file_read(fs[0], 0, 1) == -EINVAL);
	file_dup(fs[0]);
	file_close(fs[0]);
	KEXPECT(closes == 0);
	for (int i = 0; i < n; i++)
		file_close(fs[i]);
	KEXPECT(closes == n);
	return 0;
}

KTEST(pipe_create_close)
{
	uint64_t free_pages = page_free_count();
	struct file *rd, *wr;
	struct stat st;

	KEXPECT(pipe_create(&rd, &wr) == 0);
	KEXPECT(rd->readable && !rd->writable && wr->writable && !wr->readable);
	KEXPECT(file_stat(rd, &st) == 0 && st.type == T_PIPE && st.size == 0);
	KEXPECT(file_write(rd, 0, 1) == -EBADF && file_read(wr, 0, 1) == -EBADF);
	KEXPECT(page_free_count() == free_pages - 1);
	file_close(wr);
	file_close(rd);
	KEXPECT(page_free_count() == free_pages);
	/* the other order, and a read end held twice */
	KEXPECT(pipe_create(&rd, &wr) == 0);
	file_dup(rd);
	file_close(rd);
	file_close(rd);
	KEXPECT(page_free_count() == free_pages - 1);
	file_close(wr);
	KEXPECT(page_free_count() == free_pages);
	return 0;
}
