// SPDX-License-Identifier: MIT
/*
 * Event channels, FIFO ABI. Each port has a 32-bit event word in the
 * guest's event array (pages given with EVTCHNOP_expand_array); each vCPU
 * has a control block (EVTCHNOP_init_control) with a READY bit and a HEAD
 * port per priority queue. A raised port is appended to the queue of its
 * vCPU and priority by writing the LINK field of the queue's last word.
 *
 * The guest owns every word and may write anything into them, so the
 * hypervisor never follows a LINK: it remembers each queue's tail itself
 * and touches only that word, the raised port's word and the control
 * block. A guest that corrupts its queues loses its own events.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/heap.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <xen/errno.h>
#include <xen/event_channel.h>

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)

#define PENDING (1u << EVTCHN_FIFO_PENDING)
#define MASKED (1u << EVTCHN_FIFO_MASKED)
#define LINKED (1u << EVTCHN_FIFO_LINKED)
#define BUSY (1u << EVTCHN_FIFO_BUSY)

struct fifo_vcpu {
	struct evtchn_fifo_control_block *cb; /* NULL until init_control */
	uint64_t cb_mfn;
	uint32_t tail[EVTCHN_FIFO_MAX_QUEUES]; /* last port linked, 0: none */
};

struct fifo_port {
	uint8_t priority;
	/* The queue the port was last linked on, to end it there. */
	uint8_t last_vcpu, last_priority;
	bool pending; /* raised while it had no event word */
};

struct evtchn_fifo {
	event_word_t *array[MAX_ARRAY_PAGES];
	uint64_t array_mfn[MAX_ARRAY_PAGES];
	unsigned int nr_pages;
	struct fifo_vcpu vcpu[MAX_VIRT_CPUS];
	struct fifo_port port[EVTCHN_2L_PORTS];
};

/* The port's event word, or NULL beyond the array ("no space", as Xen). */
static event_word_t *word_of(const struct domain *d, uint32_t port)
{
	const struct evtchn_fifo *f = d->evtchn_fifo;

	if (!f || port / WORDS_PER_PAGE >= f->nr_pages)
		return NULL;
	return &f->array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

static bool test_and_set(event_word_t *w, uint32_t bits)
{
	return __atomic_fetch_or(w, bits, __ATOMIC_SEQ_CST) & bits;
}

/* One attempt at the LINK field: 1 done, 0 tail not linked, -1 raced. */
static int try_link(event_word_t *tail, event_word_t *w, uint32_t port)
{
	event_word_t new = (*w & ~(BUSY | EVTCHN_FIFO_LINK_MASK)) | port;

	if (!(*w & LINKED))
		return 0;
	return __atomic_compare_exchange_n(tail, w, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ?
		       1 :
		       -1;
}

/*
 * Point the tail word's LINK at port if the tail is still linked (the
 * guest unlinks words as it consumes them). After a lost race BUSY keeps
 * the guest from unmasking the tail; a guest that keeps changing the word
 * loses the event after a few tries, as with Xen: the hypervisor never
 * spins on guest memory.
 */
static bool set_link(event_word_t *tail, uint32_t port)
{
	event_word_t w = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
	int done = try_link(tail, &w, port);

	if (done >= 0)
		return done;
	__atomic_fetch_or(tail, BUSY, __ATOMIC_SEQ_CST);
	w = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
	for (unsigned int try = 0; try < 4 && done < 0; try++)
		done = try_link(tail, &w, port);
	if (done <= 0)
		__atomic_fetch_and(tail, ~BUSY, __ATOMIC_SEQ_CST);
	return done != 0;
}

/* Append port to its queue; true if the queue had no linked tail. */
static bool link_port(struct domain *d, uint32_t port)
{
	struct evtchn_fifo *f = d->evtchn_fifo;
	struct fifo_port *fp = &f->port[port];
	struct fifo_vcpu *fv = &f->vcpu[d->evtchn[port].vcpu];
	uint32_t *old_tail = &f->vcpu[fp->last_vcpu].tail[fp->last_priority];
	uint32_t *tail = &fv->tail[fp->priority];
	event_word_t *tail_word;
	bool linked = false;

	/* It was its old queue's tail: that queue is empty now. */
	if (*old_tail == port)
		*old_tail = 0;
	fp->last_vcpu = d->evtchn[port].vcpu;
	fp->last_priority = fp->priority;
	tail_word = *tail ? word_of(d, *tail) : NULL;
	if (tail_word)
		linked = set_link(tail_word, port);
	if (!linked)
		__atomic_store_n(&fv->cb->head[fp->priority], port,
				 __ATOMIC_SEQ_CST);
	*tail = port;
	return !linked;
}

static void fifo_set_pending(struct domain *d, uint32_t port)
{
	struct evtchn_fifo *f = d->evtchn_fifo;
	struct vcpu *v = d->vcpu[d->evtchn[port].vcpu];
	struct fifo_vcpu *fv = &f->vcpu[d->evtchn[port].vcpu];
	event_word_t *w = word_of(d, port);
	uint32_t ready = 1u << f->port[port].priority;
	bool was_pending, new_head = false;

	if (!w) {
		f->port[port].pending = true; /* raised when its page comes */
		return;
	}
	/* As Xen: no control block on that vCPU, the event is dropped. */
	if (!fv->cb || !v)
		return;
	was_pending = test_and_set(w, PENDING);
	/* An unmasked port not yet queued joins its queue. */
	if (!(__atomic_load_n(w, __ATOMIC_SEQ_CST) & MASKED) &&
	    !test_and_set(w, LINKED))
		new_head = link_port(d, port);
	/* A queue that was empty becomes ready: that is the upcall. */
	if (new_head &&
	    !(__atomic_fetch_or(&fv->cb->ready, ready, __ATOMIC_SEQ_CST) &
	      ready))
		evtchn_raise_upcall(v);
	if (!was_pending)
		evtchn_wake_pollers(d);
}

static void fifo_init(struct domain *d, uint32_t port)
{
	d->evtchn_fifo->port[port].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	d->evtchn_fifo->port[port].pending = false;
}

static void fifo_clear_pending(struct domain *d, uint32_t port)
{
	event_word_t *w = word_of(d, port);

	/* The guest unlinks it and skips it as not pending. */
	if (w)
		__atomic_fetch_and(w, ~PENDING, __ATOMIC_SEQ_CST);
	d->evtchn_fifo->port[port].pending = false;
}

static void fifo_unmask(struct domain *d, uint32_t port)
{
	event_word_t *w = word_of(d, port);

	if (!w)
		return;
	__atomic_fetch_and(w, ~MASKED, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(w, __ATOMIC_SEQ_CST) & PENDING)
		fifo_set_pending(d, port);
}

static bool word_has(const struct domain *d, uint32_t port, uint32_t bit)
{
	event_word_t *w = word_of(d, port);

	return w && (__atomic_load_n(w, __ATOMIC_SEQ_CST) & bit);
}

static bool fifo_is_pending(const struct domain *d, uint32_t port)
{
	return word_has(d, port, PENDING);
}

static bool fifo_is_masked(const struct domain *d, uint32_t port)
{
	return !word_of(d, port) || word_has(d, port, MASKED);
}

static bool fifo_is_busy(const struct domain *d, uint32_t port)
{
	return word_has(d, port, LINKED);
}

static long fifo_set_priority(struct domain *d, uint32_t port,
			      uint32_t priority)
{
	if (priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -XEN_EINVAL;
	/* Later events use the new queue; a queued one stays where it is. */
	d->evtchn_fifo->port[port].priority = priority;
	return 0;
}

const struct evtchn_port_ops evtchn_fifo_ops = {
	.init = fifo_init,
	.set_pending = fifo_set_pending,
	.clear_pending = fifo_clear_pending,
	.unmask = fifo_unmask,
	.is_pending = fifo_is_pending,
	.is_masked = fifo_is_masked,
	.is_busy = fifo_is_busy,
	.set_priority = fifo_set_priority,
};

/* A guest frame the hypervisor writes: owned by d, typed writable. */
static void *take_guest_page(struct domain *d, uint64_t gfn)
{
	if (get_page_and_type(gfn, d, PGT_WRITABLE))
		return NULL;
	return guest_frame_ptr(gfn);
}

static void release_guest_page(uint64_t gfn)
{
	guest_frame_drop_ptr(gfn);
	put_page_and_type(gfn);
}

/* The switch: every port keeps its 2-level pending state, priority 7. */
static struct evtchn_fifo *fifo_from_2l(struct domain *d)
{
	struct evtchn_fifo *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	for (uint32_t p = 1; p < EVTCHN_2L_PORTS; p++) {
		f->port[p].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
		f->port[p].pending = d->evtchn &&
				     d->evtchn[p].state != ECS_FREE &&
				     evtchn_2l_ops.is_pending(d, p);
	}
	return f;
}

long evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *c)
{
	struct evtchn_fifo *f = d->evtchn_fifo;
	void *page;

	c->link_bits = EVTCHN_FIFO_LINK_BITS;
	if (c->vcpu >= MAX_VIRT_CPUS || !d->vcpu[c->vcpu])
		return -XEN_ENOENT;
	/* The block must fit in the page and be 8-byte aligned. */
	if (c->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
	    (c->offset & 7))
		return -XEN_EINVAL;
	if (f && f->vcpu[c->vcpu].cb)
		return -XEN_EINVAL; /* once per vCPU, as Xen */
	if (!f && !(f = fifo_from_2l(d)))
		return -XEN_ENOMEM;
	page = take_guest_page(d, c->control_gfn);
	if (!page) {
		if (f != d->evtchn_fifo)
			kfree(f);
		return -XEN_EINVAL;
	}
	f->vcpu[c->vcpu] = (struct fifo_vcpu){
		.cb = (void *)((uint8_t *)page + c->offset),
		.cb_mfn = c->control_gfn,
	};
	/* The first block switches the domain: new ports, new delivery. */
	d->evtchn_fifo = f;
	return 0;
}

long evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn)
{
	struct evtchn_fifo *f = d->evtchn_fifo;
	unsigned int n;
	uint32_t first;

	if (!f)
		return -XEN_EOPNOTSUPP;
	n = f->nr_pages;
	if (n >= MAX_ARRAY_PAGES)
		return -XEN_ENOSPC;
	f->array[n] = take_guest_page(d, array_gfn);
	if (!f->array[n])
		return -XEN_EINVAL;
	f->array_mfn[n] = array_gfn;
	f->nr_pages = n + 1;
	/* Ports raised while they had no word are raised now. */
	first = n * WORDS_PER_PAGE;
	for (uint32_t p = first ? first : 1;
	     p < first + WORDS_PER_PAGE && p < EVTCHN_2L_PORTS; p++)
		if (f->port[p].pending) {
			f->port[p].pending = false;
			fifo_set_pending(d, p);
		}
	return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
	struct evtchn_fifo *f = d->evtchn_fifo;

	if (!f)
		return;
	d->evtchn_fifo = NULL;
	for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
		if (f->vcpu[i].cb)
			release_guest_page(f->vcpu[i].cb_mfn);
	for (unsigned int i = 0; i < f->nr_pages; i++)
		release_guest_page(f->array_mfn[i]);
	kfree(f);
}
