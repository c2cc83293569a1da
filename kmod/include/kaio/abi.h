/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl argument blocks of uapi/linux/kaio.h, restated with builtin
 * types so C++ can use them without including kernel headers.
 * kmod/bridge/abi_check.c proves, field by field, that both agree.
 */
#ifndef KAIO_ABI_H
#define KAIO_ABI_H

struct kaio_abi_version {
	__UINT32_TYPE__ abi_version;
	__UINT32_TYPE__ reserved;
	__UINT64_TYPE__ features;
};

struct kaio_abi_setup_args {
	__UINT32_TYPE__ nr_events;
	__UINT32_TYPE__ pad;
	__UINT64_TYPE__ ctxp;
};

struct kaio_abi_destroy_args {
	__UINT64_TYPE__ ctx;
};

struct kaio_abi_submit_args {
	__UINT64_TYPE__ ctx;
	__INT64_TYPE__ nr;
	__UINT64_TYPE__ iocbpp;
};

struct kaio_abi_cancel_args {
	__UINT64_TYPE__ ctx;
	__UINT64_TYPE__ iocb;
	__UINT64_TYPE__ result;
};

struct kaio_abi_getevents_args {
	__UINT64_TYPE__ ctx;
	__INT64_TYPE__ min_nr;
	__INT64_TYPE__ nr;
	__UINT64_TYPE__ events;
	__UINT64_TYPE__ timeout;
};

struct kaio_abi_pgetevents_args {
	__UINT64_TYPE__ ctx;
	__INT64_TYPE__ min_nr;
	__INT64_TYPE__ nr;
	__UINT64_TYPE__ events;
	__UINT64_TYPE__ timeout;
	__UINT64_TYPE__ usig;
};

#endif /* KAIO_ABI_H */
