// SPDX-License-Identifier: MIT
/* The 16550 UART on COM1: the hypervisor's console line. */
#include <stdint.h>
#include <generated/autoconf.h>
#include <asm/io.h>
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
	outb(uart_port + UART_MCR, 0x03); /* DTR + RTS */
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
