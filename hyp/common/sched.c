// SPDX-License-Identifier: MIT
/*
 * Which vCPU runs on each CPU, the mechanism: vCPUs that block
 * (SCHEDOP_block/poll) leave the run queue until an event or their timer
 * wakes them, a CPU's idle loop runs when nothing can, and the policy
 * (sched_credit.c) chooses, never a vCPU another CPU is running. Switches
 * happen only on the way back to a guest, where the whole guest state is
 * the frame at the top of the vCPU's own stack. All of it runs under the
 * hypervisor lock (asm/smp.h).
 */
#include <lamina/console.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/hypercall.h>
#include <lamina/options.h>
#include <lamina/printk.h>
#include <lamina/sched.h>
#include <lamina/sched_credit.h>
#include <lamina/shutdown.h>
#include <lamina/timer.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/sched.h>

#define POLL_MAX_PORTS 128

bool vcpu_runnable(const struct vcpu *v)
{
	return v && v->running && !v->blocked &&
	       v->domain->state == DOMAIN_RUNNING;
}

void vcpu_kick(struct vcpu *v)
{
	if (v->is_running && v->processor != smp_processor_id())
		smp_send_resched(v->processor);
}

/*
 * An event or timer for v. Running elsewhere: that CPU must pass its
 * return path to deliver the upcall. Waiting for a CPU: an idle one
 * takes it, or (as on one CPU) this one gives way at its next exit.
 */
void vcpu_wake(struct vcpu *v)
{
	bool was_blocked = v->blocked, preempt;

	v->blocked = false;
	if (v->is_running) {
		vcpu_kick(v);
		return;
	}
	if (!was_blocked || !vcpu_runnable(v))
		return;
	/* The policy queues it (BOOST); an idle CPU takes it, or else the
	 * CPU it last ran on gives way if the policy says it should. */
	preempt = sched_credit_wake(v);
	if (!smp_wake_idle_cpu() && preempt)
		smp_preempt(v->processor);
}

void sched_yield_soon(void)
{
	this_cpu()->need_resched = true;
}

/* What the policy runs next on this CPU, or NULL. */
static struct vcpu *pick_next(struct vcpu *prev)
{
	return sched_credit_pick(smp_processor_id(), prev);
}

/*
 * From each CPU's tick: end the current slice. The boot CPU also serves
 * the console for all (vCPU timers fire at their own deadlines: timer.c).
 */
void sched_tick(void)
{
	struct percpu *pc = this_cpu();

	if (sched_credit_tick(pc->cpu, current))
		pc->need_resched = true;
	if (pc->cpu)
		return;
	console_drain_all();
	console_poll();
}

static void __attribute__((noreturn)) run(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	/* The policy marked v running here when it picked it. */
	pc->need_resched = false;
	pv_start_vcpu(v);
}

/* With the hypervisor lock held; dropped only while halted. */
void idle_loop(void)
{
	static bool announced;
	struct percpu *pc = this_cpu();

	current = NULL;
	/*
	 * No guest L4 stays in CR3 here: its vCPU may run on another CPU and
	 * give the frame back, and this CPU would still walk it for the
	 * hypervisor's own addresses (shootdowns skip idle CPUs).
	 */
	write_cr3_flush(idle_page_table());
	if (!pc->cpu && !announced && !domains_alive()) {
		announced = true;
		pr_info("Idle: no domains to run; waiting for domains.\n");
	}
	/* No domain left running means no vCPU left to pick. */
	if (!pc->cpu && opt.idle_exit && !domains_alive()) {
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
	for (;;) {
		struct vcpu *v = pick_next(NULL);

		if (v)
			run(v);
		pc->idle = true;
		hyp_unlock();
		safe_halt();
		irq_disable();
		hyp_lock();
		pc->idle = false;
	}
}

static void __attribute__((noreturn)) idle_on_boot_stack(void)
{
	asm volatile("movq %0, %%rsp\n\t"
		     "xorl %%ebp, %%ebp\n\t"
		     "jmp idle_loop"
		     :
		     : "r"(this_cpu()->idle_stack_top)
		     : "memory");
	__builtin_unreachable();
}

void scheduler_start(void)
{
	struct vcpu *v;

	sched_credit_cpu_online(smp_processor_id());
	v = pick_next(NULL);

	if (v)
		run(v);
	idle_loop();
}

/*
 * On the way back to current's guest: keep running it, or save it (its
 * frame is regs) and switch to another vCPU or to idle.
 */
void schedule(struct cpu_user_regs *regs)
{
	struct percpu *pc = this_cpu();
	struct vcpu *prev = current, *next;

	if (vcpu_runnable(prev) && !pc->need_resched)
		return;
	next = pick_next(prev);
	if (next == prev) {
		pc->need_resched = false;
		return;
	}
	pv_save_vcpu(prev, regs); /* the policy's pick took prev off */
#ifdef CONFIG_DEBUG
	if (opt.trace_hypercalls)
		pr_info("switch %d.%d (rip %lx rsp %lx) -> %d.%d (rip %lx rsp %lx)\n",
			prev ? prev->domain->domid : -1,
			prev ? (int)prev->vcpu_id : -1,
			(unsigned long)regs->rip, (unsigned long)regs->rsp,
			next ? next->domain->domid : -1,
			next ? (int)next->vcpu_id : -1,
			next ? (unsigned long)next->regs.rip : 0,
			next ? (unsigned long)next->regs.rsp : 0);
#endif
	if (next)
		run(next);
	idle_on_boot_stack();
}

static long sched_poll(struct vcpu *v, uint64_t arg)
{
	struct sched_poll p;
	uint32_t ports[POLL_MAX_PORTS];

	if (copy_from_guest(&p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (copy_from_guest(ports, p.ports.addr, p.nr_ports * sizeof(ports[0])))
		return -XEN_EFAULT;
	for (uint32_t i = 0; i < p.nr_ports; i++) {
		if (ports[i] >= 4096)
			return -XEN_EINVAL;
		if (evtchn_port_is_pending(v->domain, ports[i]))
			return 0;
	}
	if (p.timeout && p.timeout <= system_time_ns())
		return 0;
	/* Any event for the domain wakes a poller, masked or not. */
	v->polling = true;
	v->poll_deadline_ns = p.timeout;
	v->blocked = true;
	timer_want(p.timeout);
	return 0;
}

static long sched_block(struct vcpu *v)
{
	/* Blocking re-enables event delivery, then waits for an event. */
	v->vcpu_info->evtchn_upcall_mask = 0;
	if (!v->vcpu_info->evtchn_upcall_pending)
		v->blocked = true;
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
		sched_credit_yield(v);
		this_cpu()->need_resched = true;
		return 0;
	case SCHEDOP_block:
		return sched_block(v);
	case SCHEDOP_poll:
		return sched_poll(v, arg);
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
