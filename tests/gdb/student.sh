#!/bin/sh
# SPDX-License-Identifier: MIT
# The gdb test of the student helpers: a -O0 kernel in build/gdb-O0 booted
# by make gdb with its own RAM image (the file system must mount), init=hello;
# break-ecall hello, user-symbols and a condition on an argument. Exits 0 only
# if every check holds. Gives up after $TIMEOUT seconds (the build is slow).
set -u
cd "$(dirname "$0")/../.." || exit 2
B=build/gdb-O0
TIMEOUT=${TIMEOUT:-300}
make -s --no-print-directory B=$B OPT=-O0 all >/dev/null || { echo "STUDENT-TEST FAIL build"; exit 1; }
rm -f $B/pmem.img $B/pmem.img.made $B/pmem.img.updated $B/console.log
log=$B/student-gdb.log
timeout -k 2 "$TIMEOUT" make -s --no-print-directory B=$B OPT=-O0 PMEM_IMG=$B/pmem.img \
	SMP=2 BOOTARGS=init=hello gdb GDBFLAGS="-batch -x tests/gdb/student.gdb" </dev/null >$log 2>&1
ok=1
check() { grep -Eq "$2" "$3" || { echo "STUDENT-TEST FAIL $1"; ok=0; }; }
check "break-ecall stopped on an ecall of hello" '^STUDENT scause 8 name hello$' $log
check "user-symbols loaded hello" 'user-symbols: .*/user/bin/hello loaded' $log
check "the ecall is in hello's code" '^[a-z_]+ \+ [0-9]+ in section \.text of .*/user/bin/hello' $log
check "an argument is printable at -O0" '^STUDENT nr [0-9]+ ret -?[0-9]+$' $log
check "the console shows the file system mounted (make run's image)" '^fs: / mounted on pmem' $B/console.log
check "hello ran to its end" '^init exited with status 0' $B/console.log
[ $ok = 1 ] && { echo "STUDENT-TEST PASS"; exit 0; }
cat $log
exit 1
