// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kaio in C++: the ioctl dispatcher.  Every entry point from C ends in
 * kx::to_long(), the single place a kx::Result becomes an errno.
 */
#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/result.h>
#include <kx/user.h>

namespace kaio {
namespace {

/* What this build serves; grows as the AIO operations land. */
constexpr kx::u64 kFeatures = 0;

kx::Result<long> ioctl_version(kx::UserPtr<kaio_abi_version> out)
{
	const kaio_abi_version v = {
		.abi_version = KAIO_GEN_ABI_VERSION,
		.reserved = 0,
		.features = kFeatures,
	};
	KX_TRY(out.write(v));
	return 0L;
}

kx::Result<long> dispatch(unsigned int cmd, kx::u64 arg, bool compat)
{
	switch (cmd) {
	case KAIO_GEN_IOC_VERSION:
		return ioctl_version(kx::UserPtr<kaio_abi_version>(arg));
	default:
		/* Including the AIO operations not served yet (see kFeatures). */
		return kx::err::ENOTTY;
	}
}

} // namespace
} // namespace kaio

extern "C" int kaio_core_init(void)
{
	return 0;
}

extern "C" void kaio_core_exit(void)
{
}

extern "C" int kaio_core_open(struct file *)
{
	return 0;
}

extern "C" int kaio_core_release(struct file *)
{
	return 0;
}

extern "C" long kaio_core_ioctl(struct file *, unsigned int cmd, unsigned long arg, int compat)
{
	return kx::to_long(kaio::dispatch(cmd, arg, compat != 0));
}
