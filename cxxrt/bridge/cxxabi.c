// SPDX-License-Identifier: GPL-2.0
/*
 * The one piece of the C++ ABI kaio provides: a pure virtual function called
 * through a vtable during construction or destruction.  It lives in C so
 * objtool sees BUG() end the function.
 */
#include <linux/bug.h>
#include <linux/printk.h>

void __cxa_pure_virtual(void);
void __cxa_pure_virtual(void)
{
	pr_crit("pure virtual function called\n");
	BUG();
}
