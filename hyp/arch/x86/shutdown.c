// SPDX-License-Identifier: MIT
/*
 * Stopping the machine. Under QEMU with isa-debug-exit (debug_exit=PORT),
 * the reason becomes QEMU's exit status so tests learn the outcome at
 * once. Without it the CPU halts: ACPI power-off needs an AML
 * interpreter, which belongs in the control domain.
 */
#include <lamina/options.h>
#include <lamina/printk.h>
#include <lamina/shutdown.h>
#include <asm/cpu.h>
#include <asm/io.h>

void machine_shutdown(enum shutdown_reason why)
{
	irq_disable();
	if (why == SHUTDOWN_POWEROFF)
		pr_info("Powering off.\n");
	else if (why == SHUTDOWN_REBOOT)
		pr_info("Rebooting.\n");
	else if (why == SHUTDOWN_CONTROL_DOMAIN_CRASH)
		pr_err("The control domain crashed: stopping the machine.\n");
	if (opt.debug_exit_port)
		outl((uint16_t)opt.debug_exit_port, why);
	if (why == SHUTDOWN_REBOOT) {
		/* The keyboard controller's reset line. */
		outb(0x64, 0xfe);
	}
	console_write("(lamina) System halted.\n", 24);
	for (;;)
		halt();
}
