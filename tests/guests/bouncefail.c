// SPDX-License-Identifier: MIT
/*
 * bouncefail: a hostile guest whose kernel stack (stack_switch) is not
 * mapped takes an event while in user mode. The hypervisor cannot build
 * the event callback's frame; as on Xen the domain must crash. If the
 * failure is ignored with the vCPU left in kernel mode, the user code's
 * next syscall is taken as a hypercall: it shuts the domain down with
 * SHUTDOWN_poweroff, which the test sees instead of the crash.
 * Harness guest, run as a boot domain.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <libpv/user.h>
#include <xen/sched.h>
#include <xen/xen.h>

#define MS 1000000ULL
#define UNMAPPED_STACK 0x2000UL

static struct sched_shutdown poweroff = { .reason = SHUTDOWN_poweroff };

static void user_main(void)
{
	uint64_t end = system_time_ns() + 2000 * MS;
	long rc;

	while (system_time_ns() < end)
		;
	/* Only a kernel-mode vCPU has this reach the hypervisor. */
	asm volatile("syscall"
		     : "=a"(rc)
		     : "a"(__HYPERVISOR_sched_op), "D"(SCHEDOP_shutdown),
		       "S"(&poweroff)
		     : "rcx", "r11", "memory");
	user_exit(rc);
}

void test_main(void)
{
	evtchn_port_t port;

	user_mode_init();
	if (evtchn_bind_virq(VIRQ_TIMER, 0, &port))
		test_fatal("bind VIRQ_TIMER failed");
	evtchn_unmask(port);
	CHECK_EQ("stack_switch_unmapped",
		 hyp_stack_switch(FLAT_KERNEL_SS, UNMAPPED_STACK), 0);
	hyp_set_timer_op(system_time_ns() + 20 * MS);
	events_restore(0);
	info("user mode returned %ld", user_run(user_main));
}
