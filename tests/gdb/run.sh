#!/bin/sh
# SPDX-License-Identifier: MIT
# The gdb CI test: `make gdb` in batch mode boots build/kernel.elf under
# QEMU (over a pipe), stops at trap_handler and checks scause and the
# commands of tools/gdb/nagi.gdb (tests/gdb/trap.gdb).
# Exits 0 only if gdb printed "GDB-TEST PASS". Needs no terminal, gives up
# after $TIMEOUT (60) seconds, and leaves no QEMU behind. See docs/gdb.md.
set -u
cd "$(dirname "$0")/../.." || exit 2

GDB=${GDB:-gdb-multiarch}
TIMEOUT=${TIMEOUT:-60}

fail() {
	echo "GDB-TEST FAIL $*"
	exit 1
}

[ -f build/kernel.elf ] || fail "build/kernel.elf not found: run make first"
command -v "$GDB" >/dev/null 2>&1 || fail "$GDB not found (make deps)"
command -v qemu-system-riscv64 >/dev/null 2>&1 || fail "qemu-system-riscv64 not found (make deps)"
command -v timeout >/dev/null 2>&1 || fail "timeout (coreutils) not found"

# gdb starts QEMU in a session of its own, so signals that end gdb do not
# reach it. Everything started below carries this marker in its
# environment: whatever still has it once gdb is done is ours to end.
marker="nagi-gdb-test.$$.$(date +%s)"
log=$(mktemp "${TMPDIR:-/tmp}/nagi-gdb-test.XXXXXX") || exit 2
shown=0

leftovers() {
	grep -lsxz "NAGI_GDB_TEST=$marker" /proc/[0-9]*/environ |
		sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$"
}

cleanup() {
	[ $shown -eq 1 ] || cat "$log"
	pids=$(leftovers)
	if [ -n "$pids" ]; then
		echo "gdb test: ending leftover processes" $pids
		kill $pids 2>/dev/null
		sleep 1
		pids=$(leftovers)
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null
	fi
	rm -f "$log"
}
trap cleanup EXIT
trap 'echo "GDB-TEST FAIL interrupted"; exit 1' INT TERM HUP

rm -f build/test-images/gdb.img build/test-images/gdb.img.made build/test-images/gdb.img.updated
# In the background, so that a signal to this script is handled at once.
NAGI_GDB_TEST=$marker timeout -k 2 "$TIMEOUT" \
	make -s --no-print-directory gdb GDB="$GDB" SMP=2 BOOTARGS= PMEM_IMG=build/test-images/gdb.img \
	GDBFLAGS="-batch -x tests/gdb/trap.gdb" </dev/null >"$log" 2>&1 &
wait $!
rc=$?
cat "$log"
shown=1

# gdb's kill has ended QEMU; give a straggler a moment before cleanup acts.
i=0
while [ -n "$(leftovers)" ] && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done

grep -q '^GDB-TEST PASS' "$log" && exit 0
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	fail "timed out after $TIMEOUT s"
fi
grep -q '^GDB-TEST FAIL' "$log" || fail "no PASS line (gdb exit status $rc)"
exit 1
