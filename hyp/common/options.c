// SPDX-License-Identifier: MIT
/* The hypervisor command line: its options and their defaults. */
#include <generated/autoconf.h>
#include <lamina/cmdline.h>
#include <lamina/options.h>
#include <lamina/printk.h>

struct hyp_options opt;

static unsigned int loglvl_choice = CONFIG_LOG_LEVEL;
static const char *const loglvl_names[] = { "error", "warning", "info",
					    "debug", "all", NULL };

static const struct cmdline_option options[] = {
	CMDLINE_ENUM_OPT("loglvl", loglvl_choice, loglvl_names,
			 "console log level"),
	CMDLINE_UINT_OPT("com1_baud", opt.com1_baud, 300, 115200,
			 "serial speed"),
	CMDLINE_MEM_OPT("dom0_mem", opt.dom0_mem,
			"control-domain memory: SIZE[,min:SIZE][,max:SIZE]"),
	CMDLINE_UINT_OPT("dom0_max_vcpus", opt.dom0_max_vcpus, 1, 8,
			 "control-domain vCPUs"),
	CMDLINE_UINT_OPT("maxcpus", opt.max_cpus, 1, CONFIG_NR_CPUS,
			 "use at most this many CPUs"),
	CMDLINE_BOOL_OPT("nosmp", opt.nosmp, "use the boot CPU only"),
	CMDLINE_UINT_OPT("debug_exit", opt.debug_exit_port, 0, 0xffff,
			 "QEMU isa-debug-exit port for exit statuses"),
	CMDLINE_STRING_OPT(
		"boot_domains", opt.boot_domains,
		"boot domains: MOD:MEM[:console][:weight=W][:cap=C],..."),
	CMDLINE_BOOL_OPT("idle_exit", opt.idle_exit,
			 "power off once nothing is left to run"),
#ifdef CONFIG_DEBUG
	CMDLINE_BOOL_OPT("trace_hypercalls", opt.trace_hypercalls,
			 "debug builds: log every hypercall"),
	CMDLINE_STRING_OPT("test_fault", opt.test_fault,
			   "debug builds: raise an exception at boot"),
#endif
};

static void report(void *ctx, enum cmdline_problem kind, const char *name,
		   const char *value)
{
	(void)ctx;
	if (kind == CMDLINE_UNKNOWN)
		pr_warn("Command line: unknown option '%s' ignored\n", name);
	else
		pr_warn("Command line: bad value for '%s': '%s' ignored\n", name,
			value);
}

void options_parse(const char *cmdline)
{
	int problems = cmdline_parse(cmdline, options,
				     sizeof(options) / sizeof(options[0]),
				     report, NULL);

	console_loglevel = loglvl_choice > LOG_DEBUG ? LOG_DEBUG : loglvl_choice;
	if (problems)
		pr_warn("Command line: %d problem(s); see above\n", problems);
}
