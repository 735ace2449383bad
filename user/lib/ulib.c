// SPDX-License-Identifier: MIT
// Small helpers of the user library: atoi, gets, strerror, tick_hz, exec_cmd.
#include "../user.h"

/*
 * atoi - the decimal number at the start of s: leading spaces, an optional
 * sign, then digits; stops at the first non-digit. 0 if there are none.
 */
int atoi(const char *s)
{
	int neg = 0, v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

/*
 * gets - read one line from fd 0 into buf (at most max-1 bytes), keeping
 * the '\n' like fgets and xv6's gets, so a caller can tell a whole line
 * from one cut short by max. Reads a byte at a time, so whatever follows
 * the line stays for the next reader (a child process, after `sh < f`).
 * Returns buf, or NULL at end of input (or a read error) with nothing read.
 */
char *gets(char *buf, int max)
{
	int i = 0;
	char c;

	if (max <= 0)
		return NULL;
	while (i + 1 < max) {
		if (read(0, &c, 1) != 1)
			break;
		buf[i++] = c;
		if (c == '\n')
			break;
	}
	buf[i] = '\0';
	return i ? buf : NULL;
}

/* strerror - the name of an error number, "ENOENT" for -ENOENT or ENOENT. */
const char *strerror(int err)
{
	return errno_name(err);
}

/* tick_hz - timer ticks per second (what sleep() and uptime() count), from
 * sysinfo() once and then remembered; 100 (the default hz=) if it fails. */
unsigned tick_hz(void)
{
	static unsigned hz;
	struct sysinfo si;

	if (!hz)
		hz = sysinfo(&si, sizeof si) == 0 && si.hz ? si.hz : 100;
	return hz;
}

/*
 * exec_cmd - exec a command the way the shell finds it: name as given
 * (relative to the current directory), then, if that is -ENOENT and name
 * has no '/', "/name": the programs live in /, so they run from any
 * directory. Returns only on failure, with the last attempt's error.
 */
int exec_cmd(const char *name, char *const argv[])
{
	char path[128];
	int err = exec(name, argv);

	if (err == -ENOENT && !strchr(name, '/') && strlen(name) + 2 <= sizeof path) {
		path[0] = '/';
		strcpy(path + 1, name);
		err = exec(path, argv);
	}
	return err;
}
