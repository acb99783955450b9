// SPDX-License-Identifier: MIT
/*
 * Console output and console_io: a domain holding the CONSOLE_IO
 * capability writes to the hypervisor's serial line (each line prefixed
 * "(dN) ") and reads what was typed there for it; boot domains' console
 * rings are drained to the same line.
 */
#include <stdint.h>
#include <lamina/console.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/printk.h>
#include <lamina/spinlock.h>
#include <lamina/string.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/xen.h>

#define CHUNK 128
#define RX_SIZE 256 /* serial input waiting for CONSOLEIO_read */

static char rx_ring[RX_SIZE];
static uint32_t rx_prod, rx_cons;
static spinlock_t rx_lock = SPINLOCK_INIT;

static void emit_guest_text(struct domain *d, const char *s, size_t n)
{
	char prefix[12];

	for (size_t i = 0; i < n; i++) {
		if (d->console_line_start) {
			int len = snprintf(prefix, sizeof(prefix), "(d%u) ",
					   d->domid);

			console_write(prefix, len);
			d->console_line_start = false;
		}
		if (s[i] == '\n')
			d->console_line_start = true;
		console_write(&s[i], 1);
	}
}

/* A full queue drops the new byte, as Xen's does. */
bool console_io_input(char c)
{
	unsigned long flags;
	bool room;

	spin_lock_irqsave(&rx_lock, flags);
	room = rx_prod - rx_cons < RX_SIZE;
	if (room)
		rx_ring[rx_prod++ % RX_SIZE] = c;
	spin_unlock_irqrestore(&rx_lock, flags);
	return room;
}

/* Up to count queued bytes to buf; bytes leave the queue once copied. */
static long console_io_read(uint64_t count, uint64_t buf)
{
	unsigned long flags;
	long done = 0;

	spin_lock_irqsave(&rx_lock, flags);
	while (rx_cons != rx_prod && (uint64_t)done < count) {
		uint32_t idx = rx_cons % RX_SIZE;
		uint64_t n = rx_prod - rx_cons;

		if (idx + n > RX_SIZE)
			n = RX_SIZE - idx;
		if (n > count - done)
			n = count - done;
		if (copy_to_guest(buf + done, &rx_ring[idx], n)) {
			done = -XEN_EFAULT;
			break;
		}
		rx_cons += n;
		done += n;
	}
	spin_unlock_irqrestore(&rx_lock, flags);
	return done;
}

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf, uint64_t a4,
		   uint64_t a5)
{
	struct domain *d = current->domain;
	char chunk[CHUNK];

	(void)a4, (void)a5;
	if (cap_check(&d->cspace, CAP_CONSOLE_IO, 0, 0,
		      cmd == CONSOLEIO_read ? CAP_RIGHT_QUERY :
					      CAP_RIGHT_CONTROL))
		return -XEN_EPERM;
	switch (cmd) {
	case CONSOLEIO_write:
		if ((int64_t)count < 0)
			return -XEN_EINVAL;
		/* Preemptible, as Xen: the rest is written on re-issue. */
		for (bool first = true; count; first = false) {
			size_t n = count < CHUNK ? count : CHUNK;

			if (!first && hypercall_preempt_check())
				return hypercall_continue(
					__HYPERVISOR_console_io, cmd, count,
					buf);
			if (copy_from_guest(chunk, buf, n))
				return -XEN_EFAULT;
			emit_guest_text(d, chunk, n);
			buf += n;
			count -= n;
		}
		return 0;
	case CONSOLEIO_read:
		if ((int64_t)count < 0)
			return -XEN_EINVAL;
		return console_io_read(count, buf);
	default:
		return -XEN_ENOSYS;
	}
}

/*
 * A boot domain's console ring, drained to the serial line. The indices
 * are the guest's: a producer more than a ring ahead is garbage, and the
 * ring is resynchronised rather than read out of bounds.
 */
void console_drain_ring(struct domain *d)
{
	struct xencons_interface *r = d->console_ring;
	XENCONS_RING_IDX cons, prod;
	char buf[sizeof(r->out)];
	size_t n = 0;

	if (!r)
		return;
	cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	if (prod - cons > sizeof(r->out)) {
		pr_warn("d%u: console ring indices corrupt; resynchronised\n",
			d->domid);
		cons = prod;
	}
	while (cons != prod)
		buf[n++] = r->out[MASK_XENCONS_IDX(cons++, r->out)];
	__atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
	emit_guest_text(d, buf, n);
}

int console_attach_ring(struct domain *d, uint64_t mfn, int port)
{
	int rc = get_page_and_type(mfn, d, PGT_WRITABLE);

	if (rc)
		return rc;
	d->console_ring = guest_frame_ptr(mfn);
	d->console_port = port;
	return 0;
}

void console_release_ring(struct domain *d)
{
	uint64_t mfn;

	if (!d->console_ring)
		return;
	mfn = virt_to_maddr(d->console_ring) >> PAGE_SHIFT;
	console_drain_ring(d);
	guest_frame_drop_ptr(mfn);
	put_page_and_type(mfn);
	d->console_ring = NULL;
}

void console_drain_all(void)
{
	for (unsigned int i = 0; i < CONFIG_MAX_DOMAINS; i++)
		if (domains[i])
			console_drain_ring(domains[i]);
}
