/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_SHUTDOWN_H
#define LAMINA_SHUTDOWN_H

/*
 * How the machine stops. With the debug_exit=PORT option (QEMU's
 * isa-debug-exit device) each reason ends QEMU with its own exit status:
 * (code << 1) | 1, i.e. 33 for a clean power-off and 35 for a panic.
 */
enum shutdown_reason {
	SHUTDOWN_POWEROFF = 0x10,
	SHUTDOWN_PANIC = 0x11,
	SHUTDOWN_REBOOT = 0x12, /* exit status 37 */
	SHUTDOWN_CONTROL_DOMAIN_CRASH = 0x13, /* exit status 39 */
};

__attribute__((noreturn)) void machine_shutdown(enum shutdown_reason why);

#endif
