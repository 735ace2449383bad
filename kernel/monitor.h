/* SPDX-License-Identifier: MIT */
/* A tiny kernel command loop on the console, until user space has a shell. */
#pragma once

/* monitor_run - read commands from the console forever (boot hart). */
void monitor_run(void) __attribute__((noreturn));
