// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/kaio/objects: how many contexts and per-mm states
 * exist, freed ones not counted.  Tests read it to see that teardown really
 * happened (and when); it is not an interface for programs.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <kaio/bridge.h>

static struct dentry *kaio_debugfs_dir;

static int kaio_objects_show(struct seq_file *m, void *unused)
{
	unsigned long contexts, mm_states;

	kaio_core_objects(&contexts, &mm_states);
	seq_printf(m, "contexts %lu\nmm_states %lu\n", contexts, mm_states);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kaio_objects);

/* Best effort: the module works without debugfs. */
void kaio_debugfs_init(void)
{
	kaio_debugfs_dir = debugfs_create_dir("kaio", NULL);
	debugfs_create_file("objects", 0444, kaio_debugfs_dir, NULL, &kaio_objects_fops);
}

void kaio_debugfs_exit(void)
{
	debugfs_remove(kaio_debugfs_dir);
}
