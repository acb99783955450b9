// SPDX-License-Identifier: MIT
/* Domains and vCPUs: creation, lookup, shutdown and crash. */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/sched.h>
#include <lamina/event.h>
#include <lamina/grant_table.h>
#include <lamina/heap.h>
#include <lamina/mm.h>
#include <lamina/printk.h>
#include <lamina/sched_credit.h>
#include <lamina/shutdown.h>
#include <lamina/string.h>
#include <xen/sched.h>
#include <asm/pv.h>
#include <asm/xstate.h>

struct domain *domains[CONFIG_MAX_DOMAINS];

#define HYP_STACK_ORDER 2 /* 16 KiB, naturally aligned by the buddy */

struct domain *domain_create(domid_t domid, const char *name)
{
	struct domain *d;

	if (domid >= CONFIG_MAX_DOMAINS || domains[domid])
		return NULL;
	d = kzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->state = DOMAIN_RUNNING;
	d->console_line_start = true;
	strlcpy(d->name, name, sizeof(d->name));
	cspace_init(&d->cspace, d->cap_slots, DOMAIN_CSPACE_SLOTS);
	sched_credit_domain_init(d);
	domains[domid] = d;
	return d;
}

struct domain *domain_lookup(domid_t domid)
{
	return domid < CONFIG_MAX_DOMAINS ? domains[domid] : NULL;
}

bool domains_alive(void)
{
	for (unsigned int i = 0; i < CONFIG_MAX_DOMAINS; i++)
		if (domains[i] && domains[i]->state == DOMAIN_RUNNING)
			return true;
	return false;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
	struct vcpu *v;

	if (id >= MAX_VIRT_CPUS || d->vcpu[id] || !d->shared_info)
		return NULL;
	v = kzalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->hyp_stack = alloc_hyp_pages(HYP_STACK_ORDER);
	if (!v->hyp_stack || fpu_vcpu_init(v)) {
		if (v->hyp_stack)
			free_hyp_pages(v->hyp_stack, HYP_STACK_ORDER);
		kfree(v);
		return NULL;
	}
	v->hyp_stack_order = HYP_STACK_ORDER;
	v->domain = d;
	v->vcpu_id = id;
	v->kernel_mode = true;
	v->runstate.state = RUNSTATE_offline;
	debugreg_vcpu_init(v);
	v->cr4 =
		0x620; /* PAE | OSFXSR | OSXMMEXCPT, what a PV guest starts with */
	v->vcpu_info = &d->shared_info->vcpu_info[id];
	v->vcpu_info->evtchn_upcall_mask = 1; /* events start masked */
	sched_credit_vcpu_init(v);
	d->vcpu[id] = v;
	if (id >= d->nr_vcpus)
		d->nr_vcpus = id + 1;
	return v;
}

static const char *shutdown_reason_name(unsigned int reason)
{
	static const char *const names[] = { "poweroff", "reboot",
					     "suspend",	 "crash",
					     "watchdog", "soft_reset" };

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] :
							   "unknown";
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	if (d->state != DOMAIN_RUNNING)
		return;
	d->state = DOMAIN_SHUTDOWN;
	d->shutdown_reason = reason;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i])
			vcpu_kick(d->vcpu[i]); /* stop it on the other CPUs */
	console_release_ring(d); /* its last words first */
	grant_table_release_mappings(d); /* granters get their pages back */
	evtchn_fifo_destroy(d); /* its control blocks and event array too */
	pr_info("Domain %u (%s) shut down: %s\n", d->domid, d->name,
		shutdown_reason_name(reason));
	/* The control domain hears of every other domain's end. */
	if (d->domid != 0 && domains[0] && domains[0]->vcpu[0])
		evtchn_send_virq(domains[0]->vcpu[0], VIRQ_DOM_EXC);
	/* As with Xen's domain 0: the control domain's end is the machine's. */
	if (d->domid == 0) {
		if (reason == SHUTDOWN_poweroff)
			machine_shutdown(SHUTDOWN_POWEROFF);
		else if (reason == SHUTDOWN_reboot)
			machine_shutdown(SHUTDOWN_REBOOT);
		else
			machine_shutdown(SHUTDOWN_CONTROL_DOMAIN_CRASH);
	}
}

void domain_crash(struct domain *d, const char *why)
{
	pr_err("Domain %u (%s) crashed: %s\n", d->domid, d->name, why);
	domain_shutdown(d, SHUTDOWN_crash);
}
