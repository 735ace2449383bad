/* SPDX-License-Identifier: MIT */
/*
 * The first user instruction of every program. exec enters here with
 * a0 = argc, a1 = argv (on the new stack), sp 16-byte aligned.
 * 1. call main(argc, argv); 2. exit with what main returned.
 */
	.section .text.start
	.globl _start
_start:
	mv	s0, zero	/* end of the frame-pointer chain */
	call	main
	call	exit		/* exit(main's return value) never returns */
1:	j	1b
