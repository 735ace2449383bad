/* SPDX-License-Identifier: MIT */
/* The supervisor timer: a periodic tick on every hart. */
#pragma once
#include "lib/types.h"

/* timer_init - tick hz times a second; sstc picks stimecmp over SBI. Boot. */
void timer_init(uint64_t timebase, unsigned hz, bool sstc);
/* timer_hart_start - arm the first tick on this hart. */
void timer_hart_start(void);
/* timer_interrupt - the timer trap: count, re-arm. Interrupt context. */
void timer_interrupt(void);
/* timer_ns - nanoseconds since the machine started (time CSR). */
uint64_t timer_ns(void);
/* timer_ticks_per_us - time CSR ticks in a microsecond (at least 1). */
uint64_t timer_ticks_per_us(void);
/* timer_hz - the tick rate. */
unsigned timer_hz(void);
/* timer_mode - "sstc (stimecmp)" or "SBI set_timer", for the banner. */
const char *timer_mode(void);
/* timer_delay_us - busy-wait us microseconds. */
void timer_delay_us(uint64_t us);
