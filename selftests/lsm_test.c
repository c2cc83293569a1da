// SPDX-License-Identifier: GPL-2.0
/*
 * io_setup under an LSM that refuses to map files: a documented difference
 * between kaio and the native system call.
 *
 * Linux's io_setup maps the completion ring with do_mmap(), which runs no
 * LSM hook.  do_mmap() is not exported to modules, so kaio maps the ring
 * with vm_mmap(), which first asks security_mmap_file().  Under an LSM that
 * denies the mapping, the native io_setup therefore succeeds while kaio's
 * fails.  kaio cannot avoid that; what it owes is a clean failure: the
 * LSM's own error (EACCES here, not ENOMEM), nothing left behind (no
 * mapping, kaio's aio-nr at its baseline, the ctx word untouched), and a
 * working io_setup again once the LSM lets the mapping through.
 *
 * So, unlike the other AIO tests, the two variants assert different
 * things, on purpose:
 *
 *   native  io_setup succeeds under the denial, the ring is mapped, and
 *           io_destroy works;
 *   kaio    io_setup fails with EACCES, leaving nothing behind, and
 *           succeeds once the denial is lifted.
 *
 * The denial is a BPF LSM program on the mmap_file hook, made here without
 * libbpf or a compiler: a few raw instructions loaded with bpf(2)
 * (BPF_PROG_TYPE_LSM, BPF_LSM_MAC, attach_btf_id = the id of the function
 * bpf_lsm_mmap_file, found by parsing /sys/kernel/btf/vmlinux), attached
 * with BPF_RAW_TRACEPOINT_OPEN.  It returns -EACCES for file mappings made
 * by this test's process (its tgid is part of the instructions) and 0 for
 * everything else, so anonymous mappings and every other process in the
 * machine are unaffected.  Closing the link and program descriptors
 * detaches it.
 *
 * Before any AIO call the test proves that the program works, and fails
 * (does not skip) if it does not: a MAP_SHARED mmap of a temp file
 * succeeds before attaching, fails with EACCES while attached, succeeds
 * meanwhile in a forked child (another process), and succeeds again after
 * detaching.
 *
 * SKIP when the BPF LSM cannot be used: no bpf(2) (CONFIG_BPF_SYSCALL=n,
 * the debug test kernel), "bpf" not among the active LSMs (lsm=), no
 * kernel BTF (CONFIG_DEBUG_INFO_BTF=n), no bpf_lsm_mmap_file
 * (CONFIG_BPF_LSM=n), or not privileged enough (EPERM).
 */
#include <linux/bpf.h>
#include <linux/btf.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

/* ------------------------------------------------------------------ */
/* The kernel's BTF                                                    */

/* The whole of @path in a malloc'ed buffer: 0, or -1 with errno. */
static int read_whole_file(const char *path, unsigned char **data, size_t *len)
{
	size_t cap = 1 << 20, used = 0;
	unsigned char *buf;
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t n;

		if (used == cap) {
			unsigned char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				goto fail;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = used;
	return 0;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return -1;
}

/*
 * The type id of the BTF_KIND_FUNC named @name in the raw BTF @data: > 0,
 * 0 if there is none, -1 if @data is not BTF this code can walk (the
 * reason in @why).
 */
static long btf_find_func(const unsigned char *data, size_t len, const char *name,
			  char *why, size_t whylen)
{
	const size_t name_len = strlen(name);
	const unsigned char *types;
	const char *strs;
	struct btf_header hdr;
	unsigned long long end;
	size_t off = 0;
	long id = 1;	/* id 0 is void; the section holds ids 1, 2, ... */

	if (len < sizeof(hdr)) {
		snprintf(why, whylen, "BTF: %zu bytes, no header", len);
		return -1;
	}
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC || hdr.version != BTF_VERSION) {
		snprintf(why, whylen, "BTF: magic 0x%x version %u, expected 0x%x version %u",
			 hdr.magic, hdr.version, BTF_MAGIC, BTF_VERSION);
		return -1;
	}
	end = (unsigned long long)hdr.hdr_len + hdr.type_off + hdr.type_len;
	if (hdr.hdr_len < sizeof(hdr) || end > len ||
	    (unsigned long long)hdr.hdr_len + hdr.str_off + hdr.str_len > len) {
		snprintf(why, whylen, "BTF: sections (hdr %u, types %u+%u, strings %u+%u) "
			 "beyond its %zu bytes", hdr.hdr_len, hdr.type_off, hdr.type_len,
			 hdr.str_off, hdr.str_len, len);
		return -1;
	}
	types = data + hdr.hdr_len + hdr.type_off;
	strs = (const char *)data + hdr.hdr_len + hdr.str_off;

	while (off < hdr.type_len) {
		struct btf_type t;
		unsigned int kind, vlen;
		size_t extra;

		if (hdr.type_len - off < sizeof(t)) {
			snprintf(why, whylen, "BTF: type %ld truncated", id);
			return -1;
		}
		memcpy(&t, types + off, sizeof(t));
		off += sizeof(t);
		kind = (t.info >> 24) & 0x1f;
		vlen = t.info & 0xffff;

		/* What follows struct btf_type, by kind. */
		switch (kind) {
		case BTF_KIND_PTR:
		case BTF_KIND_FWD:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_FUNC:
		case BTF_KIND_FLOAT:
		case BTF_KIND_TYPE_TAG:
			extra = 0;
			break;
		case BTF_KIND_INT:
			extra = sizeof(__u32);
			break;
		case BTF_KIND_ARRAY:
			extra = sizeof(struct btf_array);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			extra = vlen * sizeof(struct btf_member);
			break;
		case BTF_KIND_ENUM:
			extra = vlen * sizeof(struct btf_enum);
			break;
		case BTF_KIND_FUNC_PROTO:
			extra = vlen * sizeof(struct btf_param);
			break;
		case BTF_KIND_VAR:
			extra = sizeof(struct btf_var);
			break;
		case BTF_KIND_DATASEC:
			extra = vlen * sizeof(struct btf_var_secinfo);
			break;
		case BTF_KIND_DECL_TAG:
			extra = sizeof(struct btf_decl_tag);
			break;
		case BTF_KIND_ENUM64:
			extra = vlen * sizeof(struct btf_enum64);
			break;
		default:
			snprintf(why, whylen, "BTF: type %ld has unknown kind %u", id, kind);
			return -1;
		}
		if (hdr.type_len - off < extra) {
			snprintf(why, whylen, "BTF: type %ld truncated", id);
			return -1;
		}
		off += extra;

		if (kind == BTF_KIND_FUNC && t.name_off < hdr.str_len &&
		    strnlen(strs + t.name_off, hdr.str_len - t.name_off) == name_len &&
		    memcmp(strs + t.name_off, name, name_len) == 0)
			return id;
		id++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The BPF LSM program                                                 */

#define VMLINUX_BTF	"/sys/kernel/btf/vmlinux"
#define LSM_LIST	"/sys/kernel/security/lsm"
#define HOOK_FUNC	"bpf_lsm_mmap_file"

struct mmap_deny {
	int prog_fd;
	int link_fd;
};

/* One eBPF instruction. */
#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

/*
 * Whether "bpf" is among the active LSMs: 1 yes, 0 no, -1 unknown.  The
 * test VM does not mount securityfs; then it is mounted for the look and
 * unmounted again.
 */
static int bpf_lsm_active(void)
{
	char buf[512], *tok, *save = NULL;
	bool mounted = false;
	ssize_t n;
	int fd;

	fd = open(LSM_LIST, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT &&
	    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) == 0) {
		mounted = true;
		fd = open(LSM_LIST, O_RDONLY | O_CLOEXEC);
	}
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (mounted)
		umount2("/sys/kernel/security", 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (tok = strtok_r(buf, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save))
		if (!strcmp(tok, "bpf"))
			return 1;
	return 0;
}

static void mmap_deny_detach(struct mmap_deny *d)
{
	if (d->link_fd >= 0)
		close(d->link_fd);
	if (d->prog_fd >= 0)
		close(d->prog_fd);
	d->link_fd = d->prog_fd = -1;
}

/*
 * Load and attach the program that denies this process's file mappings.
 * 0: attached; 1: the BPF LSM cannot be used here (SKIP, reason in @why);
 * -1: it should be usable but something failed (reason in @why).
 */
static int mmap_deny_attach(struct mmap_deny *d, char *why, size_t whylen)
{
	static char vlog[1 << 16];
	const int pid = (int)getpid();
	/*
	 * int bpf_lsm_mmap_file(struct file *file, unsigned long reqprot,
	 *			 unsigned long prot, unsigned long flags)
	 * r1 points at the arguments, 8 bytes each.
	 */
	const struct bpf_insn insns[] = {
		/* 0: r6 = file */
		INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_1, 0, 0),
		/* 1: anonymous mapping: allow */
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_6, 0, 5, 0),
		/* 2: r0 = tgid << 32 | pid */
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid),
		/* 3: r0 = tgid */
		INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_0, 0, 0, 32),
		/* 4: another process: allow */
		INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, pid),
		/* 5, 6: this test's file mapping: deny */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, -EACCES),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* 7, 8: allow */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static const char license[] = "GPL";
	unsigned char *btf = NULL;
	size_t btf_len = 0;
	union bpf_attr attr;
	long btf_id;
	int err;

	d->prog_fd = d->link_fd = -1;

	/* bpf(2) with an invalid command: EINVAL (or EPERM) if it exists. */
	if (syscall(__NR_bpf, -1, NULL, 0) < 0 && errno == ENOSYS) {
		snprintf(why, whylen, "no bpf(2) system call (CONFIG_BPF_SYSCALL=n): "
			 "cannot load a BPF LSM program");
		return 1;
	}
	if (bpf_lsm_active() == 0) {
		snprintf(why, whylen, "the BPF LSM is not active (\"bpf\" not in %s; lsm=)",
			 LSM_LIST);
		return 1;
	}

	if (read_whole_file(VMLINUX_BTF, &btf, &btf_len)) {
		err = errno;
		snprintf(why, whylen, "cannot read %s: %s%s", VMLINUX_BTF, strerror(err),
			 err == ENOENT ? " (CONFIG_DEBUG_INFO_BTF=n)" : "");
		return err == ENOENT || err == EACCES || err == EPERM ? 1 : -1;
	}
	btf_id = btf_find_func(btf, btf_len, HOOK_FUNC, why, whylen);
	free(btf);
	if (btf_id < 0)
		return -1;
	if (btf_id == 0) {
		snprintf(why, whylen, "no function %s in %s: the kernel has no BPF LSM "
			 "(CONFIG_BPF_LSM=n)", HOOK_FUNC, VMLINUX_BTF);
		return 1;
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_LSM;
	attr.expected_attach_type = BPF_LSM_MAC;
	attr.attach_btf_id = (__u32)btf_id;
	attr.insns = (__u64)(uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (__u64)(uintptr_t)license;
	snprintf(attr.prog_name, sizeof(attr.prog_name), "kaio_deny_mmap");
	d->prog_fd = (int)sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (d->prog_fd < 0) {
		err = errno;
		if (err == EPERM || err == ENOSYS) {
			snprintf(why, whylen, "bpf(BPF_PROG_LOAD) of a BPF_PROG_TYPE_LSM program: "
				 "%s (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)",
				 strerror(err));
			return 1;
		}
		/* Again, with the verifier's log for the report. */
		vlog[0] = '\0';
		attr.log_level = 1;
		attr.log_size = sizeof(vlog);
		attr.log_buf = (__u64)(uintptr_t)vlog;
		d->prog_fd = (int)sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
		if (d->prog_fd >= 0)
			mmap_deny_detach(d);
		snprintf(why, whylen, "bpf(BPF_PROG_LOAD) on %s (BTF id %ld): %s (%s); "
			 "verifier log: %s", HOOK_FUNC, btf_id, strerrorname_np(err) ?: "?",
			 strerror(err), vlog[0] ? vlog : "(empty)");
		return -1;
	}

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = 0;	/* LSM: the attach point is the BTF id */
	attr.raw_tracepoint.prog_fd = (__u32)d->prog_fd;
	d->link_fd = (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
	if (d->link_fd < 0) {
		err = errno;
		mmap_deny_detach(d);
		snprintf(why, whylen, "bpf(BPF_RAW_TRACEPOINT_OPEN) of the LSM program: %s (%s)",
			 strerrorname_np(err) ?: "?", strerror(err));
		return err == EPERM ? 1 : -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Probes                                                              */

/* Map a page of @fd MAP_SHARED and unmap it: 0, or the errno of mmap. */
static int try_map_file(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, (size_t)page);
	return 0;
}

/* try_map_file() in a forked child: its result, or -1 if the child failed. */
static int try_map_file_in_child(int fd)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(try_map_file(fd));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ------------------------------------------------------------------ */

FIXTURE(lsm) {
	struct aio_tracker t;
	struct mmap_deny deny;
	int file;
};

AIO_BACKEND_VARIANTS(lsm);

FIXTURE_SETUP(lsm)
{
	struct mapping_info m;

	self->deny.prog_fd = self->deny.link_fd = -1;
	tracker_init(&self->t, variant->backend);
	self->file = tmp_file(4096, 0);
	ASSERT_LE(0, self->file);
	/*
	 * Let stdio and malloc set themselves up (the heap mapping) now, not
	 * between two counts of the mappings.
	 */
	find_mapping(&m, &m);
}

FIXTURE_TEARDOWN(lsm)
{
	mmap_deny_detach(&self->deny);
	TRACKER_TEARDOWN_CHECK(&self->t);
	if (self->file >= 0)
		close(self->file);
}

TEST_F(lsm, io_setup_mmap_denied)
{
	const struct aio_backend *b = variant->backend;
	const bool native = b == &aio_backend_native;
	aio_context_t ctx = 0;
	int before, after;
	unsigned long now = 0;
	char why[4096];
	int ret;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY);

	/* The program works: it denies this process's file mappings, and only those. */
	ASSERT_EQ(0, try_map_file(self->file)) {
		TH_LOG("mmap of a temp file fails before any denial");
	}
	ret = mmap_deny_attach(&self->deny, why, sizeof(why));
	if (ret > 0)
		SKIP(return, "%.1000s", why);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s", why);
	}
	ret = try_map_file(self->file);
	ASSERT_EQ(EACCES, ret) {
		TH_LOG("BPF LSM program attached to %s, yet mmap(MAP_SHARED) of a temp file "
		       "by this process got %s, not EACCES", HOOK_FUNC,
		       ret ? strerrorname_np(ret) ?: "?" : "success");
	}
	ret = try_map_file_in_child(self->file);
	ASSERT_EQ(0, ret) {
		TH_LOG("the denial reaches another process: its mmap got %d", ret);
	}

	before = count_mappings();
	ASSERT_LT(0, before);
	if (native) {
		/* do_mmap(): no LSM hook, the denial does not apply. */
		ASSERT_OK(b->io_setup(8, &ctx));
		track_ctx(&self->t, ctx);
		after = count_mappings();
		ASSERT_EQ(KAIO_RING_MAGIC, aio_ring_of(ctx)->magic);
		ASSERT_EQ(before + 1, after);
		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
		ASSERT_EQ(before, count_mappings());
	} else {
		/* vm_mmap(): security_mmap_file() refuses; the LSM's error, nothing left. */
		long r = b->io_setup(8, &ctx);
		int err = errno;

		after = count_mappings();
		if (r == 0)
			track_ctx(&self->t, ctx);
		EXPECT_EQ(-1, r) {
			TH_LOG("kaio io_setup succeeded although the LSM denies mapping the ring");
		}
		EXPECT_EQ(EACCES, err) {
			TH_LOG("kaio io_setup under the LSM denial: errno %s (%s), expected EACCES "
			       "(the LSM's error)", strerrorname_np(err) ?: "?", strerror(err));
		}
		EXPECT_EQ(0ull, (unsigned long long)ctx) {
			TH_LOG("the failed io_setup wrote ctx 0x%llx", (unsigned long long)ctx);
		}
		EXPECT_EQ(before, after) {
			TH_LOG("%d mappings before the failed io_setup, %d after", before, after);
		}
		EXPECT_TRUE(nr_at_baseline(&self->t, &now)) {
			TH_LOG("kaio aio-nr %lu after the failed io_setup, %lu before",
			       now, self->t.nr_before);
		}
	}

	/* Detached, everything maps again. */
	mmap_deny_detach(&self->deny);
	ASSERT_EQ(0, try_map_file(self->file)) {
		TH_LOG("mmap of a temp file still fails after the program was detached");
	}
	ctx = 0;
	ASSERT_OK(b->io_setup(8, &ctx));
	track_ctx(&self->t, ctx);
	ASSERT_EQ(KAIO_RING_MAGIC, aio_ring_of(ctx)->magic);
	ASSERT_OK(b->io_destroy(ctx));
	untrack_ctx(&self->t, ctx);
}

TEST_HARNESS_MAIN
