/* SPDX-License-Identifier: GPL-2.0 */
/* The /dev/kaio registration, called from the module's init and exit. */
#ifndef KAIO_MISCDEV_H
#define KAIO_MISCDEV_H

int kaio_miscdev_register(void);
void kaio_miscdev_deregister(void);

#endif /* KAIO_MISCDEV_H */
