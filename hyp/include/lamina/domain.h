/* SPDX-License-Identifier: MIT */
/* Domains and their virtual CPUs. */
#ifndef LAMINA_DOMAIN_H
#define LAMINA_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <generated/autoconf.h>
#include <lamina/cap.h>
#include <lamina/cpumask.h>
#include <lamina/sched_credit.h>
#include <lamina/spinlock.h>
#include <asm/percpu.h>
#include <xen/vcpu.h>
#include <xen/xen.h>

#define DOMAIN_CSPACE_SLOTS 64
#define MAX_VIRT_CPUS 8 /* vCPUs per domain */

struct domain;
struct evtchn;
struct evtchn_fifo;
struct grant_table;
struct xencons_interface;

struct vcpu {
	struct domain *domain;
	unsigned int vcpu_id;
	bool initialised; /* has a starting state (builder or VCPUOP_initialise) */
	bool running; /* up (VCPUOP_up) and not shut down */
	bool blocked; /* waiting for an event (SCHEDOP_block/poll) */
	bool polling; /* SCHEDOP_poll: any event of the domain wakes it */
	uint64_t poll_deadline_ns; /* SCHEDOP_poll timeout, 0 = none */
	bool kernel_mode; /* guest kernel (true) or guest user (false) */
	/* Scheduling: where it runs, where it may run, the policy's state. */
	unsigned int processor; /* the CPU it runs or last ran on */
	bool is_running; /* on a CPU now (set and cleared by the policy) */
	cpumask_t hard_affinity; /* XEN_DOMCTL_setvcpuaffinity; all CPUs */
	cpumask_t soft_affinity; /* kept and reported, not used (one CPU) */
	struct credit_vcpu credit;

	/* Guest state while not on a CPU; the live frame while running. */
	struct cpu_user_regs regs;

	uint64_t kernel_l4_mfn; /* MMUEXT_NEW_BASEPTR */
	uint64_t user_l4_mfn; /* MMUEXT_NEW_USER_BASEPTR, 0 if none */

	struct trap_info traps[256]; /* set_trap_table; address 0 = none */
	uint64_t event_callback, failsafe_callback, syscall_callback;
	uint64_t nmi_callback; /* nmi_op: recorded, never raised yet */
	/* The guest frame of the hypercall being served (multicall iret). */
	struct cpu_user_regs *hypercall_regs;
	/*
	 * Serving a multicall element; one that asked to be continued left
	 * its remaining work in mc_args (its first three arguments), and the
	 * multicall resumes at that element.
	 */
	bool in_multicall, mc_preempted;
	uint64_t mc_args[3];
	bool syscall_masks_events, failsafe_masks_events;
	uint64_t kernel_ss, kernel_sp; /* stack_switch */
	uint64_t fs_base, gs_base_kernel, gs_base_user;
	uint64_t debugreg[8]; /* set_debugreg */
	unsigned int iopl; /* PHYSDEVOP_set_iopl */
	uint64_t cr4; /* the CR4 the guest reads and writes (virtual) */
	struct vcpu_runstate_info runstate; /* hypervisor's copy */
	uint64_t runstate_guest; /* registered guest VA, 0 if none */
	uint64_t gdt_mfn[14]; /* set_gdt frames (FIRST_RESERVED_GDT_PAGE) */
	unsigned int gdt_frames, gdt_entries;
	uint64_t ldt_mfn[16]; /* MMUEXT_SET_LDT frames (64 KiB at most) */
	unsigned int ldt_frames, ldt_entries;
	void *ldt_shadow; /* what the CPU loads: a copy of those frames */

	struct vcpu_info *vcpu_info; /* in shared_info (or registered) */
	uint64_t timer_deadline_ns; /* set_timer_op; 0 = none */
	uint16_t virq_port[24]; /* NR_VIRQS: bound port, 0 = none */
	/* XSAVE area (FXSAVE image without XSAVE) while not on a CPU, see
	 * asm/xstate.h; the guest's XCR0, all it ever enabled; CR0.TS. */
	void *fpu;
	uint64_t xcr0, xcr0_accum;
	bool fpu_ts;
	uint8_t hyp_stack_order;
	void *hyp_stack; /* this vCPU's hypervisor stack */
};

enum domain_state {
	DOMAIN_RUNNING,
	DOMAIN_SHUTDOWN, /* shut down with a reason, not yet destroyed */
	DOMAIN_DYING,
};

struct domain {
	domid_t domid;
	enum domain_state state;
	unsigned int shutdown_reason; /* SHUTDOWN_* when shut down */
	char name[32];

	spinlock_t page_lock;
	uint64_t tot_pages, max_pages;
	uint64_t *p2m; /* pseudo-physical -> machine, hypervisor copy */
	uint64_t p2m_size;

	struct shared_info *shared_info;
	uint64_t shared_info_mfn;
	uint64_t vm_assist;
	/* Page tables whose last reference went, still to release: a stack
	 * through frame.pt_link, mfn + 1 (0: empty; pv_mm.c). */
	uint32_t pt_dying;

	struct evtchn *evtchn; /* EVTCHN_2L_PORTS entries, allocated on use */
	struct evtchn_fifo *evtchn_fifo; /* FIFO ABI state; NULL: 2-level */
#define NR_PIRQS 256
	uint64_t pirq_mapped[NR_PIRQS / 64]; /* PHYSDEVOP_map_pirq (= GSI) */
	struct grant_table *grant_table; /* grant_table.c, created on use */

	/* A boot domain's console ring, drained to the serial line by the
	 * hypervisor until a console backend takes it over; NULL if none. */
	struct xencons_interface *console_ring;
	uint32_t console_port; /* the ring's event channel (start_info) */
	bool console_line_start; /* next console byte begins a line */
	bool console_raw; /* its console text is not filtered (console.c) */

	struct cspace cspace;
	struct cap_slot cap_slots[DOMAIN_CSPACE_SLOTS];

	struct vcpu *vcpu[MAX_VIRT_CPUS];
	unsigned int nr_vcpus;
	struct credit_domain credit; /* scheduler weight and cap */
};

extern struct domain *domains[CONFIG_MAX_DOMAINS];

/* Every vCPU slot in a fixed order: domain id, then vCPU id. */
#define NR_VCPU_SLOTS (CONFIG_MAX_DOMAINS * MAX_VIRT_CPUS)
static inline struct vcpu *vcpu_at(unsigned int i)
{
	struct domain *d = domains[i / MAX_VIRT_CPUS];

	return d ? d->vcpu[i % MAX_VIRT_CPUS] : NULL;
}

struct domain *domain_create(domid_t domid, const char *name);
struct domain *domain_lookup(domid_t domid);
struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/* The domain stops running; reason is a SHUTDOWN_* code. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Kill a domain for a fault it caused (never for the hypervisor's). */
void domain_crash(struct domain *d, const char *why);

/* Copy a boot domain's console output to the serial line. */
void console_drain_ring(struct domain *d);
/* Keep the ring in d's frame mfn (typed writable while kept): 0 or -E. */
int console_attach_ring(struct domain *d, uint64_t mfn, int port);
/* Drain it a last time and let the frame go. */
void console_release_ring(struct domain *d);
void console_drain_all(void);

/* Is any domain still running (not shut down)? */
bool domains_alive(void);

/* The vCPU running on this CPU, NULL in the idle loop. */
#define current (this_cpu()->curr)

#endif
