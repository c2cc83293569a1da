/* SPDX-License-Identifier: GPL-2.0 */
/* A per-mm state's entry in the table that finds it by mm (mmhash.c). */
#ifndef KAIO_MMHASH_H
#define KAIO_MMHASH_H

#include <linux/rhashtable-types.h>

struct mm_struct;

struct kaio_mm_node {
	struct rhash_head link;
	struct mm_struct *mm;	/* the key */
};

#endif /* KAIO_MMHASH_H */
