// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn_faultload - load remap_pfn again and again with allocation
 * failures injected (make check-debug, in the debug kernel's VM).
 *
 *   remap_pfn_faultload [-n LOADS] [-s SEED] MODULE.ko "PARAMS"
 *
 * Uses the kernel's fault injection (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC,
 * debugfs mounted): both allocators are set to fail sleeping allocations
 * of any order too (ignore-gfp-wait=N, min-order=0), only in tasks that
 * ask for it (task-filter=Y), with their stack dumped (verbose=2). Each
 * load, done with finit_module() by this process alone, is one of:
 *
 *   any     exactly one failure at a random allocation of the whole load
 *           (/proc/thread-self/fail-nth), module loader included
 *   init    the same, but among the allocations from the start of the
 *           driver's init onwards
 *   random  every allocation fails with a probability of 1 to 10 percent
 *           (/proc/self/make-it-fail and the debugfs probability)
 *
 * The allocations of a load are counted first, with a load that fails
 * nothing, and of one whose init gives up at once (allocator=none).
 *
 * Every load must either succeed, and then work (mmap, write, pread,
 * procfs) and unload, or fail with ENOMEM; either way nothing may remain:
 * no /dev/remap_pfn, no /proc/driver/remap_pfn, no /sys/module/remap_pfn.
 * Each load is announced in the kernel log ("remap_pfn-faultload: ...").
 * Exit status 0 when all went so, 1 otherwise, 2 when fault injection is
 * not available.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <linux/remap_pfn.h>

#define DEBUGFS		"/sys/kernel/debug/"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PFX		"remap_pfn_faultload: "
#define TIMES		1000	/* failures an attribute may inject per load */

static const char *const attrs[] = { "failslab", "fail_page_alloc" };

enum mode { MODE_ANY, MODE_INIT, MODE_RANDOM, NR_MODES };
static const char *const mode_names[] = { "any", "init", "random" };

static int kmsg = -1;
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

static long read_long(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int set_attr(const char *attr, const char *key, const char *val)
{
	char path[128];
	int ret;

	snprintf(path, sizeof(path), DEBUGFS "%s/%s", attr, key);
	ret = write_file(path, val);
	if (ret)
		fprintf(stderr, PFX "%s = %s: %s\n", path, val,
			strerror(-ret));
	return ret;
}

static int setup(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 2; i++) {
		ret |= set_attr(attrs[i], "task-filter", "Y");
		ret |= set_attr(attrs[i], "ignore-gfp-wait", "N");
		ret |= set_attr(attrs[i], "probability", "0");
		ret |= set_attr(attrs[i], "interval", "1");
		ret |= set_attr(attrs[i], "space", "0");
		ret |= set_attr(attrs[i], "times", "0");
		ret |= set_attr(attrs[i], "verbose", "2");
	}
	ret |= set_attr("fail_page_alloc", "min-order", "0");
	ret |= set_attr("fail_page_alloc", "ignore-gfp-highmem", "N");
	return ret;
}

static void arm(const char *probability)
{
	char times[16];
	unsigned int i;

	snprintf(times, sizeof(times), "%d", TIMES);
	for (i = 0; i < 2; i++) {
		set_attr(attrs[i], "times", times);
		set_attr(attrs[i], "probability", probability);
	}
}

/* Disarm; return how many failures each attribute injected */
static void disarm(long injected[2])
{
	char path[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), DEBUGFS "%s/times", attrs[i]);
		injected[i] = TIMES - read_long(path);
		set_attr(attrs[i], "probability", "0");
		set_attr(attrs[i], "times", "0");
	}
}

/*
 * One finit_module() with failures injected as asked: @nth > 0 fails the
 * nth fault-injection point of this task, @nth == 0 with @random set
 * fails at random. On return *@left says how much of @nth was not used
 * (0: the failure was injected).
 */
static int load(int ko, const char *params, unsigned int nth, bool random,
		unsigned long *left)
{
	char num[16];
	int nfd = -1, mfd = -1, ret, err;
	ssize_t n;

	*left = 0;
	if (nth) {
		nfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
		if (nfd < 0)
			return -errno;
		snprintf(num, sizeof(num), "%u", nth);
	}
	if (random) {
		mfd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (mfd < 0)
			return -errno;
	}

	/* nothing but the load between arming and disarming */
	if (mfd >= 0 && write(mfd, "1", 1) != 1)
		return -EIO;
	if (nfd >= 0 && write(nfd, num, strlen(num)) != (ssize_t)strlen(num))
		return -EIO;
	ret = syscall(SYS_finit_module, ko, params, 0);
	err = errno;
	if (nfd >= 0) {
		n = pread(nfd, num, sizeof(num) - 1, 0);
		num[n > 0 ? n : 0] = '\0';
		*left = strtoul(num, NULL, 10);
		if (write(nfd, "0", 1) != 1)
			return -EIO;
		close(nfd);
	}
	if (mfd >= 0) {
		if (write(mfd, "0", 1) != 1)
			return -EIO;
		close(mfd);
	}
	return ret ? err : 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "remap_pfn", O_NONBLOCK) ? errno : 0;
}

/* Nothing of the module may be left; print what is. Return: true if clean */
static bool gone(const char *when)
{
	static const char *const paths[] = {
		"/dev/remap_pfn", "/proc/driver/remap_pfn",
		"/sys/module/remap_pfn",
	};
	unsigned int i;
	bool clean = true;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!access(paths[i], F_OK)) {
			printf(PFX "FAIL: %s exists %s\n",
			       paths[i], when);
			clean = false;
		}
	}
	return clean;
}

/*
 * The loaded module works: a mapping of the whole buffer, bytes written
 * through it read back with pread() and the other way round, and procfs
 * counting the mapping. Return: NULL, or what went wrong.
 */
static const char *works(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i;
	static char why[160];
	struct remap_pfn_info info;
	char text[512], *p;
	uint8_t *map, *buf;
	ssize_t n;
	int fd, pfd;

	fd = open("/dev/remap_pfn", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "open /dev/remap_pfn failed";
	if (ioctl(fd, REMAP_PFN_IOC_INFO, &info) || !info.size ||
	    info.page_size != page) {
		close(fd);
		return "REMAP_PFN_IOC_INFO failed or reported nonsense";
	}
	map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	buf = malloc(info.size);
	if (map == MAP_FAILED || !buf) {
		close(fd);
		return "mmap of the whole buffer failed";
	}
	why[0] = '\0';
	for (i = 0; i < info.size; i++)
		map[i] = (uint8_t)(i * 7 + 3);
	if (pread(fd, buf, info.size, 0) != (ssize_t)info.size ||
	    memcmp(buf, map, info.size))
		snprintf(why, sizeof(why), "pread differs from the mapping");
	for (i = 0; i < info.size; i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	if (!why[0] && (pwrite(fd, buf, info.size, 0) != (ssize_t)info.size ||
			memcmp(buf, map, info.size)))
		snprintf(why, sizeof(why), "pwrite not seen in the mapping");
	pfd = open("/proc/driver/remap_pfn", O_RDONLY | O_CLOEXEC);
	n = pfd >= 0 ? read(pfd, text, sizeof(text) - 1) : -1;
	if (pfd >= 0)
		close(pfd);
	text[n > 0 ? n : 0] = '\0';
	p = strstr(text, "\nmappings: ");
	if (!why[0] && (!p || strtoul(p + 11, NULL, 10) != 1))
		snprintf(why, sizeof(why), "procfs does not count the mapping");
	munmap(map, info.size);
	free(buf);
	close(fd);
	return why[0] ? why : NULL;
}

/* A load that must succeed, counting its fault-injection points */
static long count_points(int ko, const char *params, bool expect_ok)
{
	const unsigned int big = 1000000;
	unsigned long left;
	int ret = load(ko, params, big, false, &left);

	if (expect_ok ? ret != 0 : ret == 0) {
		printf(PFX "FAIL: the counting load with '%s' returned %s\n",
		       params, ret ? strerror(ret) : "success");
		return -1;
	}
	if (!ret && unload()) {
		printf(PFX "FAIL: unload after the counting load: %s\n",
		       strerror(errno));
		return -1;
	}
	if (!left || !gone("after the counting load"))
		return -1;
	return big - left;
}

static void print_usage(void)
{
	fputs("usage: remap_pfn_faultload [-n LOADS] [-s SEED] MODULE.ko PARAMS\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const unsigned int percents[] = { 1, 2, 5, 10 };
	unsigned long loads = 50, ok[NR_MODES] = { 0 }, enomem[NR_MODES] = { 0 };
	unsigned long clean_ok = 0, bad = 0, i, left;
	long total, before_init, inj_total[2] = { 0, 0 };
	const char *params, *why;
	char none[512];
	int opt, ko;

	rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			loads = strtoul(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0);
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2)
		print_usage();
	rng = rng ? rng : 1;
	params = argv[optind + 1];
	ko = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (ko < 0) {
		perror(argv[optind]);
		return 2;
	}
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (access(DEBUGFS "failslab", F_OK) || access(DEBUGFS "fail_page_alloc", F_OK) ||
	    access("/proc/thread-self/fail-nth", F_OK)) {
		puts(PFX "no fault injection: it needs debugfs mounted,");
		puts(PFX "CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC");
		return 2;
	}
	if (setup())
		return 2;
	if (!gone("before the first load"))
		return 1;

	/* how many points a whole load has, and how many come before init */
	snprintf(none, sizeof(none), "%s allocator=none", params);
	total = count_points(ko, params, true);
	before_init = count_points(ko, none, false);
	if (total < 0 || before_init < 0)
		return 1;
	printf(PFX "'%s': %ld fault-injection points per load,\n",
	       params, total);
	printf(PFX "the driver's init from about %ld on; seed %llu\n",
	       before_init, (unsigned long long)rng);
	fflush(stdout);

	for (i = 1; i <= loads; i++) {
		enum mode mode = i % 4 == 1 ? MODE_ANY :
				 i % 4 == 3 ? MODE_RANDOM : MODE_INIT;
		unsigned int nth = 0, pct = 0;
		long lo, inj[2];
		char desc[64], prob[8];
		int ret;

		switch (mode) {
		case MODE_ANY:
			nth = 1 + rnd() % total;
			snprintf(desc, sizeof(desc), "fail-nth %u of %ld", nth, total);
			break;
		case MODE_INIT:
			lo = before_init > 8 ? before_init - 8 : 1;
			nth = lo + rnd() % (total - lo + 1);
			snprintf(desc, sizeof(desc), "fail-nth %u of %ld", nth, total);
			break;
		default:
			pct = percents[rnd() % ARRAY_SIZE(percents)];
			snprintf(desc, sizeof(desc), "probability %u%%", pct);
			break;
		}
		snprintf(prob, sizeof(prob), "%u", pct);
		/* one write, one record in the kernel log */
		if (kmsg >= 0 &&
		    dprintf(kmsg, "remap_pfn-faultload: load %lu (%s): %s\n",
			    i, mode_names[mode], desc) < 0)
			perror("/dev/kmsg");
		arm(prob);
		ret = load(ko, params, nth, mode == MODE_RANDOM, &left);
		disarm(inj);
		inj_total[0] += inj[0];
		inj_total[1] += inj[1];

		if (ret < 0) {
			printf(PFX "FAIL: load %lu: cannot drive fault injection: %s\n",
			       i, strerror(-ret));
			bad++;
			continue;
		}
		printf(PFX "load %lu (%s, %s): injected %ld slab, %ld page: %s",
		       i, mode_names[mode], desc, inj[0], inj[1],
		       ret ? strerror(ret) : "loaded");
		if (!ret) {
			why = works();
			if (why) {
				printf(", FAIL: it does not work: %s\n", why);
				bad++;
			} else {
				printf(", works\n");
				ok[mode]++;
				if (!inj[0] && !inj[1])
					clean_ok++;
			}
			ret = unload();
			if (ret) {
				printf(PFX "FAIL: unload: %s\n",
				       strerror(ret));
				bad++;
			} else if (!gone("after the unload")) {
				bad++;
			}
		} else if (ret == ENOMEM) {
			printf("\n");
			enomem[mode]++;
			if (!inj[0] && !inj[1]) {
				puts(PFX "FAIL: ENOMEM but no failure was injected");
				bad++;
			}
			if (!gone("after the failed load"))
				bad++;
		} else {
			printf(", FAIL: expected success or ENOMEM\n");
			bad++;
			gone("after the failed load");
		}
		fflush(stdout);
	}

	printf(PFX "'%s': %lu loads: %lu loaded and worked", params, loads,
	       ok[0] + ok[1] + ok[2]);
	printf(" (%lu of them with no failure injected),", clean_ok);
	printf(" %lu failed with ENOMEM, %lu unexpected\n",
	       enomem[0] + enomem[1] + enomem[2], bad);
	for (i = 0; i < NR_MODES; i++)
		printf(PFX "  %-6s %lu loaded, %lu ENOMEM\n",
		       mode_names[i], ok[i], enomem[i]);
	printf(PFX "  failures injected: %ld slab, %ld page\n",
	       inj_total[0], inj_total[1]);
	return bad ? 1 : 0;
}
