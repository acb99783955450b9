// SPDX-License-Identifier: MIT
/*
 * libpv_start: record the start-of-day state, map shared_info, bring up
 * the console, traps and events, then run the guest's test_main().
 */
#include <libpv/console.h>
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/sched.h>

struct boot_state boot;
struct start_info *start_info;
struct shared_info *shared_info;
struct vcpu_info *vcpu0_info;

/* entry_regs[0] = rsp, [1] = rsi at _start (start.S). */
extern unsigned long entry_regs[2];

/* The frame shared_info is mapped over; its own frame is given up. */
static char shared_info_page[4096]
	__attribute__((aligned(4096), section(".bss.page_aligned")));

static void map_shared_info(void)
{
	uint64_t pte = start_info->shared_info | _PAGE_PRESENT | _PAGE_RW |
		       _PAGE_ACCESSED | _PAGE_DIRTY;

	if (hyp_update_va_mapping((unsigned long)shared_info_page, pte,
				  UVMF_INVLPG))
		pv_shutdown(SHUTDOWN_crash);
	shared_info = (struct shared_info *)shared_info_page;
	vcpu0_info = &shared_info->vcpu_info[0];
}

void __attribute__((noreturn)) pv_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	console_flush();
	for (;;)
		hyp_sched_op(SCHEDOP_shutdown, &s);
}

void __attribute__((noreturn)) libpv_start(struct start_info *si);
void __attribute__((noreturn)) libpv_start(struct start_info *si)
{
	boot.si = si;
	boot.entry_rsp = entry_regs[0];
	boot.entry_rsi = entry_regs[1];
	boot.entry_cr3_va = si->pt_base;
	memcpy(&boot.si_copy, si, sizeof(*si));
	start_info = si;
	current_l4 = (pte_t *)si->pt_base;

	console_init();
	mm_init();
	map_shared_info();
	traps_init();
	events_init();
	test_main();
	test_done();
}

unsigned long cmdline_number(const char *key, unsigned long def)
{
	const char *p = strstr((const char *)start_info->cmd_line, key);
	unsigned long n = 0;

	if (!p)
		return def;
	for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	return n;
}

bool cmdline_has(const char *word)
{
	return strstr((const char *)start_info->cmd_line, word) != NULL;
}
