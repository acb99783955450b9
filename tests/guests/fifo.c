// SPDX-License-Identifier: MIT
/*
 * fifo: the FIFO event-channel ABI. Before the switch set_priority and
 * expand_array are refused; init_control checks its arguments (vCPU,
 * offset, frame) and switches the domain once; a port pending under
 * 2-level stays pending. Raised ports show up in their event word
 * (PENDING, LINKED, LINK), in the control block (READY, HEAD of their
 * priority) and as one upcall; masked ports wait for EVTCHNOP_unmask;
 * higher priorities come first; shared_info's bitmaps stay untouched;
 * ports beyond the event array are raised when their page comes; the
 * array stops at 128 pages; close, status, loopback and EVTCHNOP_reset
 * still work. Last, words and control block rewritten by the guest
 * itself (links out of range, loops, garbage HEAD/READY) only hurt its
 * own queues: the hypervisor answers and delivery recovers.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>

#define PENDING (1u << EVTCHN_FIFO_PENDING)
#define MASKED (1u << EVTCHN_FIFO_MASKED)
#define LINKED (1u << EVTCHN_FIFO_LINKED)
#define BUSY (1u << EVTCHN_FIFO_BUSY)
#define CB_OFFSET (PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
#define ARRAY_PAGES_MAX 128 /* 2^17 ports, 1024 words a page */
#define NO_SUCH_FRAME (1UL << 40)

static void *control_page, *array0, *array1, *scratch;
static struct evtchn_fifo_control_block *cb;

/* Ports handled, in order. */
static evtchn_port_t seen[16];
static volatile unsigned int nr_seen;

static void on_port(evtchn_port_t port, void *data)
{
	(void)data;
	if (nr_seen < 16)
		seen[nr_seen] = port;
	nr_seen++;
}

static evtchn_port_t bind_ipi(void)
{
	evtchn_port_t port;

	if (evtchn_bind_ipi(0, &port))
		test_fatal("bind_ipi failed");
	evtchn_set_handler(port, on_port, NULL);
	return port;
}

static long close_port(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_close, &c);
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
	struct evtchn_init_control c = {
		.control_gfn = gfn,
		.offset = offset,
		.vcpu = vcpu,
	};

	return hyp_event_channel_op(EVTCHNOP_init_control, &c);
}

static long expand_gfn(uint64_t gfn)
{
	struct evtchn_expand_array e = { .array_gfn = gfn };

	return hyp_event_channel_op(EVTCHNOP_expand_array, &e);
}

static uint32_t word(evtchn_port_t port)
{
	event_word_t *w = evtchn_fifo_word(port);

	return w ? *w : 0xdeadbeef;
}

static bool bit_2l(const volatile unsigned long *bits, evtchn_port_t port)
{
	return bits[port / 64] >> (port % 64) & 1;
}

/* Let the pending upcall run: what it handled lands in seen[]. */
static void deliver(void)
{
	nr_seen = 0;
	events_restore(0);
	events_disable();
}

static void *zeroed_page(void)
{
	void *p = page_alloc();

	if (!p)
		test_fatal("out of pages");
	memset(p, 0, PAGE_SIZE);
	return p;
}

/* Under 2-level: no priorities, no array; p is left pending (masked). */
static void test_before_switch(evtchn_port_t p)
{
	CHECK_EQ("set_priority_2l", evtchn_set_priority(p, 3), -XEN_ENOSYS);
	CHECK_EQ("expand_before_init", expand_gfn(virt_to_mfn(array0)),
		 -XEN_EOPNOTSUPP);
	evtchn_mask(p);
	CHECK_EQ("send_2l", evtchn_notify(p), 0);
	CHECK("pending_2l", bit_2l(shared_info->evtchn_pending, p));
}

static void test_init_errors(evtchn_port_t p)
{
	uint64_t gfn = virt_to_mfn(control_page);

	CHECK_EQ("init_bad_vcpu", init_control(gfn, 0, 100), -XEN_ENOENT);
	CHECK_EQ("init_misaligned_offset", init_control(gfn, 4, 0),
		 -XEN_EINVAL);
	CHECK_EQ("init_offset_past_page", init_control(gfn, CB_OFFSET + 8, 0),
		 -XEN_EINVAL);
	CHECK_EQ("init_offset_huge", init_control(gfn, 0xfffffff8, 0),
		 -XEN_EINVAL);
	CHECK_EQ("init_bad_gfn", init_control(NO_SUCH_FRAME, 0, 0),
		 -XEN_EINVAL);
	CHECK_EQ("init_pagetable_gfn",
		 init_control(virt_to_mfn(current_l4), 0, 0), -XEN_EINVAL);
	CHECK_EQ("still_2l_after_errors", evtchn_set_priority(p, 3),
		 -XEN_ENOSYS);
}

static void test_switch(evtchn_port_t p, evtchn_port_t q)
{
	unsigned int link_bits = 0;
	long rc;

	/* The last offset that fits, to see the block land there. */
	rc = evtchn_fifo_init(control_page, CB_OFFSET, &link_bits);
	CHECK_EQ("init_control", rc, 0);
	if (rc)
		test_done();
	cb = evtchn_fifo_control();
	CHECK_EQ("init_link_bits", link_bits, EVTCHN_FIFO_LINK_BITS);
	CHECK_EQ("init_twice", init_control(virt_to_mfn(scratch), 0, 0),
		 -XEN_EINVAL);
	CHECK_EQ("set_priority_16", evtchn_set_priority(p, 16), -XEN_EINVAL);
	CHECK_EQ("set_priority_15", evtchn_set_priority(p, 15), 0);
	CHECK_EQ("set_priority_default", evtchn_set_priority(p, 7), 0);
	CHECK_EQ("set_priority_bad_port", evtchn_set_priority(1u << 30, 3),
		 -XEN_EINVAL);

	/* p was pending under 2-level: raised once its word exists. */
	vcpu0_info->evtchn_upcall_pending = 0;
	CHECK_EQ("expand_bad_gfn", expand_gfn(NO_SUCH_FRAME), -XEN_EINVAL);
	CHECK_EQ("expand_pagetable_gfn", expand_gfn(virt_to_mfn(current_l4)),
		 -XEN_EINVAL);
	CHECK_EQ("expand_array", evtchn_fifo_expand(array0), 0);
	CHECK_EQ("carry_pending_word", word(p), PENDING | LINKED);
	CHECK_EQ("carry_head", cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
	CHECK_EQ("carry_ready", cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
	CHECK_EQ("carry_upcall_pending", vcpu0_info->evtchn_upcall_pending, 1);
	CHECK_EQ("carry_only_pending", word(q), 0);
	deliver();
	CHECK("carry_delivered", nr_seen == 1 && seen[0] == p, "%u seen",
	      nr_seen);
	CHECK_EQ("consumed_word", word(p), 0);
	CHECK_EQ("consumed_ready", cb->ready, 0);
}

static void test_queues(evtchn_port_t b, evtchn_port_t c, evtchn_port_t d)
{
	unsigned long sel = vcpu0_info->evtchn_pending_sel;
	unsigned long upcalls;

	shared_info->evtchn_pending[0] = 0;
	vcpu0_info->evtchn_upcall_pending = 0;
	CHECK_EQ("send_fifo", evtchn_notify(b), 0);
	CHECK_EQ("send_pending_linked", word(b), PENDING | LINKED);
	CHECK_EQ("send_head", cb->head[7], b);
	CHECK_EQ("send_ready", cb->ready, 1u << 7);
	CHECK_EQ("send_upcall_pending", vcpu0_info->evtchn_upcall_pending, 1);
	CHECK_EQ("no_2l_pending_bit", shared_info->evtchn_pending[0], 0);
	CHECK_EQ("no_2l_sel", vcpu0_info->evtchn_pending_sel, sel);

	evtchn_notify(c);
	CHECK_EQ("second_linked_to_tail", word(b), PENDING | LINKED | c);
	CHECK_EQ("second_word", word(c), PENDING | LINKED);
	CHECK_EQ("second_head_unchanged", cb->head[7], b);

	CHECK_EQ("set_priority_2", evtchn_set_priority(d, 2), 0);
	evtchn_notify(d);
	CHECK_EQ("priority_ready_bits", cb->ready, (1u << 7) | (1u << 2));
	CHECK_EQ("priority_head", cb->head[2], d);
	CHECK_EQ("priority_word", word(d), PENDING | LINKED);
	CHECK_EQ("priority_own_queue", word(c), PENDING | LINKED);

	upcalls = upcall_count;
	deliver();
	CHECK_EQ("one_upcall", upcall_count - upcalls, 1);
	CHECK("priority_order",
	      nr_seen == 3 && seen[0] == d && seen[1] == b && seen[2] == c,
	      "%u seen: %u %u %u", nr_seen, seen[0], seen[1], seen[2]);
	CHECK_EQ("queues_drained", cb->ready | word(b) | word(c) | word(d), 0);
}

/* Events on: a masked port waits for EVTCHNOP_unmask. */
static void test_masked(evtchn_port_t b)
{
	unsigned long upcalls = upcall_count;

	evtchn_mask(b);
	events_restore(0);
	nr_seen = 0;
	evtchn_notify(b);
	CHECK_EQ("masked_word", word(b), PENDING | MASKED);
	CHECK_EQ("masked_not_ready", cb->ready, 0);
	CHECK_EQ("masked_no_upcall", upcall_count - upcalls, 0);
	evtchn_unmask(b);
	CHECK_EQ("unmask_upcall", upcall_count - upcalls, 1);
	CHECK("unmask_delivers", nr_seen == 1 && seen[0] == b, "%u seen",
	      nr_seen);
	CHECK_EQ("unmask_consumed", word(b), 0);
	evtchn_notify(b);
	CHECK_EQ("upcall_fires", upcall_count - upcalls, 2);
	events_disable();
}

static void test_loopback(void)
{
	struct evtchn_alloc_unbound a = {
		.dom = DOMID_SELF,
		.remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	struct evtchn_status st = { .dom = DOMID_SELF };
	long rc;

	rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);
	bi.remote_port = a.port;
	if (!rc)
		rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
	CHECK_EQ("loopback_bind", rc, 0);
	if (rc)
		return;
	evtchn_set_handler(a.port, on_port, NULL);
	evtchn_set_handler(bi.local_port, on_port, NULL);
	/* As Xen: the new end starts pending (a send may have been lost). */
	CHECK_EQ("loopback_bind_raises", word(bi.local_port), PENDING | LINKED);
	CHECK_EQ("loopback_bind_quiet_peer", word(a.port), 0);
	evtchn_notify(bi.local_port);
	CHECK_EQ("loopback_word", word(a.port), PENDING | LINKED);
	CHECK_EQ("loopback_linked_after_local", word(bi.local_port),
		 PENDING | LINKED | a.port);
	deliver();
	CHECK("loopback_delivered",
	      nr_seen == 2 && seen[0] == bi.local_port && seen[1] == a.port,
	      "%u seen", nr_seen);
	st.port = bi.local_port;
	rc = hyp_event_channel_op(EVTCHNOP_status, &st);
	CHECK_EQ("status_fifo", rc ? rc : st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ("close_fifo", close_port(bi.local_port), 0);
	st.port = a.port;
	rc = hyp_event_channel_op(EVTCHNOP_status, &st);
	CHECK_EQ("close_unbinds_peer", rc ? rc : st.status, EVTCHNSTAT_unbound);
	close_port(a.port);
}

/* Close clears PENDING; a port still LINKED is not handed out again. */
static void test_close(void)
{
	evtchn_port_t p = bind_ipi(), again;

	evtchn_mask(p);
	evtchn_notify(p);
	CHECK_EQ("close_pending_port", close_port(p), 0);
	CHECK_EQ("close_clears_pending", word(p), MASKED);

	p = bind_ipi(); /* the lowest free port: the same one */
	evtchn_unmask(p);
	evtchn_notify(p);
	close_port(p);
	CHECK_EQ("close_keeps_linked", word(p), LINKED);
	again = bind_ipi();
	CHECK("busy_port_skipped", again != p, "port %u again", p);
	deliver();
	CHECK_EQ("busy_port_not_handled", nr_seen, 0);
	CHECK_EQ("busy_port_unlinked", word(p), 0);
	close_port(again);
}

/* Ports past the array's end: "no space" until their page comes. */
static void test_beyond_array(void)
{
	evtchn_port_t p = 0;

	while (p < PAGE_SIZE / sizeof(event_word_t) && !evtchn_bind_ipi(0, &p))
		;
	CHECK("bind_beyond_array", p >= PAGE_SIZE / sizeof(event_word_t),
	      "port %u", p);
	vcpu0_info->evtchn_upcall_pending = 0;
	CHECK_EQ("send_beyond_array", evtchn_notify(p), 0);
	CHECK_EQ("beyond_array_no_upcall", vcpu0_info->evtchn_upcall_pending,
		 0);
	CHECK_EQ("unmask_beyond_array",
		 hyp_event_channel_op(EVTCHNOP_unmask, &p), 0);
	CHECK_EQ("set_priority_beyond_array", evtchn_set_priority(p, 5), 0);
	CHECK_EQ("expand_second_page", evtchn_fifo_expand(array1), 0);
	CHECK_EQ("raised_when_page_added", word(p), PENDING | LINKED);
	CHECK_EQ("raised_head", cb->head[5], p);
	CHECK_EQ("raised_ready", cb->ready, 1u << 5);
	CHECK_EQ("raised_upcall_pending", vcpu0_info->evtchn_upcall_pending, 1);
	deliver();
	CHECK_EQ("raised_consumed", word(p), 0);
}

/* The array stops at 128 pages (one frame may back several). */
static void test_array_limit(void)
{
	unsigned int n = 2;

	while (n < ARRAY_PAGES_MAX && !evtchn_fifo_expand(scratch))
		n++;
	CHECK_EQ("expand_to_limit", n, ARRAY_PAGES_MAX);
	CHECK_EQ("expand_past_limit", evtchn_fifo_expand(scratch), -XEN_ENOSPC);
}

/* The guest scribbles on its own queues; only it is hurt. */
static void test_hostile(evtchn_port_t b, evtchn_port_t c, evtchn_port_t d)
{
	event_word_t *wb = evtchn_fifo_word(b), *wc = evtchn_fifo_word(c);

	/* A queue of one (b), then b's LINK out of range, HEAD garbage. */
	evtchn_notify(b);
	*wb = LINKED | EVTCHN_FIFO_LINK_MASK;
	cb->head[7] = EVTCHN_FIFO_LINK_MASK;
	vcpu0_info->evtchn_upcall_pending = 0;
	CHECK_EQ("hostile_send", evtchn_notify(c), 0);
	CHECK_EQ("hostile_link_rewritten", *wb, LINKED | c);
	CHECK_EQ("hostile_head_untouched", cb->head[7], EVTCHN_FIFO_LINK_MASK);
	CHECK_EQ("hostile_no_new_upcall", vcpu0_info->evtchn_upcall_pending, 0);

	/* A loop b -> c -> b: c is the tail, already linked, so sending
	 * either again only sets PENDING. BUSY is cleared by a link. */
	*wc = LINKED | BUSY | b;
	*wb = LINKED | c;
	CHECK_EQ("hostile_loop_send", evtchn_notify(b), 0);
	CHECK_EQ("hostile_loop_word", *wb, PENDING | LINKED | c);
	CHECK_EQ("hostile_loop_send_other_queue", evtchn_notify(d), 0);
	CHECK_EQ("hostile_other_queue_head", cb->head[2], d);
	*wc &= ~LINKED; /* c unlinked by the guest: b joins a new queue */
	*wb = 0;
	evtchn_notify(b);
	CHECK_EQ("hostile_tail_unlinked", cb->head[7], b);
	CHECK_EQ("hostile_busy_left", *wc, BUSY | b);

	/* READY all set, every queue garbage: the hypervisor never reads
	 * them; the guest repairs its block and delivery goes on. */
	cb->ready = 0xffff;
	for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
		cb->head[q] = EVTCHN_FIFO_LINK_MASK - q;
	CHECK_EQ("hostile_ready_send", evtchn_notify(c), 0);
	CHECK_EQ("hostile_ready_kept", cb->ready, 0xffff);
	memset(array0, 0, PAGE_SIZE);
	*cb = (struct evtchn_fifo_control_block){ 0 };
	evtchn_fifo_forget();
	vcpu0_info->evtchn_upcall_pending = 0;
	evtchn_notify(b);
	CHECK_EQ("recovered_word", *wb, PENDING | LINKED);
	CHECK_EQ("recovered_head", cb->head[7], b);
	CHECK_EQ("recovered_upcall_pending", vcpu0_info->evtchn_upcall_pending,
		 1);
	deliver();
	CHECK("recovered_delivered", nr_seen == 1 && seen[0] == b, "%u seen",
	      nr_seen);
}

/* A port moved to another priority leaves its old queue's tail. */
static void test_requeue(evtchn_port_t b, evtchn_port_t c)
{
	evtchn_notify(b);
	deliver();
	evtchn_set_priority(b, 3);
	evtchn_notify(b);
	evtchn_notify(c);
	CHECK_EQ("moved_head", cb->head[3], b);
	CHECK_EQ("moved_old_queue_new_head", cb->head[7], c);
	CHECK_EQ("moved_not_linked_from_old", *evtchn_fifo_word(b),
		 PENDING | LINKED);
	deliver();
	CHECK("moved_delivered", nr_seen == 2 && seen[0] == b && seen[1] == c,
	      "%u seen", nr_seen);
}

static void test_reset(evtchn_port_t b)
{
	struct evtchn_reset r = { .dom = 1 };
	struct evtchn_status st = { .dom = DOMID_SELF, .port = b };
	evtchn_port_t p;
	long rc;

	CHECK_EQ("reset_no_domain", hyp_event_channel_op(EVTCHNOP_reset, &r),
		 -XEN_ESRCH);
	CHECK_EQ("reset_self", evtchn_reset(), 0);
	rc = hyp_event_channel_op(EVTCHNOP_status, &st);
	CHECK_EQ("reset_closed_ports", rc ? rc : st.status, EVTCHNSTAT_closed);
	CHECK_EQ("reset_2l_expand", expand_gfn(virt_to_mfn(array0)),
		 -XEN_EOPNOTSUPP);
	p = bind_ipi();
	CHECK_EQ("reset_lowest_port", p, 1);
	CHECK_EQ("reset_2l_set_priority", evtchn_set_priority(p, 3),
		 -XEN_ENOSYS);
	shared_info->evtchn_pending[0] = 0;
	evtchn_mask(p);
	evtchn_notify(p);
	CHECK("reset_2l_delivery", bit_2l(shared_info->evtchn_pending, p));
	CHECK_EQ("reinit_after_reset", evtchn_fifo_init(control_page, 0, NULL),
		 0);
	CHECK_EQ("reinit_carries_pending", evtchn_fifo_expand(array0), 0);
	CHECK_EQ("reinit_word", word(p), PENDING | LINKED);
}

void test_main(void)
{
	evtchn_port_t a, b, c, d;

	events_disable();
	control_page = zeroed_page();
	array0 = zeroed_page();
	array1 = zeroed_page();
	scratch = zeroed_page();
	a = bind_ipi();
	b = bind_ipi();
	c = bind_ipi();
	d = bind_ipi();
	info("ports %u %u %u %u", a, b, c, d);

	test_before_switch(a);
	test_init_errors(a);
	test_switch(a, b);
	test_queues(b, c, d);
	test_masked(b);
	test_loopback();
	test_close();
	test_beyond_array();
	test_array_limit();
	evtchn_set_priority(d, 2);
	test_hostile(b, c, d);
	test_requeue(b, c);
	test_reset(b);
	test_done();
}
