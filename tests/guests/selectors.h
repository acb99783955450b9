/* SPDX-License-Identifier: MIT */
/* Guests that watch their data selectors (selkeep, failsafe). */
#ifndef GUESTS_SELECTORS_H
#define GUESTS_SELECTORS_H

/* The selector a segment register holds now: READ_SELECTOR(ds). */
#define READ_SELECTOR(seg)                                       \
	({                                                       \
		unsigned int sel_;                               \
		asm volatile("mov %%" #seg ", %0" : "=r"(sel_)); \
		sel_ & 0xffff;                                   \
	})

#endif
