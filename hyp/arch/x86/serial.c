// SPDX-License-Identifier: MIT
/* The 16550 UART on COM1: the hypervisor's console line. */
#include <stdbool.h>
#include <stdint.h>
#include <generated/autoconf.h>
#include <lamina/console.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/serial.h>

#define UART_RBR 0 /* receive buffer (DLAB=0) */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define IER_RX_DATA 0x01
#define MCR_DTR_RTS 0x03
#define MCR_OUT2 0x08 /* on PCs, gates the UART's interrupt line */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80
#define LCR_8N1 0x03

#define UART_CLOCK 115200

#ifndef CONFIG_SERIAL_PORT
#define CONFIG_SERIAL_PORT 0x3f8
#define CONFIG_SERIAL_BAUD 115200
#endif

static uint16_t uart_port = CONFIG_SERIAL_PORT;
static int uart_ready;

void serial_init(unsigned long baud)
{
	unsigned long div;

	if (!baud || baud > UART_CLOCK)
		baud = CONFIG_SERIAL_BAUD;
	div = UART_CLOCK / baud;
	outb(uart_port + UART_IER, 0);
	outb(uart_port + UART_LCR, LCR_DLAB);
	outb(uart_port + UART_DLL, div & 0xff);
	outb(uart_port + UART_DLM, (div >> 8) & 0xff);
	outb(uart_port + UART_LCR, LCR_8N1);
	outb(uart_port + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(uart_port + UART_MCR, MCR_DTR_RTS);
	uart_ready = 1;
}

static void serial_putc_raw(char c)
{
	/* Bounded wait: a missing UART must not hang the hypervisor. */
	for (int i = 0; i < 100000; i++)
		if (inb(uart_port + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(uart_port + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, unsigned long len)
{
	if (!uart_ready)
		return;
	for (unsigned long i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc_raw('\r');
		serial_putc_raw(s[i]);
	}
}

int serial_getc(void)
{
	if (!uart_ready || !(inb(uart_port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(uart_port + UART_RBR);
}

/*
 * Receive interrupts rather than polling in the 100 Hz tick: a paste at
 * 115200 baud brings about 115 bytes per tick, more than the 16-byte
 * FIFO holds. The handler drains the FIFO, so the (edge-triggered) line
 * drops and the next byte raises it again.
 */
static void serial_interrupt(struct cpu_user_regs *regs)
{
	int c;

	while ((c = serial_getc()) >= 0)
		console_rx((char)c, regs);
	lapic_eoi();
}

/* The ISA IRQ of the standard COM ports (COM1/3: 4, COM2/4: 3). */
static int isa_irq_of(uint16_t port)
{
	if (port == 0x3f8 || port == 0x3e8)
		return 4;
	if (port == 0x2f8 || port == 0x2e8)
		return 3;
	return -1;
}

bool serial_rx_irq_enable(void)
{
	int irq = isa_irq_of(uart_port);

	if (!uart_ready || irq < 0)
		return false;
	irq_set_handler(VECTOR_SERIAL, serial_interrupt);
	if (ioapic_route_isa_irq(irq, VECTOR_SERIAL))
		return false;
	outb(uart_port + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(uart_port + UART_IER, IER_RX_DATA);
	return true;
}
