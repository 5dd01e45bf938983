// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn_bench - what a mapping of /dev/remap_pfn costs and how fast data
 * moves through it, against what a user would pick instead (scripts/bench.sh
 * runs it in the VM; 'make bench').
 *
 *   remap_pfn_bench [-n NAME] [-r RUNS] map TARGET SIZE
 *	TARGET is a device (/dev/remap_pfn, /dev/remap_pfn_baseline), "anon"
 *	(MAP_SHARED | MAP_ANONYMOUS) or "memfd" (memfd_create() of SIZE bytes,
 *	fallocate()d once up front). Per page of a SIZE-byte mapping at
 *	offset 0, in clock_gettime() nanoseconds:
 *	  map_touch     mmap(), then write one byte in every page
 *	  map_populate  mmap() with MAP_POPULATE
 *	  munmap        munmap() of the mapping that map_touch filled
 *	and for /dev/remap_pfn, through a dma-buf of the whole buffer
 *	(REMAP_PFN_IOC_EXPORT):
 *	  dmabuf_map_touch  mmap() of the dma-buf fd, then a byte per page
 *
 *   remap_pfn_bench [-n NAME] [-r RUNS] [-t TOTAL] [-b BLOCK] data DEVICE
 *	TOTAL bytes (default 1G) moved in BLOCK-byte blocks (default 1M)
 *	through the device's buffer, cycling over its BLOCK-sized slots. Per
 *	block:
 *	  memcpy_in     memcpy() from private memory into the mapping
 *	  write         pwrite() of the same blocks
 *	  memcpy_out    memcpy() from the mapping into private memory
 *	  read          pread() of the same blocks
 *	  handoff       a producer process memcpy()s each block from its
 *			private memory into a slot of the shared mapping, a
 *			consumer process reads every byte of it there (sums
 *			it); a one-byte doorbell on a pipe each way says "slot
 *			full" and "slot free" (no futex: it needs
 *			get_user_pages(), which refuses VM_PFNMAP mappings)
 *	  pipe          the same blocks from the same private memory through
 *			a pipe enlarged to BLOCK bytes: write(), read() into the
 *			consumer's private memory, which it then sums
 *
 * Each figure is measured RUNS + 1 times (default 5 + 1); the first run is
 * thrown away (an emulator translates code on first use, a real machine
 * warms its caches), and the median, minimum and maximum of the rest are
 * printed as one line of JSON after "@bench ". Every data path checks what
 * arrives, and the map test checks that the bytes written through a device
 * mapping are the buffer's, so a smoke run proves the benchmark measures
 * something real. Exit status 0, or 1 on any error.
 *
 * Under QEMU with -icount shift=0 a guest nanosecond is one guest
 * instruction, which is what scripts/bench.sh reports by default.
 */
#define _GNU_SOURCE	/* memfd_create(), fallocate(), F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/remap_pfn.h>

#define MAX_RUNS	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *series = "unnamed";
static int runs = 5;
static size_t page_size;

/* Print the message, with strerror(errno) if it is set, and exit with 1 */
static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "remap_pfn_bench[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

/* die() for a wrong result rather than a failed call */
#define wrong(...)	do { errno = 0; die(__VA_ARGS__); } while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Bytes with an optional K, M or G suffix */
static size_t parse_size(const char *s)
{
	const char *suffixes = "KMG";
	unsigned long long v;
	const char *unit;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	unit = *end ? strchr(suffixes, *end) : NULL;
	if (unit) {
		v <<= 10 * (unit - suffixes + 1);
		end++;
	}
	if (errno || end == s || *end || !v)
		wrong("bad size '%s'", s);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Print one figure: @samples[0] is the discarded first run, the others are
 * nanoseconds per @per, already divided.
 */
static void report(const char *test, size_t size, const char *metric,
		   const char *per, const double *samples)
{
	double s[MAX_RUNS];
	double median;
	int i;

	memcpy(s, samples + 1, runs * sizeof(*s));
	qsort(s, runs, sizeof(*s), cmp_double);
	median = runs % 2 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;

	printf("@bench {\"series\": \"%s\", \"test\": \"%s\", ",
	       series, test);
	printf("\"size\": %zu, \"metric\": \"%s\", \"per\": \"%s\", ",
	       size, metric, per);
	printf("\"median\": %.1f, \"min\": %.1f, \"max\": %.1f, ",
	       median, s[0], s[runs - 1]);
	printf("\"first\": %.1f, \"runs\": [", samples[0]);
	for (i = 1; i <= runs; i++)
		printf("%s%.1f", i > 1 ? ", " : "", samples[i]);
	printf("]}\n");
	fflush(stdout);
}

/* ---- mapping cost ---- */

static char *map(int fd, size_t size, int flags)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | flags | (fd < 0 ? MAP_ANONYMOUS : 0),
		       fd, 0);

	if (p == MAP_FAILED)
		die("mmap of %zu bytes", size);
	return p;
}

static void touch(char *p, size_t size, char val)
{
	size_t off;

	/* kept: munmap() and clock_gettime() might read them, says the compiler */
	for (off = 0; off < size; off += page_size)
		p[off] = val;
}

/* For a device: what went through the mapping is in the buffer */
static void check_device(int fd, size_t size, char val)
{
	size_t off;
	char c;

	for (off = 0; off < size; off += size / 4 > page_size ? size / 4 : page_size) {
		if (pread(fd, &c, 1, off) != 1)
			return;	/* a device without read(), like the baseline */
		if (c != val)
			wrong("byte %zu: %d by read(), %d written by mmap",
			      off, c, val);
	}
}

static int open_target(const char *target, size_t size, int *is_dev)
{
	int fd;

	*is_dev = 0;
	if (!strcmp(target, "anon"))
		return -1;
	if (!strcmp(target, "memfd")) {
		fd = memfd_create("remap_pfn_bench", 0);
		if (fd < 0)
			die("memfd_create");
		if (ftruncate(fd, size) || fallocate(fd, 0, 0, size))
			die("memfd of %zu bytes", size);
		return fd;
	}
	fd = open(target, O_RDWR);
	if (fd < 0)
		die("%s", target);
	*is_dev = 1;
	return fd;
}

/*
 * A dma-buf of the device's whole buffer, or -1 for a device that exports
 * none (the baseline)
 */
static int export_all(int fd, size_t size)
{
	struct remap_pfn_export arg = {
		.length = size,
		.flags = O_RDWR | O_CLOEXEC,
	};

	if (ioctl(fd, REMAP_PFN_IOC_EXPORT, &arg)) {
		if (errno == ENOTTY)
			return -1;
		die("REMAP_PFN_IOC_EXPORT of %zu bytes", size);
	}
	return arg.fd;
}

/* The same mapping cost through the dma-buf's fd */
static void bench_dmabuf(int dfd, size_t size)
{
	double touch_ns[MAX_RUNS + 1];
	double pages = (double)size / page_size;
	int i;

	for (i = 0; i <= runs; i++) {
		uint64_t t0, t1;
		char *p;

		t0 = now_ns();
		p = map(dfd, size, 0);
		touch(p, size, (char)(i + 1));
		t1 = now_ns();
		if (munmap(p, size))
			die("munmap");
		touch_ns[i] = (t1 - t0) / pages;
	}
	report("map", size, "dmabuf_map_touch", "page", touch_ns);
}

static void bench_map(const char *target, size_t size)
{
	double touch_ns[MAX_RUNS + 1], populate_ns[MAX_RUNS + 1];
	double unmap_ns[MAX_RUNS + 1];
	double pages = (double)size / page_size;
	int is_dev, i;
	int fd = open_target(target, size, &is_dev);

	if (size % page_size)
		wrong("size %zu is not a whole number of pages", size);

	for (i = 0; i <= runs; i++) {
		uint64_t t0, t1, t2;
		char *p;

		t0 = now_ns();
		p = map(fd, size, 0);
		touch(p, size, (char)(i + 1));
		t1 = now_ns();
		if (munmap(p, size))
			die("munmap");
		t2 = now_ns();
		touch_ns[i] = (t1 - t0) / pages;
		unmap_ns[i] = (t2 - t1) / pages;
		if (is_dev)
			check_device(fd, size, (char)(i + 1));

		t0 = now_ns();
		p = map(fd, size, MAP_POPULATE);
		t1 = now_ns();
		populate_ns[i] = (t1 - t0) / pages;
		if (munmap(p, size))
			die("munmap");
	}
	report("map", size, "map_touch", "page", touch_ns);
	report("map", size, "map_populate", "page", populate_ns);
	report("map", size, "munmap", "page", unmap_ns);
	if (is_dev) {
		int dfd = export_all(fd, size);

		if (dfd >= 0) {
			bench_dmabuf(dfd, size);
			close(dfd);
			check_device(fd, size, (char)(runs + 1));
		}
	}
	if (fd >= 0)
		close(fd);
}

/* ---- data path ---- */

struct data_ctx {
	int fd;
	char *map;		/* the whole buffer, shared */
	size_t size;		/* of the buffer */
	size_t block;
	size_t nr_slots;	/* blocks that fit in the buffer */
	size_t nr_blocks;	/* moved per run */
	char *src, *dst;	/* private, one block each */
	uint64_t rest_sum;	/* sum_block() of src without its stamp */
};

/* Mark a block with its number, so the receiver can tell it is the right one */
static void stamp(char *block, size_t n)
{
	memcpy(block, &n, sizeof(n));
}

/* Read every byte of a block, as a consumer would: sum its 64-bit words */
static uint64_t sum_block(const char *block, size_t len)
{
	const uint64_t *w = (const uint64_t *)block;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++)
		sum += w[i];
	return sum;
}

/* Consume block @n: it must be src with stamp @n, all of it */
static void consume(struct data_ctx *c, const char *block, size_t n,
		    const char *how)
{
	uint64_t sum = sum_block(block, c->block);

	if (sum != c->rest_sum + n) {
		memcpy(&sum, block, sizeof(sum));
		wrong("%s: block %zu arrived wrong (stamp %llu)", how, n,
		      (unsigned long long)sum);
	}
}

static void full_write(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			die("write to pipe");
		buf = (const char *)buf + n;
		len -= n;
	}
}

static void full_read(int fd, void *buf, size_t len)
{
	while (len) {
		ssize_t n = read(fd, buf, len);

		if (n <= 0)
			die("read from pipe");
		buf = (char *)buf + n;
		len -= n;
	}
}

static uint64_t data_memcpy_in(struct data_ctx *c)
{
	uint64_t t0 = now_ns();
	size_t i;

	for (i = 0; i < c->nr_blocks; i++)
		memcpy(c->map + i % c->nr_slots * c->block, c->src, c->block);
	return now_ns() - t0;
}

static uint64_t data_memcpy_out(struct data_ctx *c)
{
	uint64_t t0 = now_ns();
	size_t i;

	for (i = 0; i < c->nr_blocks; i++)
		memcpy(c->dst, c->map + i % c->nr_slots * c->block, c->block);
	return now_ns() - t0;
}

static uint64_t data_write(struct data_ctx *c)
{
	uint64_t t0 = now_ns();
	size_t i;

	for (i = 0; i < c->nr_blocks; i++)
		if (pwrite(c->fd, c->src, c->block, i % c->nr_slots * c->block) !=
		    (ssize_t)c->block)
			die("pwrite");
	return now_ns() - t0;
}

static uint64_t data_read(struct data_ctx *c)
{
	uint64_t t0 = now_ns();
	size_t i;

	for (i = 0; i < c->nr_blocks; i++)
		if (pread(c->fd, c->dst, c->block, i % c->nr_slots * c->block) !=
		    (ssize_t)c->block)
			die("pread");
	return now_ns() - t0;
}

static pid_t start_child(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		wrong("the consumer process failed");
}

/*
 * Producer (this process) and consumer (a child) hand blocks over through
 * the slots of the shared mapping. The consumer starts by posting one
 * "free" token per slot; the producer takes a token, fills the next slot,
 * rings "full"; the consumer copies the slot out, checks it and gives the
 * token back. The clock runs from the consumer's first token to the last
 * one coming back, so fork() and exit() are not counted.
 */
static uint64_t data_handoff(struct data_ctx *c)
{
	int full[2], free_slot[2];
	uint64_t t0, t1;
	size_t i;
	char token = 0;
	pid_t pid;

	if (pipe(full) || pipe(free_slot))
		die("pipe");
	pid = start_child();
	if (!pid) {
		close(full[1]);
		close(free_slot[0]);
		for (i = 0; i < c->nr_slots; i++)
			full_write(free_slot[1], &token, 1);
		for (i = 0; i < c->nr_blocks; i++) {
			full_read(full[0], &token, 1);
			/* zero-copy: the block is read where it is */
			consume(c, c->map + i % c->nr_slots * c->block, i,
				"handoff");
			full_write(free_slot[1], &token, 1);
		}
		_exit(0);
	}
	close(full[0]);
	close(free_slot[1]);

	full_read(free_slot[0], &token, 1);
	t0 = now_ns();
	for (i = 0; i < c->nr_blocks; i++) {
		/* the first token is already in hand */
		if (i)
			full_read(free_slot[0], &token, 1);
		stamp(c->src, i);
		memcpy(c->map + i % c->nr_slots * c->block, c->src, c->block);
		full_write(full[1], &token, 1);
	}
	/* every slot free again: the consumer has checked every block */
	for (i = 0; i < c->nr_slots; i++)
		full_read(free_slot[0], &token, 1);
	t1 = now_ns();

	close(full[1]);
	close(free_slot[0]);
	reap(pid);
	return t1 - t0;
}

static uint64_t data_pipe(struct data_ctx *c)
{
	int data[2], done[2];
	uint64_t t0, t1;
	char token = 0;
	size_t i;
	pid_t pid;

	if (pipe(data) || pipe(done))
		die("pipe");
	/* a pipe that holds a whole block: the best a pipe can do */
	if (fcntl(data[1], F_SETPIPE_SZ, (int)c->block) < (int)c->block)
		die("F_SETPIPE_SZ %zu", c->block);
	pid = start_child();
	if (!pid) {
		close(data[1]);
		close(done[0]);
		/* its copy-on-write copy of dst, before the clock starts */
		memset(c->dst, 0, c->block);
		full_write(done[1], &token, 1);
		for (i = 0; i < c->nr_blocks; i++) {
			full_read(data[0], c->dst, c->block);
			consume(c, c->dst, i, "pipe");
		}
		full_write(done[1], &token, 1);
		_exit(0);
	}
	close(data[0]);
	close(done[1]);

	full_read(done[0], &token, 1);
	t0 = now_ns();
	for (i = 0; i < c->nr_blocks; i++) {
		stamp(c->src, i);
		full_write(data[1], c->src, c->block);
	}
	full_read(done[0], &token, 1);
	t1 = now_ns();

	close(data[1]);
	close(done[0]);
	reap(pid);
	return t1 - t0;
}

/* The block written last is in the buffer, seen both ways */
static void check_data(struct data_ctx *c)
{
	size_t slot = (c->nr_blocks - 1) % c->nr_slots * c->block;

	if (memcmp(c->map + slot, c->src, c->block))
		wrong("data: the mapping does not hold the last block written");
	if (pread(c->fd, c->dst, c->block, slot) != (ssize_t)c->block ||
	    memcmp(c->dst, c->src, c->block))
		wrong("data: read() does not return the last block written");
}

static void bench_data(const char *device, size_t total, size_t block)
{
	static const struct {
		const char *metric;
		uint64_t (*run)(struct data_ctx *c);
	} tests[] = {
		{ "memcpy_in", data_memcpy_in },
		{ "write", data_write },
		{ "memcpy_out", data_memcpy_out },
		{ "read", data_read },
		{ "handoff", data_handoff },
		{ "pipe", data_pipe },
	};
	struct data_ctx c = { .block = block };
	double ns[MAX_RUNS + 1];
	size_t t;
	off_t end;
	int i;

	c.fd = open(device, O_RDWR);
	if (c.fd < 0)
		die("%s", device);
	end = lseek(c.fd, 0, SEEK_END);
	if (end < 0)
		die("lseek");
	c.size = end;
	if (block % page_size || c.size < block)
		wrong("block %zu: not whole pages, or over the %zu-byte buffer",
		      block, c.size);
	c.nr_slots = c.size / block;
	c.nr_blocks = total / block;
	if (!c.nr_blocks)
		wrong("total %zu is less than one block", total);
	c.map = mmap(NULL, c.nr_slots * block, PROT_READ | PROT_WRITE,
		     MAP_SHARED, c.fd, 0);
	c.src = mmap(NULL, 2 * block, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c.map == MAP_FAILED || c.src == MAP_FAILED)
		die("mmap");
	c.dst = c.src + block;
	memset(c.src, 0x5a, 2 * block);
	stamp(c.src, 0);
	c.rest_sum = sum_block(c.src, block);

	for (t = 0; t < ARRAY_SIZE(tests); t++) {
		for (i = 0; i <= runs; i++) {
			stamp(c.src, c.nr_blocks - 1);
			ns[i] = (double)tests[t].run(&c) / c.nr_blocks;
			if (t < 2)	/* memcpy_in, write */
				check_data(&c);
		}
		report("data", c.size, tests[t].metric, "block", ns);
	}
	munmap(c.src, 2 * block);
	munmap(c.map, c.nr_slots * block);
	close(c.fd);
}

static void help(void)
{
	fprintf(stderr,
		"usage: remap_pfn_bench [-n NAME] [-r RUNS] map TARGET SIZE\n"
		"       remap_pfn_bench [-n NAME] [-r RUNS] [-t TOTAL] [-b BLOCK] data DEVICE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t total = 1UL << 30, block = 1UL << 20;
	int opt;

	page_size = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "n:r:t:b:")) != -1) {
		switch (opt) {
		case 'n':
			series = optarg;
			break;
		case 'r':
			runs = atoi(optarg);
			if (runs < 1 || runs > MAX_RUNS)
				wrong("-r %s: between 1 and %d runs", optarg, MAX_RUNS);
			break;
		case 't':
			total = parse_size(optarg);
			break;
		case 'b':
			block = parse_size(optarg);
			break;
		default:
			help();
		}
	}
	if (strpbrk(series, "\"\\"))
		wrong("-n %s: no quotes or backslashes", series);
	argv += optind;
	argc -= optind;

	if (argc == 3 && !strcmp(argv[0], "map"))
		bench_map(argv[1], parse_size(argv[2]));
	else if (argc == 2 && !strcmp(argv[0], "data"))
		bench_data(argv[1], total, block);
	else
		help();
	return 0;
}
