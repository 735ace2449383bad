// SPDX-License-Identifier: MIT
// testinit: an init for the boot tests (bootarg init=testinit). It opens the
// console, runs usertests with its own arguments, reaps orphans meanwhile and
// exits with usertests' status, which the kernel turns into QEMU's exit code.
#include "../user.h"
#include "../../lib/printf.h"

static void say(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	va_start(ap, fmt);
	int n = nagi_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	write(1, line, MIN(n, (int)sizeof(line) - 1));
}

static int open_console(void)
{
	if (open("/dev/console", O_RDWR) != 0 || dup(0) != 1 || dup(0) != 2)
		return -1;
	return 0;
}

/* argv for usertests: "usertests", then testinit's own arguments. */
static void build_argv(char **out, int max, int argc, char **argv)
{
	int n = 0;
	out[n++] = "usertests";
	for (int i = 1; i < argc && n < max - 1; i++)
		out[n++] = argv[i];
	out[n] = NULL;
}

int main(int argc, char **argv)
{
	char *args[16];
	int st, w;
	if (open_console() < 0)
		return 3;
	build_argv(args, 16, argc, argv);
	int pid = fork();
	if (pid < 0) {
		say("testinit: fork: %s\n", errno_name(-pid));
		return 4;
	}
	if (pid == 0) {
		int r = exec("usertests", args);
		say("testinit: exec usertests: %s\n", errno_name(-r));
		exit(5);
	}
	while ((w = wait(&st)) >= 0 && w != pid)
		; /* an orphan a test left behind */
	if (w < 0) {
		say("testinit: wait: %s\n", errno_name(-w));
		return 6;
	}
	say("testinit: usertests exited with status %d\n", st);
	return st;
}
