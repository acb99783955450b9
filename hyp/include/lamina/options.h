/* SPDX-License-Identifier: MIT */
/* The hypervisor's command-line options, parsed once at boot. */
#ifndef LAMINA_OPTIONS_H
#define LAMINA_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/cmdline.h>

struct hyp_options {
	uint64_t com1_baud; /* serial speed */
	uint64_t debug_exit_port; /* isa-debug-exit port, 0 = none */
	bool idle_exit; /* power off once nothing is left to run */
	/* Control-domain memory and its bounds (Xen's dom0_mem list). */
	struct cmdline_mem dom0_mem;
	uint64_t max_cpus; /* bring up at most this many pCPUs */
	bool nosmp; /* the boot CPU only */
	uint64_t dom0_max_vcpus; /* control-domain vCPUs, 0 = one per CPU */
	bool trace_hypercalls; /* debug builds: log every hypercall */
	char test_fault[16]; /* debug builds: raise this exception at boot */
	/* Extra boot domains: "MOD:MEM[:console],..." (see setup.c). */
	char boot_domains[256];
};

extern struct hyp_options opt;

void options_parse(const char *cmdline);

#endif
