# SPDX-License-Identifier: MIT
# nagi's gdb commands for the trap path. Plain gdb CLI (no Python), so any
# gdb-multiarch works. Loaded with -x by `make gdb` and by tests/gdb/run.sh;
# load it by hand with `source tools/gdb/nagi.gdb`. docs/gdb.md explains.
#
#   trapframe [ADDR]  the struct trapframe at ADDR (default: $a0, the frame
#                     trap_handler was given), registers by name, cause decoded
#   scause [VALUE]    decode an scause value (default: the live $scause CSR)
#   break-trap        breakpoints on trap_entry and trap_handler
#   harts             the harts[] array: id, role, online, ticks
#   nagi-help         this list
#
# The cause names are those of arch/riscv/trap.c (exc_names, irq_names).
# Convenience variables used here start with $nagi_ to stay out of your way.

# nagi-cause-name VALUE - print the name of scause VALUE, no newline.
define nagi-cause-name
  set $nagi_cn_v = (unsigned long long)($arg0)
  set $nagi_cn_code = $nagi_cn_v & 0x7fffffffffffffff
  if ($nagi_cn_v >> 63) != 0
    if $nagi_cn_code == 1
      printf "Supervisor software interrupt"
    else
      if $nagi_cn_code == 5
        printf "Supervisor timer interrupt"
      else
        if $nagi_cn_code == 9
          printf "Supervisor external interrupt"
        else
          printf "Unknown cause"
        end
      end
    end
  else
    if $nagi_cn_code == 0
      printf "Instruction address misaligned"
    end
    if $nagi_cn_code == 1
      printf "Instruction access fault"
    end
    if $nagi_cn_code == 2
      printf "Illegal instruction"
    end
    if $nagi_cn_code == 3
      printf "Breakpoint"
    end
    if $nagi_cn_code == 4
      printf "Load address misaligned"
    end
    if $nagi_cn_code == 5
      printf "Load access fault"
    end
    if $nagi_cn_code == 6
      printf "Store/AMO address misaligned"
    end
    if $nagi_cn_code == 7
      printf "Store/AMO access fault"
    end
    if $nagi_cn_code == 8
      printf "Environment call from U-mode"
    end
    if $nagi_cn_code == 9
      printf "Environment call from S-mode"
    end
    if $nagi_cn_code == 12
      printf "Instruction page fault"
    end
    if $nagi_cn_code == 13
      printf "Load page fault"
    end
    if $nagi_cn_code == 15
      printf "Store/AMO page fault"
    end
    if $nagi_cn_code == 10 || $nagi_cn_code == 11 || $nagi_cn_code == 14 || $nagi_cn_code > 15
      printf "Unknown cause"
    end
  end
end
document nagi-cause-name
Print the name of an scause value, without a newline (helper of scause and trapframe).
Usage: nagi-cause-name VALUE
end

define scause
  # An expression with spaces arrives as several arguments: join them.
  set $nagi_sc = 0
  if $argc == 0
    set $nagi_sc = (unsigned long long)$scause
  end
  if $argc == 1
    set $nagi_sc = (unsigned long long)($arg0)
  end
  if $argc == 2
    set $nagi_sc = (unsigned long long)($arg0 $arg1)
  end
  if $argc == 3
    set $nagi_sc = (unsigned long long)($arg0 $arg1 $arg2)
  end
  if $argc == 4
    set $nagi_sc = (unsigned long long)($arg0 $arg1 $arg2 $arg3)
  end
  if $argc == 5
    set $nagi_sc = (unsigned long long)($arg0 $arg1 $arg2 $arg3 $arg4)
  end
  if $argc > 5
    printf "scause: expression too long; set $x = ... first, then: scause $x\n"
  else
    if ($nagi_sc >> 63) != 0
      printf "scause 0x%lx: interrupt %lu, ", $nagi_sc, $nagi_sc & 0x7fffffffffffffff
    else
      printf "scause 0x%lx: exception %lu, ", $nagi_sc, $nagi_sc
    end
    nagi-cause-name $nagi_sc
    printf "\n"
  end
end
document scause
Decode scause by name: interrupt or exception, and the cause as arch/riscv/trap.c names it.
Usage: scause [VALUE]
Without VALUE, decodes the live $scause CSR of the selected hart (thread).
Examples: scause    scause 0xd    scause tf->scause    scause $nagi_tf->scause
end

define trapframe
  # An expression with spaces arrives as several arguments: join them.
  if $argc == 0
    set $nagi_tf = (struct trapframe *)$a0
  end
  if $argc == 1
    set $nagi_tf = (struct trapframe *)($arg0)
  end
  if $argc == 2
    set $nagi_tf = (struct trapframe *)($arg0 $arg1)
  end
  if $argc == 3
    set $nagi_tf = (struct trapframe *)($arg0 $arg1 $arg2)
  end
  if $argc == 4
    set $nagi_tf = (struct trapframe *)($arg0 $arg1 $arg2 $arg3)
  end
  if $argc == 5
    set $nagi_tf = (struct trapframe *)($arg0 $arg1 $arg2 $arg3 $arg4)
  end
  set $nagi_tf_ok = 1
  if $argc > 5
    printf "trapframe: expression too long; set $x = ... first, then: trapframe $x\n"
    set $nagi_tf_ok = 0
  end
  # In trapentry.S before trap_return, a0 is not necessarily the frame.
  if $argc == 0 && (unsigned long long)$pc >= (unsigned long long)&trap_entry && (unsigned long long)$pc < (unsigned long long)&trap_return
    printf "trapframe: pc is in trapentry.S (trap_entry..trap_return), where a0 need not be the frame.\n"
    printf "Say which: \"trapframe $sp\" once \"addi sp, sp, -TF_SIZE\" has run (partly saved\n"
    printf "before \"call trap_handler\"), or \"trapframe $a0\".\n"
    set $nagi_tf_ok = 0
  end
  if $nagi_tf_ok
    set $nagi_ss = (unsigned long long)$nagi_tf->sstatus
    printf "trapframe at 0x%lx", (unsigned long long)$nagi_tf
    if $argc == 0
      printf " ($a0)"
    end
    if ($nagi_ss >> 8) & 1
      printf ", trap from S-mode\n"
    else
      printf ", trap from U-mode\n"
    end
    printf "  cause   "
    nagi-cause-name $nagi_tf->scause
    printf " (scause 0x%lx)\n", $nagi_tf->scause
    printf "  sepc    "
    output/a (unsigned long long)$nagi_tf->sepc
    printf "\n"
    printf "  stval   0x%016lx\n", $nagi_tf->stval
    printf "  sstatus 0x%016lx  SPP=%d SPIE=%d SIE=%d SUM=%d\n", $nagi_ss, ($nagi_ss >> 8) & 1, ($nagi_ss >> 5) & 1, ($nagi_ss >> 1) & 1, ($nagi_ss >> 18) & 1
    printf "  ra  0x%016lx  sp  0x%016lx  gp  0x%016lx  tp  0x%016lx\n", $nagi_tf->ra, $nagi_tf->sp, $nagi_tf->gp, $nagi_tf->tp
    printf "  t0  0x%016lx  t1  0x%016lx  t2  0x%016lx  s0  0x%016lx\n", $nagi_tf->t0, $nagi_tf->t1, $nagi_tf->t2, $nagi_tf->s0
    printf "  s1  0x%016lx  a0  0x%016lx  a1  0x%016lx  a2  0x%016lx\n", $nagi_tf->s1, $nagi_tf->a0, $nagi_tf->a1, $nagi_tf->a2
    printf "  a3  0x%016lx  a4  0x%016lx  a5  0x%016lx  a6  0x%016lx\n", $nagi_tf->a3, $nagi_tf->a4, $nagi_tf->a5, $nagi_tf->a6
    printf "  a7  0x%016lx  s2  0x%016lx  s3  0x%016lx  s4  0x%016lx\n", $nagi_tf->a7, $nagi_tf->s2, $nagi_tf->s3, $nagi_tf->s4
    printf "  s5  0x%016lx  s6  0x%016lx  s7  0x%016lx  s8  0x%016lx\n", $nagi_tf->s5, $nagi_tf->s6, $nagi_tf->s7, $nagi_tf->s8
    printf "  s9  0x%016lx  s10 0x%016lx  s11 0x%016lx  t3  0x%016lx\n", $nagi_tf->s9, $nagi_tf->s10, $nagi_tf->s11, $nagi_tf->t3
    printf "  t4  0x%016lx  t5  0x%016lx  t6  0x%016lx\n", $nagi_tf->t4, $nagi_tf->t5, $nagi_tf->t6
  end
end
document trapframe
Print a struct trapframe: cause by name, sepc, stval, sstatus, and the 31 saved registers.
Usage: trapframe [ADDR]
Without ADDR the frame is $a0, right when stopped at trap_handler (break-trap).
Elsewhere give it: "trapframe tf" inside trap_handler, "trapframe $sp" at
trap_return or after trapentry.S has built the frame.
The frame is also left in $nagi_tf, e.g. "p *$nagi_tf" or "p/x $nagi_tf->sepc".
end

define break-trap
  break trap_entry
  break trap_handler
end
document break-trap
Set breakpoints on trap_entry (first instruction of every trap, arch/riscv/trapentry.S)
and on trap_handler (the C dispatcher; $a0 is the frame, see trapframe).
Every hart's timer tick hits them: "delete" or "disable" when done.
end

define harts
  set $nagi_i = 0
  set $nagi_n = sizeof(harts) / sizeof(harts[0])
  while $nagi_i < $nagi_n
    if harts[$nagi_i].role != 0
      printf "hart %d  online %d  ticks %-8lu  thread %-2d  ", harts[$nagi_i].id, harts[$nagi_i].online, harts[$nagi_i].ticks, $nagi_i + 1
      output harts[$nagi_i].role
      if (unsigned long long)$tp == (unsigned long long)&harts[$nagi_i]
        printf "  <- $tp"
      end
      printf "\n"
    end
    set $nagi_i = $nagi_i + 1
  end
end
document harts
Print every hart in the global harts[] array whose role is not ROLE_NONE:
id, online, timer ticks taken, the gdb thread that is that hart (QEMU's
CPU#n is thread n+1), and role. "<- $tp" marks the hart whose struct hart is
in $tp: the selected thread's own hart, when it is stopped in the kernel.
end

define nagi-help
  echo nagi gdb commands (tools/gdb/nagi.gdb, docs/gdb.md):\n
  echo \  trapframe [ADDR]  print a struct trapframe (default: $a0 at trap_handler)\n
  echo \  scause [VALUE]    decode scause by name (default: the live $scause CSR)\n
  echo \  break-trap        break on trap_entry and trap_handler\n
  echo \  harts             per hart: id, online, timer ticks, gdb thread, role\n
  echo \  break-ecall [NAME]  break on ecalls from U-mode (of program NAME)\n
  echo \  user-symbols      load the current process's program symbols\n
  echo \  nagi-help         this list\n
  echo "help CMD" gives details. Harts are threads: info threads, thread N.\n
end
document nagi-help
List nagi's gdb commands.
end

echo nagi gdb: type nagi-help\n

# ---- Student helpers (docs/gdb.md, docs/labs/) ----

define user-symbols
  python nagi_user_symbols()
end
document user-symbols
Load the symbols of the program the current process runs (every program is
linked at 0x40000000, so the right file is chosen by the process's name:
build/user/bin/NAME or build/user/tests/NAME). Use it stopped in the kernel
on behalf of a process (break-ecall, or a breakpoint in a system call).
end

define break-ecall
  if $argc == 0
    python nagi_break_ecall("")
  else
    python nagi_break_ecall("$arg0")
  end
end
document break-ecall
break-ecall [NAME]: stop in trap_handler only on an ecall from U-mode
(scause 8), not on timer ticks; with NAME, only on the ecalls of processes
running program NAME. a7 of the frame is the call: trapframe $a0.
end

python
import os
def nagi_break_ecall(name):
    cond = "((struct trapframe *)$a0)->scause == 8"
    if name:
        # Byte by byte: a string literal would need memory in the target.
        p = "((struct hart *)$tp)->current->proc->name"
        cond += " && ((struct hart *)$tp)->current != 0 && ((struct hart *)$tp)->current->proc != 0"
        cond += "".join(" && %s[%d] == %d" % (p, i, c) for i, c in enumerate(name.encode() + b"\0"))
    gdb.execute("break trap_handler if " + cond)
def nagi_user_symbols():
    try:
        name = gdb.parse_and_eval("((struct hart *)$tp)->current->proc->name").string()
    except gdb.error as e:
        print("user-symbols: no current process here (%s)" % e)
        return
    b = gdb.convenience_variable("nagi_build")
    b = b.string() if b is not None else "build"
    for d in (b + "/user/bin", b + "/user/tests"):
        path = os.path.join(d, name)
        if os.path.exists(path):
            gdb.execute("add-symbol-file %s" % path, to_string=True)
            print("user-symbols: %s loaded (process %s)" % (path, name))
            return
    print("user-symbols: no program file for process %s" % name)
end
