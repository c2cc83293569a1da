/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between kaio's C bridge and its C++ core.  Builtin types only;
 * kernel objects are opaque pointers.
 *
 * C calls into C++ (the file_operations trampolines land here) through the
 * kaio_core_* functions; each returns a negative errno or a result, already
 * converted from the C++ side's kx::Result in exactly one place.
 */
#ifndef KAIO_BRIDGE_H
#define KAIO_BRIDGE_H

#ifdef __cplusplus
extern "C" {
#endif

struct file;

/* Module lifetime: init runs before /dev/kaio exists, exit after it is gone. */
int kaio_core_init(void);
void kaio_core_exit(void);

/* /dev/kaio file operations. @arg is a user address (compat already widened). */
int kaio_core_open(struct file *file);
int kaio_core_release(struct file *file);
long kaio_core_ioctl(struct file *file, unsigned int cmd, unsigned long arg, int compat);

#ifdef __cplusplus
}
#endif

#endif /* KAIO_BRIDGE_H */
