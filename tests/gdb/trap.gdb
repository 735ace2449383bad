# SPDX-License-Identifier: MIT
# The gdb CI test (tests/gdb/run.sh runs it; docs/gdb.md explains):
#   make gdb SMP=2 GDBFLAGS="-batch -x tests/gdb/trap.gdb"
# so gdb and QEMU start exactly as for a student's `make gdb` (nagi halted
# under QEMU, talking over a pipe: no TCP port). Stops at
# the first trap_handler, checks scause and the nagi.gdb commands, and
# prints one line: GDB-TEST PASS scause=0x... or GDB-TEST FAIL ... . In
# batch mode a failing command ends the script early; run.sh then reports
# the missing PASS line.
set pagination off
set confirm off
set width 0
set height 0

break trap_handler
continue

set $t_ok = 1
set $t_why = "-"
set $t_sc = (unsigned long long)$scause
set $t_code = $t_sc & 0x7fffffffffffffff
set $t_tf = (struct trapframe *)$a0

# 1. Stopped where we asked, not somewhere else.
if $_hit_bpnum != 1
  set $t_ok = 0
  set $t_why = "did not stop at the trap_handler breakpoint"
end

# 2. A sensible cause: a supervisor interrupt (software 1, timer 5,
#    external 9) or an exception code below 16.
if ($t_sc >> 63) != 0
  if $t_code != 1 && $t_code != 5 && $t_code != 9
    set $t_ok = 0
    set $t_why = "interrupt code is not 1, 5 or 9"
  end
else
  if $t_code >= 16
    set $t_ok = 0
    set $t_why = "exception code is not below 16"
  end
end

# 3. trapentry.S saved the live CSRs into the frame it passed in a0.
if $t_tf->scause != $t_sc
  set $t_ok = 0
  set $t_why = "frame scause differs from the live scause CSR"
end
if $t_tf->sepc != (unsigned long long)$sepc
  set $t_ok = 0
  set $t_why = "frame sepc differs from the live sepc CSR"
end

# 4. The commands, once for the log, then checked through a shell pipe.
echo --- trapframe\n
trapframe
echo --- scause\n
scause
echo --- harts\n
harts
echo ---\n
pipe trapframe | grep -q "^  cause   Supervisor\|^  cause   [A-Z][a-z]* .*\(fault\|misaligned\|instruction\|Breakpoint\|call\)"
if $_shell_exitcode != 0
  set $t_ok = 0
  set $t_why = "trapframe printed no cause name"
end
pipe scause | grep -q ": \(interrupt\|exception\) [0-9]*, [A-Z]"
if $_shell_exitcode != 0
  set $t_ok = 0
  set $t_why = "scause printed no cause name"
end
pipe scause | grep -q "Unknown cause"
if $_shell_exitcode == 0
  set $t_ok = 0
  set $t_why = "scause says Unknown cause"
end
pipe scause 0xd | grep -qx "scause 0xd: exception 13, Load page fault"
if $_shell_exitcode != 0
  set $t_ok = 0
  set $t_why = "scause 0xd is not decoded as Load page fault"
end
pipe scause 0x8000000000000005 | grep -qx "scause 0x8000000000000005: interrupt 5, Supervisor timer interrupt"
if $_shell_exitcode != 0
  set $t_ok = 0
  set $t_why = "scause 0x8000000000000005 is not decoded as the timer"
end
pipe harts | grep -q "^hart [0-9]*  online 1 .*<- \$tp"
if $_shell_exitcode != 0
  set $t_ok = 0
  set $t_why = "harts does not list this hart online"
end

if $t_ok
  printf "GDB-TEST PASS scause=0x%lx\n", $t_sc
else
  printf "GDB-TEST FAIL scause=0x%lx: %s\n", $t_sc, $t_why
end
# kill ends QEMU at once ("Terminated via GDBstub"); batch mode then quits.
# (A bare quit detaches, and gdb waits about 5 s for QEMU to go.)
kill
