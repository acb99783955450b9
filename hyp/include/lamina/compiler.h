/* SPDX-License-Identifier: MIT */
/*
 * Forced into every hypervisor compilation unit (-include). The image is
 * built position-independent so it can live outside the top 2 GiB (the
 * guest kernel's); hidden visibility lets the compiler reach every symbol
 * RIP-relative instead of through a GOT.
 */
#pragma GCC visibility push(hidden)
