// SPDX-License-Identifier: MIT
// printf and friends over lib/printf.h's vformat: one call, one write.
#include "../user.h"
#include "../../lib/printf.h"

/* The output of one call collects here and goes out in as few writes as
 * possible (one, unless it is longer than the buffer), so lines printed
 * by different processes or threads don't interleave mid-line. */
struct outbuf {
	int fd;
	unsigned len;
	char buf[512];
};

static void flush(struct outbuf *o)
{
	if (o->len)
		write(o->fd, o->buf, o->len);
	o->len = 0;
}

static void outbuf_put(int c, void *ctx)
{
	struct outbuf *o = ctx;
	if (o->len == sizeof o->buf)
		flush(o);
	o->buf[o->len++] = (char)c;
}

/*
 * vfprintf - format into fd with one write per call (when it fits in
 * 512 bytes). Returns the number of characters formatted.
 */
int vfprintf(int fd, const char *fmt, va_list ap)
{
	struct outbuf o = { .fd = fd };
	int n = vformat(outbuf_put, &o, fmt, ap);
	flush(&o);
	return n;
}

/* fprintf - formatted output to fd; see vfprintf. */
int fprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vfprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

/* printf - formatted output to fd 1 (standard output). */
int printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vfprintf(1, fmt, ap);
	va_end(ap);
	return n;
}
