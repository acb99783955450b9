// SPDX-License-Identifier: MIT
/* vcpu_op: per-vCPU timers, runstate and vcpu_info placement. */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/timer.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <lamina/sched.h>
#include <asm/uaccess.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/vcpu.h>

static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *vi;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.rsvd)
		return -XEN_EINVAL;
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info))
		return -XEN_ENXIO; /* as Xen: it would cross the page */
	if (v->vcpu_info != &v->domain->shared_info->vcpu_info[v->vcpu_id])
		return -XEN_EINVAL; /* once only, as Xen */
	/* The page stays writable-typed for as long as it holds vcpu_info. */
	if (get_page_and_type(r.mfn, v->domain, PGT_WRITABLE))
		return -XEN_EINVAL;
	vi = (struct vcpu_info *)((uint8_t *)guest_frame_ptr(r.mfn) + r.offset);
	*vi = *v->vcpu_info;
	/* As Xen: make the guest rescan every word once events are on. */
	vi->evtchn_upcall_pending = 1;
	vi->evtchn_pending_sel = ~0UL;
	v->vcpu_info = vi;
	return 0;
}

/*
 * Runstate: where each vCPU's time went. Called on every switch with the
 * vCPU's own page tables loaded, so its registered area is reachable.
 */
void runstate_switch(struct vcpu *v, int new_state)
{
	uint64_t now = system_time_ns();
	struct vcpu_runstate_info *r = &v->runstate;
	bool flag = v->domain->vm_assist &
		    (1UL << VMASST_TYPE_runstate_update_flag);

	if (r->state >= 0 && r->state < 4)
		r->time[r->state] += now - r->state_entry_time;
	r->state = new_state;
	r->state_entry_time = now;
	if (!v->runstate_guest)
		return;
	if (flag) {
		uint64_t t = now | XEN_RUNSTATE_UPDATE;

		copy_to_guest(v->runstate_guest +
				      __builtin_offsetof(struct vcpu_runstate_info,
							 state_entry_time),
			      &t, sizeof(t));
	}
	copy_to_guest(v->runstate_guest, r, sizeof(*r));
}

long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t a4,
		uint64_t a5)
{
	struct domain *d = current->domain;
	struct vcpu *v;

	(void)a4, (void)a5;
	if (vcpuid >= MAX_VIRT_CPUS || !(v = d->vcpu[vcpuid]))
		return -XEN_ENOENT;
	switch (cmd) {
	case VCPUOP_initialise: {
		long rc = pv_vcpu_initialise(v, arg);

		/* Its page tables' validation was preempted: again. */
		return rc == -XEN_ERESTART ?
			       hypercall_continue(__HYPERVISOR_vcpu_op, cmd,
						  vcpuid, arg) :
			       rc;
	}
	case VCPUOP_up:
		if (!v->initialised)
			return -XEN_EINVAL;
		if (!v->running) {
			v->running = true;
			v->blocked = false;
			vcpu_wake(v);
		}
		return 0;
	case VCPUOP_down:
		/* The vCPU stops at its next exit; its state is kept. */
		v->running = false;
		vcpu_kick(v);
		return 0;
	case VCPUOP_is_up:
		return v->running;
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer t;

		if (v != current)
			return -XEN_EINVAL;
		if (copy_from_guest(&t, arg, sizeof(t)))
			return -XEN_EFAULT;
		/* Xen 4.17 ignores VCPU_SSHOTTMR_future: a past time fires. */
		v->timer_deadline_ns = t.timeout_abs_ns;
		timer_want(t.timeout_abs_ns);
		return 0;
	}
	case VCPUOP_stop_singleshot_timer:
		if (v != current)
			return -XEN_EINVAL;
		v->timer_deadline_ns = 0;
		return 0;
	case VCPUOP_stop_periodic_timer:
		return 0; /* Lamina has no periodic guest tick to stop */
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, arg);
	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area a;

		if (copy_from_guest(&a, arg, sizeof(a)))
			return -XEN_EFAULT;
		if (a.addr.p && !guest_range_ok(a.addr.p, sizeof(v->runstate)))
			return -XEN_EINVAL;
		v->runstate_guest = a.addr.p;
		/* Filled at once when it is the caller's (its tables are on). */
		if (v == current && a.addr.p)
			copy_to_guest(a.addr.p, &v->runstate, sizeof(v->runstate));
		return 0;
	}
	case VCPUOP_get_runstate_info:
		runstate_switch(v, v->runstate.state); /* bring times up to date */
		return copy_to_guest(arg, &v->runstate, sizeof(v->runstate));
	default:
		return -XEN_ENOSYS;
	}
}
