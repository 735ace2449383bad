// SPDX-License-Identifier: MIT
// init: the first process. Opens the console, keeps a shell running, reaps orphans.
#include "../user.h"

/* Open the console as fd 0 (stdin), 1 (stdout) and 2 (stderr). If the
 * file system has lost /dev/console, make it again (as xv6's init does). */
static int open_console(void)
{
	int fd = open("/dev/console", O_RDWR);

	if (fd == -ENOENT) {
		mkdir("/dev");
		mknod("/dev/console", MAJOR_CONSOLE, 0);
		fd = open("/dev/console", O_RDWR);
	}
	if (fd < 0)
		return fd;
	if (fd != 0) { /* 0, 1 and 2 were already open: keep them */
		close(fd);
		return 0;
	}
	dup(0);
	dup(0);
	return 0;
}

/* Start a shell in a process group of its own, so that no ^C meant for
 * the shell or its jobs can ever reach init. */
static int start_shell(void)
{
	char *argv[] = { "sh", NULL };
	int pid = fork();

	if (pid != 0)
		return pid;
	setpgid(0, 0);
	int err = exec("sh", argv);
	fprintf(2, "init: exec sh: %s\n", strerror(err));
	exit(127);
}

/* Wait for the shell; any other child that turns up is an orphan that was
 * handed to init when its parent exited: reaping it frees its slot. */
static int wait_shell(int pid)
{
	int status = 0, w;

	while ((w = wait(&status)) != pid) {
		if (w < 0)
			return -1; /* no children at all: should not happen */
	}
	return status;
}

int main(void)
{
	if (open_console() < 0)
		exit(1); /* nowhere to report it */
	printf("init: starting sh\n");
	for (;;) {
		long start = uptime();
		int pid = start_shell();

		if (pid < 0) {
			fprintf(2, "init: fork: %s\n", strerror(pid));
			sleep(100);
			continue;
		}
		int status = wait_shell(pid);
		if (WIFSIGNALED(status))
			printf("init: sh (pid %d) was killed (signal %d); starting a new one\n",
			       pid, WTERMSIG(status));
		else
			printf("init: sh (pid %d) exited with status %d; starting a new one\n",
			       pid, status);
		if (uptime() - start < 100)
			sleep(100); /* don't spin if sh dies at once */
	}
}
