// SPDX-License-Identifier: MIT
// The one formatter behind kprintf, user printf and snprintf.
#include "printf.h"
#include "string.h"

struct spec {
	int width, prec, lng;
	bool zero, left;
};

static int pad(putc_fn put, void *ctx, int c, int n)
{
	int i;
	for (i = 0; i < n; i++)
		put(c, ctx);
	return i > 0 ? i : 0;
}

static int emit_str(putc_fn put, void *ctx, const char *s, struct spec *sp)
{
	int len, n = 0;
	if (!s)
		s = "(null)";
	len = sp->prec >= 0 ? (int)strnlen(s, sp->prec) : (int)strlen(s);
	if (!sp->left)
		n += pad(put, ctx, ' ', sp->width - len);
	for (int i = 0; i < len; i++, n++)
		put(s[i], ctx);
	if (sp->left)
		n += pad(put, ctx, ' ', sp->width - len);
	return n;
}

static int emit_num(putc_fn put, void *ctx, unsigned long v, bool neg,
		    unsigned base, bool upper, struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0, n = 0, fill;

	do {
		buf[len++] = digits[v % base];
		v /= base;
	} while (v);
	fill = sp->width - len - (neg ? 1 : 0);
	if (!sp->left && !sp->zero)
		n += pad(put, ctx, ' ', fill);
	if (neg) {
		put('-', ctx);
		n++;
	}
	if (!sp->left && sp->zero)
		n += pad(put, ctx, '0', fill);
	while (len)
		put(buf[--len], ctx), n++;
	if (sp->left)
		n += pad(put, ctx, ' ', fill);
	return n;
}

/* Parse flags, width, precision and length; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	if (*f == '.') {
		sp->prec = 0;
		if (*++f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	for (; *f == 'l' || *f == 'z'; f++)
		sp->lng++;
	return f;
}

int vformat(putc_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct spec sp;
	int n = 0;
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(*fmt, ctx);
			n++;
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = sp.lng ? va_arg(args, long) : va_arg(args, int);
			unsigned long mag = v < 0 ? -(unsigned long)v : (unsigned long)v;
			n += emit_num(put, ctx, mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long v = sp.lng ? va_arg(args, unsigned long)
						 : va_arg(args, unsigned int);
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			n += emit_num(put, ctx, v, false, base, *fmt == 'X', &sp);
			break;
		}
		case 'p':
			put('0', ctx), put('x', ctx), n += 2;
			n += emit_num(put, ctx, (unsigned long)va_arg(args, void *),
				      false, 16, false, &sp);
			break;
		case 's':
			n += emit_str(put, ctx, va_arg(args, const char *), &sp);
			break;
		case 'c':
			put(va_arg(args, int), ctx), n++;
			break;
		case '%':
			put('%', ctx), n++;
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop cleanly */
			break;
		default: /* unknown conversion: print it verbatim */
			put('%', ctx), put(*fmt, ctx), n += 2;
			break;
		}
	}
	va_end(args);
	return n;
}

struct strbuf {
	char *buf;
	size_t size, len;
};

static void strbuf_put(int c, void *ctx)
{
	struct strbuf *sb = ctx;
	if (sb->len + 1 < sb->size)
		sb->buf[sb->len] = (char)c;
	sb->len++;
}

int nagi_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf sb = { buf, size, 0 };
	int n = vformat(strbuf_put, &sb, fmt, ap);
	if (size)
		buf[sb.len < size ? sb.len : size - 1] = 0;
	return n;
}

int nagi_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = nagi_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
