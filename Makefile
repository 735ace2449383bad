# SPDX-License-Identifier: MIT
# nagi: build the kernel, boot it under QEMU, test it. `make help` lists targets.

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJDUMP := $(CROSS)objdump
NM      := $(CROSS)nm
QEMU    ?= qemu-system-riscv64
GDB     ?= gdb-multiarch
PYTHON  ?= python3

SMP      ?= 4
MEM      ?= 256M
BOOTARGS ?=
B        := build
# Guest RAM is kept in this host file by `make run`, so the pmem device's
# media (reserved RAM, docs/pmem.md) survives a reboot; `make pmem-reset`.
PMEM_IMG ?= $(B)/pmem.img
# The prepared file system (docs/fs.md): every user program in /, the
# devices /dev/console and /dev/null and a README, sized for MEM. `make run` puts it
# on the media of a new $(PMEM_IMG) at `pmemimg offset $(MEM)`; each test
# boots a fresh copy.
FS_IMG := $(B)/fs.img

# Each folder's sources; the kernel image is all of them.
ARCH_SRCS   := $(wildcard arch/riscv/*.S arch/riscv/*.c)
# kernel/ is the portable core and one folder per subsystem (docs/architecture.md).
KERNEL_SRCS := $(wildcard kernel/*.c kernel/*/*.c)
DRIVER_SRCS := $(wildcard drivers/*.c drivers/*/*.c)
LIB_SRCS    := $(wildcard lib/*.c)
KTEST_SRCS  := $(wildcard tests/kernel/*.c)
KSRCS := $(ARCH_SRCS) $(KERNEL_SRCS) $(DRIVER_SRCS) $(LIB_SRCS) $(KTEST_SRCS)
KOBJS := $(patsubst %,$(B)/%.o,$(basename $(KSRCS))) $(B)/bootfs.o
LIBOBJS := $(patsubst %,$(B)/%.o,$(basename $(LIB_SRCS)))

# User space: the library, then one program per file in user/bin and user/tests.
ULIB_SRCS := $(wildcard user/lib/*.S user/lib/*.c)
ULIB_OBJS := $(patsubst %,$(B)/%.o,$(basename $(ULIB_SRCS)))
UPROG_SRCS := $(wildcard user/bin/*.c user/tests/*.c)
UPROGS := $(patsubst user/%.c,$(B)/user/%,$(UPROG_SRCS))

# gcc 12 wants _zicsr_zifencei for CSR and fence.i instructions. No floating
# point in the kernel: lp64, and the soft-float libgcc to match (design.md).
ARCHFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax
# OPT=-O0 builds a kernel whose variables gdb can always print (make gdb
# OPT=-O0); user programs stay -O2 (optflags).
OPT ?= -O2
optflags = $(if $(filter $(B)/user/%,$@),-O2,$(OPT))
CFLAGS := $(ARCHFLAGS) -std=gnu11 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-stack-protector -fno-pie -fno-omit-frame-pointer \
	-fno-common -MD -MP -I.
# DEBUG=1: the xl bookkeeping checks its invariants at every change.
CFLAGS += $(if $(DEBUG),-DXL_DEBUG)
LIBGCC := $(shell $(CC) -march=rv64imac -mabi=lp64 -print-libgcc-file-name 2>/dev/null)
LDFLAGS := -nostdlib -no-pie -T linker.ld -Wl,--no-warn-rwx-segments

QEMUOPTS = -machine virt,aclint=on -bios default -smp $(SMP) -m $(MEM) \
	-kernel $(B)/kernel.elf -append "$(BOOTARGS)"
# share=on: writes reach the file (and survive QEMU being killed).
PMEMOPTS = -object memory-backend-file,id=mem,size=$(MEM),mem-path=$(PMEM_IMG),share=on \
	-machine memory-backend=mem

# Keep user objects: make would otherwise delete them as intermediates.
.SECONDARY:

.PHONY: all run qemu gdb qemu-gdb test test-unit test-boot deps clean help format pmem-reset \
	fs-image fsck crash-test bench fuzz fuzz-images grade student labs-check console FORCE

all: $(B)/kernel.elf

$(B)/%.o: %.c $(B)/opt.flags
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) $(optflags) -c $< -o $@

$(B)/%.o: %.S $(B)/opt.flags
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) $(optflags) -c $< -o $@

# User programs are linked at 0x40000000 (user/user.ld). They go into the
# file system image, and into the kernel as the boot file set: the fallback
# when no file system can be mounted.
$(B)/user/%: $(B)/user/%.o $(ULIB_OBJS) $(LIBOBJS) user/user.ld
	@$(CC) $(CFLAGS) -nostdlib -no-pie -T user/user.ld -Wl,--no-warn-rwx-segments \
		$< $(ULIB_OBJS) $(LIBOBJS) $(LIBGCC) -o $@

$(B)/bootfs.S: $(UPROGS) tools/mkbootfs.sh
	@sh tools/mkbootfs.sh $(UPROGS) > $@

$(B)/bootfs.o: $(B)/bootfs.S
	@$(CC) $(CFLAGS) -c $< -o $@

# kernel.asm (source interleaved) and kernel.sym are for reading along.
$(B)/kernel.elf: $(KOBJS) linker.ld
	@$(CC) $(CFLAGS) $(LDFLAGS) $(KOBJS) $(LIBGCC) -o $@
	@$(OBJDUMP) -S $@ > $(B)/kernel.asm
	@$(NM) -n $@ > $(B)/kernel.sym
	@echo "  built $@"

run qemu: $(B)/kernel.elf $(PMEM_IMG) $(PMEM_IMG).updated
	@[ "$$(stat -c %s $(PMEM_IMG))" = "$$(numfmt --from=iec $(MEM))" ] || \
	  { echo "$(PMEM_IMG) is not $(MEM) big: make pmem-reset (its data goes)"; exit 1; }
	@echo "nagi: $(SMP) harts, $(MEM) kept in $(PMEM_IMG). Leave QEMU with Ctrl-a x."
	$(QEMU) $(QEMUOPTS) $(PMEMOPTS) -nographic

# The file system: mkfs with the programs, sized to the media less the
# blocks the pmem kernel tests use (pmemimg fssize).
fs-image: $(FS_IMG)
$(FS_IMG): $(UPROGS) user/README $(B)/tools/mkfs $(B)/tools/pmemimg $(B)/fs.mem Makefile
	@$(B)/tools/mkfs -n /dev/console=1,0 -n /dev/null=2,0 $@ \
		$$($(B)/tools/pmemimg fssize $(MEM)) \
		user/README $(UPROGS) >/dev/null

# The OPT the objects were built with: a new OPT rebuilds them.
$(B)/opt.flags: FORCE
	@mkdir -p $(@D)
	@echo "$(OPT)" | cmp -s - $@ || echo "$(OPT)" > $@

# The MEM the file system was sized for: a new MEM makes a new one.
$(B)/fs.mem: FORCE
	@mkdir -p $(@D)
	@echo $(MEM) | cmp -s - $@ || echo $(MEM) > $@

# Made once, then kept: a sparse file as big as RAM with the file system
# on the media. New programs do not replace it (make run says so).
$(PMEM_IMG): | $(FS_IMG)
	@mkdir -p $(@D)
	$(B)/tools/pmemimg new $@ $(MEM) $(FS_IMG)
	@touch $@.made $@.updated

# Programs rebuilt since the last run go into the file system of
# $(PMEM_IMG) as /NAME (tools/fsutil put), keeping the files made inside
# nagi: no pmem-reset needed after changing a program.
$(PMEM_IMG).updated: $(UPROGS) | $(PMEM_IMG) $(B)/tools/fsutil $(B)/tools/pmemimg
	@[ "$$(stat -c %s $(PMEM_IMG))" = "$$(numfmt --from=iec $(MEM))" ] || \
	  { echo "$(PMEM_IMG) is not $(MEM) big: make pmem-reset (its data goes)"; exit 1; }
	@off=$$($(B)/tools/pmemimg offset $(MEM)) && n=0 && \
	for p in $(filter $(B)/user/%,$?); do \
	  [ -e $@ ] && [ ! $$p -nt $@ ] && continue; \
	  $(B)/tools/fsutil -o $$off $(PMEM_IMG) put /$${p##*/} $$p || exit 1; n=$$((n + 1)); \
	done; \
	[ $$n = 0 ] || echo "nagi: $$n changed program(s) put into the file system in $(PMEM_IMG)"
	@touch $@

pmem-reset:
	rm -f $(PMEM_IMG) $(PMEM_IMG).made $(PMEM_IMG).updated

# Check the file system in $(PMEM_IMG) (after a crash, say) with tools/fsck.
fsck: $(B)/tools/pmemimg $(B)/tools/fsck
	@$(B)/tools/pmemimg get $(PMEM_IMG) $(MEM) $(B)/pmem-fs.img
	@$(B)/tools/fsck $(B)/pmem-fs.img

# QEMU waits for gdb; gdb talks to it over a pipe (no TCP port to clash).
# GDBFLAGS adds gdb options: the gdb test passes -batch and its script.
# The RAM image (and so the file system) is make run's; the console is the
# socket $(CONSOLE_SOCK): type at nagi with `make console` in a second
# terminal (its output is kept in $(B)/console.log too).
CONSOLE_SOCK ?= $(B)/console.sock
gdb qemu-gdb: $(B)/kernel.elf $(PMEM_IMG) $(PMEM_IMG).updated
	@rm -f $(CONSOLE_SOCK)
	$(GDB) -q -nx -ex 'set pagination off' -ex 'file $(B)/kernel.elf' -ex 'set $$nagi_build = "$(B)"' \
	  -ex 'target remote | exec $(QEMU) $(QEMUOPTS) $(PMEMOPTS) -display none -chardev socket,id=con,path=$(CONSOLE_SOCK),server=on,wait=off,logfile=$(B)/console.log -serial chardev:con -monitor none -gdb stdio -S' \
	  -x tools/gdb/nagi.gdb $(GDBFLAGS)

# The console of a nagi under make gdb (Ctrl-] leaves).
console:
	@$(PYTHON) tools/console.py $(CONSOLE_SOCK)

# Host unit tests, built with the sanitizers against the host libc.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(filter-out tests/unit/stubs.c,$(wildcard tests/unit/*_test.c)))
HOSTCFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -DNAGI_HOSTED -I. \
	-fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_DEPS_printf_test := lib/printf.c lib/string.c
UNIT_DEPS_fdt_test    := kernel/fdt.c kernel/machine.c lib/string.c
UNIT_DEPS_page_test   := kernel/mm/page.c lib/string.c tests/unit/stubs.c tests/unit/stubs.h
UNIT_DEPS_stats_test  := lib/stats.c lib/stats.h
UNIT_DEPS_bootargs_test := kernel/bootargs.c lib/string.c tests/unit/stubs.c tests/unit/stubs.h
# The file system core over a memory device, with mkfs's and fsck's engines.
FS_CORE := $(wildcard kernel/fs/*.c kernel/fs/*.h) lib/fs_format.h lib/fs_crc.h lib/errno.c \
	tools/mkfs_image.c tools/mkfs_image.h tools/fsck_check.c tools/fsck_check.h \
	tests/unit/fs_host.c tests/unit/fs_host.h tests/unit/stubs.c tests/unit/stubs.h
# The damaged-image tests share a reference image and its checks.
FS_DAMAGE := tests/unit/fs_damage.c tests/unit/fs_damage.h
UNIT_DEPS_fs_test         := $(FS_CORE)
UNIT_DEPS_fs_corrupt_test := $(FS_CORE) $(FS_DAMAGE)
UNIT_DEPS_fs_fsck_test    := $(FS_CORE) $(FS_DAMAGE)
UNIT_DEPS_fs_crash_test   := $(FS_CORE)
UNIT_DEPS_fs_ioerr_test   := $(FS_CORE)
UNIT_DEPS_fs_limits_test  := $(FS_CORE)
UNIT_DEPS_fs_kill_test    := $(FS_CORE)
UNIT_DEPS_fs_fuzz_test    := $(FS_CORE)
UNIT_DEPS_fs_reserve_test := $(FS_CORE)
UNIT_DEPS_fs_itable_test  := $(FS_CORE)
UNIT_DEPS_fs_create_test  := $(FS_CORE)

.SECONDEXPANSION:
$(B)/unit/%: tests/unit/%.c tests/unit/unit.h $$(UNIT_DEPS_$$*)
	@mkdir -p $(@D)
	@gcc $(HOSTCFLAGS) $(filter %.c,$^) -o $@

# Host tools: mkfs builds file system images, fsck checks them (docs: lib/fs_format.h).
TOOLCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -DNAGI_HOSTED -I.
$(B)/tools/mkfs: tools/mkfs.c tools/mkfs_image.c tools/mkfs_image.h lib/fs_format.h lib/fs_crc.h lib/errno.c
	@mkdir -p $(@D)
	@gcc $(TOOLCFLAGS) $(filter %.c,$^) -o $@

# fsutil runs the kernel's own file system code on an image: ls, cat, put.
$(B)/tools/fsutil: tools/fsutil.c tools/hosted.c $(wildcard kernel/fs/*.c kernel/fs/*.h) lib/fs_format.h lib/fs_crc.h lib/errno.c
	@mkdir -p $(@D)
	@gcc $(TOOLCFLAGS) $(filter %.c,$^) -o $@

# fsprof runs seed 000's calls on the core in memory, for callgrind (docs/fs.md).
$(B)/tools/fsprof: tools/fsprof.c tools/hosted.c tools/mkfs_image.c tools/mkfs_image.h $(wildcard kernel/fs/*.c kernel/fs/*.h) lib/fs_format.h lib/fs_crc.h lib/errno.c
	@mkdir -p $(@D)
	@gcc $(TOOLCFLAGS) $(filter %.c,$^) -o $@

$(B)/tools/fsck: tools/fsck.c tools/fsck_check.c tools/fsck_check.h lib/fs_format.h lib/fs_crc.h
	@mkdir -p $(@D)
	@gcc $(TOOLCFLAGS) $(filter %.c,$^) -o $@

# pmemimg knows where the media lies in the RAM image (kernel/hw/pmem_regs.h).
$(B)/tools/pmemimg: tools/pmemimg.c kernel/hw/pmem_regs.h
	@mkdir -p $(@D)
	@gcc $(TOOLCFLAGS) $(filter %.c,$^) -o $@

# DTBs that QEMU itself writes, for the DTB parser's tests.
# (-append needs -kernel; any kernel will do, QEMU exits before running it.)
$(B)/dtb/virt-smp%.dtb: $(B)/kernel.elf
	@mkdir -p $(@D)
	@timeout 30 $(QEMU) -machine virt,dumpdtb=$@ -smp $* -m 256M -kernel $< -append "ktest hz=50" >/dev/null 2>&1
$(B)/dtb/virt-aclint-smp%.dtb: $(B)/kernel.elf
	@mkdir -p $(@D)
	@timeout 30 $(QEMU) -machine virt,aclint=on,dumpdtb=$@ -smp $* -m 256M -kernel $< >/dev/null 2>&1

test-unit: $(UNIT_TESTS) $(B)/dtb/virt-smp4.dtb $(B)/dtb/virt-smp8.dtb $(B)/dtb/virt-aclint-smp4.dtb $(B)/tools/mkfs $(B)/tools/fsck $(B)/tools/fsprof
test-boot: $(B)/kernel.elf $(FS_IMG) $(B)/tools/pmemimg $(B)/tools/mkfs $(B)/tools/fsck $(B)/tools/fsutil

test: deps
	@$(MAKE) --no-print-directory all test-unit test-boot
	@$(PYTHON) tests/run.py $(TEST)

# The fuzzers (docs/testing.md): the syscall fuzzer on 2, 4 and 5 harts with
# both completion modes, then each target in FUZZ_TARGETS. SEED replays.
FUZZ_TARGETS ?= fuzz-images
fuzz: deps
	@$(MAKE) --no-print-directory all test-boot
	@SEED=$(SEED) $(PYTHON) tests/boot/fuzz_tests.py long
	@for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done

# Damaged file-system images through mount, fsck and a workload on the host
# (ASan/UBSan): IMAGES of them from SEED (default: the time).
IMAGES ?= 5000
fuzz-images: $(B)/unit/fs_fuzz_test
	@$< $(or $(SEED),$$(date +%s)) $(IMAGES)

# Kill QEMU RUNS times in the middle of writes and check the image after
# each (make test does it 10 times); SEED repeats a run's kill delays.
RUNS ?= 100
crash-test: deps
	@$(MAKE) --no-print-directory all test-boot
	@$(PYTHON) tests/boot/crash_tests.py $(RUNS) $(SEED)

# The benchmark (docs/bench.md): bench in a fresh nagi, table and CSV kept
# in build/bench.txt and build/bench.csv, the run's headline ratios last.
# BENCH= picks sections (null dev seed fibers yield, -q), ICOUNT=1 runs
# QEMU deterministically (-icount shift=0), ISOLATE=off,on (the default)
# boots once per page-table isolation mode.
bench: deps
	@$(MAKE) --no-print-directory all $(FS_IMG) $(B)/tools/pmemimg
	@$(PYTHON) tools/bench.py --smp $(SMP) --bootargs "$(BOOTARGS)" \
		$(if $(ICOUNT),--icount) $(if $(ISOLATE),--isolate $(ISOLATE)) -- $(BENCH)

# Figures from build/bench.csv (make bench first): build/plots/*.svg, *.png.
.PHONY: plot
plot: deps
	@$(PYTHON) tools/plot.py

# Where each hart spends its time while nagi runs CMD (tools/hartprof.py):
# every hart's pc and callers, sampled through QEMU's gdb stub for SECS s.
.PHONY: profile
CMD  ?= seed -u 64 -r 4 -n 60 procs
SECS ?= 10
profile: deps
	@$(MAKE) --no-print-directory all $(FS_IMG) $(B)/tools/pmemimg
	@$(PYTHON) tools/hartprof.py --smp $(SMP) --secs $(SECS) --bootargs "$(BOOTARGS)" -- $(CMD)

# The labs (docs/labs/README.md). grade: LAB's tests with points, one with
# TEST=, non-zero below full marks. student: LAB's tree with its solution
# regions replaced by stubs, in OUT. labs-check: for every lab, the full
# tree scores full marks and its student tree builds, boots and scores less;
# OTHERS=1: each student tree also grades the other labs.
LABS ?= syscall traps interrupts xl polling fibers
grade:
	@[ -n "$(LAB)" ] || { echo "make grade LAB=name [TEST=name]  (labs: $(LABS))"; exit 2; }
	@$(MAKE) --no-print-directory all test-boot
	@$(PYTHON) tools/grade.py $(LAB) $(TEST)

student:
	@[ -n "$(LAB)" ] || { echo "make student LAB=name [OUT=dir]  (labs: $(LABS))"; exit 2; }
	@rm -rf $(or $(OUT),$(B)/student-$(LAB))
	@$(PYTHON) tools/lab.py student $(LAB) $(or $(OUT),$(B)/student-$(LAB))

labs-check:
	@$(MAKE) --no-print-directory all test-boot
	@OTHERS=$(OTHERS) sh tools/labs-check.sh $(LABS)

deps:
	@sh tools/deps.sh

format:
	@clang-format -i $(filter %.c %.h,$(KSRCS) $(wildcard */*.h */*/*.h */*/*/*.h tests/unit/*.c))

clean:
	rm -rf $(B)

help:
	@echo "make deps      install the toolchain, QEMU, OpenSBI, gdb (apt-get)"
	@echo "make run       build and boot nagi (SMP=$(SMP) MEM=$(MEM) BOOTARGS='...'),"
	@echo "               RAM kept in $(PMEM_IMG), made with the file system $(FS_IMG)"
	@echo "make pmem-reset  delete $(PMEM_IMG): the next run starts from a new file system"
	@echo "make fsck      check the file system in $(PMEM_IMG)"
	@echo "make gdb       boot halted under gdb-multiarch with tools/gdb/nagi.gdb"
	@echo "make test      unit tests, boot tests, gdb test: ends 'N passed, N failed, N skipped'"
	@echo "               TEST='SUITE or SUITE:NAME ...' runs some (tests/run.py --list)"
	@echo "make fuzz      the syscall fuzzer, long runs (SEED=N replays), then FUZZ_TARGETS"
	@echo "make crash-test  kill QEMU mid-write RUNS=$(RUNS) times, fsck after each"
	@echo "make bench     the benchmark: trap vs syscall page, interrupt vs polling"
	@echo "make plot      figures from build/bench.csv into build/plots (gnuplot)"
	@echo "make profile   where each hart spends its time while nagi runs CMD=..."
	@echo "make grade LAB=name [TEST=t]  grade a lab (docs/labs/); make student LAB=name"
	@echo "               writes its student tree; make labs-check tests the graders"
	@echo "make clean     remove $(B)/"

-include $(KOBJS:.o=.d) $(ULIB_OBJS:.o=.d) $(UPROGS:=.d)
