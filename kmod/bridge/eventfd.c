// SPDX-License-Identifier: GPL-2.0
/* The eventfd a request with IOCB_FLAG_RESFD signals on completion. */
#include <linux/eventfd.h>
#include <kaio/bridge.h>

/* eventfd_ctx_fdget(): the context, or ERR_PTR(-EBADF/-EINVAL). */
struct eventfd_ctx *kaio_eventfd_get(int fd)
{
	return eventfd_ctx_fdget(fd);
}

/* Any context, even a hard interrupt. */
void kaio_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx, 1);
}

/* False inside an eventfd's wake-up, where signalling one could recurse. */
int kaio_eventfd_signal_allowed(void)
{
	return eventfd_signal_allowed();
}

void kaio_eventfd_put(struct eventfd_ctx *ctx)
{
	eventfd_ctx_put(ctx);
}
