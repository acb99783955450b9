// SPDX-License-Identifier: MIT
/*
 * FIFO event channels on vCPU 0: the hypervisor links raised ports into
 * one queue per priority and sets the queue's READY bit; the upcall takes
 * the READY word and walks each ready queue from its HEAD (highest
 * priority, lowest number, first), unlinking each word and handling the
 * ones still pending and unmasked.
 */
#include <libpv/event.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/test.h>

/* As many pages as the ABI allows: 2^17 ports of 4 bytes. */
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
/* Events taken per upcall: a queue the guest broke cannot hang it. */
#define UPCALL_BUDGET 4096

#define LINKED (1u << EVTCHN_FIFO_LINKED)

bool evtchn_fifo_on;
static struct evtchn_fifo_control_block *control;
static event_word_t *array[MAX_ARRAY_PAGES];
static unsigned int nr_pages;
static uint32_t head[EVTCHN_FIFO_MAX_QUEUES]; /* where each walk resumes */

long evtchn_fifo_init(void *page, unsigned int offset, unsigned int *link_bits)
{
	struct evtchn_init_control c = {
		.control_gfn = virt_to_mfn(page),
		.offset = offset,
		.vcpu = 0,
	};
	long rc = hyp_event_channel_op(EVTCHNOP_init_control, &c);

	if (rc)
		return rc;
	if (link_bits)
		*link_bits = c.link_bits;
	control = (void *)((char *)page + offset);
	evtchn_fifo_on = true;
	return 0;
}

long evtchn_fifo_expand(void *page)
{
	struct evtchn_expand_array e = { .array_gfn = virt_to_mfn(page) };
	long rc = hyp_event_channel_op(EVTCHNOP_expand_array, &e);

	if (!rc && nr_pages < MAX_ARRAY_PAGES)
		array[nr_pages++] = page;
	return rc;
}

struct evtchn_fifo_control_block *evtchn_fifo_control(void)
{
	return control;
}

event_word_t *evtchn_fifo_word(evtchn_port_t port)
{
	if (port / WORDS_PER_PAGE >= nr_pages)
		return NULL;
	return &array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

void evtchn_fifo_word_clear(evtchn_port_t port, uint32_t bits)
{
	event_word_t *w = evtchn_fifo_word(port);

	if (w)
		__atomic_and_fetch(w, ~bits, __ATOMIC_SEQ_CST);
}

long evtchn_set_priority(evtchn_port_t port, uint32_t priority)
{
	struct evtchn_set_priority sp = { .port = port, .priority = priority };

	return hyp_event_channel_op(EVTCHNOP_set_priority, &sp);
}

long evtchn_reset(void)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	long rc = hyp_event_channel_op(EVTCHNOP_reset, &r);

	if (!rc) {
		evtchn_fifo_on = false;
		control = NULL;
		nr_pages = 0;
		evtchn_fifo_forget();
	}
	return rc;
}

void evtchn_fifo_forget(void)
{
	for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
		head[q] = 0;
}

/* Unlink the word; what its LINK said comes next. */
static uint32_t unlink_word(event_word_t *w, event_word_t *was)
{
	event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

	while (!__atomic_compare_exchange_n(
		w, &old, old & ~(LINKED | EVTCHN_FIFO_LINK_MASK), false,
		__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	*was = old;
	return old & EVTCHN_FIFO_LINK_MASK;
}

/* Take the first event of queue q; clear q in *ready when it runs dry. */
static void consume_one(unsigned int q, uint32_t *ready)
{
	uint32_t port = head[q] ? head[q] : control->head[q];
	event_word_t *w = evtchn_fifo_word(port);
	event_word_t was;

	if (!port || !w) {
		head[q] = 0;
		*ready &= ~(1u << q);
		return;
	}
	head[q] = unlink_word(w, &was);
	if (!head[q])
		*ready &= ~(1u << q);
	if ((was & (1u << EVTCHN_FIFO_PENDING)) &&
	    !(was & (1u << EVTCHN_FIFO_MASKED))) {
		evtchn_clear(port);
		evtchn_call_handler(port);
	}
}

void evtchn_fifo_consume(void)
{
	uint32_t ready =
		__atomic_exchange_n(&control->ready, 0, __ATOMIC_SEQ_CST);

	for (unsigned int n = 0; ready && n < UPCALL_BUDGET; n++) {
		consume_one(__builtin_ctz(ready), &ready);
		ready |= __atomic_exchange_n(&control->ready, 0,
					     __ATOMIC_SEQ_CST);
	}
	/* Budget spent: what is left stays ready for the next upcall. */
	if (ready)
		__atomic_or_fetch(&control->ready, ready, __ATOMIC_SEQ_CST);
}
