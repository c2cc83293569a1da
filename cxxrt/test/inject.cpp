// SPDX-License-Identifier: GPL-2.0
/* A WARN_ON reached from C++, for kaio_test.inject=warn (see suite.c). */
#include <kx/log.h>

extern "C" void kx_test_inject_warn(void)
{
	KX_WARN_ON(true);
}
