/* SPDX-License-Identifier: MIT */
#define TEST_MAIN
#include "../test.h"
