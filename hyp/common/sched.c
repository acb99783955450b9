// SPDX-License-Identifier: MIT
/*
 * Which vCPU runs. For now: the boot domains' vCPUs in turn on the boot
 * CPU; the credit scheduler and other CPUs come with the SMP work.
 */
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/timer.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <lamina/options.h>
#include <lamina/printk.h>
#include <lamina/sched.h>
#include <lamina/shutdown.h>
#include <asm/cpu.h>
#include <asm/pv.h>
#include <asm/time.h>

#define TICK_HZ 100

extern char boot_stack_top[];

static struct vcpu *pick_runnable(void)
{
	for (unsigned int i = 0; i < CONFIG_MAX_DOMAINS; i++) {
		struct domain *d = domains[i];

		if (!d || d->state != DOMAIN_RUNNING)
			continue;
		for (unsigned int j = 0; j < d->nr_vcpus; j++)
			if (d->vcpu[j] && d->vcpu[j]->running)
				return d->vcpu[j];
	}
	return NULL;
}

void idle_loop(void)
{
	current = NULL;
	pr_info("Idle: no domains to run; waiting for domains.\n");
	if (opt.idle_exit) {
		/* Let the tick run a little first: it shows the timer works. */
		uint64_t start = ticks;
		uint64_t t0 = system_time_ns();

		while (ticks - start < TICK_HZ / 10)
			safe_halt();
		pr_info("Timer: %lu ticks in %lu ms\n",
			(unsigned long)(ticks - start),
			(unsigned long)((system_time_ns() - t0) / 1000000));
		machine_shutdown(SHUTDOWN_POWEROFF);
	}
	for (;;)
		safe_halt();
}

static void __attribute__((noreturn)) idle_on_boot_stack(void)
{
	asm volatile("movq %0, %%rsp\n\t"
		     "xorl %%ebp, %%ebp\n\t"
		     "jmp idle_loop"
		     :
		     : "r"(boot_stack_top)
		     : "memory");
	__builtin_unreachable();
}

void scheduler_start(void)
{
	struct vcpu *v = pick_runnable();

	if (v)
		pv_start_vcpu(v);
	idle_loop();
}

void schedule_from_dead_vcpu(void)
{
	struct vcpu *v = pick_runnable();

	irq_disable();
	if (v)
		pv_start_vcpu(v);
	idle_on_boot_stack();
}

static long sched_block(struct vcpu *v)
{
	/* Blocking re-enables event delivery, then waits for an event. */
	v->vcpu_info->evtchn_upcall_mask = 0;
	while (!v->vcpu_info->evtchn_upcall_pending) {
		if (timer_check_expired(v))
			break;
		safe_halt();
		irq_disable();
	}
	return 0;
}

long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
		 uint64_t a5)
{
	struct vcpu *v = current;
	struct sched_shutdown sd;

	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case SCHEDOP_yield:
		return 0;
	case SCHEDOP_block:
		return sched_block(v);
	case SCHEDOP_shutdown:
		if (copy_from_guest(&sd, arg, sizeof(sd)))
			return -XEN_EFAULT;
		domain_shutdown(v->domain, sd.reason);
		return 0;
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(&sd, arg, sizeof(sd)))
			return -XEN_EFAULT;
		v->domain->shutdown_reason = sd.reason;
		return 0;
	case SCHEDOP_remote_shutdown: {
		struct sched_remote_shutdown rs;
		struct domain *t;

		if (copy_from_guest(&rs, arg, sizeof(rs)))
			return -XEN_EFAULT;
		if (cap_check_domain(&v->domain->cspace, rs.domain_id,
				     CAP_RIGHT_CONTROL))
			return -XEN_EPERM;
		t = domain_lookup(rs.domain_id);
		if (!t)
			return -XEN_ESRCH;
		domain_shutdown(t, rs.reason);
		return 0;
	}
	default:
		return -XEN_ENOSYS;
	}
}
