/* SPDX-License-Identifier: MIT */
#define TEST_MAIN
#include "abi_all.h"

/* The shared_info structure must fit in the one page it is mapped from. */
TEST(shared_info_fits_a_page)
{
	CHECK(sizeof(struct shared_info) <= 4096);
	CHECK(sizeof(struct start_info) <= 4096);
	CHECK(sizeof(struct xencons_interface) <= 4096);
}

/* Each vcpu_info slot is naturally aligned inside shared_info. */
TEST(vcpu_info_slots_aligned)
{
	CHECK_EQ(offsetof(struct shared_info, vcpu_info[1]), 64);
	CHECK_EQ(offsetof(struct shared_info, vcpu_info[31]), 31 * 64);
}

TEST(start_info_magic)
{
	CHECK_STR(XEN_START_INFO_MAGIC, "xen-3.0-x86_64");
	CHECK(sizeof(XEN_START_INFO_MAGIC) <=
	      sizeof(((struct start_info *)0)->magic));
}
