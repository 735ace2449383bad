// SPDX-License-Identifier: MIT
// The calls on paths: open, mknod, unlink, link, mkdir, chdir; statfs and fsstat.
#include "file.h"
#include "kernel/fs/fs.h"
#include "kernel/proc/proc.h"
#include "rootfs.h"
#include "kernel/syscall.h"
#include "kernel/mm/uaccess.h"
#include "lib/abi.h"
#include "lib/errno.h"

#define MAXPATH 128 /* bytes of a path, its NUL included */

/* A path from user memory into buf[MAXPATH]: 0, -EFAULT or -ENAMETOOLONG. */
static long path_in(char *buf, uint64_t uaddr)
{
	long n = copyinstr(buf, uaddr, MAXPATH);
	return n < 0 ? n : 0;
}

/* open(path, flags) -> the lowest free fd, or -E* (see file_open). */
long sys_open(const struct sys_args *a)
{
	char path[MAXPATH];
	long err = path_in(path, arg_uaddr(a, 0));
	struct inode *cwd;
	struct file *f;
	int ferr;

	if (err < 0)
		return err;
	cwd = proc_cwd();
	f = file_open(cwd, path, arg_int(a, 1), &ferr);
	if (cwd)
		fs_iput(cwd);
	if (!f)
		return ferr;
	return fd_install_or_close(f);
}

/* The calls that change the tree: each needs a mounted file system. */
enum path_op { OP_MKNOD, OP_UNLINK, OP_MKDIR };

/* Run op on the path in argument 0, relative to the caller's directory. */
static long path_call(const struct sys_args *a, enum path_op op)
{
	char path[MAXPATH];
	long err = path_in(path, arg_uaddr(a, 0));
	struct inode *cwd;

	if (err < 0)
		return err;
	if (!rootfs_mounted())
		return -EROFS; /* the boot file set */
	cwd = proc_cwd();
	if (op == OP_MKNOD)
		err = fs_mknod(cwd, path, arg_int(a, 1), arg_int(a, 2));
	else if (op == OP_UNLINK)
		err = fs_unlink(cwd, path);
	else
		err = fs_mkdir(cwd, path);
	if (cwd)
		fs_iput(cwd);
	return err;
}

/* mknod(path, major, minor) -> 0; -EEXIST, -EINVAL (numbers outside
 * 0..65535), -EROFS without a file system, and the path errors (fs.h). */
long sys_mknod(const struct sys_args *a)
{
	return path_call(a, OP_MKNOD);
}

/* unlink(path) -> 0; -ENOTEMPTY (a directory with entries), -EINVAL
 * ("." or ".."), -EBUSY ("/"), and the path errors. */
long sys_unlink(const struct sys_args *a)
{
	return path_call(a, OP_UNLINK);
}

/* mkdir(path) -> 0; -EEXIST, and the path errors. */
long sys_mkdir(const struct sys_args *a)
{
	return path_call(a, OP_MKDIR);
}

/* link(old, new) -> 0; -EEXIST, -EPERM (old is a directory), -EMLINK,
 * and the path errors of either. */
long sys_link(const struct sys_args *a)
{
	char old[MAXPATH], new[MAXPATH];
	long err = path_in(old, arg_uaddr(a, 0));
	struct inode *cwd;

	if (err == 0)
		err = path_in(new, arg_uaddr(a, 1));
	if (err < 0)
		return err;
	if (!rootfs_mounted())
		return -EROFS;
	cwd = proc_cwd();
	err = fs_link(cwd, old, new);
	if (cwd)
		fs_iput(cwd);
	return err;
}

/* chdir(path) -> 0 if path is a directory, -ENOTDIR if it is something
 * else, or the path errors. Without a file system only "/" exists. */
long sys_chdir(const struct sys_args *a)
{
	char path[MAXPATH];
	long err = path_in(path, arg_uaddr(a, 0));
	struct inode *cwd, *ip;
	struct stat st;

	if (err < 0)
		return err;
	if (!rootfs_mounted()) {
		int ferr;
		struct file *f = bootfs_open(path, O_RDONLY, &ferr);
		if (f) {
			ferr = file_stat(f, &st) < 0 || st.type != T_DIR ? -ENOTDIR : 0;
			file_close(f);
		}
		return ferr;
	}
	cwd = proc_cwd();
	err = fs_lookup(cwd, path, &ip);
	if (cwd)
		fs_iput(cwd);
	if (err < 0)
		return err;
	if ((err = fs_stat(ip, &st)) == 0 && st.type != T_DIR)
		err = -ENOTDIR;
	if (err < 0) {
		fs_iput(ip);
		return err;
	}
	proc_set_cwd(ip);
	return 0;
}

/* statfs(struct statfs *) -> 0; -ENXIO with no file system mounted, or
 * -EFAULT. */
long sys_statfs(const struct sys_args *a)
{
	struct statfs st;
	long err = rootfs_mounted() ? fs_statfs(&st) : -ENXIO;

	if (err < 0)
		return err;
	return copyout(arg_uaddr(a, 0), &st, sizeof(st));
}

/* fsstat(struct fsstat *, size) -> 0: the log's counters since mount
 * (racy snapshots, no lock). -EINVAL for a size below the struct's,
 * -ENXIO with no file system mounted, -EFAULT. */
long sys_fsstat(const struct sys_args *a)
{
	struct fs_stats s;
	struct fsstat st;

	if (arg_size(a, 1) < sizeof(st))
		return -EINVAL;
	if (!rootfs_mounted())
		return -ENXIO;
	fs_get_stats(&s);
	st = (struct fsstat){ .commits = s.commits, .logged = s.logged, .resets = s.resets,
			      .peak = s.peak, .logcap = s.logcap, .commit_ns = s.commit_ns,
			      .home_ns = s.home_ns, .open_ns = s.open_ns };
	return copyout(arg_uaddr(a, 0), &st, sizeof(st));
}
