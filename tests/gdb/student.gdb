# The student helpers under gdb (tests/gdb/student.sh runs this with
# make gdb OPT=-O0 BOOTARGS=init=hello): break-ecall stops only on hello's
# ecalls, user-symbols names the user code, -O0 keeps a caller's locals
# printable (at -O2 syscall_dispatch's ret is optimized out there).
break-ecall hello
continue
printf "STUDENT scause %lu name %s\n", ((struct trapframe *)$a0)->scause, ((struct hart *)$tp)->current->proc->name
user-symbols
info symbol ((struct trapframe *)$a0)->sepc
delete
break sys_write
continue
up
# At -O2, syscall_dispatch's ret is "optimized out" in this frame.
printf "STUDENT nr %lu ret %ld\n", nr, ret
delete
continue
