// SPDX-License-Identifier: GPL-2.0
/*
 * libaio's entry points, served by route.c: what the preload shim puts in
 * front of libaio.so.1, and what libaio-kaio.a gives a program linked
 * without libaio.
 *
 * libaio's convention differs from the system calls': the result, or minus
 * the errno value, with errno left as it was.  Its shared library versions
 * two generations of some names; the shim defines every version libaio.so.1
 * does (LIBAIO_0.1, 0.4 and 0.5), so programs bind to the one they were
 * linked against.  The archive has the current ones only, as static
 * linking has no versions.
 *
 * libaio's <libaio.h> is not included: it may not be installed (for 32-bit,
 * say), and its types are the kernel's, under other names.  io_context_t
 * is a pointer whose value is the kernel's aio_context_t.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include <linux/kaio.h>

#include "route.h"

typedef struct kaio_libaio_ctx *io_context_t;
typedef void (*io_callback_t)(io_context_t ctx, struct iocb *iocb, long res, long res2);

#ifdef KAIO_PRELOAD
#define VERSIONED(impl, name, ver) __asm__(".symver " #impl "," #name "@" #ver)
#define DEFAULT_VERSION(impl, name, ver) __asm__(".symver " #impl "," #name "@@" #ver)
#define API KAIO_EXPORT
#else
#define VERSIONED(impl, name, ver)
#define DEFAULT_VERSION(impl, name, ver)
#define API KAIO_EXPORT
#endif

/*
 * Names: libaio_<name>_<version> implement the versioned symbols; the
 * archive exports the current generation under libaio's plain names.
 */
#ifndef KAIO_PRELOAD
#define libaio_io_setup_0_4 io_setup
#define libaio_io_destroy_0_4 io_destroy
#define libaio_io_submit_0_1 io_submit
#define libaio_io_cancel_0_4 io_cancel
#define libaio_io_getevents_0_4 io_getevents
#define libaio_io_pgetevents_0_5 io_pgetevents
#define libaio_io_queue_init_0_1 io_queue_init
#define libaio_io_queue_release_0_1 io_queue_release
#define libaio_io_queue_run_0_1 io_queue_run
#define libaio_io_queue_wait_0_4 io_queue_wait
#endif

static inline aio_context_t kctx(io_context_t ctx)
{
	return (aio_context_t)(uintptr_t)ctx;
}

/*
 * libaio's convention from the system calls': minus errno on failure, and
 * errno itself as it was before the call (libaio restores it).
 */
#define LIBAIO_RET(call)					\
	({							\
		int saved_errno_ = errno;			\
		long ret_ = (call);				\
		if (ret_ < 0) {					\
			ret_ = -errno;				\
			errno = saved_errno_;			\
		}						\
		(int)ret_;					\
	})

API int libaio_io_setup_0_4(int maxevents, io_context_t *ctxp);
API int libaio_io_destroy_0_4(io_context_t ctx);
API int libaio_io_submit_0_1(io_context_t ctx, long nr, struct iocb *ios[]);
API int libaio_io_cancel_0_4(io_context_t ctx, struct iocb *iocb, struct io_event *evt);
API int libaio_io_getevents_0_4(io_context_t ctx, long min_nr, long nr,
				struct io_event *events, struct timespec *timeout);
API int libaio_io_pgetevents_0_5(io_context_t ctx, long min_nr, long nr,
				 struct io_event *events, struct timespec *timeout,
				 sigset_t *sigmask);
API int libaio_io_queue_init_0_1(int maxevents, io_context_t *ctxp);
API int libaio_io_queue_release_0_1(io_context_t ctx);
API int libaio_io_queue_run_0_1(io_context_t ctx);
API int libaio_io_queue_wait_0_4(io_context_t ctx, struct timespec *timeout);

DEFAULT_VERSION(libaio_io_setup_0_4, io_setup, LIBAIO_0.4);
int libaio_io_setup_0_4(int maxevents, io_context_t *ctxp)
{
	return LIBAIO_RET(kaio_route_setup((unsigned int)maxevents, (aio_context_t *)ctxp));
}

DEFAULT_VERSION(libaio_io_destroy_0_4, io_destroy, LIBAIO_0.4);
int libaio_io_destroy_0_4(io_context_t ctx)
{
	return LIBAIO_RET(kaio_route_destroy(kctx(ctx)));
}

DEFAULT_VERSION(libaio_io_submit_0_1, io_submit, LIBAIO_0.1);
int libaio_io_submit_0_1(io_context_t ctx, long nr, struct iocb *ios[])
{
	return LIBAIO_RET(kaio_route_submit(kctx(ctx), nr, ios));
}

DEFAULT_VERSION(libaio_io_cancel_0_4, io_cancel, LIBAIO_0.4);
int libaio_io_cancel_0_4(io_context_t ctx, struct iocb *iocb, struct io_event *evt)
{
	return LIBAIO_RET(kaio_route_cancel(kctx(ctx), iocb, evt));
}

/*
 * libaio answers a zero-timeout poll of an empty ring (the context id is
 * the ring's address) without entering the kernel (io_getevents and
 * io_pgetevents alike); so does this.  Any other call goes to the system
 * call.
 */
static bool empty_ring_poll(io_context_t ctx, const struct timespec *timeout)
{
	const volatile struct kaio_ring *ring = (const volatile struct kaio_ring *)ctx;

	return ring && timeout && timeout->tv_sec == 0 && timeout->tv_nsec == 0 &&
	       ring->magic == KAIO_RING_MAGIC && ring->head == ring->tail;
}

DEFAULT_VERSION(libaio_io_getevents_0_4, io_getevents, LIBAIO_0.4);
int libaio_io_getevents_0_4(io_context_t ctx, long min_nr, long nr, struct io_event *events,
			    struct timespec *timeout)
{
	if (empty_ring_poll(ctx, timeout))
		return 0;
	return LIBAIO_RET(kaio_route_getevents(kctx(ctx), min_nr, nr, events, timeout));
}

/*
 * The signal set travels with the kernel's sigset size, which is 8 bytes
 * on x86 whatever the C library's sigset_t is.
 */
DEFAULT_VERSION(libaio_io_pgetevents_0_5, io_pgetevents, LIBAIO_0.5);
int libaio_io_pgetevents_0_5(io_context_t ctx, long min_nr, long nr, struct io_event *events,
			     struct timespec *timeout, sigset_t *sigmask)
{
	struct kaio_sigset u = { .sigmask = sigmask, .sigsetsize = 64 / 8 };

	if (empty_ring_poll(ctx, timeout))
		return 0;
	return LIBAIO_RET(kaio_route_pgetevents(kctx(ctx), min_nr, nr, events, timeout, &u));
}

DEFAULT_VERSION(libaio_io_queue_init_0_1, io_queue_init, LIBAIO_0.1);
int libaio_io_queue_init_0_1(int maxevents, io_context_t *ctxp)
{
	if (maxevents <= 0)
		return -EINVAL;
	*ctxp = NULL;
	return libaio_io_setup_0_4(maxevents, ctxp);
}

DEFAULT_VERSION(libaio_io_queue_release_0_1, io_queue_release, LIBAIO_0.1);
int libaio_io_queue_release_0_1(io_context_t ctx)
{
	return libaio_io_destroy_0_4(ctx);
}

/*
 * Reap whatever has completed, without waiting, one event at a time,
 * calling each request's callback (io_set_callback() stores it in the
 * iocb's data word, which the event hands back).  As libaio: 0 once
 * nothing is left, or minus errno.
 */
DEFAULT_VERSION(libaio_io_queue_run_0_1, io_queue_run, LIBAIO_0.1);
int libaio_io_queue_run_0_1(io_context_t ctx)
{
	struct timespec poll = { 0, 0 };
	struct io_event ev;
	int ret;

	while ((ret = libaio_io_getevents_0_4(ctx, 0, 1, &ev, &poll)) == 1) {
		io_callback_t cb = (io_callback_t)(uintptr_t)ev.data;

		cb(ctx, (struct iocb *)(uintptr_t)ev.obj, (long)ev.res, (long)ev.res2);
	}
	return ret;
}

DEFAULT_VERSION(libaio_io_queue_wait_0_4, io_queue_wait, LIBAIO_0.4);
int libaio_io_queue_wait_0_4(io_context_t ctx, struct timespec *timeout)
{
	return libaio_io_getevents_0_4(ctx, 0, 0, NULL, timeout);
}

#ifdef KAIO_PRELOAD
/*
 * The LIBAIO_0.1 generation of three names, for programs linked that long
 * ago.  Their const timeouts are only read (by the kernel, or by the
 * empty-ring check), never written.
 */
API int libaio_io_cancel_0_1(io_context_t ctx, struct iocb *iocb);
API int libaio_io_getevents_0_1(io_context_t ctx, long nr, struct io_event *events,
				const struct timespec *timeout);
API int libaio_io_queue_wait_0_1(io_context_t ctx, const struct timespec *timeout);

/* io_cancel() before the result argument: the event is dropped. */
VERSIONED(libaio_io_cancel_0_1, io_cancel, LIBAIO_0.1);
int libaio_io_cancel_0_1(io_context_t ctx, struct iocb *iocb)
{
	struct io_event ev;

	return libaio_io_cancel_0_4(ctx, iocb, &ev);
}

/* io_getevents() before min_nr: wait for at least one. */
VERSIONED(libaio_io_getevents_0_1, io_getevents, LIBAIO_0.1);
int libaio_io_getevents_0_1(io_context_t ctx, long nr, struct io_event *events,
			    const struct timespec *timeout)
{
	return libaio_io_getevents_0_4(ctx, 1, nr, events, (struct timespec *)timeout);
}

VERSIONED(libaio_io_queue_wait_0_1, io_queue_wait, LIBAIO_0.1);
int libaio_io_queue_wait_0_1(io_context_t ctx, const struct timespec *timeout)
{
	return libaio_io_getevents_0_4(ctx, 0, 0, NULL, (struct timespec *)timeout);
}
#endif
