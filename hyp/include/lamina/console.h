/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor console. Output: every domain's console (console_io for
 * the CONSOLE_IO holder, the console ring for boot domains) reaches the
 * serial line, each line prefixed "(dN) ". Input: what is typed on the
 * serial line goes to the hypervisor's console keys or to one domain;
 * CTRL-a three times in a row moves it on, as on Xen.
 */
#ifndef LAMINA_CONSOLE_H
#define LAMINA_CONSOLE_H

#include <stdbool.h>

struct cpu_user_regs;

/*
 * One byte from the serial line. regs is the interrupted frame (a guest's
 * if a vCPU was running), or NULL when the byte was polled.
 */
void console_rx(char c, const struct cpu_user_regs *regs);
/* Boot is over: take serial input and say where it goes. */
void console_endboot(void);
/* From the tick: read the UART if its interrupt could not be routed. */
void console_poll(void);

/* Queue a byte for CONSOLEIO_read; false if the queue is full. */
bool console_io_input(char c);

/* A key typed while input is on the hypervisor. */
void handle_keypress(char key, const struct cpu_user_regs *regs);

#endif
