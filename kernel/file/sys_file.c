// SPDX-License-Identifier: MIT
// The calls on file descriptors: read, write, close, dup, pipe, fstat, lseek, fsync.
#include "file.h"
#include "kernel/proc/proc.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/mm/uaccess.h"
#include "lib/abi.h"
#include "lib/errno.h"
#include "lib/string.h"

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

/* read and write may wait without bound on the kinds of file that say so
 * (a pipe, the console); on a bad descriptor they fail at once. */
bool fd_may_wait(const struct sys_args *a)
{
	/* A peek, not fd_get: its two locks and file_close's third cost
	 * 0.7 us a call under QEMU, and the answer is racy either way. The
	 * file table is static and ops point to constant tables, so a file
	 * closed meanwhile reads as NULL or as some kind of file. */
	struct file *f = fd_peek(arg_int(a, 0));
	const struct file_ops *ops = f ? __atomic_load_n(&f->ops, __ATOMIC_RELAXED) : NULL;

	return ops && ops->waits;
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

/* lseek(fd, off, whence) -> the new offset; -EBADF, -ESPIPE (console,
 * pipe), -EINVAL (bad whence, or the result negative or past the largest
 * file; a directory's must fall on an entry). */
long sys_lseek(const struct sys_args *a)
{
	struct file *f = fd_get(arg_int(a, 0));
	long r;

	if (!f)
		return -EBADF;
	r = file_lseek(f, arg_long(a, 1), arg_int(a, 2));
	file_close(f);
	return r;
}

/* fsync(fd) -> 0 once the file's data is durable; -EBADF, or -EINVAL for
 * the console and pipes. */
long sys_fsync(const struct sys_args *a)
{
	struct file *f = fd_get(arg_int(a, 0));
	long r;

	if (!f)
		return -EBADF;
	r = file_fsync(f);
	file_close(f);
	return r;
}
