// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time proof that the C++ view of the ABI (kmod/include/kaio/abi.h)
 * matches uapi/linux/kaio.h field by field.  No code.
 */
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/compat.h>
#include <linux/kaio.h>
#include <linux/aio_abi.h>
#include <kaio/abi.h>

#define SAME_FIELD(a, b, f)                                                   \
	static_assert(offsetof(struct a, f) == offsetof(struct b, f) &&       \
		      sizeof_field(struct a, f) == sizeof_field(struct b, f), \
		      #a "." #f " differs between uapi and C++")
#define SAME_SIZE(a, b) \
	static_assert(sizeof(struct a) == sizeof(struct b), #a " size differs")

SAME_SIZE(kaio_version, kaio_abi_version);
SAME_FIELD(kaio_version, kaio_abi_version, abi_version);
SAME_FIELD(kaio_version, kaio_abi_version, reserved);
SAME_FIELD(kaio_version, kaio_abi_version, features);

SAME_SIZE(kaio_setup_args, kaio_abi_setup_args);
SAME_FIELD(kaio_setup_args, kaio_abi_setup_args, nr_events);
SAME_FIELD(kaio_setup_args, kaio_abi_setup_args, pad);
SAME_FIELD(kaio_setup_args, kaio_abi_setup_args, ctxp);

SAME_SIZE(kaio_destroy_args, kaio_abi_destroy_args);
SAME_FIELD(kaio_destroy_args, kaio_abi_destroy_args, ctx);

SAME_SIZE(kaio_submit_args, kaio_abi_submit_args);
SAME_FIELD(kaio_submit_args, kaio_abi_submit_args, ctx);
SAME_FIELD(kaio_submit_args, kaio_abi_submit_args, nr);
SAME_FIELD(kaio_submit_args, kaio_abi_submit_args, iocbpp);

SAME_SIZE(kaio_cancel_args, kaio_abi_cancel_args);
SAME_FIELD(kaio_cancel_args, kaio_abi_cancel_args, ctx);
SAME_FIELD(kaio_cancel_args, kaio_abi_cancel_args, iocb);
SAME_FIELD(kaio_cancel_args, kaio_abi_cancel_args, result);

SAME_SIZE(kaio_getevents_args, kaio_abi_getevents_args);
SAME_FIELD(kaio_getevents_args, kaio_abi_getevents_args, ctx);
SAME_FIELD(kaio_getevents_args, kaio_abi_getevents_args, min_nr);
SAME_FIELD(kaio_getevents_args, kaio_abi_getevents_args, nr);
SAME_FIELD(kaio_getevents_args, kaio_abi_getevents_args, events);
SAME_FIELD(kaio_getevents_args, kaio_abi_getevents_args, timeout);

SAME_SIZE(kaio_pgetevents_args, kaio_abi_pgetevents_args);
SAME_FIELD(kaio_pgetevents_args, kaio_abi_pgetevents_args, ctx);
SAME_FIELD(kaio_pgetevents_args, kaio_abi_pgetevents_args, min_nr);
SAME_FIELD(kaio_pgetevents_args, kaio_abi_pgetevents_args, nr);
SAME_FIELD(kaio_pgetevents_args, kaio_abi_pgetevents_args, events);
SAME_FIELD(kaio_pgetevents_args, kaio_abi_pgetevents_args, timeout);
SAME_FIELD(kaio_pgetevents_args, kaio_abi_pgetevents_args, usig);

SAME_SIZE(kaio_submit_wait_args, kaio_abi_submit_wait_args);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, ctx);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, nr);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, iocbpp);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, min_nr);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, nr_events);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, events);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, timeout);
SAME_FIELD(kaio_submit_wait_args, kaio_abi_submit_wait_args, submitted);

SAME_SIZE(io_event, kaio_abi_io_event);
SAME_FIELD(io_event, kaio_abi_io_event, data);
SAME_FIELD(io_event, kaio_abi_io_event, obj);
SAME_FIELD(io_event, kaio_abi_io_event, res);
SAME_FIELD(io_event, kaio_abi_io_event, res2);

SAME_SIZE(kaio_sigset, kaio_abi_sigset);
SAME_FIELD(kaio_sigset, kaio_abi_sigset, sigmask);
SAME_FIELD(kaio_sigset, kaio_abi_sigset, sigsetsize);

SAME_SIZE(kaio_sigset32, kaio_abi_sigset32);
SAME_FIELD(kaio_sigset32, kaio_abi_sigset32, sigmask);
SAME_FIELD(kaio_sigset32, kaio_abi_sigset32, sigsetsize);
#ifdef CONFIG_COMPAT
/* A 32-bit caller's struct kaio_sigset is fs/aio.c's compat one. */
static_assert(sizeof_field(struct kaio_sigset32, sigmask) == sizeof(compat_uptr_t));
static_assert(sizeof_field(struct kaio_sigset32, sigsetsize) == sizeof(compat_size_t));
#endif

SAME_SIZE(kaio_ring, kaio_abi_ring);
SAME_FIELD(kaio_ring, kaio_abi_ring, id);
SAME_FIELD(kaio_ring, kaio_abi_ring, nr);
SAME_FIELD(kaio_ring, kaio_abi_ring, head);
SAME_FIELD(kaio_ring, kaio_abi_ring, tail);
SAME_FIELD(kaio_ring, kaio_abi_ring, magic);
SAME_FIELD(kaio_ring, kaio_abi_ring, compat_features);
SAME_FIELD(kaio_ring, kaio_abi_ring, incompat_features);
SAME_FIELD(kaio_ring, kaio_abi_ring, header_length);
static_assert(KAIO_ABI_RING_MAGIC == KAIO_RING_MAGIC);
static_assert(KAIO_ABI_RING_COMPAT_FEATURES == KAIO_RING_COMPAT_FEATURES);
static_assert(KAIO_ABI_RING_INCOMPAT_FEATURES == KAIO_RING_INCOMPAT_FEATURES);
/* The ring header is one io_event long, so slot i sits at (i + 1) * 32. */
static_assert(sizeof(struct kaio_ring) == sizeof(struct io_event));

SAME_SIZE(iocb, kaio_abi_iocb);
SAME_FIELD(iocb, kaio_abi_iocb, aio_data);
SAME_FIELD(iocb, kaio_abi_iocb, aio_key);
SAME_FIELD(iocb, kaio_abi_iocb, aio_rw_flags);
SAME_FIELD(iocb, kaio_abi_iocb, aio_lio_opcode);
SAME_FIELD(iocb, kaio_abi_iocb, aio_reqprio);
SAME_FIELD(iocb, kaio_abi_iocb, aio_fildes);
SAME_FIELD(iocb, kaio_abi_iocb, aio_buf);
SAME_FIELD(iocb, kaio_abi_iocb, aio_nbytes);
SAME_FIELD(iocb, kaio_abi_iocb, aio_offset);
SAME_FIELD(iocb, kaio_abi_iocb, aio_reserved2);
SAME_FIELD(iocb, kaio_abi_iocb, aio_flags);
SAME_FIELD(iocb, kaio_abi_iocb, aio_resfd);
