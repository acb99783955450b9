// SPDX-License-Identifier: MIT
/*
 * callbacks: callback_op register/unregister (event, failsafe, syscall with
 * and without CALLBACKF_mask_events, NMI), set_callbacks, and event channels
 * end to end: an IPI port sent to itself raises the upcall with the 2-level
 * pending bits set (evtchn_pending, evtchn_pending_sel, upcall_pending),
 * the vCPU upcall mask and a port's evtchn_mask hold it back, EVTCHNOP_unmask
 * redelivers, EVTCHNOP_status/close, and an alloc_unbound + bind_interdomain
 * loopback to the domain itself carries sends both ways.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <libpv/user.h>
#include <xen/callback.h>
#include <xen/errno.h>

#define NON_CANONICAL 0x8000000000001000UL

extern char upcall_entry[], failsafe_entry[], syscall_entry[];
extern char cb_event_entry[], cb_syscall_entry[];

/* What the event callback saw on entry, before libpv's upcall ran. */
struct upcall_snapshot {
	uint64_t count;
	uint64_t pending; /* evtchn_upcall_pending */
	uint64_t mask; /* evtchn_upcall_mask */
	uint64_t sel; /* evtchn_pending_sel */
	uint64_t word0; /* evtchn_pending[0] */
};
volatile struct upcall_snapshot cb_event;
/* The upcall mask on entry to the syscall callback. */
volatile uint64_t cb_syscall_count, cb_syscall_mask;

/*
 * Entry stubs that record what they find and join libpv's own entries
 * (the bounce frame is left as it is).
 */
asm(".text\n"
    ".globl cb_event_entry\n"
    "cb_event_entry:\n\t"
    "pushq %rax\n\t"
    "pushq %rbx\n\t"
    "movq shared_info(%rip), %rax\n\t"
    "incq cb_event(%rip)\n\t"
    "movzbl 0(%rax), %ebx\n\t"
    "movq %rbx, cb_event+8(%rip)\n\t"
    "movzbl 1(%rax), %ebx\n\t"
    "movq %rbx, cb_event+16(%rip)\n\t"
    "movq 8(%rax), %rbx\n\t"
    "movq %rbx, cb_event+24(%rip)\n\t"
    "movq 2048(%rax), %rbx\n\t"
    "movq %rbx, cb_event+32(%rip)\n\t"
    "popq %rbx\n\t"
    "popq %rax\n\t"
    "jmp upcall_entry\n"
    ".globl cb_syscall_entry\n"
    "cb_syscall_entry:\n\t"
    "pushq %rax\n\t"
    "movq shared_info(%rip), %rax\n\t"
    "movzbl 1(%rax), %eax\n\t"
    "movq %rax, cb_syscall_mask(%rip)\n\t"
    "incq cb_syscall_count(%rip)\n\t"
    "popq %rax\n\t"
    "jmp syscall_entry\n");

static volatile unsigned long port_events[8];

static void on_port(evtchn_port_t port, void *data)
{
	(void)port;
	port_events[(unsigned long)data]++;
}

static long register_callback(unsigned int type, unsigned int flags,
			      const void *address)
{
	struct callback_register r = {
		.type = type,
		.flags = flags,
		.address = (unsigned long)address,
	};

	return hyp_callback_op(CALLBACKOP_register, &r);
}

static long unregister_callback(unsigned int type)
{
	struct callback_unregister u = { .type = type };

	return hyp_callback_op(CALLBACKOP_unregister, &u);
}

static long evtchn_op_status(evtchn_port_t port, struct evtchn_status *st)
{
	*st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	return hyp_event_channel_op(EVTCHNOP_status, st);
}

static long evtchn_op_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_close, &c);
}

static bool bit(const volatile unsigned long *words, unsigned int n)
{
	return words[n / 64] >> (n % 64) & 1;
}

static void test_register(void)
{
	long rc;

	rc = register_callback(CALLBACKTYPE_event, 0, cb_event_entry);
	CHECK_EQ("register_event", rc, 0);
	rc = register_callback(CALLBACKTYPE_failsafe, 0, failsafe_entry);
	CHECK_EQ("register_failsafe", rc, 0);
	rc = register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
			       cb_syscall_entry);
	CHECK_EQ("register_syscall_mask_events", rc, 0);
	rc = register_callback(CALLBACKTYPE_nmi, 0, failsafe_entry);
	CHECK_EQ("register_nmi", rc, 0);
	rc = unregister_callback(CALLBACKTYPE_nmi);
	CHECK_EQ("unregister_nmi", rc, 0);
	rc = register_callback(99, 0, cb_event_entry);
	CHECK_EQ("register_unknown_type", rc, -XEN_ENOSYS);
	rc = unregister_callback(99);
	CHECK_EQ("unregister_unknown_type", rc, -XEN_ENOSYS);
	rc = register_callback(CALLBACKTYPE_event, 0, (void *)NON_CANONICAL);
	CHECK_EQ("register_event_noncanonical", rc, -XEN_EINVAL);
	rc = unregister_callback(CALLBACKTYPE_event);
	CHECK_EQ("unregister_event", rc, -XEN_EINVAL);
	rc = unregister_callback(CALLBACKTYPE_failsafe);
	CHECK_EQ("unregister_failsafe", rc, -XEN_EINVAL);
	rc = unregister_callback(CALLBACKTYPE_syscall);
	CHECK_EQ("unregister_syscall", rc, -XEN_EINVAL);
	rc = hyp_callback_op(7, NULL);
	CHECK_EQ("callback_op_unknown_cmd", rc, -XEN_ENOSYS);
	/* Where an unregister did take effect, put everything back. */
	register_callback(CALLBACKTYPE_event, 0, cb_event_entry);
	register_callback(CALLBACKTYPE_failsafe, 0, failsafe_entry);
	register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
			  cb_syscall_entry);
}

/* An IPI port, sent to itself. */
static void test_ipi(void)
{
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	struct evtchn_status st;
	struct vcpu_info *v = &shared_info->vcpu_info[0];
	unsigned long before, events;
	evtchn_port_t p;
	long rc;

	rc = hyp_event_channel_op(EVTCHNOP_bind_ipi, &b);
	CHECK_EQ("bind_ipi", rc, 0);
	if (rc)
		return;
	p = b.port;
	evtchn_set_handler(p, on_port, (void *)0);
	evtchn_unmask(p);

	/* Held back by the vCPU's upcall mask. */
	events_disable();
	before = cb_event.count;
	events = port_events[0];
	CHECK_EQ("send_ipi", evtchn_notify(p), 0);
	CHECK("masked_pending_bit", bit(shared_info->evtchn_pending, p));
	CHECK("masked_pending_sel", v->evtchn_pending_sel >> (p / 64) & 1,
	      "sel 0x%lx", (unsigned long)v->evtchn_pending_sel);
	CHECK_EQ("masked_upcall_pending", v->evtchn_upcall_pending, 1);
	CHECK_EQ("masked_no_upcall", cb_event.count - before, 0);
	events_restore(0);
	CHECK_EQ("unmasked_upcall", cb_event.count - before, 1);
	CHECK_EQ("upcall_saw_pending", cb_event.pending, 1);
	CHECK_EQ("upcall_entry_mask_set", cb_event.mask, 1);
	CHECK("upcall_saw_sel", cb_event.sel >> (p / 64) & 1, "sel 0x%lx",
	      (unsigned long)cb_event.sel);
	CHECK("upcall_saw_port", p >= 64 || (cb_event.word0 >> p & 1),
	      "word0 0x%lx", (unsigned long)cb_event.word0);
	CHECK_EQ("ipi_handled", port_events[0] - events, 1);

	/* Held back by the port's mask; EVTCHNOP_unmask redelivers. */
	evtchn_mask(p);
	before = cb_event.count;
	events = port_events[0];
	evtchn_notify(p);
	CHECK("port_masked_pending_bit", bit(shared_info->evtchn_pending, p));
	CHECK_EQ("port_masked_no_sel", v->evtchn_pending_sel >> (p / 64) & 1,
		 0);
	CHECK_EQ("port_masked_no_upcall_pending", v->evtchn_upcall_pending, 0);
	CHECK_EQ("port_masked_no_upcall", cb_event.count - before, 0);
	evtchn_unmask(p);
	CHECK_EQ("unmask_redelivers", cb_event.count - before, 1);
	CHECK_EQ("unmask_handled", port_events[0] - events, 1);

	rc = evtchn_op_status(p, &st);
	CHECK_EQ("status_ipi", rc == 0 ? st.status : rc, EVTCHNSTAT_ipi);
	CHECK_EQ("status_ipi_vcpu", st.vcpu, 0);
	CHECK_EQ("close_ipi", evtchn_op_close(p), 0);
	rc = evtchn_op_status(p, &st);
	CHECK_EQ("status_closed", rc == 0 ? st.status : rc, EVTCHNSTAT_closed);
	CHECK_EQ("send_closed", evtchn_notify(p), -XEN_EINVAL);
	CHECK_EQ("close_closed", evtchn_op_close(p), -XEN_EINVAL);
	rc = evtchn_op_status(0, &st);
	CHECK_EQ("status_port_0", rc == 0 ? st.status : rc, EVTCHNSTAT_closed);
	CHECK_EQ("send_port_out_of_range", evtchn_notify(1U << 30),
		 -XEN_EINVAL);
}

/* alloc_unbound + bind_interdomain to ourselves: a loopback pair. */
static void test_loopback(void)
{
	struct evtchn_alloc_unbound a = {
		.dom = DOMID_SELF,
		.remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF };
	struct evtchn_status st;
	unsigned long ea, eb;
	uint8_t mask;
	long rc;

	rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);
	CHECK_EQ("alloc_unbound", rc, 0);
	if (rc)
		return;
	rc = evtchn_op_status(a.port, &st);
	CHECK_EQ("status_unbound", rc == 0 ? st.status : rc,
		 EVTCHNSTAT_unbound);
	CHECK_EQ("status_unbound_dom", st.u.unbound.dom, 0);
	b.remote_port = a.port;
	/* Xen marks the new end pending (the peer may have sent already):
	 * with events off, no upcall consumes it before we look. */
	mask = events_disable();
	rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &b);
	CHECK_EQ("bind_interdomain_self", rc, 0);
	if (rc) {
		events_restore(mask);
		return;
	}
	CHECK_EQ("bind_interdomain_sets_pending",
		 (shared_info->evtchn_pending[b.local_port / 64] >>
		  (b.local_port % 64)) &
			 1,
		 1);
	CHECK_EQ("bind_interdomain_peer_not_pending",
		 (shared_info->evtchn_pending[a.port / 64] >> (a.port % 64)) &
			 1,
		 0);
	evtchn_clear(b.local_port);
	events_restore(mask);
	CHECK("loopback_ports_differ", b.local_port != a.port);
	rc = evtchn_op_status(b.local_port, &st);
	CHECK_EQ("status_interdomain", rc == 0 ? st.status : rc,
		 EVTCHNSTAT_interdomain);
	CHECK_EQ("status_interdomain_peer", st.u.interdomain.port, a.port);
	CHECK_EQ("status_interdomain_dom", st.u.interdomain.dom, 0);
	rc = evtchn_op_status(a.port, &st);
	CHECK_EQ("status_other_end", rc == 0 ? st.u.interdomain.port : rc,
		 b.local_port);

	evtchn_set_handler(a.port, on_port, (void *)1);
	evtchn_set_handler(b.local_port, on_port, (void *)2);
	evtchn_unmask(a.port);
	evtchn_unmask(b.local_port);
	ea = port_events[1];
	eb = port_events[2];
	CHECK_EQ("send_loopback", evtchn_notify(b.local_port), 0);
	CHECK("loopback_delivered_to_peer",
	      port_events[1] - ea == 1 && port_events[2] == eb, "a %lu b %lu",
	      port_events[1] - ea, port_events[2] - eb);
	CHECK_EQ("send_loopback_back", evtchn_notify(a.port), 0);
	CHECK_EQ("loopback_back_delivered", port_events[2] - eb, 1);

	/* Closing one end leaves the other unbound. */
	CHECK_EQ("close_loopback_end", evtchn_op_close(b.local_port), 0);
	rc = evtchn_op_status(a.port, &st);
	CHECK_EQ("peer_unbound_after_close", rc == 0 ? st.status : rc,
		 EVTCHNSTAT_unbound);
	CHECK_EQ("send_unbound", evtchn_notify(a.port), 0);
	CHECK_EQ("close_unbound", evtchn_op_close(a.port), 0);
}

static long bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return hyp_event_channel_op(EVTCHNOP_bind_vcpu, &b);
}

/* As Xen 4.17: per-vCPU VIRQs and IPIs stay on their vCPU, unbound ports
 * and global VIRQs may move; the vCPU is looked at before the port. */
static void test_bind_vcpu(void)
{
	struct evtchn_bind_virq pv = { .virq = VIRQ_DEBUG };
	struct evtchn_bind_virq gv = { .virq = VIRQ_CON_RING, .vcpu = 1 };
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = DOMID_SELF };

	CHECK_EQ("bind_global_virq_vcpu1",
		 hyp_event_channel_op(EVTCHNOP_bind_virq, &gv), -XEN_EINVAL);
	gv.vcpu = 0;
	if (hyp_event_channel_op(EVTCHNOP_bind_virq, &pv) ||
	    hyp_event_channel_op(EVTCHNOP_bind_virq, &gv) ||
	    hyp_event_channel_op(EVTCHNOP_bind_ipi, &ipi) ||
	    hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a))
		test_fatal("cannot bind the ports for bind_vcpu");
	CHECK_EQ("bind_vcpu_percpu_virq", bind_vcpu(pv.port, 0), -XEN_EINVAL);
	CHECK_EQ("bind_vcpu_ipi", bind_vcpu(ipi.port, 0), -XEN_EINVAL);
	CHECK_EQ("bind_vcpu_global_virq", bind_vcpu(gv.port, 0), 0);
	CHECK_EQ("bind_vcpu_unbound", bind_vcpu(a.port, 0), 0);
	CHECK_EQ("bind_vcpu_no_vcpu_first", bind_vcpu(4000, 4000), -XEN_ENOENT);
	CHECK_EQ("bind_vcpu_bad_port", bind_vcpu(4000, 0), -XEN_EINVAL);
	evtchn_op_close(pv.port);
	evtchn_op_close(gv.port);
	evtchn_op_close(ipi.port);
	evtchn_op_close(a.port);
	CHECK_EQ("bind_vcpu_closed", bind_vcpu(a.port, 0), -XEN_EINVAL);
	/* The global VIRQ's binding went with the close: it binds again. */
	CHECK_EQ("rebind_global_virq",
		 hyp_event_channel_op(EVTCHNOP_bind_virq, &gv), 0);
	evtchn_op_close(gv.port);
}

static void user_main(void)
{
	user_syscall(1, 0);
	user_exit(0);
}

static void on_syscall(struct trap_frame *f)
{
	f->rax = 0;
}

/* The upcall mask on entry to the syscall callback, by registration. */
static void test_syscall_mask(void)
{
	long rc;

	user_mode_init();
	user_set_syscall_handler(on_syscall);
	cb_syscall_count = 0;
	user_run(user_main);
	CHECK_EQ("syscall_callback_used", cb_syscall_count, 2);
	CHECK_EQ("syscall_mask_events_masks", cb_syscall_mask, 1);

	rc = register_callback(CALLBACKTYPE_syscall, 0, cb_syscall_entry);
	CHECK_EQ("register_syscall", rc, 0);
	user_run(user_main);
	CHECK_EQ("syscall_no_flag_unmasked", cb_syscall_mask, 0);

	register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
			  cb_syscall_entry);
	/* set_callbacks registers without CALLBACKF_mask_events. */
	rc = hyp_set_callbacks((unsigned long)cb_event_entry,
			       (unsigned long)failsafe_entry,
			       (unsigned long)cb_syscall_entry);
	CHECK_EQ("set_callbacks", rc, 0);
	cb_syscall_count = 0;
	user_run(user_main);
	CHECK_EQ("set_callbacks_syscall_used", cb_syscall_count, 2);
	CHECK_EQ("set_callbacks_syscall_unmasked", cb_syscall_mask, 0);
	rc = hyp_set_callbacks(NON_CANONICAL, (unsigned long)failsafe_entry,
			       (unsigned long)cb_syscall_entry);
	/* Xen 4.17 checks callback_op addresses but not these. */
	CHECK_EQ("set_callbacks_noncanonical_accepted", rc, 0);
}

void test_main(void)
{
	test_register();
	test_ipi();
	test_loopback();
	test_bind_vcpu();
	test_syscall_mask();
	events_init();
}
