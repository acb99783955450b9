// SPDX-License-Identifier: MIT
/*
 * Serial input, switched as on Xen: it goes to the hypervisor's console
 * keys or to one domain, and CTRL-a typed three times in a row moves it
 * to the next domain that can take input (domain 0 first, the others in
 * order, then back to the hypervisor). Fewer than three CTRL-a followed
 * by another key are passed on as typed.
 *
 * A domain takes input through its console ring (boot domains: the ring's
 * "in" side, then a notification on its console port) or, holding the
 * CONSOLE_IO capability, through CONSOLEIO_read with VIRQ_CONSOLE.
 */
#include <stdint.h>
#include <lamina/cap.h>
#include <lamina/console.h>
#include <lamina/domain.h>
#include <lamina/event.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/serial.h>
#include <xen/console.h>
#include <xen/xen.h>

#define SWITCH_CHAR 0x01 /* CTRL-a */
#define SWITCH_COUNT 3
#define TO_HYPERVISOR (-1)

static int target = TO_HYPERVISOR;
static unsigned int switch_typed; /* CTRL-a in a row, not yet passed on */
static bool polled; /* no receive interrupt: the tick reads the UART */

static bool takes_input(const struct domain *d)
{
	return d && d->state == DOMAIN_RUNNING &&
	       (d->console_ring ||
		!cap_check(&d->cspace, CAP_CONSOLE_IO, 0, 0, CAP_RIGHT_QUERY));
}

/* At every log level: the user asked where input goes now. */
static void announce(void)
{
	char who[16] = "Lamina";

	if (target != TO_HYPERVISOR)
		snprintf(who, sizeof(who), "DOM%d", target);
	printk(LOG_ERR,
	       "*** Serial input to %s (type 'CTRL-a' three times to switch input)\n",
	       who);
}

static void switch_input(void)
{
	int next = TO_HYPERVISOR;

	for (int id = target + 1; id < CONFIG_MAX_DOMAINS; id++)
		if (takes_input(domains[id])) {
			next = id;
			break;
		}
	target = next;
	announce();
}

/*
 * The ring's indices are shared with the guest: in_cons is whatever it
 * wrote. A full ring, or one that claims more than its size in use,
 * takes nothing; the index is masked on every store, so nothing lands
 * outside the ring.
 */
static void ring_input(struct domain *d, char c)
{
	struct xencons_interface *r = d->console_ring;
	XENCONS_RING_IDX cons, prod;

	cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
	if (prod - cons >= sizeof(r->in))
		return;
	r->in[MASK_XENCONS_IDX(prod, r->in)] = c;
	__atomic_store_n(&r->in_prod, prod + 1, __ATOMIC_RELEASE);
	evtchn_notify_port(d, d->console_port);
}

static void deliver(char c, const struct cpu_user_regs *regs)
{
	struct domain *d;

	if (target == TO_HYPERVISOR) {
		handle_keypress(c, regs);
		return;
	}
	/* A domain that has gone takes nothing until input moves on. */
	d = domains[target];
	if (!takes_input(d))
		return;
	if (d->console_ring) {
		ring_input(d, c);
	} else if (console_io_input(c) && d->vcpu[0]) {
		evtchn_send_virq(d->vcpu[0], VIRQ_CONSOLE);
	}
}

void console_rx(char c, const struct cpu_user_regs *regs)
{
	if (c == SWITCH_CHAR) {
		if (++switch_typed == SWITCH_COUNT) {
			switch_typed = 0;
			switch_input();
		}
		return;
	}
	for (; switch_typed; switch_typed--)
		deliver(SWITCH_CHAR, regs);
	deliver(c, regs);
}

/* As Xen at the end of its boot: input goes to domain 0 if it can take it. */
void console_endboot(void)
{
	polled = !serial_rx_irq_enable();
	if (polled)
		pr_info("Serial input: no interrupt route, polled at each tick\n");
	target = takes_input(domains[0]) ? 0 : TO_HYPERVISOR;
	announce();
}

void console_poll(void)
{
	int c;

	if (!polled)
		return;
	while ((c = serial_getc()) >= 0)
		console_rx((char)c, NULL);
}
