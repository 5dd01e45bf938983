// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn module parameters and lifetime. The module is loaded and
 * unloaded with finit_module() and delete_module() directly, so that each
 * refusal is seen with its exact errno, and the kernel log is read from
 * /dev/kmsg to see the line that explains it.
 *
 * Run as root while remap_pfn is not loaded. The module file is taken
 * from $REMAP_PFN_KO, else /lib/modules/$(uname -r)/extra/remap_pfn.ko.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"
#include "test_modules/remap_pfn_importer.h"

/*
 * Free page counts drift by about ten pages over a run whatever the
 * driver does; 40 cycles with half a page of slack each still catch a
 * leak of one page per cycle.
 */
#define CYCLES		40
#define LOG_MAX		32768

static char ko_path[PATH_MAX];

static int find_module(void)
{
	const char *env = getenv("REMAP_PFN_KO");
	struct utsname u;

	if (env && *env) {
		snprintf(ko_path, sizeof(ko_path), "%s", env);
	} else {
		if (uname(&u))
			return -1;
		snprintf(ko_path, sizeof(ko_path),
			 "/lib/modules/%s/extra/remap_pfn.ko", u.release);
	}
	return access(ko_path, R_OK);
}

/* These tests load the module themselves: skip without root or module */
static void __attribute__((constructor)) rp_require_module(void)
{
	if (geteuid()) {
		ksft_print_header();
		ksft_exit_skip("must be run as root\n");
	}
	if (find_module()) {
		ksft_print_header();
		ksft_exit_skip("no remap_pfn module file (%s)\n", ko_path);
	}
}

static int load(int ko, const char *params)
{
	return syscall(SYS_finit_module, ko, params, 0) ? errno : 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "remap_pfn", O_NONBLOCK) ? errno : 0;
}

static bool loaded(void)
{
	return !access("/sys/module/remap_pfn", F_OK);
}

/* What the helpers below need of the fixture */
struct rp_mod {
	int ko;			/* the module file, for finit_module() */
	int kmsg;		/* /dev/kmsg, positioned after the last read */
	size_t page;
	char log[LOG_MAX];	/* the lines of the last read_log() */
};

FIXTURE(module)
{
	struct rp_mod m;
};

FIXTURE_SETUP(module)
{
	self->m.page = rp_page_size();
	self->m.ko = open(ko_path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->m.ko) TH_LOG("%s: %s", ko_path, strerror(errno));
	self->m.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->m.kmsg) TH_LOG("/dev/kmsg: %s", strerror(errno));
	ASSERT_LE(0, lseek(self->m.kmsg, 0, SEEK_END));
	ASSERT_TRUE(!loaded() || !unload()) TH_LOG("remap_pfn is loaded and busy");
}

FIXTURE_TEARDOWN(module)
{
	if (loaded())
		unload();
	close(self->m.ko);
	close(self->m.kmsg);
}

/*
 * Collect the kernel log lines printed since the last call, one per
 * record, into @log.
 */
static void read_log(int kmsg, char *log, size_t size)
{
	char rec[8192];
	size_t len = 0;

	log[0] = '\0';
	for (;;) {
		ssize_t n = read(kmsg, rec, sizeof(rec) - 1);
		char *msg, *eol;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		eol = strchr(msg, '\n');
		if (eol)
			*eol = '\0';
		len += snprintf(log + len, size - len, "%s\n", msg);
		if (len >= size)
			len = size - 1;
	}
}

/*
 * A line of the module's own, not the taint notice of its first load,
 * that contains every word of @words. Return: true if there is one.
 */
static bool log_has_line(const char *log, const char *const words[])
{
	const char *p = log;

	while (*p) {
		const char *eol = strchr(p, '\n');
		char line[1024];
		int i;

		snprintf(line, sizeof(line), "%.*s", (int)(eol - p), p);
		p = eol + 1;
		if (!strstr(line, "remap_pfn") || strstr(line, "taint"))
			continue;
		for (i = 0; words[i]; i++)
			if (!strstr(line, words[i]))
				break;
		if (!words[i])
			return true;
	}
	return false;
}

/* Anything that looks like a warning splat or the OOM killer */
static const char *log_splat(const char *log)
{
	static const char *const bad[] = {
		"Call Trace", "WARNING", "BUG", "page allocation failure",
		"vmalloc error", "Out of memory", "oom-kill", "oom_reaper",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (strstr(log, bad[i]))
			return bad[i];
	return NULL;
}

/* No trace of the module left: no node, no procfs file, no sysfs dir */
static void expect_gone(struct __test_metadata *_metadata)
{
	EXPECT_NE(0, access(RP_DEV, F_OK));
	EXPECT_NE(0, access(RP_PROC, F_OK));
	EXPECT_FALSE(loaded());
}

/*
 * Loading with @params fails with @err and logs one line naming all of
 * @words, with no splat, and leaves nothing behind.
 */
static void expect_refused(struct __test_metadata *_metadata,
			   struct rp_mod *m, const char *params,
			   int err, const char *const words[])
{
	const char *splat;
	int ret;

	read_log(m->kmsg, m->log, sizeof(m->log));
	ret = load(m->ko, params);
	if (!ret)
		unload();
	EXPECT_EQ(err, ret) TH_LOG("'%s': %s", params, strerror(ret));
	read_log(m->kmsg, m->log, sizeof(m->log));
	EXPECT_TRUE(log_has_line(m->log, words))
		TH_LOG("'%s': no remap_pfn line naming %s%s%s in:\n%s", params,
		       words[0] ?: "", words[0] && words[1] ? ", " : "",
		       words[0] && words[1] ? words[1] : "", m->log);
	splat = log_splat(m->log);
	EXPECT_EQ(NULL, splat) TH_LOG("'%s' logged '%s':\n%s", params, splat,
				      m->log);
	expect_gone(_metadata);
}

/* Read a parameter from sysfs, without the newline */
static void param(struct __test_metadata *_metadata, const char *name,
		  char *buf, size_t size)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), RP_PARAMS "%s", name);
	n = rp_read_file(path, buf, size);
	ASSERT_LT(0, n) TH_LOG("%s: %s", path, strerror(-n));
	ASSERT_EQ('\n', buf[n - 1]);
	buf[n - 1] = '\0';
}

/*
 * Load, check the parameters in sysfs and the ioctl, and that the whole
 * buffer reads zero through a mapping; then unload.
 */
static void load_and_check(struct __test_metadata *_metadata,
			   struct rp_mod *m, const char *params,
			   const char *alloc, u64 size)
{
	static const char *const names[] = {
		[REMAP_PFN_ALLOC_KMALLOC] = "kmalloc",
		[REMAP_PFN_ALLOC_VMALLOC] = "vmalloc",
		[REMAP_PFN_ALLOC_PAGES] = "alloc_pages",
	};
	struct remap_pfn_info info;
	char buf[64], want[64];
	int fd, ret;
	void *p;

	ret = load(m->ko, params);
	ASSERT_EQ(0, ret) TH_LOG("'%s': %s", params, strerror(ret));
	param(_metadata, "allocator", buf, sizeof(buf));
	EXPECT_STREQ(alloc, buf);
	param(_metadata, "size", buf, sizeof(buf));
	snprintf(want, sizeof(want), "%llu", (unsigned long long)size);
	EXPECT_STREQ(want, buf) TH_LOG("'%s'", params);

	fd = rp_open();
	ASSERT_LE(0, fd) TH_LOG("'%s': %s", params, strerror(errno));
	ASSERT_EQ(0, rp_get_info(fd, &info));
	ASSERT_GT(ARRAY_SIZE(names), info.allocator);
	EXPECT_STREQ(alloc, names[info.allocator]);
	EXPECT_EQ(size, info.size);
	p = rp_map(fd, 0, info.size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, rp_check(p, 0, 0, info.size)) TH_LOG("'%s'", params);
	munmap(p, info.size);
	close(fd);
	ASSERT_EQ(0, unload());
	expect_gone(_metadata);
}

/* No parameters: vmalloc, 128K, a 0600 node, read-only parameters */
TEST_F(module, defaults)
{
	struct stat st;
	int ret;

	load_and_check(_metadata, &self->m, "", "vmalloc", 128 << 10);
	ret = load(self->m.ko, "");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, stat(RP_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, stat(RP_PARAMS "allocator", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_EQ(0, stat(RP_PARAMS "size", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(-1, open(RP_PARAMS "size", O_WRONLY));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, unload());
	expect_gone(_metadata);
}

/* Each allocator loads by name, shows its name, and starts zeroed */
TEST_F(module, allocators_by_name)
{
	load_and_check(_metadata, &self->m, "allocator=kmalloc size=64K",
		       "kmalloc", 64 << 10);
	load_and_check(_metadata, &self->m, "allocator=vmalloc size=64K",
		       "vmalloc", 64 << 10);
	load_and_check(_metadata, &self->m, "allocator=alloc_pages size=64K",
		       "alloc_pages", 64 << 10);
}

/*
 * Load with @params, check that the buffer and the rest of the info page
 * read zero, then fill the buffer before unloading, so that the next load
 * is likely to be handed these very pages again.
 */
static void fresh_then_dirty(struct __test_metadata *_metadata,
			     struct rp_mod *m, const char *params)
{
	struct remap_pfn_info info;
	int fd, ret;
	u8 *p, *ip;
	size_t i;
	s64 bad;

	ret = load(m->ko, params);
	ASSERT_EQ(0, ret) TH_LOG("'%s': %s", params, strerror(ret));
	fd = rp_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rp_get_info(fd, &info));
	p = rp_map(fd, 0, info.size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ip = rp_map(fd, REMAP_PFN_OFF_INFO, m->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, ip);
	bad = rp_check(p, 0, 0, info.size);
	EXPECT_EQ(-1, bad) TH_LOG("'%s': stale byte at offset %lld", params,
				  (long long)bad);
	i = sizeof(info);
	while (i < m->page && !ip[i])
		i++;
	EXPECT_EQ(m->page, i) TH_LOG("'%s': stale info page byte at %zu",
				     params, i);
	rp_fill(p, 81, 0, info.size);
	munmap(p, info.size);
	munmap(ip, m->page);
	close(fd);
	ASSERT_EQ(0, unload());
}

/*
 * Does the kernel zero every allocation itself (init_on_alloc, on by
 * default in Debian)? Then a driver that forgets to zero cannot be seen.
 */
static bool heap_init_on_alloc(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	bool on = false;
	char rec[8192];
	ssize_t n;

	if (fd < 0)
		return false;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, "mem auto-init:")) {
			on = strstr(rec, "heap alloc:on");
			break;
		}
	}
	close(fd);
	return on;
}

/*
 * The buffer and the info page start zeroed even when their memory is what
 * the previous load left dirty: a fresh VM would hide a missing zeroing.
 */
TEST_F(module, reload_gets_zeroed_memory)
{
	static const char *const allocs[] = {
		"kmalloc", "vmalloc", "alloc_pages",
	};
	/* same size again, a non-page multiple, then less than before */
	static const char *const sizes[] = {
		"32K", "32K", "32K", "20000", "4K",
	};
	char params[64];
	unsigned int a, i;
	cpu_set_t cpus;

	/* freed pages wait on this CPU's lists for its next allocation */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	if (heap_init_on_alloc())
		TH_LOG("init_on_alloc is on: boot with init_on_alloc=0 to see more");
	for (a = 0; a < ARRAY_SIZE(allocs); a++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			snprintf(params, sizeof(params), "allocator=%s size=%s",
				 allocs[a], sizes[i]);
			fresh_then_dirty(_metadata, &self->m, params);
		}
	}
}

/*
 * size= takes K/M/G suffixes and rounds up to whole pages; the rounded
 * tail is zero like the rest.
 */
TEST_F(module, size_suffixes_round_up)
{
	const u64 pg = self->m.page;

	load_and_check(_metadata, &self->m, "size=1", "vmalloc", pg);
	load_and_check(_metadata, &self->m, "size=4097 allocator=kmalloc",
		       "kmalloc", (4097 + pg - 1) / pg * pg);
	load_and_check(_metadata, &self->m, "allocator=alloc_pages size=20000",
		       "alloc_pages", (20000 + pg - 1) / pg * pg);
	load_and_check(_metadata, &self->m, "size=3K", "vmalloc",
		       (3072 + pg - 1) / pg * pg);
	load_and_check(_metadata, &self->m, "size=2M allocator=alloc_pages",
		       "alloc_pages", 2 << 20);
	load_and_check(_metadata, &self->m, "allocator=kmalloc size=4M",
		       "kmalloc", 4 << 20);
	load_and_check(_metadata, &self->m, "size=0x3001", "vmalloc",
		       (0x3001 + pg - 1) / pg * pg);
}

/* An unknown allocator is EINVAL, with a line listing the valid names */
TEST_F(module, unknown_allocator_einval)
{
	const char *const names[] = {
		"kmalloc", "vmalloc", "alloc_pages", NULL
	};

	expect_refused(_metadata, &self->m, "allocator=bogus", EINVAL, names);
	expect_refused(_metadata, &self->m, "allocator=kmallocx", EINVAL, names);
	expect_refused(_metadata, &self->m, "allocator=", EINVAL, names);
	expect_refused(_metadata, &self->m, "allocator=alloc size=8K", EINVAL,
		       names);
}

/* An unknown map= mode is EINVAL, with a line listing the valid names */
TEST_F(module, unknown_map_einval)
{
	const char *const names[] = { "pfn", "pages", NULL };

	expect_refused(_metadata, &self->m, "map=bogus", EINVAL, names);
	expect_refused(_metadata, &self->m, "map=page", EINVAL, names);
}

/*
 * map=pages cannot map kmalloc() memory, which belongs to the slab
 * allocator, at any size: EINVAL, with a line naming the ways out. The
 * same sizes load from vmalloc.
 */
TEST_F(module, map_pages_refuses_kmalloc)
{
	const char *const hint[] = { "allocator=vmalloc", "map=pfn", NULL };

	expect_refused(_metadata, &self->m, "allocator=kmalloc size=8K map=pages",
		       EINVAL, hint);
	expect_refused(_metadata, &self->m, "allocator=kmalloc size=4M map=pages",
		       EINVAL, hint);
	load_and_check(_metadata, &self->m,
		       "allocator=vmalloc size=12K map=pages", "vmalloc",
		       3 * self->m.page);
}

/* size=0 is EINVAL, with a log line */
TEST_F(module, size_zero_einval)
{
	const char *const none[] = { NULL };

	expect_refused(_metadata, &self->m, "size=0", EINVAL, none);
	expect_refused(_metadata, &self->m, "allocator=alloc_pages size=0K",
		       EINVAL, none);
}

/*
 * kmalloc beyond KMALLOC_MAX_SIZE (4M here) is EINVAL, with a line naming
 * the other allocators, whichever order the parameters come in.
 */
TEST_F(module, kmalloc_beyond_limit_einval)
{
	const char *const others[] = { "vmalloc", "alloc_pages", NULL };
	static const char *const limits[][2] = {
		{ "4194304" }, { "4M" }, { "4 M" }, { "4096K" }, { "4096 K" },
	};
	unsigned int i;

	expect_refused(_metadata, &self->m, "allocator=kmalloc size=8M", EINVAL,
		       others);
	expect_refused(_metadata, &self->m, "size=8M allocator=kmalloc", EINVAL,
		       others);
	expect_refused(_metadata, &self->m, "allocator=kmalloc size=4097K",
		       EINVAL, others);
	expect_refused(_metadata, &self->m, "allocator=kmalloc size=64G", EINVAL,
		       others);
	/* the last line also says where the limit is */
	for (i = 0; i < ARRAY_SIZE(limits); i++)
		if (log_has_line(self->m.log, limits[i]))
			break;
	EXPECT_GT(ARRAY_SIZE(limits), i) TH_LOG("no limit named in:\n%s",
						self->m.log);
}

/*
 * More than the machine has is ENOMEM, with a log line but no allocation
 * warning and no OOM kill.
 */
TEST_F_TIMEOUT(module, larger_than_memory_enomem, 120)
{
	const char *const none[] = { NULL };

	expect_refused(_metadata, &self->m, "size=64G", ENOMEM, none);
	expect_refused(_metadata, &self->m, "allocator=vmalloc size=64G", ENOMEM,
		       none);
	expect_refused(_metadata, &self->m, "allocator=alloc_pages size=64G",
		       ENOMEM, none);
}

/*
 * An open fd or any mapping, even after close() or in another process,
 * pins the module; once the last one is gone it unloads.
 */
TEST_F(module, rmmod_refused_while_in_use)
{
	struct rp_child c;
	void *p, *i;
	pid_t pid;
	int fd;

	ASSERT_EQ(0, load(self->m.ko, ""));
	fd = rp_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());
	p = rp_map(fd, 0, self->m.page, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	i = rp_map(fd, REMAP_PFN_OFF_INFO, self->m.page, PROT_READ);
	ASSERT_NE(MAP_FAILED, i);
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());
	ASSERT_EQ(0, munmap(p, self->m.page));
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());

	/* a forked copy of the info mapping is enough */
	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		if (rp_sync_send(c.to))
			_exit(3);
		for (;;)
			pause();
	}
	ASSERT_EQ(0, rp_sync_wait(c.from));
	ASSERT_EQ(0, munmap(i, self->m.page));
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, rp_child_reap(&c));

	EXPECT_EQ(0, unload());
	expect_gone(_metadata);
}

/*
 * An exported dma-buf pins the module without the device file: its fd,
 * then a mapping of it alone; once both are gone it unloads.
 */
TEST_F(module, rmmod_refused_while_dmabuf_lives)
{
	struct remap_pfn_export arg = { 0 };
	int fd;
	void *p;

	ASSERT_EQ(0, load(self->m.ko, ""));
	fd = rp_open();
	ASSERT_LE(0, fd);
	arg.length = self->m.page;
	arg.flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(fd, REMAP_PFN_IOC_EXPORT, &arg));
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());

	p = mmap(NULL, self->m.page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 arg.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, close(arg.fd));
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());
	((char *)p)[0] = 1;
	ASSERT_EQ(0, munmap(p, self->m.page));

	EXPECT_EQ(0, unload());
	expect_gone(_metadata);
}

/*
 * A dma-buf that a driver (the in-kernel importer of test_modules/) holds
 * attached and mapped pins the module with no fd and no mapping left in
 * user space; once the driver lets go it unloads.
 */
TEST_F(module, rmmod_refused_while_importer_holds)
{
	struct remap_pfn_export arg = { 0 };
	char ko[256];
	int fd, imp, ret;

	if (rp_importer_path(ko, sizeof(ko)))
		SKIP(return, "no test module %s: scripts/build.sh builds it per kernel",
		     ko);
	ret = rp_importer_load(ko);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", ko, strerror(ret));
	imp = open(REMAP_PFN_IMPORTER_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, imp);

	ASSERT_EQ(0, load(self->m.ko, ""));
	fd = rp_open();
	ASSERT_LE(0, fd);
	arg.length = self->m.page;
	arg.flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(fd, REMAP_PFN_IOC_EXPORT, &arg));
	ASSERT_EQ(0, ioctl(imp, REMAP_PFN_IMPORTER_IOC_HOLD, arg.fd));
	ASSERT_EQ(0, close(arg.fd));
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(EWOULDBLOCK, unload());
	ASSERT_TRUE(loaded());

	ASSERT_EQ(0, ioctl(imp, REMAP_PFN_IMPORTER_IOC_RELEASE));
	EXPECT_EQ(0, unload());
	expect_gone(_metadata);
	ASSERT_EQ(0, close(imp));
	EXPECT_EQ(0, rp_importer_unload());
}

/*
 * Free pages, as exactly as user space can count them: per-CPU counter
 * deltas folded in, and the pages parked on per-CPU free lists included.
 */
static long free_pages(void)
{
	static char zi[1 << 18];
	const char *p;
	long total = 0;
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			total = -1;
		close(fd);
	}
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd >= 0) {
		/* the write folds every CPU's counter deltas */
		if (write(fd, "1", 1) != 1)
			total = -1;
		close(fd);
	}
	if (total < 0 || rp_read_file("/proc/zoneinfo", zi, sizeof(zi)) <= 0)
		return -1;
	for (p = zi; (p = strchr(p, '\n')); p++) {
		const char *q = p + 1;

		while (*q == ' ')
			q++;
		if (!strncmp(q, "pages free", 10))
			total += strtol(q + 10, NULL, 10);
		else if (!strncmp(q, "count:", 6))
			total += strtol(q + 6, NULL, 10);
	}
	return total;
}

/* One load, use and unload, as a user of the device would do it */
static int cycle(int ko, const char *params, size_t page)
{
	struct remap_pfn_export arg = { 0 };
	struct remap_pfn_info info;
	u8 *p;
	int fd, ret;

	ret = load(ko, params);
	if (ret)
		return ret;
	fd = rp_open();
	if (fd < 0 || rp_get_info(fd, &info))
		return errno;
	p = rp_map(fd, 0, info.size, PROT_READ | PROT_WRITE);
	if (p == MAP_FAILED)
		return errno;
	p[0] = 1;
	p[info.size - 1] = 1;
	munmap(p, info.size);
	p = rp_map(fd, REMAP_PFN_OFF_INFO, page, PROT_READ);
	if (p == MAP_FAILED)
		return errno;
	munmap(p, page);
	arg.length = info.size;
	arg.flags = O_RDWR;
	if (ioctl(fd, REMAP_PFN_IOC_EXPORT, &arg))
		return errno;
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, arg.fd,
		 0);
	if (p == MAP_FAILED)
		return errno;
	p[info.size - 1] = 2;
	munmap(p, info.size);
	close(arg.fd);
	close(fd);
	return unload();
}

/*
 * Loading, using and unloading 40 times in a row gives every page back.
 * Free pages are counted exactly enough (a few pages of noise in all) that
 * even one page lost per cycle shows, so allow half a page per cycle.
 */
TEST_F_TIMEOUT(module, load_unload_cycles_keep_memory, 300)
{
	static const char *const configs[] = {
		"allocator=kmalloc size=1M",
		"allocator=vmalloc size=1M",
		"allocator=alloc_pages size=1M",
	};
	const long slack = CYCLES / 2;
	unsigned int k;
	int n, ret;

	/*
	 * A kernel with kmemleak finds leaks itself (make check-debug scans
	 * after the suite), and there the free page count drifts by several
	 * pages per load with the debug allocators' own bookkeeping (KASAN's
	 * stack depot and vmalloc shadow).
	 */
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		SKIP(return, "kmemleak is on: it checks for leaks instead");

	for (k = 0; k < ARRAY_SIZE(configs); k++) {
		long before, after = 0, lost = 0;

		/* warm up slab caches and the like */
		for (n = 0; n < 3; n++) {
			ret = cycle(self->m.ko, configs[k], self->m.page);
			ASSERT_EQ(0, ret) TH_LOG("'%s': %s", configs[k],
						 strerror(ret));
		}
		before = free_pages();
		ASSERT_LT(0, before);
		for (n = 0; n < CYCLES; n++) {
			ret = cycle(self->m.ko, configs[k], self->m.page);
			ASSERT_EQ(0, ret) TH_LOG("'%s' cycle %d: %s",
						 configs[k], n, strerror(ret));
		}
		/* give RCU-deferred frees a moment to land */
		for (n = 0; n < 20; n++) {
			after = free_pages();
			ASSERT_LT(0, after);
			lost = before - after;
			if (lost <= slack)
				break;
			usleep(100000);
		}
		TH_LOG("'%s': %d cycles, %ld pages lost", configs[k], CYCLES,
		       lost);
		EXPECT_GE(slack, lost) TH_LOG("'%s' leaks about %ld pages/cycle",
					      configs[k], lost / CYCLES);
	}
	expect_gone(_metadata);
}

TEST_HARNESS_MAIN
