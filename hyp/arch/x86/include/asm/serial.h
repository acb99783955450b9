/* SPDX-License-Identifier: MIT */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

void serial_init(unsigned long baud);
void serial_write(const char *s, unsigned long len);
int serial_getc(void);

#endif
