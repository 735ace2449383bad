#!/bin/sh
# SPDX-License-Identifier: MIT
# labs-check.sh LAB...: prove each lab's grader both ways. The full tree
# must score full marks; the student tree (make student) must build, boot
# (its other labs still full marks) and score less on its own lab.
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
	if ! make -C "$out" --no-print-directory -j2 all test-boot >"$out.log" 2>&1; then
		echo "labs-check: $lab: the student tree does not build (see $out.log)"; fail=1; continue
	fi
	python3 "$out/tools/grade.py" "$lab"
	case $? in
	0) echo "labs-check: $lab: the student tree scores full marks: the grader cannot fail"; fail=1 ;;
	1) echo "labs-check: $lab: the student tree scores less, as it must" ;;
	*) echo "labs-check: $lab: the grader broke on the student tree"; fail=1 ;;
	esac
	# The other labs' solutions are in the student tree: they still pass.
	for other in "$@"; do
		[ "$other" = "$lab" ] && continue
		python3 "$out/tools/grade.py" "$other" >"$out-$other.grade" 2>&1 ||
			{ echo "labs-check: $lab's student tree fails lab $other:"; cat "$out-$other.grade"; fail=1; }
	done
done
[ $fail = 0 ] && echo "labs-check: every lab passed both ways"
exit $fail
