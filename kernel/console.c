// SPDX-License-Identifier: MIT
// Console: output to the UART or SBI; input raw or through a line discipline.
#include "console.h"
#include "kernel/file/file.h"
#include "printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched.h"
#include "spinlock.h"
#include "kernel/mm/uaccess.h"
#include "arch/riscv/arch.h"
#include "../lib/errno.h"
#include "../lib/string.h"

#define RX_SIZE 256
#define LINE_SIZE 512     /* the line buffer; a power of two */
#define WRITE_CHUNK 128   /* bytes copied in per step of a write() */
#define CTRL(c) ((c) - '@')
#define EOF_MARK CTRL('D') /* ^D in the line buffer: the end of a line, no byte */

static const struct console_dev *device;

/*
 * Input, all under lock. Every received byte enters the raw ring. With no
 * console file open, the ring is what console_getc() returns (the monitor
 * and ktests). While one is open, bytes move on to the line discipline:
 * line[r..w) holds completed lines for read(), line[w..e) the line being
 * typed, which backspace and ^U can still change.
 */
static struct {
	struct spinlock lock;
	char raw[RX_SIZE];
	unsigned head, tail; /* head: next to read; tail: next to write */
	unsigned long count;
	int files;           /* open console files; > 0: line discipline */
	char line[LINE_SIZE];
	unsigned r, w, e;    /* read, end of completed lines, end of edit */
	int fg_pgid;         /* the group ^C kills, 0: none */
} in = { .lock = SPINLOCK_INIT("console.rx") };

/* What one input byte asks for once the lock is dropped. */
struct effect {
	char echo[4];  /* printed as is */
	int erase;     /* characters to rub out on the screen */
	bool wake;     /* a line was completed */
	int kill_pgid; /* ^C: the group to kill */
};

void console_set_device(const struct console_dev *dev)
{
	device = dev;
}

static void put_raw(int c)
{
	if (device)
		device->putc(c);
	else
		arch_console_putc_early(c);
}

void console_putc(int c)
{
	if (c == '\n')
		put_raw('\r');
	put_raw(c);
}

/* Add c to the line being typed; a full buffer completes the line. */
static bool line_put(char c, struct effect *fx)
{
	if (in.e - in.r == LINE_SIZE)
		return false; /* drop, as a terminal would */
	in.line[in.e++ % LINE_SIZE] = c;
	if (in.e - in.r == LINE_SIZE) {
		in.w = in.e;
		fx->wake = true;
	}
	return true;
}

/* Complete the line being typed, ending it with c (a newline or EOF_MARK). */
static void line_end(char c, struct effect *fx)
{
	line_put(c, fx);
	in.w = in.e;
	fx->wake = true;
}

/* Remove the last character of the line being typed (all bytes of a
 * UTF-8 sequence); returns the screen columns it took, 0 or 1. */
static int line_rubout(void)
{
	if (in.e == in.w)
		return 0;
	while (in.e != in.w) {
		char c = in.line[--in.e % LINE_SIZE];
		if ((c & 0xc0) != 0x80) /* not a continuation byte */
			break;
	}
	return 1;
}

/* The line discipline: one byte in, its effects out. Lock held. */
static void ldisc(int c, struct effect *fx)
{
	switch (c) {
	case 0x7f:
	case '\b':
		fx->erase = line_rubout();
		break;
	case CTRL('U'):
		while (line_rubout())
			fx->erase++;
		break;
	case CTRL('C'):
		in.e = in.w;
		memcpy(fx->echo, "^C\n", 4);
		fx->kill_pgid = in.fg_pgid;
		break;
	case CTRL('D'):
		line_end(EOF_MARK, fx);
		break;
	case '\r':
	case '\n':
		line_end('\n', fx);
		fx->echo[0] = '\n';
		break;
	default:
		if ((c >= ' ' || c == '\t') && line_put((char)c, fx))
			fx->echo[0] = (char)c; /* other control bytes are dropped */
	}
}

/* Carry out an effect: interrupt context or not, no lock held. */
static void apply(const struct effect *fx)
{
	for (int i = 0; i < fx->erase; i++)
		kprintf("\b \b");
	if (fx->echo[0])
		kprintf("%s", fx->echo);
	if (fx->wake)
		wakeup(&in.r);
	if (fx->kill_pgid)
		proc_kill_group(fx->kill_pgid, EXIT_KILLED);
}

/* While a console file is open, move raw bytes through the line
 * discipline in arrival order, dropping the lock for each byte's effects. */
static void pump(void)
{
	for (;;) {
		struct effect fx = { 0 };
		spin_lock(&in.lock);
		if (in.files == 0 || in.head == in.tail) {
			spin_unlock(&in.lock);
			return;
		}
		ldisc((unsigned char)in.raw[in.head++ % RX_SIZE], &fx);
		spin_unlock(&in.lock);
		apply(&fx);
	}
}

/*
 * console_rx - a byte from the UART's interrupt handler: queue it raw,
 * then feed the line discipline if a console file is open. Takes the
 * console input lock; may echo, wake readers and kill the foreground
 * group, all after dropping it. Never sleeps.
 */
void console_rx(int c)
{
	spin_lock(&in.lock);
	if (in.tail - in.head < RX_SIZE) /* full: drop, as a terminal would */
		in.raw[in.tail++ % RX_SIZE] = (char)c;
	in.count++;
	spin_unlock(&in.lock);
	pump();
}

int console_getc(void)
{
	int c = -1;
	spin_lock(&in.lock);
	if (in.head != in.tail)
		c = (unsigned char)in.raw[in.head++ % RX_SIZE];
	spin_unlock(&in.lock);
	return c;
}

unsigned long console_rx_count(void)
{
	return __atomic_load_n(&in.count, __ATOMIC_RELAXED);
}

/*
 * console_set_foreground - the process group ^C kills (0: none); returns
 * the previous one. Takes the console input lock.
 */
int console_set_foreground(int pgid)
{
	int old;
	spin_lock(&in.lock);
	old = in.fg_pgid;
	in.fg_pgid = pgid;
	spin_unlock(&in.lock);
	return old;
}

int console_foreground(void)
{
	return __atomic_load_n(&in.fg_pgid, __ATOMIC_RELAXED);
}

/* How much of the next completed line a read of n bytes gets: *len bytes
 * from line[r]; returns how many bytes of line[] that consumes. An EOF
 * mark right after the bytes is consumed with them; one at the start
 * alone means end of file (*len = 0). */
static unsigned line_take(uint64_t n, unsigned *len)
{
	unsigned i = in.r, m = 0;
	while (i != in.w) {
		char c = in.line[i % LINE_SIZE];
		if (c == EOF_MARK) {
			i++;
			break;
		}
		if (m == n)
			break;
		m++;
		i++;
		if (c == '\n')
			break;
	}
	*len = m;
	return i - in.r;
}

/* read(): sleep until a line is complete, then return up to n bytes of it
 * (the rest stays for the next read); 0 at ^D on an empty line. */
static long console_read(struct file *f, uint64_t uaddr, uint64_t n)
{
	unsigned len, used, at, first;
	long ret;

	UNUSED(f);
	spin_lock(&in.lock);
	while (in.r == in.w) {
		if (sleep_on(&in.r, &in.lock) < 0) {
			spin_unlock(&in.lock);
			return -EINTR;
		}
	}
	used = line_take(n, &len);
	at = in.r % LINE_SIZE;
	first = MIN(len, LINE_SIZE - at);
	/* copyout never sleeps or faults: the bytes are consumed only once
	 * they have reached the user. */
	ret = copyout(uaddr, in.line + at, first);
	if (ret == 0)
		ret = copyout(uaddr + first, in.line, len - first);
	if (ret == 0) {
		in.r += used;
		ret = len;
	}
	spin_unlock(&in.lock);
	return ret;
}

/* Print n bytes under the print lock (a NUL ends a kprintf string, so it
 * goes out on its own). */
static void print_bytes(const char *s, uint64_t n)
{
	while (n > 0) {
		uint64_t len = strnlen(s, n);
		if (len > 0)
			kprintf("%.*s", (int)len, s);
		if (len < n) {
			kprintf("%c", 0);
			len++;
		}
		s += len;
		n -= len;
	}
}

/* The length of buf[0..n) up to and including its last newline, or n. */
static uint64_t upto_last_newline(const char *buf, uint64_t n)
{
	for (uint64_t i = n; i > 0; i--)
		if (buf[i - 1] == '\n')
			return i;
	return n;
}

/* write(): copy in and print chunk by chunk. A chunk ends after its last
 * newline when more follows, so kernel messages fall between lines. */
static long console_write(struct file *f, uint64_t uaddr, uint64_t n)
{
	char buf[WRITE_CHUNK];
	uint64_t done = 0;

	UNUSED(f);
	while (done < n) {
		uint64_t m = MIN(n - done, WRITE_CHUNK);
		if (proc_killed())
			return done ? (long)done : -EINTR;
		if (copyin(buf, uaddr + done, m) < 0)
			return done ? (long)done : -EFAULT;
		if (done + m < n)
			m = upto_last_newline(buf, m);
		print_bytes(buf, m);
		done += m;
	}
	return (long)done;
}

static int console_stat(struct file *f, struct stat *st)
{
	UNUSED(f);
	st->type = T_DEVICE;
	st->nlink = 1;
	return 0;
}

/* The last reference to a console file is gone. */
static void console_close(struct file *f)
{
	UNUSED(f);
	spin_lock(&in.lock);
	if (--in.files < 0)
		panic("console_close: more closes than opens");
	spin_unlock(&in.lock);
}

const struct file_ops console_file_ops = {
	.read = console_read,
	.write = console_write,
	.stat = console_stat,
	.close = console_close,
	.waits = true,
};

/*
 * console_file_open - a new console file; the first one switches input to
 * the line discipline and moves any typed-ahead bytes into it. Takes the
 * file table lock, then the console input lock. NULL if the table is full.
 */
struct file *console_file_open(bool readable, bool writable)
{
	struct file *f = file_alloc(&console_file_ops, NULL, readable, writable);
	if (!f)
		return NULL;
	spin_lock(&in.lock);
	in.files++;
	spin_unlock(&in.lock);
	pump();
	return f;
}
