// SPDX-License-Identifier: MIT
/* The runner of the hyplib suite; the tests live in the other files. */
#define TEST_MAIN
#include "test.h"
