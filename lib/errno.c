// SPDX-License-Identifier: MIT
// Names of error numbers, for messages that a student can read.
#include "errno.h"
#include "types.h"

static const char *const names[] = {
	[EPERM] = "EPERM",   [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
	[EINTR] = "EINTR",   [EIO] = "EIO",       [ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",   [ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF",
	[ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE",
	[EFBIG] = "EFBIG",   [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",   [EPIPE] = "EPIPE",   [ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ENOTSUP] = "ENOTSUP",
	[ETIMEDOUT] = "ETIMEDOUT", [EMLINK] = "EMLINK", [EUCLEAN] = "EUCLEAN",
	[EMAYWAIT] = "EMAYWAIT",
};

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (err < (int)ARRAY_SIZE(names) && names[err])
		return names[err];
	return "E?";
}
