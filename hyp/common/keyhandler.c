// SPDX-License-Identifier: MIT
/*
 * The hypervisor's console keys, as Xen's debug keys: while serial input
 * is on the hypervisor, each key names a report printed on the console.
 * Reports only read state; they run with interrupts off, between guest
 * instructions, so what they show is one consistent moment.
 */
#include <stdint.h>
#include <lamina/console.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/heap.h>
#include <lamina/mm.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/time.h>
#include <xen/xen.h>

/* Every report prints at every log level: the user asked for it. */
#define out(...) printk(LOG_ERR, __VA_ARGS__)

typedef void (*key_fn_t)(const struct cpu_user_regs *regs);

struct key {
	char key;
	const char *what;
	key_fn_t fn;
};

static const char *domain_state_name(const struct domain *d)
{
	switch (d->state) {
	case DOMAIN_RUNNING:
		return "running";
	case DOMAIN_SHUTDOWN:
		return "shut down";
	default:
		return "dying";
	}
}

static const char *vcpu_state_name(const struct vcpu *v)
{
	if (v->is_running)
		return "running";
	if (!v->running)
		return "down";
	if (v->blocked)
		return v->polling ? "polling" : "blocked";
	return "runnable";
}

/* Which vCPU each physical CPU runs. */
static void dump_cpus(void)
{
	for (unsigned int c = 0; c < nr_cpus_online; c++) {
		const struct vcpu *v = percpu[c].curr;

		if (v)
			out("CPU%u: d%uv%u\n", c, v->domain->domid, v->vcpu_id);
		else
			out("CPU%u: idle\n", c);
	}
}

static void dump_domains(const struct cpu_user_regs *regs)
{
	(void)regs;
	dump_cpus();
	for (unsigned int id = 0; id < CONFIG_MAX_DOMAINS; id++) {
		const struct domain *d = domains[id];

		if (!d)
			continue;
		char max[24] = "no max";

		if (d->max_pages < UINT32_MAX)
			snprintf(max, sizeof(max), "max %lu",
				 (unsigned long)d->max_pages);
		out("Domain %u (%s): %s, %lu pages (%s), %u vCPU%s\n",
		    d->domid, d->name, domain_state_name(d),
		    (unsigned long)d->tot_pages, max, d->nr_vcpus,
		    d->nr_vcpus == 1 ? "" : "s");
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			const struct vcpu *v = d->vcpu[i];

			if (!v)
				continue;
			out("  vCPU %u: %s on CPU%u, %s mode, upcall pending %u mask %u\n",
			    i, vcpu_state_name(v), v->processor,
			    v->kernel_mode ? "kernel" : "user",
			    v->vcpu_info->evtchn_upcall_pending,
			    v->vcpu_info->evtchn_upcall_mask);
		}
	}
}

static void dump_frame(const struct cpu_user_regs *r)
{
	out("  rip %04x:%016lx  rsp %04x:%016lx  rflags %016lx\n", r->cs,
	    (unsigned long)r->rip, r->ss, (unsigned long)r->rsp,
	    (unsigned long)r->rflags);
	out("  rax %016lx  rbx %016lx  rcx %016lx\n", (unsigned long)r->rax,
	    (unsigned long)r->rbx, (unsigned long)r->rcx);
	out("  rdx %016lx  rsi %016lx  rdi %016lx\n", (unsigned long)r->rdx,
	    (unsigned long)r->rsi, (unsigned long)r->rdi);
	out("  rbp %016lx  r8  %016lx  r9  %016lx\n", (unsigned long)r->rbp,
	    (unsigned long)r->r8, (unsigned long)r->r9);
	out("  r10 %016lx  r11 %016lx  r12 %016lx\n", (unsigned long)r->r10,
	    (unsigned long)r->r11, (unsigned long)r->r12);
	out("  r13 %016lx  r14 %016lx  r15 %016lx\n", (unsigned long)r->r13,
	    (unsigned long)r->r14, (unsigned long)r->r15);
}

/*
 * A vCPU off the CPU has its frame in v->regs. The one on the CPU has it
 * live: regs, when the key interrupted that guest; otherwise (the key was
 * polled) v->regs is only its last save.
 */
static void dump_vcpu(const struct vcpu *v, const struct cpu_user_regs *regs)
{
	const struct cpu_user_regs *frame = &v->regs;
	const char *note = "";

	if (v == current) {
		if (regs && (regs->cs & 3) == 3) {
			frame = regs;
			note = ", interrupted by this key";
		} else {
			note = ", frame as last saved";
		}
	}
	out("d%uv%u: %s on CPU%u%s, %s mode\n", v->domain->domid, v->vcpu_id,
	    vcpu_state_name(v), v->processor, note,
	    v->kernel_mode ? "kernel" : "user");
	dump_frame(frame);
	out("  kernel L4 mfn %#lx  user L4 mfn %#lx  fs %#lx  gs %#lx/%#lx\n",
	    (unsigned long)v->kernel_l4_mfn, (unsigned long)v->user_l4_mfn,
	    (unsigned long)v->fs_base, (unsigned long)v->gs_base_kernel,
	    (unsigned long)v->gs_base_user);
}

static void dump_vcpus(const struct cpu_user_regs *regs)
{
	for (unsigned int id = 0; id < CONFIG_MAX_DOMAINS; id++) {
		const struct domain *d = domains[id];

		for (unsigned int i = 0; d && i < d->nr_vcpus; i++)
			if (d->vcpu[i])
				dump_vcpu(d->vcpu[i], regs);
	}
}

static void dump_port(const struct domain *d, uint32_t port)
{
	const struct evtchn *e = &d->evtchn[port];
	char what[48];

	switch (e->state) {
	case ECS_UNBOUND:
		snprintf(what, sizeof(what), "unbound, for d%u", e->remote_dom);
		break;
	case ECS_INTERDOMAIN:
		snprintf(what, sizeof(what), "interdomain, to d%u port %u",
			 e->remote_dom, e->remote_port);
		break;
	case ECS_VIRQ:
		snprintf(what, sizeof(what), "virq %u", e->virq);
		break;
	case ECS_IPI:
		snprintf(what, sizeof(what), "ipi");
		break;
	default:
		snprintf(what, sizeof(what), "state %u", e->state);
		break;
	}
	out("  port %u: %s, vCPU %u, pending %d, masked %d\n", port, what,
	    e->vcpu, evtchn_port_is_pending(d, port),
	    evtchn_port_is_masked(d, port));
}

static void dump_evtchns(const struct cpu_user_regs *regs)
{
	(void)regs;
	for (unsigned int id = 0; id < CONFIG_MAX_DOMAINS; id++) {
		const struct domain *d = domains[id];
		unsigned int bound = 0;

		if (!d)
			continue;
		for (uint32_t p = 1; d->evtchn && p < EVTCHN_2L_PORTS; p++)
			bound += d->evtchn[p].state != ECS_FREE;
		out("Domain %u: %u port%s bound (%s)\n", d->domid, bound,
		    bound == 1 ? "" : "s", d->evtchn_fifo ? "FIFO" : "2-level");
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			const struct vcpu_info *vi =
				d->vcpu[i] ? d->vcpu[i]->vcpu_info : NULL;

			if (vi)
				out("  vCPU %u: upcall pending %u mask %u, selector %016lx\n",
				    i, vi->evtchn_upcall_pending,
				    vi->evtchn_upcall_mask,
				    (unsigned long)vi->evtchn_pending_sel);
		}
		for (uint32_t p = 1; d->evtchn && p < EVTCHN_2L_PORTS; p++)
			if (d->evtchn[p].state != ECS_FREE)
				dump_port(d, p);
	}
}

static void dump_memory(const struct cpu_user_regs *regs)
{
	struct heap_stats h;
	uint64_t owned = 0;

	(void)regs;
	heap_stats(&h);
	for (unsigned int id = 0; id < CONFIG_MAX_DOMAINS; id++)
		if (domains[id])
			owned += domains[id]->tot_pages;
	out("Frames: %lu free (%lu MiB), %lu owned by domains, %lu in the frame table\n",
	    (unsigned long)free_frames(), (unsigned long)(free_frames() >> 8),
	    (unsigned long)owned, (unsigned long)max_frame);
	out("Heap: %lu pages held (%lu as slabs), %lu live allocations (%lu bytes)\n",
	    (unsigned long)h.pages, (unsigned long)h.slabs,
	    (unsigned long)h.live, (unsigned long)h.live_bytes);
	out("Heap: %lu allocs, %lu frees, %lu failed, %lu bad frees\n",
	    (unsigned long)h.allocs, (unsigned long)h.frees,
	    (unsigned long)h.failed_allocs, (unsigned long)h.bad_frees);
}

static void dump_time(const struct cpu_user_regs *regs)
{
	uint64_t now = system_time_ns();

	(void)regs;
	out("System time %lu.%09lu s, %lu ticks, TSC %lu kHz\n",
	    (unsigned long)(now / 1000000000),
	    (unsigned long)(now % 1000000000), (unsigned long)ticks,
	    (unsigned long)tsc_khz);
	for (unsigned int id = 0; id < CONFIG_MAX_DOMAINS; id++) {
		const struct domain *d = domains[id];

		for (unsigned int i = 0; d && i < d->nr_vcpus; i++) {
			const struct vcpu *v = d->vcpu[i];

			if (!v || !v->timer_deadline_ns)
				continue;
			out("  d%uv%u: timer at %lu ns (%s)\n", d->domid, i,
			    (unsigned long)v->timer_deadline_ns,
			    v->timer_deadline_ns > now ? "pending" : "due");
		}
	}
}

static void show_help(const struct cpu_user_regs *regs);

static const struct key keys[] = {
	{ 'd', "dump the registers of every vCPU", dump_vcpus },
	{ 'e', "dump event-channel state", dump_evtchns },
	{ 'h', "show this list", show_help },
	{ 'm', "memory: free frames and heap", dump_memory },
	{ 'q', "list domains and their vCPUs", dump_domains },
	{ 't', "time and vCPU timers", dump_time },
};

#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))

static void show_help(const struct cpu_user_regs *regs)
{
	(void)regs;
	for (unsigned int i = 0; i < NR_KEYS; i++)
		out(" key '%c' => %s\n", keys[i].key, keys[i].what);
	out(" 'CTRL-a' three times => switch serial input to a domain\n");
}

void handle_keypress(char key, const struct cpu_user_regs *regs)
{
	for (unsigned int i = 0; i < NR_KEYS; i++) {
		if (keys[i].key != key)
			continue;
		out("'%c' pressed -> %s\n", key, keys[i].what);
		keys[i].fn(regs);
		return;
	}
	/* Enter, spaces and control keys are not worth a complaint. */
	if (key > ' ' && key < 0x7f)
		out("'%c' pressed -> no such key ('h' lists them)\n", key);
}
