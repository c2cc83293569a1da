/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl argument blocks, the signal set argument and the ring header of
 * uapi/linux/kaio.h, restated with builtin types so C++ can use them
 * without including kernel headers.
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

struct kaio_abi_submit_wait_args {
	__UINT64_TYPE__ ctx;
	__INT64_TYPE__ nr;
	__UINT64_TYPE__ iocbpp;
	__INT64_TYPE__ min_nr;
	__INT64_TYPE__ nr_events;
	__UINT64_TYPE__ events;
	__UINT64_TYPE__ timeout;
	__INT64_TYPE__ submitted;
};

/* <linux/aio_abi.h> struct iocb (little-endian field order). */
struct kaio_abi_iocb {
	__UINT64_TYPE__ aio_data;
	__UINT32_TYPE__ aio_key;
	__UINT32_TYPE__ aio_rw_flags;
	__UINT16_TYPE__ aio_lio_opcode;
	__INT16_TYPE__ aio_reqprio;
	__UINT32_TYPE__ aio_fildes;
	__UINT64_TYPE__ aio_buf;
	__UINT64_TYPE__ aio_nbytes;
	__INT64_TYPE__ aio_offset;
	__UINT64_TYPE__ aio_reserved2;
	__UINT32_TYPE__ aio_flags;
	__UINT32_TYPE__ aio_resfd;
};

/* <linux/aio_abi.h> struct io_event: one completion, one ring slot. */
struct kaio_abi_io_event {
	__UINT64_TYPE__ data;
	__UINT64_TYPE__ obj;
	__INT64_TYPE__ res;
	__INT64_TYPE__ res2;
};

/*
 * io_pgetevents' signal set argument, uapi struct kaio_sigset, as a 64-bit
 * caller lays it out, and as a 32-bit one does (struct kaio_sigset32).
 */
struct kaio_abi_sigset {
	__UINT64_TYPE__ sigmask;
	__UINT64_TYPE__ sigsetsize;
};

struct kaio_abi_sigset32 {
	__UINT32_TYPE__ sigmask;
	__UINT32_TYPE__ sigsetsize;
};

/*
 * The completion ring's header, uapi struct kaio_ring, at the start of the
 * mapping whose address is the context id: the layout fs/aio.c gives
 * userspace (libaio and fio read it), followed by the io_event slots.
 */
struct kaio_abi_ring {
	__UINT32_TYPE__ id;		/* index in the owning mm's context table */
	__UINT32_TYPE__ nr;		/* number of io_event slots */
	__UINT32_TYPE__ head;		/* consumer index, written by userspace too */
	__UINT32_TYPE__ tail;		/* producer index */
	__UINT32_TYPE__ magic;
	__UINT32_TYPE__ compat_features;
	__UINT32_TYPE__ incompat_features;
	__UINT32_TYPE__ header_length;	/* sizeof(struct kaio_abi_ring) */
};

/* uapi KAIO_RING_MAGIC, KAIO_RING_COMPAT_FEATURES, KAIO_RING_INCOMPAT_FEATURES */
#define KAIO_ABI_RING_MAGIC			0xa10a10a1
#define KAIO_ABI_RING_COMPAT_FEATURES		1
#define KAIO_ABI_RING_INCOMPAT_FEATURES		0

#endif /* KAIO_ABI_H */
