// SPDX-License-Identifier: GPL-2.0
/*
 * The selftests' shared helpers (declared, and documented, in
 * aio_test_util.h).  Linked into every selftest binary.
 */
#include "aio_test_util.h"

/* ------------------------------------------------------------------ */
/* The ring and its geometry                                          */

unsigned int ring_user_reap(aio_context_t ctx, struct io_event *out, unsigned int max)
{
	struct kaio_ring *ring = aio_ring_of(ctx);
	struct io_event *slot = aio_ring_events(ring);
	unsigned int nr = ring->nr, head = ring_load(&ring->head);
	unsigned int tail = ring_load(&ring->tail), got = 0;

	while (head != tail && got < max) {
		out[got++] = slot[head];
		head = (head + 1) % nr;
	}
	ring_store(&ring->head, head);
	return got;
}

int possible_cpus(void)
{
	char buf[256], *p;
	int fd, count = 0;
	ssize_t n;

	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "0-3,8-11\n" */
	for (p = buf; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return -1;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			if (end == p + 1)
				return -1;
			p = end;
		}
		count += (int)(hi - lo + 1);
		if (*p == ',')
			p++;
	}
	return count ? count : -1;
}

struct ring_geometry ring_geometry(unsigned int nr_events, unsigned int cpus,
				   unsigned long page)
{
	struct ring_geometry g;
	unsigned long n = nr_events > cpus * 4 ? nr_events : cpus * 4;

	n = n * 2 + 2;
	g.pages = (sizeof(struct kaio_ring) + n * sizeof(struct io_event) + page - 1) / page;
	g.nr = (unsigned int)((g.pages * page - sizeof(struct kaio_ring)) / sizeof(struct io_event));
	g.slots = g.nr - 1;
	g.batch = g.slots / (cpus * 4);
	if (g.batch < 1)
		g.batch = 1;
	g.pinned_capacity = g.slots / g.batch * g.batch;
	return g;
}

/* ------------------------------------------------------------------ */
/* /proc/self/maps                                                    */

int find_mapping(const void *addr, struct mapping_info *out)
{
	unsigned long a = (unsigned long)(uintptr_t)addr;
	char line[512];
	int ret = -1;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char perms[5];
		int off = 0;

		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &start, &end, perms, &off) < 3)
			continue;
		if (a < start || a >= end)
			continue;
		out->start = start;
		out->end = end;
		memcpy(out->perms, perms, sizeof(perms));
		out->path[0] = '\0';
		if (off > 0) {
			size_t len;

			snprintf(out->path, sizeof(out->path), "%s", line + off);
			len = strlen(out->path);
			if (len && out->path[len - 1] == '\n')
				out->path[len - 1] = '\0';
		}
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* ------------------------------------------------------------------ */
/* iocbs, submission and reaping                                      */

void iocb_prep(struct iocb *cb, unsigned int opcode, int fd, const void *buf,
	       unsigned long long nbytes, long long offset, unsigned long long data)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_data = data;
	cb->aio_lio_opcode = (__u16)opcode;
	cb->aio_fildes = (__u32)fd;
	cb->aio_buf = (__u64)(uintptr_t)buf;
	cb->aio_nbytes = nbytes;
	cb->aio_offset = offset;
}

long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long ms_since(long long start_ns)
{
	return (now_ns() - start_ns) / 1000000;
}

struct __kernel_timespec ts_ms(long ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000L,
	};
	return ts;
}

void msleep(long ms)
{
#if defined(__i386__)
	struct { long long tv_sec, tv_nsec; } ts = { ms / 1000, (ms % 1000) * 1000000LL };

	while (syscall(407, CLOCK_MONOTONIC, 0, &ts, &ts) < 0 && errno == EINTR)
		;
#else
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
#endif
}

long reap_events(const struct aio_backend *b, aio_context_t ctx,
		 struct io_event *ev, long want, long limit_ms)
{
	long long start = now_ns();
	long got = 0;

	while (got < want) {
		struct __kernel_timespec ts = ts_ms(100);
		long r = b->io_getevents(ctx, 1, want - got, ev + got, &ts);

		if (r < 0)
			return -1;
		got += r;
		if (got < want && ms_since(start) > limit_ms)
			break;
	}
	return got;
}

int tmp_file(size_t size, int flags)
{
	char path[] = "/tmp/kaio-aio-XXXXXX";
	int fd = mkostemp(path, O_CLOEXEC);

	if (fd < 0)
		return -1;
	unlink(path);
	if (size && ftruncate(fd, (off_t)size)) {
		close(fd);
		return -1;
	}
	if (flags) {
		/* Reopen with other flags through /proc, e.g. O_RDONLY. */
		char proc[64];
		int fd2;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		fd2 = open(proc, flags | O_CLOEXEC);
		close(fd);
		return fd2;
	}
	return fd;
}

int pin_to_one_cpu(cpu_set_t *saved)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(*saved), saved))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, saved))
			continue;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		return sched_setaffinity(0, sizeof(set), &set) ? -1 : cpu;
	}
	return -1;
}

bool threads_usable(char *why, size_t len)
{
#if defined(__i386__)
	int word = 0;

	if (syscall(SYS_futex, &word, 1 /* FUTEX_WAKE */ | 128 /* PRIVATE */, 1,
		    NULL, NULL, 0) < 0 && errno == ENOSYS) {
		snprintf(why, len, "32-bit pthreads need the time32 futex(2), which this "
			 "kernel lacks (CONFIG_COMPAT_32BIT_TIME=n)");
		return false;
	}
#endif
	(void)why;
	(void)len;
	return true;
}

/* ------------------------------------------------------------------ */
/* Contexts a test owns, destroyed by teardown; the fs.aio-nr baseline */

void tracker_init(struct aio_tracker *t, const struct aio_backend *b)
{
	memset(t, 0, sizeof(*t));
	t->b = b;
	t->have_nr = b->nr_in_use(&t->nr_before) == 0;
}

void track_ctx(struct aio_tracker *t, aio_context_t ctx)
{
	for (int i = 0; i < AIO_TRACK_MAX; i++) {
		if (!t->ctx[i]) {
			t->ctx[i] = ctx;
			return;
		}
	}
}

void untrack_ctx(struct aio_tracker *t, aio_context_t ctx)
{
	for (int i = 0; i < AIO_TRACK_MAX; i++)
		if (t->ctx[i] == ctx)
			t->ctx[i] = 0;
}

int tracker_destroy_all(struct aio_tracker *t)
{
	int failed = 0;

	for (int i = 0; i < AIO_TRACK_MAX; i++) {
		if (t->ctx[i] && t->b->io_destroy(t->ctx[i]))
			failed++;
		t->ctx[i] = 0;
	}
	return failed;
}

bool nr_at_baseline(struct aio_tracker *t, unsigned long *now)
{
	if (!t->have_nr)
		return true;
	return t->b->nr_in_use(now) == 0 && *now == t->nr_before;
}

int count_mappings(void)
{
	char buf[4096];
	int fd, lines = 0;
	ssize_t n;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return n < 0 ? -1 : lines;
}

/* ------------------------------------------------------------------ */
/* Commands and sysfs/configfs files                                  */

int run_quiet(const char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int write_str(const char *path, const char *val)
{
	ssize_t len = (ssize_t)strlen(val), n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = write(fd, val, (size_t)len);
	close(fd);
	return n == len ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* kaio's object counts (debugfs; tests only)                         */

long kaio_live_contexts(void)
{
	char buf[128];
	long n = -1;
	FILE *f = fopen(KAIO_OBJECTS, "re");

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "contexts %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* ------------------------------------------------------------------ */
/* null_blk devices made through configfs                             */

int nullb_create(struct nullb_dev *d, const struct nullb_params *p,
		 char *why, size_t whylen)
{
	static int seq;
	char attr[160], val[32];
	struct stat st;

	memset(d, 0, sizeof(*d));
	if (geteuid() != 0) {
		snprintf(why, whylen, "null_blk needs root");
		return -1;
	}
	if (stat(NULLB_CONFIGFS, &st)) {
		/* Default parameters: others expect /dev/nullb0 after a plain modprobe. */
		const char *modprobe[] = { "modprobe", "null_blk", NULL };

		if (stat("/sys/kernel/config", &st) == 0)
			mount("configfs", "/sys/kernel/config", "configfs", 0, NULL);
		run_quiet(modprobe);
		if (stat(NULLB_CONFIGFS, &st)) {
			snprintf(why, whylen, "no %s (null_blk with configfs not available)",
				 NULLB_CONFIGFS);
			return -1;
		}
	}
	snprintf(d->name, sizeof(d->name), "kaiot%d_%d", (int)getpid(), seq++);
	snprintf(d->dir, sizeof(d->dir), "%s/%s", NULLB_CONFIGFS, d->name);
	snprintf(d->path, sizeof(d->path), "/dev/%s", d->name);
	if (mkdir(d->dir, 0755)) {
		snprintf(why, whylen, "mkdir %s: %s", d->dir, strerror(errno));
		return -1;
	}
	d->created = true;

	struct { const char *name; unsigned long v; } attrs[] = {
		{ "size", p->size_mb ? p->size_mb : 16 },
		{ "blocksize", p->blocksize ? p->blocksize : 4096 },
		{ "memory_backed", p->memory_backed },
		{ "irqmode", p->completion_nsec ? 2 : 1 },
		{ "completion_nsec", p->completion_nsec ? p->completion_nsec : 10000 },
		{ "power", 1 },
	};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(attr, sizeof(attr), "%s/%s", d->dir, attrs[i].name);
		snprintf(val, sizeof(val), "%lu", attrs[i].v);
		if (write_str(attr, val)) {
			snprintf(why, whylen, "null_blk: cannot set %s=%s: %s",
				 attrs[i].name, val, strerror(errno));
			return -1;
		}
	}
	d->powered = true;
	for (int i = 0; i < 500; i++) {
		if (stat(d->path, &st) == 0 && S_ISBLK(st.st_mode))
			return 0;
		msleep(10);
	}
	snprintf(why, whylen, "null_blk: %s did not appear", d->path);
	return -1;
}

void nullb_remove(struct nullb_dev *d)
{
	char attr[160];

	if (d->powered) {
		snprintf(attr, sizeof(attr), "%s/power", d->dir);
		write_str(attr, "0");
		d->powered = false;
	}
	if (d->created) {
		rmdir(d->dir);
		d->created = false;
	}
}

/* ------------------------------------------------------------------ */
/* A scratch ext4 file system on a memory-backed null_blk device      */

int scratch_ext4_make(struct scratch_ext4 *s, char *why, size_t whylen)
{
	struct nullb_params p = { .size_mb = 64, .blocksize = 4096, .memory_backed = true };
	const char *mkfs[] = { "mkfs.ext4", "-q", "-F", "-b", "4096", "-E", "nodiscard",
			       NULL, NULL };
	struct stat st;
	int ret;

	memset(s, 0, sizeof(*s));
	if (stat("/usr/sbin/mkfs.ext4", &st) && stat("/sbin/mkfs.ext4", &st)) {
		snprintf(why, whylen, "mkfs.ext4 not installed (e2fsprogs)");
		return -1;
	}
	if (nullb_create(&s->dev, &p, why, whylen))
		return -1;
	mkfs[7] = s->dev.path;
	ret = run_quiet(mkfs);
	if (ret) {
		snprintf(why, whylen, "mkfs.ext4 %s failed (status %d)", s->dev.path, ret);
		return -1;
	}
	snprintf(s->mnt, sizeof(s->mnt), "/tmp/kaio-ext4-XXXXXX");
	if (!mkdtemp(s->mnt)) {
		snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
		s->mnt[0] = '\0';
		return -1;
	}
	ret = mount(s->dev.path, s->mnt, "ext4", 0, NULL);
	if (ret && errno == ENODEV) {
		/* ext4 is a module on Debian's kernel. */
		const char *modprobe[] = { "modprobe", "ext4", NULL };

		run_quiet(modprobe);
		ret = mount(s->dev.path, s->mnt, "ext4", 0, NULL);
	}
	if (ret) {
		snprintf(why, whylen, "mount -t ext4 %s: %s", s->dev.path, strerror(errno));
		return -1;
	}
	s->mounted = true;
	return 0;
}

void scratch_ext4_remove(struct scratch_ext4 *s)
{
	if (s->mounted) {
		umount2(s->mnt, 0);
		s->mounted = false;
	}
	if (s->mnt[0]) {
		rmdir(s->mnt);
		s->mnt[0] = '\0';
	}
	nullb_remove(&s->dev);
}

void *dio_buffer(size_t size, int fill)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, size))
		return NULL;
	memset(p, fill, size);
	return p;
}

void fill_pattern(unsigned char *buf, size_t len, unsigned int tag)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(tag * 131u + i * 7u + (i >> 8));
}

bool check_pattern(const unsigned char *buf, size_t len, unsigned int tag)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (unsigned char)(tag * 131u + i * 7u + (i >> 8)))
			return false;
	return true;
}

void *guard_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Whether nodes 0 and 1 both have memory. */
bool have_two_nodes(void)
{
	char buf[64];
	ssize_t n;
	int fd = open("/sys/devices/system/node/has_memory", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "0-1", "0-3", "0,1" ... */
	return strncmp(buf, "0-", 2) == 0 || strncmp(buf, "0,1", 3) == 0;
}
