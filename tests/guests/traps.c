// SPDX-License-Identifier: MIT
/*
 * traps: exceptions delivered through the trap table and resumed, the
 * bounce frame's contents (vector, error code, rip, cs, cr2), the iret
 * hypercall, and switching to guest user mode and back by syscall.
 *
 * Kernel-context bounce frames show cs with RPL 0 (FLAT_KERNEL_CS & ~3);
 * user-context ones show RPL 3.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <libpv/user.h>
#include <xen/version.h>

#define KERNEL_CS_SEEN (FLAT_KERNEL_CS & ~3UL)
#define UNMAPPED_VA 0x1000UL

static unsigned long traps_before;

static void expect(const char *name, unsigned int vector, uint64_t err,
		   unsigned long rip)
{
	char n[64];

	snprintf(n, sizeof(n), "%s_delivered", name);
	CHECK(n,
	      last_trap.count == traps_before + 1 && last_trap.vector == vector,
	      "traps %lu vector %u", last_trap.count - traps_before,
	      last_trap.vector);
	snprintf(n, sizeof(n), "%s_error_code", name);
	CHECK_EQ(n, last_trap.error_code, err);
	snprintf(n, sizeof(n), "%s_rip", name);
	CHECK(n, last_trap.rip == rip, "got 0x%lx want 0x%lx",
	      (unsigned long)last_trap.rip, rip);
	snprintf(n, sizeof(n), "%s_cs_kernel", name);
	CHECK(n, (uint16_t)last_trap.cs == KERNEL_CS_SEEN, "cs 0x%lx",
	      (unsigned long)last_trap.cs);
}

static void test_exceptions(void)
{
	unsigned long at, after;

	traps_before = last_trap.count;
	asm volatile("lea 1f(%%rip), %0\n1: ud2\n2:\n" EXTABLE(1b, 2b)
		     : "=r"(at));
	expect("ud", TRAP_ud, 0, at);

	traps_before = last_trap.count;
	asm volatile("int3\n1: lea 1b(%%rip), %0" : "=r"(after));
	expect("int3", TRAP_bp, 0, after);

	traps_before = last_trap.count;
	asm volatile("lea 1f(%%rip), %0\n1: hlt\n2:\n" EXTABLE(1b, 2b)
		     : "=r"(at));
	expect("gp_hlt", TRAP_gp, 0, at);

	/* int $n without a trap entry: #GP naming IDT entry n. */
	traps_before = last_trap.count;
	asm volatile("lea 1f(%%rip), %0\n1: int $0x41\n2:\n" EXTABLE(1b, 2b)
		     : "=r"(at));
	expect("gp_int_n", TRAP_gp, (0x41 << 3) | 2, at);

	traps_before = last_trap.count;
	asm volatile("lea 1f(%%rip), %0\n"
		     "xor %%edx, %%edx\n xor %%ecx, %%ecx\n mov $1, %%eax\n"
		     "1: div %%ecx\n2:\n" EXTABLE(1b, 2b)
		     : "=r"(at)
		     :
		     : "rax", "rcx", "rdx");
	expect("divide", TRAP_de, 0, at);
}

static void pf(const char *name, unsigned long va, bool write, uint64_t err)
{
	unsigned long at, v = 0, cr2 = 0;
	char n[64];

	traps_before = last_trap.count;
	if (write)
		asm volatile(
			"lea 1f(%%rip), %0\n1: movq %2, (%1)\n2:\n" EXTABLE(1b,
									    2b)
			: "=&r"(at)
			: "r"(va), "r"(v)
			: "memory");
	else
		asm volatile(
			"lea 1f(%%rip), %0\n1: movq (%2), %1\n2:\n" EXTABLE(1b,
									    2b)
			: "=&r"(at), "+r"(v)
			: "r"(va)
			: "memory");
	expect(name, TRAP_pf, err, at);
	snprintf(n, sizeof(n), "%s_cr2", name);
	CHECK(n, last_trap.cr2 == va, "vcpu_info cr2 0x%lx want 0x%lx",
	      (unsigned long)last_trap.cr2, va);
	/* mov from cr2 is emulated and agrees with vcpu_info. */
	asm volatile("1: mov %%cr2, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(cr2));
	snprintf(n, sizeof(n), "%s_mov_cr2", name);
	CHECK(n, cr2 == va, "got 0x%lx", cr2);
}

static void test_page_faults(void)
{
	pf("pf_read_unmapped", UNMAPPED_VA, false, 0);
	pf("pf_write_unmapped", UNMAPPED_VA + 8, true, 2);
	/* The L4 is mapped read-only. */
	pf("pf_write_readonly", start_info->pt_base + 16, true, 3);
}

static void test_iret(void)
{
	unsigned long rax, rcx, r11_out, rsp_before, rsp_after;
	register unsigned long r11 asm("r11");
	uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
	uint8_t saved = *mask;

	for (int i = 0; i < 2; i++) {
		unsigned long flags = i ? 0x202 : 0x002;

		asm volatile("mov %%rsp, %[before]\n"
			     "lea 1f(%%rip), %%rax\n"
			     "mov %%rsp, %%rdx\n"
			     "pushq %[ss]\n pushq %%rdx\n pushq %[fl]\n"
			     "pushq %[cs]\n pushq %%rax\n"
			     "mov $0x1111, %%eax\n mov $0x2222, %%ecx\n"
			     "mov $0x3333, %%r11d\n"
			     "jmp iret_to_guest\n"
			     "1: mov %%rsp, %[after]\n"
			     : "=a"(rax), "=c"(rcx),
			       "=r"(r11), [before] "=&m"(rsp_before),
			       [after] "=m"(rsp_after)
			     : [ss] "i"(FLAT_KERNEL_SS), [fl] "r"(flags),
			       [cs] "i"(KERNEL_CS_SEEN)
			     : "rdx", "memory");
		r11_out = r11;
		if (i == 0) {
			CHECK("iret_restores_rax_rcx_r11",
			      rax == 0x1111 && rcx == 0x2222 &&
				      r11_out == 0x3333,
			      "rax 0x%lx rcx 0x%lx r11 0x%lx", rax, rcx,
			      r11_out);
			CHECK("iret_restores_rsp", rsp_after == rsp_before,
			      "before 0x%lx after 0x%lx", rsp_before,
			      rsp_after);
			CHECK_EQ("iret_if_clear_masks_events", *mask, 1);
		} else {
			CHECK_EQ("iret_if_set_unmasks_events", *mask, 0);
		}
	}
	*mask = saved;
}

/* The #GP an iret to a non-canonical rip gets, and where it resumes. */
#define NONCANONICAL_RIP 0x0000800000001000UL
static volatile bool nc_armed;
static volatile unsigned long nc_count, nc_err, nc_rip;
static unsigned long nc_resume_rip, nc_resume_rsp;

static int on_noncanonical_gp(struct trap_frame *f)
{
	if (!nc_armed)
		return 0;
	nc_armed = false;
	nc_count++;
	nc_err = f->error_code;
	nc_rip = f->rip;
	f->rip = nc_resume_rip;
	f->rsp = nc_resume_rsp;
	return 1;
}

/* As Xen: the guest gets #GP(0) for it, the domain lives on. */
static void test_iret_noncanonical(void)
{
	uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
	uint8_t saved = *mask;

	trap_set_hook(TRAP_gp, on_noncanonical_gp);
	nc_armed = true;
	asm volatile("lea 1f(%%rip), %%rax\n"
		     "mov %%rax, %[rip]\n"
		     "mov %%rsp, %[rsp]\n"
		     "mov %%rsp, %%rdx\n"
		     "pushq %[ss]\n pushq %%rdx\n pushq $0x002\n"
		     "pushq %[cs]\n pushq %[bad]\n"
		     "jmp iret_to_guest\n"
		     "1:\n"
		     : [rip] "=m"(nc_resume_rip), [rsp] "=m"(nc_resume_rsp)
		     : [ss] "i"(FLAT_KERNEL_SS), [cs] "i"(KERNEL_CS_SEEN),
		       [bad] "r"(NONCANONICAL_RIP)
		     : "rax", "rcx", "rdx", "r11", "memory");
	trap_set_hook(TRAP_gp, NULL);
	*mask = saved;
	CHECK_EQ("iret_noncanonical_gp", nc_count, 1);
	CHECK_EQ("iret_noncanonical_gp_error", nc_err, 0);
	CHECK("iret_noncanonical_gp_rip", nc_rip == NONCANONICAL_RIP,
	      "rip 0x%lx", nc_rip);
}

/* What user mode saw, written by the user-mode code itself. */
static volatile struct {
	long echo;
	long hypercall;
	unsigned long pf_count, pf_vector, pf_err, pf_cs, pf_cr2;
	unsigned long bp_count, bp_cs;
	unsigned long syscall_rip;
	unsigned long cr3_count, cr3_vector, cr3_err;
} u;

static unsigned long read_cr3(void)
{
	unsigned long cr3 = 0;

	asm volatile("1: mov %%cr3, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(cr3));
	return cr3;
}

static void on_syscall(struct trap_frame *f)
{
	f->rax += 1000;
}

static void user_main(void)
{
	unsigned long before, v = 0;

	asm volatile("lea 1f(%%rip), %0\n syscall\n1:"
		     : "=r"(u.syscall_rip), "=a"(u.echo)
		     : "a"(7UL)
		     : "rcx", "r11", "memory");
	/* A hypercall from guest user mode is just a syscall to the kernel. */
	u.hypercall = HC(xen_version, XENVER_version, 0, 0, 0, 0);

	before = last_trap.count;
	asm volatile("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b)
		     : "+r"(v)
		     : "r"(UNMAPPED_VA)
		     : "memory");
	u.pf_count = last_trap.count - before;
	u.pf_vector = last_trap.vector;
	u.pf_err = last_trap.error_code;
	u.pf_cs = last_trap.cs;
	u.pf_cr2 = last_trap.cr2;

	/* Privileged instructions are emulated for the guest kernel only. */
	before = last_trap.count;
	read_cr3();
	u.cr3_count = last_trap.count - before;
	u.cr3_vector = last_trap.vector;
	u.cr3_err = last_trap.error_code;

	before = last_trap.count;
	asm volatile("int3" ::: "memory");
	u.bp_count = last_trap.count - before;
	u.bp_cs = last_trap.cs;
	user_exit(42);
}

static void test_user_mode(void)
{
	unsigned long before;
	long code;

	user_mode_init();
	user_set_syscall_handler(on_syscall);
	before = syscall_count;
	code = user_run(user_main);
	CHECK_EQ("user_exit_code", code, 42);
	CHECK_EQ("user_syscall_count", syscall_count - before, 3);
	CHECK_EQ("user_syscall_return", u.echo, 1007);
	CHECK_EQ("user_hypercall_is_syscall", u.hypercall,
		 __HYPERVISOR_xen_version + 1000);
	CHECK_EQ("user_pf_delivered", u.pf_count, 1);
	CHECK_EQ("user_pf_error_code_user", u.pf_err, 4);
	CHECK_EQ("user_pf_cs_user", (uint16_t)u.pf_cs, FLAT_USER_CS);
	CHECK_EQ("user_pf_cr2", u.pf_cr2, UNMAPPED_VA);
	CHECK_EQ("user_int3_delivered", u.bp_count, 1);
	CHECK_EQ("user_int3_cs_user", (uint16_t)u.bp_cs, FLAT_USER_CS);
	/* The exit syscall's frame. */
	CHECK_EQ("syscall_frame_cs", (uint16_t)last_syscall.cs, FLAT_USER_CS);
	CHECK_EQ("syscall_frame_ss", (uint16_t)last_syscall.ss, FLAT_USER_SS);
	CHECK("syscall_frame_rcx_is_rip", last_syscall.rcx == last_syscall.rip,
	      "rcx 0x%lx rip 0x%lx", (unsigned long)last_syscall.rcx,
	      (unsigned long)last_syscall.rip);
	CHECK("syscall_frame_r11_is_rflags",
	      last_syscall.r11 == last_syscall.rflags, "r11 0x%lx rflags 0x%lx",
	      (unsigned long)last_syscall.r11,
	      (unsigned long)last_syscall.rflags);
	info("first syscall returned to 0x%lx; exit frame rip 0x%lx rflags "
	     "0x%lx rsp 0x%lx",
	     u.syscall_rip, (unsigned long)last_syscall.rip,
	     (unsigned long)last_syscall.rflags,
	     (unsigned long)last_syscall.rsp);
	CHECK("user_mov_cr3_gp",
	      u.cr3_count == 1 && u.cr3_vector == TRAP_gp && u.cr3_err == 0,
	      "traps %lu vector %lu err 0x%lx", u.cr3_count, u.cr3_vector,
	      u.cr3_err);
	CHECK_EQ("kernel_cr3_after_exit", read_cr3(),
		 virt_to_machine(current_l4));
}

void test_main(void)
{
	test_exceptions();
	test_page_faults();
	test_iret();
	test_iret_noncanonical();
	test_user_mode();
}
