#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what nagi needs to build, boot and test, with apt-get; quick when
# everything is already there.
set -e
PKGS="make gcc python3 gcc-riscv64-unknown-elf qemu-system-misc opensbi gdb-multiarch gnuplot-nox"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps: missing$missing; run this as root or install sudo" >&2
		exit 1
	}
	SUDO=sudo
fi
echo "deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
