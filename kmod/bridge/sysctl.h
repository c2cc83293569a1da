/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/sys/fs/kaio, registered for the module's lifetime. */
#ifndef KAIO_SYSCTL_H
#define KAIO_SYSCTL_H

int kaio_sysctl_init(void);
void kaio_sysctl_exit(void);

#endif /* KAIO_SYSCTL_H */
