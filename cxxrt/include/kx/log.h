// SPDX-License-Identifier: GPL-2.0
/*
 * printk and WARN for C++.  KX_WARN_ON() is the kernel's WARN_ON(): it
 * reports with a backtrace and evaluates to the condition.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/consts.h>

#define kx_pr_err(fmt, ...)	kx_log(KX_LOGLEVEL_ERR, fmt, ##__VA_ARGS__)
#define kx_pr_warn(fmt, ...)	kx_log(KX_LOGLEVEL_WARNING, fmt, ##__VA_ARGS__)
#define kx_pr_info(fmt, ...)	kx_log(KX_LOGLEVEL_INFO, fmt, ##__VA_ARGS__)
#define kx_pr_debug(fmt, ...)	kx_log(KX_LOGLEVEL_DEBUG, fmt, ##__VA_ARGS__)

#define KX_WARN_ON(cond)                                              \
	({                                                            \
		const bool kx_warn_c_ = static_cast<bool>(cond);      \
		if (__builtin_expect(kx_warn_c_, 0))                  \
			kx_warn(__FILE__, __LINE__, "WARN_ON(" #cond ")"); \
		kx_warn_c_;                                           \
	})

#define KX_BUG_ON(cond)                                               \
	do {                                                          \
		if (__builtin_expect(static_cast<bool>(cond), 0))     \
			kx_bug(__FILE__, __LINE__, "BUG_ON(" #cond ")"); \
	} while (0)
