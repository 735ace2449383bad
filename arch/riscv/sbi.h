/* SPDX-License-Identifier: MIT */
/* Calls into OpenSBI (M-mode) for what S-mode cannot do itself. */
#pragma once

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_PMU 0x504D55
#define SBI_EXT_DBCN 0x4442434E
/* Legacy (v0.1) extensions: one function each, the fallbacks when a v0.2
 * extension is missing. Their error is in a0 only. */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_LEGACY_SHUTDOWN 0x08

/* Function ids within an extension. */
#define SBI_BASE_SPEC_VERSION 0
#define SBI_BASE_IMPL_ID 1
#define SBI_BASE_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT 3
#define SBI_TIME_SET_TIMER 0
#define SBI_IPI_SEND_IPI 0
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_SRST_RESET 0
#define SBI_SRST_SHUTDOWN 0  /* reset type */
#define SBI_SRST_NO_REASON 0 /* reset reason */

/* Error codes (a0 after a call). */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8

#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

#ifndef __ASSEMBLER__
#include "../../lib/types.h"

/* sbi_init - read the SBI version and probe the extensions nagi uses.
 * Without TIME, IPI or SRST the calls below fall back to the legacy
 * extensions; without HSM only the boot hart runs. Says so for each. */
void sbi_init(void);
/* sbi_print_info - one banner line: version, implementation, extensions. */
void sbi_print_info(void);
/* sbi_has - was extension ext found by sbi_init? */
bool sbi_has(long ext);
/* sbi_hart_start - start hart at addr with a1 = opaque; returns 0, -ENOTSUP
 * (no HSM) or another -E*. */
int sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque);
/* sbi_hart_status - SBI_HSM_* state of a hart, or -E*. */
int sbi_hart_status(unsigned long hartid);
/* sbi_send_ipi - raise SSIP on the harts in mask (bit i = hart base + i). */
int sbi_send_ipi(unsigned long mask, unsigned long base);
/* sbi_set_timer - program the next timer interrupt (absolute time). */
int sbi_set_timer(uint64_t when);
/* sbi_shutdown - power off through SRST (exit status is lost: QEMU exits 0). */
void sbi_shutdown(void) __attribute__((noreturn));
/* sbi_console_putchar - legacy console, used before the UART is set up. */
void sbi_console_putchar(int c);
#endif
