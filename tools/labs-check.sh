#!/bin/sh
# SPDX-License-Identifier: MIT
# labs-check.sh LAB...: prove each lab's grader both ways. The full tree
# must score full marks; the student tree (make student) must build, boot
# and score less on its own lab, naming a stub ("lab LAB: ... not
# implemented"). With OTHERS=1, each student tree also grades the other
# labs, which must still score full marks (but for the labs whose tests
# need this lab's code: tools/grade.py NEEDS).
set -u
fail=0
for lab in "$@"; do
	echo "== labs-check: $lab, full tree"
	python3 tools/grade.py "$lab" || { echo "labs-check: $lab: the solution does not score full marks"; fail=1; }
done
for lab in "$@"; do
	out=build/student-$lab
	echo "== labs-check: $lab, student tree $out"
	rm -rf "$out"
	python3 tools/lab.py student "$lab" "$out" >/dev/null || { fail=1; continue; }
	# Start from the full tree's build: lab.py keeps the times of the
	# files it did not change, so make rebuilds only what the stubs touch.
	mkdir -p "$out/build"
	for f in build/*; do
		case $f in build/student-* | build/test-logs | build/test-images) ;; *) cp -a "$f" "$out/build/" ;; esac
	done
	if ! make -C "$out" --no-print-directory -j2 all test-boot >"$out.log" 2>&1; then
		echo "labs-check: $lab: the student tree does not build (see $out.log)"; fail=1; continue
	fi
	python3 "$out/tools/grade.py" "$lab" | tee "$out.grade"
	# The pipeline's status is tee's: judge by the score line.
	grep -q "^Score: \([0-9]*\)/\1$" "$out.grade" && st=0 || st=1
	grep -q "^Score: " "$out.grade" || st=2
	case $st in
	0) echo "labs-check: $lab: the student tree scores full marks: the grader cannot fail"; fail=1 ;;
	1) echo "labs-check: $lab: the student tree scores less, as it must" ;;
	*) echo "labs-check: $lab: the grader broke on the student tree"; fail=1 ;;
	esac
	grep -q "^    lab $lab: .*not implemented$" "$out.grade" ||
		{ echo "labs-check: $lab: no failed test names a stub (lab $lab: ...)"; fail=1; }
	[ "${OTHERS:-}" = 1 ] || continue
	# The other labs' solutions are in the student tree: they still pass.
	for other in "$@"; do
		[ "$other" = "$lab" ] && continue
		if python3 tools/grade.py --needs "$other" | grep -qx "$lab"; then
			echo "labs-check: $lab's student tree: lab $other needs lab $lab, not graded"
			continue
		fi
		python3 "$out/tools/grade.py" "$other" >"$out-$other.grade" 2>&1 ||
			{ echo "labs-check: $lab's student tree fails lab $other:"; cat "$out-$other.grade"; fail=1; }
	done
done
[ $fail = 0 ] && echo "labs-check: every lab passed both ways"
exit $fail
