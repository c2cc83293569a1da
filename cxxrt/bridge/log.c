// SPDX-License-Identifier: GPL-2.0
/* kx log bridge: printk, WARN and BUG for the C++ side. */
#include <linux/printk.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <kx/bridge.h>

void kx_log(int level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case LOGLEVEL_ERR:
		pr_err(KBUILD_MODNAME ": %pV", &vaf);
		break;
	case LOGLEVEL_WARNING:
		pr_warn(KBUILD_MODNAME ": %pV", &vaf);
		break;
	case LOGLEVEL_INFO:
		pr_info(KBUILD_MODNAME ": %pV", &vaf);
		break;
	default:
		pr_debug(KBUILD_MODNAME ": %pV", &vaf);
		break;
	}
	va_end(args);
}

void kx_warn(const char *file, int line, const char *what)
{
	WARN(1, KBUILD_MODNAME ": %s:%d: %s\n", file, line, what);
}

void kx_bug(const char *file, int line, const char *what)
{
	pr_crit(KBUILD_MODNAME ": %s:%d: %s\n", file, line, what);
	BUG();
}
