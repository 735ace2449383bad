// SPDX-License-Identifier: MIT
// The file system calls: read, write, open, close, dup, pipe, fstat, chdir.
#include "file.h"
#include "proc.h"
#include "spinlock.h"
#include "syscall.h"
#include "uaccess.h"
#include "../lib/abi.h"
#include "../lib/errno.h"
#include "../lib/string.h"

#define MAXPATH 128 /* bytes of a path, its NUL included */

/* Take f out of slot fd and close it, unless another thread has already
 * closed that slot (it dropped the reference then). */
static void fd_undo(int fd, struct file *f)
{
	struct proc *p = curproc();
	bool ours;

	spin_lock(&p->lock);
	ours = p->files[fd] == f;
	if (ours)
		p->files[fd] = NULL;
	spin_unlock(&p->lock);
	if (ours)
		file_close(f);
}

/* Install f as a new descriptor; on failure f's reference is dropped. */
static long fd_install_or_close(struct file *f)
{
	int fd = fd_install(f);
	if (fd < 0)
		file_close(f);
	return fd;
}

/* A path from user memory into buf[MAXPATH]: 0, -EFAULT or -ENAMETOOLONG. */
static long path_in(char *buf, uint64_t uaddr)
{
	long n = copyinstr(buf, uaddr, MAXPATH);
	return n < 0 ? n : 0;
}

/* Can [uaddr, uaddr + n) be user memory at all? A length that reaches
 * past the end of user space fails whole, before anything moves. */
static long check_range(uint64_t uaddr, long n)
{
	if (n < 0)
		return -EINVAL;
	if (n > 0 && (uaddr < USER_BASE || uaddr >= USER_TOP || (uint64_t)n > USER_TOP - uaddr))
		return -EFAULT;
	return 0;
}

/* read(fd, buf, n) and write(fd, buf, n): check, then move. */
static long rw(const struct sys_args *a, bool write)
{
	uint64_t uaddr = arg_uaddr(a, 1);
	long n = arg_long(a, 2);
	struct file *f = fd_get(arg_int(a, 0));
	long ret;

	if (!f)
		return -EBADF;
	ret = check_range(uaddr, n);
	if (ret == 0 && write)
		ret = file_write(f, uaddr, (uint64_t)n);
	else if (ret == 0)
		ret = file_read(f, uaddr, (uint64_t)n);
	file_close(f);
	return ret;
}

/* read(fd, buf, n) -> bytes read, 0 at end of file, or -E*. */
long sys_read(const struct sys_args *a)
{
	return rw(a, false);
}

/* write(fd, buf, n) -> bytes written or -E*. */
long sys_write(const struct sys_args *a)
{
	return rw(a, true);
}

/* open(path, flags) -> the lowest free fd, or -E* (see file_open). */
long sys_open(const struct sys_args *a)
{
	char path[MAXPATH];
	long err = path_in(path, arg_uaddr(a, 0));
	int ferr;
	struct file *f;

	if (err < 0)
		return err;
	f = file_open(path, arg_int(a, 1), &ferr);
	if (!f)
		return ferr;
	return fd_install_or_close(f);
}

/* close(fd) -> 0 or -EBADF. Takes the process lock. */
long sys_close(const struct sys_args *a)
{
	struct proc *p = curproc();
	int fd = arg_int(a, 0);
	struct file *f = NULL;

	if (fd < 0 || fd >= NOFILE)
		return -EBADF;
	spin_lock(&p->lock);
	f = p->files[fd];
	p->files[fd] = NULL;
	spin_unlock(&p->lock);
	if (!f)
		return -EBADF;
	file_close(f);
	return 0;
}

/* dup(fd) -> a new fd for the same open file, or -EBADF / -EMFILE. */
long sys_dup(const struct sys_args *a)
{
	struct file *f = fd_get(arg_int(a, 0));

	if (!f)
		return -EBADF;
	return fd_install_or_close(f);
}

/* pipe(int fds[2]) -> 0, with fds[0] the read end and fds[1] the write
 * end; -ENOMEM, -ENFILE, -EMFILE or -EFAULT, with nothing left open. */
long sys_pipe(const struct sys_args *a)
{
	struct file *rd, *wr;
	int fds[2];
	long err = pipe_create(&rd, &wr);

	if (err < 0)
		return err;
	fds[0] = fd_install(rd);
	if (fds[0] < 0) {
		file_close(rd);
		file_close(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr);
	if (fds[1] < 0) {
		fd_undo(fds[0], rd);
		file_close(wr);
		return fds[1];
	}
	if (copyout(arg_uaddr(a, 0), fds, sizeof(fds)) < 0) {
		fd_undo(fds[0], rd);
		fd_undo(fds[1], wr);
		return -EFAULT;
	}
	return 0;
}

/* fstat(fd, struct stat *) -> 0, -EBADF or -EFAULT. */
long sys_fstat(const struct sys_args *a)
{
	struct file *f = fd_get(arg_int(a, 0));
	struct stat st;
	long err;

	if (!f)
		return -EBADF;
	err = file_stat(f, &st);
	file_close(f);
	if (err < 0)
		return err;
	return copyout(arg_uaddr(a, 1), &st, sizeof(st));
}

/* chdir(path) -> 0 if path is a directory (only "/" exists for now),
 * -ENOTDIR if it is something else, -ENOENT if nothing. Resolves the path
 * the way open() does; takes the process lock to set cwd. */
long sys_chdir(const struct sys_args *a)
{
	struct proc *p = curproc();
	char path[MAXPATH];
	long err = path_in(path, arg_uaddr(a, 0));
	struct stat st;
	struct file *f;
	int ferr;

	if (err < 0)
		return err;
	f = file_open(path, O_RDONLY, &ferr);
	if (!f)
		return ferr;
	err = file_stat(f, &st);
	file_close(f);
	if (err < 0)
		return err;
	if (st.type != T_DIR)
		return -ENOTDIR;
	spin_lock(&p->lock);
	nagi_strlcpy(p->cwd, "/", sizeof(p->cwd));
	spin_unlock(&p->lock);
	return 0;
}
