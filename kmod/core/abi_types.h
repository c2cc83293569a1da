// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI's numbers as types: ioctl requests, iocb opcodes and flags, and
 * the caller's ABI (pointer width, timespec layout).  The values come from
 * the generated <kaio/consts.h>; core logic uses only these names.
 */
#pragma once

#include <kaio/consts.h>
#include <kx/types.h>

namespace kaio {

/* The /dev/kaio requests (uapi/linux/kaio.h). */
enum class Ioctl : unsigned int {
	Version = KAIO_GEN_IOC_VERSION,
	Setup = KAIO_GEN_IOC_SETUP,
	Destroy = KAIO_GEN_IOC_DESTROY,
	Submit = KAIO_GEN_IOC_SUBMIT,
	Cancel = KAIO_GEN_IOC_CANCEL,
	Getevents = KAIO_GEN_IOC_GETEVENTS,
	Pgetevents = KAIO_GEN_IOC_PGETEVENTS,
	GeteventsTime32 = KAIO_GEN_IOC_GETEVENTS_TIME32,
	PgeteventsTime32 = KAIO_GEN_IOC_PGETEVENTS_TIME32,
	SubmitWait = KAIO_GEN_IOC_SUBMIT_WAIT,
};

/* struct iocb's aio_lio_opcode (<linux/aio_abi.h>). */
enum class Opcode : kx::u16 {
	Pread = KAIO_GEN_IOCB_CMD_PREAD,
	Pwrite = KAIO_GEN_IOCB_CMD_PWRITE,
	Fsync = KAIO_GEN_IOCB_CMD_FSYNC,
	Fdsync = KAIO_GEN_IOCB_CMD_FDSYNC,
	Preadv = KAIO_GEN_IOCB_CMD_PREADV,
	Pwritev = KAIO_GEN_IOCB_CMD_PWRITEV,
	Poll = KAIO_GEN_IOCB_CMD_POLL,
};

/* struct iocb's aio_flags. */
enum class IocbFlag : kx::u32 {
	Resfd = KAIO_GEN_IOCB_FLAG_RESFD,
	Ioprio = KAIO_GEN_IOCB_FLAG_IOPRIO,
};

[[nodiscard]] constexpr bool has_flag(kx::u32 flags, IocbFlag flag)
{
	return (flags & static_cast<kx::u32>(flag)) != 0;
}

/*
 * The caller's ABI: a 32-bit process passes 32-bit pointers inside the
 * argument blocks it points to (aio_context_t, the iocb array, the
 * signal-set argument); the _TIME32 requests pass the old 32-bit timespec.
 */
struct CallerAbi {
	enum class Pointers { k64, k32 } pointers;
	enum class Time { k64, k32 } time;

	[[nodiscard]] constexpr bool compat() const { return pointers == Pointers::k32; }
};

} // namespace kaio
