/* SPDX-License-Identifier: MIT */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <stdbool.h>

void serial_init(unsigned long baud);
void serial_write(const char *s, unsigned long len);
/* A received byte, or -1 if none is waiting. */
int serial_getc(void);
/* Received bytes go to console_rx() from the UART's IRQ; false if the
 * IRQ cannot be routed (then the caller polls serial_getc()). */
bool serial_rx_irq_enable(void);

#endif
