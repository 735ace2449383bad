// SPDX-License-Identifier: MIT
// Supervisor timer: periodic ticks through stimecmp (Sstc) or SBI set_timer.
#include "time.h"
#include "hart.h"
#include "kernel/proc/sched.h"
#include "kernel/proc/alarm.h"

static struct {
	uint64_t timebase, interval;
	unsigned hz;
	bool sstc;
} timer;

void timer_init(uint64_t timebase, unsigned hz, bool sstc)
{
	timer.timebase = timebase;
	timer.hz = hz ? hz : 100;
	timer.interval = timebase / timer.hz;
	timer.sstc = sstc;
	arch_timer_use_sstc(sstc);
}

void timer_hart_start(void)
{
	arch_timer_set(arch_time() + timer.interval);
}

void timer_interrupt(void)
{
	struct hart *h = this_hart();
	intrstat_inc(STAT_TIMER);
	h->ticks++;
	/* From now, not from the old deadline: a late tick must not cascade. */
	arch_timer_set(arch_time() + timer.interval);
	alarm_tick();
	sched_tick();
}

uint64_t timer_ticks_per_us(void)
{
	return timer.timebase >= 1000000 ? timer.timebase / 1000000 : 1;
}

uint64_t timer_ns(void)
{
	/* Split to avoid overflow: whole seconds, then the remainder. */
	uint64_t t = arch_time();
	return t / timer.timebase * 1000000000UL + t % timer.timebase * 1000000000UL / timer.timebase;
}

unsigned timer_hz(void)
{
	return timer.hz;
}

const char *timer_mode(void)
{
	return timer.sstc ? "sstc (stimecmp)" : "SBI set_timer";
}

void timer_delay_us(uint64_t us)
{
	uint64_t end = arch_time() + us * timer_ticks_per_us();
	while (arch_time() < end)
		arch_relax();
}
