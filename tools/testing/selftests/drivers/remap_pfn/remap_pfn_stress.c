// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrent stress of /dev/remap_pfn: N processes for a bounded time,
 * each looping over random operations on the device (mmap of valid and
 * invalid ranges of both regions, partial munmap, mprotect, mremap, fork,
 * read/write/pread/pwrite/lseek, the ioctls, procfs reads, close while
 * mapped, dma-buf export, mapping, sync and close) and checking every
 * result. Each process owns a slice of the
 * buffer that only it writes and keeps a copy of what the slice must
 * hold, so any data going astray shows. Meanwhile the parent holds a
 * mapping of the whole buffer with its file closed; at the end, with
 * every process gone, it checks the slices through that mapping, unmaps
 * it, and procfs must show no mapping left.
 *
 * MADV_DONTNEED on a data mapping must keep its bytes (map=pages,
 * VM_MIXEDMAP: the next touch faults them back in) or fail with EINVAL
 * (map=pfn, VM_PFNMAP).
 *
 *   remap_pfn_stress [-n PROCS] [-t SECONDS] [-s SEED] [-u]
 *
 *   -n  processes (default 4, or $REMAP_PFN_STRESS_PROCS)
 *   -t  run time in seconds (default 60, or $REMAP_PFN_STRESS_SECONDS)
 *   -s  random seed (default: from the clock; printed, to replay a run)
 *   -u  unload race: one more process calls delete_module() in a loop,
 *       which must fail with EWOULDBLOCK as long as anything holds the
 *       device; at the end the module must unload and leave nothing
 *
 * Prints the operation counts; exit status 0 on success, 1 on any
 * unexpected result, 4 (skip) when the device is absent.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <sys/syscall.h>

#include <linux/dma-buf.h>

#include "remap_pfn_util.h"

#define KSFT_SKIP	4
#define MAX_PROCS	64
#define MAX_MAPS	24	/* mappings a worker holds at most */
#define MAX_FDS		3	/* open files a worker holds at most */
#define OWN_PAGES_MAX	64	/* a worker's slice, at most */
#define MAP_PAGES_MAX	64	/* a random mapping, unless the whole buffer */

/* Every operation a worker does, counted under its name */
enum rp_op {
	OP_MMAP,
	OP_MMAP_BAD,
	OP_MMAP_INFO,
	OP_MUNMAP,
	OP_MUNMAP_PART,
	OP_MPROTECT,
	OP_MPROTECT_BAD,
	OP_MREMAP_MOVE,
	OP_MREMAP_GROW,
	OP_MREMAP_SHRINK,
	OP_MADVISE,
	OP_FORK,
	OP_STORE,
	OP_WRITE,
	OP_PWRITE,
	OP_WRITE_END,
	OP_READ,
	OP_PREAD,
	OP_LSEEK,
	OP_IOCTL,
	OP_PROCFS,
	OP_CLOSE,
	OP_VERIFY,
	OP_EXPORT,
	NR_OPS
};

static const char *const op_names[] = {
	[OP_MMAP] = "mmap",
	[OP_MMAP_BAD] = "mmap_invalid",
	[OP_MMAP_INFO] = "mmap_info",
	[OP_MUNMAP] = "munmap",
	[OP_MUNMAP_PART] = "munmap_partial",
	[OP_MPROTECT] = "mprotect",
	[OP_MPROTECT_BAD] = "mprotect_refused",
	[OP_MREMAP_MOVE] = "mremap_move",
	[OP_MREMAP_GROW] = "mremap_grow_refused",
	[OP_MREMAP_SHRINK] = "mremap_shrink",
	[OP_MADVISE] = "madvise_dontneed",
	[OP_FORK] = "fork",
	[OP_STORE] = "store_through_mapping",
	[OP_WRITE] = "lseek_write",
	[OP_PWRITE] = "pwrite",
	[OP_WRITE_END] = "write_at_end",
	[OP_READ] = "lseek_read",
	[OP_PREAD] = "pread",
	[OP_LSEEK] = "lseek",
	[OP_IOCTL] = "ioctl",
	[OP_PROCFS] = "procfs",
	[OP_CLOSE] = "close_while_mapped",
	[OP_VERIFY] = "verify",
	[OP_EXPORT] = "dmabuf_export",
};

/* Shared with the parent: what each worker did and what it left */
struct rp_worker_report {
	u64 ops[NR_OPS];
	u64 hash;		/* of its slice at the end */
	int done;
};

struct rp_map {
	u8 *addr;
	size_t len;
	u64 off;		/* file offset of addr */
	int prot;
	bool info;
};

struct rp_worker {
	int id;
	u64 rng;
	int fds[MAX_FDS];
	struct rp_map maps[MAX_MAPS];
	unsigned int nr_maps;
	u64 own_off, own_len;	/* the slice only this worker writes */
	u8 *shadow;		/* what the slice must hold */
	u8 *scratch;		/* room for the largest read or write */
	struct rp_worker_report *rep;
	enum rp_op op;		/* for error messages */
};

static struct remap_pfn_info dev_info;
static size_t page;
static u64 dev_size;
static struct timespec deadline;

static const char *const allocator_names[] = {
	[REMAP_PFN_ALLOC_KMALLOC] = "kmalloc",
	[REMAP_PFN_ALLOC_VMALLOC] = "vmalloc",
	[REMAP_PFN_ALLOC_PAGES] = "alloc_pages",
};

static void
failf(struct rp_worker *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "remap_pfn_stress: FAIL: worker %d, %s: ", w->id,
		op_names[w->op]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* xorshift64*: reproducible from the seed, no libc state */
static u64 rnd(struct rp_worker *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

/* uniform in [0, n), n > 0 */
static u64 below(struct rp_worker *w, u64 n)
{
	return rnd(w) % n;
}

static bool chance(struct rp_worker *w, unsigned int percent)
{
	return below(w, 100) < percent;
}

/* Random bytes; the same seed and length give the same bytes */
static void fill_random(struct rp_worker *w, u8 *p, size_t len)
{
	size_t i;
	u64 r = 0;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			r = rnd(w);
		p[i] = (u8)r;
		r >>= 8;
	}
}

static bool past_deadline(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static u64 fnv1a(const u8 *p, size_t len)
{
	u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* --- the worker's view of its mappings ------------------------------ */

static u64 own_mapped_bytes(struct rp_worker *w)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < w->nr_maps; i++)
		sum += w->maps[i].len;
	return sum;
}

static int any_fd(struct rp_worker *w)
{
	unsigned int i, start = below(w, MAX_FDS);

	for (i = 0; i < MAX_FDS; i++)
		if (w->fds[(start + i) % MAX_FDS] >= 0)
			return w->fds[(start + i) % MAX_FDS];
	return -1;
}

static struct rp_map *add_map(struct rp_worker *w, void *addr, size_t len,
			      u64 off, int prot, bool info)
{
	struct rp_map *m = &w->maps[w->nr_maps++];

	m->addr = addr;
	m->len = len;
	m->off = off;
	m->prot = prot;
	m->info = info;
	return m;
}

static void drop_map(struct rp_worker *w, unsigned int i)
{
	w->maps[i] = w->maps[--w->nr_maps];
}

static struct rp_map *random_map(struct rp_worker *w, bool data_only)
{
	unsigned int i, start;

	if (!w->nr_maps)
		return NULL;
	start = below(w, w->nr_maps);
	for (i = 0; i < w->nr_maps; i++) {
		struct rp_map *m = &w->maps[(start + i) % w->nr_maps];

		if (!data_only || !m->info)
			return m;
	}
	return NULL;
}

/* The part of [off, off + len) that lies in the worker's slice */
static bool own_overlap(struct rp_worker *w, u64 off, u64 len,
			u64 *ov_off, u64 *ov_len)
{
	u64 start = off > w->own_off ? off : w->own_off;
	u64 end = off + len < w->own_off + w->own_len ?
		  off + len : w->own_off + w->own_len;

	if (start >= end)
		return false;
	*ov_off = start;
	*ov_len = end - start;
	return true;
}

static void compare(struct rp_worker *w, const u8 *got, u64 off, u64 len,
		    const char *how)
{
	const u8 *want = w->shadow + (off - w->own_off);
	u64 i;

	if (!memcmp(got, want, len))
		return;
	for (i = 0; i < len && got[i] == want[i]; i++)
		;
	failf(w, "%s: byte at offset %llu is 0x%02x, expected 0x%02x", how,
	      (unsigned long long)(off + i), got[i], want[i]);
}

static void verify_map(struct rp_worker *w, struct rp_map *m)
{
	u64 o, l;

	if (m->info || !(m->prot & PROT_READ))
		return;
	if (own_overlap(w, m->off, m->len, &o, &l))
		compare(w, m->addr + (o - m->off), o, l, "through a mapping");
}

static void verify_pread(struct rp_worker *w)
{
	int fd = any_fd(w);
	ssize_t n;

	if (fd < 0 || !w->own_len)
		return;
	n = pread(fd, w->scratch, w->own_len, (off_t)w->own_off);
	if (n != (ssize_t)w->own_len)
		failf(w, "pread of the slice returned %zd (%s)", n,
		      n < 0 ? strerror(errno) : "short");
	compare(w, w->scratch, w->own_off, w->own_len, "through pread");
}

static void verify_all(struct rp_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->nr_maps; i++)
		verify_map(w, &w->maps[i]);
	verify_pread(w);
}

/* A random page-aligned range inside the data region */
static void random_range(struct rp_worker *w, u64 *off, size_t *len)
{
	u64 pages = dev_size / page;
	u64 first, n;

	if (chance(w, 6)) {
		*off = 0;
		*len = dev_size;
		return;
	}
	first = below(w, pages);
	n = 1 + below(w, pages - first < MAP_PAGES_MAX ?
			 pages - first : MAP_PAGES_MAX);
	*off = first * page;
	*len = n * page;
}

/* A random sub-range of the slice, in bytes: [*off, *off + *len) */
static bool random_own_range(struct rp_worker *w, u64 *off, size_t *len)
{
	u64 a, b;

	if (!w->own_len)
		return false;
	a = below(w, w->own_len);
	b = a + 1 + below(w, w->own_len - a);
	*off = w->own_off + a;
	*len = b - a;
	return true;
}

/* --- the operations -------------------------------------------------- */

static void op_mmap(struct rp_worker *w)
{
	int prot = chance(w, 70) ? PROT_READ | PROT_WRITE : PROT_READ;
	int fd = any_fd(w);
	size_t len;
	u64 off;
	void *p;

	if (fd < 0 || w->nr_maps >= MAX_MAPS - 2)
		return;
	random_range(w, &off, &len);
	p = rp_map(fd, off, len, prot);
	if (p == MAP_FAILED)
		failf(w, "mmap of [%llu, +%zu) prot %d: %s",
		      (unsigned long long)off, len, prot, strerror(errno));
	verify_map(w, add_map(w, p, len, off, prot, false));
}

static void expect_mmap_error(struct rp_worker *w, int fd, u64 off,
			      size_t len, int prot, int flags, int err1,
			      int err2, const char *what)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);
	int err = errno;

	if (p != MAP_FAILED) {
		munmap(p, len);
		failf(w, "%s (offset %#llx, length %zu) succeeded", what,
		      (unsigned long long)off, len);
	}
	if (err != err1 && err != err2)
		failf(w, "%s (offset %#llx, length %zu): %s, expected %s", what,
		      (unsigned long long)off, len, strerror(err),
		      strerror(err1));
}

static void op_mmap_bad(struct rp_worker *w)
{
	const int rw = PROT_READ | PROT_WRITE;
	u64 pages = dev_size / page;
	u64 off, k;
	size_t len;
	int fd = any_fd(w), rofd;

	if (fd < 0)
		return;
	switch (below(w, 13)) {
	case 0:	/* just past the end of the data region */
		expect_mmap_error(w, fd, dev_size, page, PROT_READ, MAP_SHARED,
				  EINVAL, EINVAL, "mmap past the end");
		break;
	case 1:	/* starting inside, crossing the end */
		k = 1 + below(w, pages);
		expect_mmap_error(w, fd, dev_size - k * page,
				  (k + 1 + below(w, 4)) * page, rw, MAP_SHARED,
				  EINVAL, EINVAL, "mmap crossing the end");
		break;
	case 2:
		random_range(w, &off, &len);
		expect_mmap_error(w, fd, off, len, rw, MAP_PRIVATE, EINVAL,
				  EINVAL, "MAP_PRIVATE mmap");
		break;
	case 3:
		random_range(w, &off, &len);
		expect_mmap_error(w, fd, off, len, PROT_READ | PROT_EXEC,
				  MAP_SHARED, EPERM, EPERM, "PROT_EXEC mmap");
		break;
	case 4:
		expect_mmap_error(w, fd, REMAP_PFN_OFF_INFO, page, rw,
				  MAP_SHARED, EPERM, EPERM,
				  "writable mmap of the info region");
		break;
	case 5:
		expect_mmap_error(w, fd, REMAP_PFN_OFF_INFO,
				  (2 + below(w, 3)) * page, PROT_READ,
				  MAP_SHARED, EINVAL, EINVAL,
				  "info mmap longer than a page");
		break;
	case 6:
		expect_mmap_error(w, fd, REMAP_PFN_OFF_INFO +
				  (1 + below(w, 1024)) * page, page, PROT_READ,
				  MAP_SHARED, EINVAL, EINVAL,
				  "mmap past the info page");
		break;
	case 7:	/* in the hole between the regions */
		off = dev_size + (1 + below(w, (REMAP_PFN_OFF_INFO - dev_size) /
					       page - 1)) * page;
		expect_mmap_error(w, fd, off, page, PROT_READ, MAP_SHARED,
				  EINVAL, EINVAL, "mmap between the regions");
		break;
	case 8:	/* offset + length wraps 2^64 */
		expect_mmap_error(w, fd, -(u64)page * (1 + below(w, 4)),
				  (8 + below(w, 8)) * page, PROT_READ,
				  MAP_SHARED, EINVAL, EOVERFLOW,
				  "mmap with a wrapping offset");
		break;
	case 9:
		expect_mmap_error(w, fd, 0, 0, PROT_READ, MAP_SHARED, EINVAL,
				  EINVAL, "zero-length mmap");
		break;
	case 10:
		expect_mmap_error(w, fd, 1 + below(w, page - 1), page,
				  PROT_READ, MAP_SHARED, EINVAL, EINVAL,
				  "mmap at an unaligned offset");
		break;
	case 11:
		rofd = open(RP_DEV, O_RDONLY | O_CLOEXEC);
		if (rofd < 0)
			failf(w, "open O_RDONLY: %s", strerror(errno));
		random_range(w, &off, &len);
		expect_mmap_error(w, rofd, off, len, rw, MAP_SHARED, EACCES,
				  EACCES, "writable mmap of a read-only file");
		close(rofd);
		break;
	default: /* far beyond every region */
		expect_mmap_error(w, fd, (REMAP_PFN_OFF_INFO << 1) +
				  below(w, 1 << 20) * page, page, PROT_READ,
				  MAP_SHARED, EINVAL, EINVAL,
				  "mmap beyond every region");
		break;
	}
}

static void check_info(struct rp_worker *w, const struct remap_pfn_info *in,
		       const char *how)
{
	if (in->allocator != dev_info.allocator ||
	    in->page_size != dev_info.page_size || in->size != dev_info.size ||
	    in->chunks != dev_info.chunks)
		failf(w, "%s: allocator %u, page %u, size %llu, chunks %llu changed",
		      how, in->allocator, in->page_size,
		      (unsigned long long)in->size,
		      (unsigned long long)in->chunks);
	if (in->map != dev_info.map)
		failf(w, "%s: map %u changed", how, in->map);
	/* other processes export meanwhile: each export is a whole page */
	if ((in->exports && in->export_bytes < in->exports * page) ||
	    (!in->exports && in->export_bytes))
		failf(w, "%s: %u exports of %llu bytes", how, in->exports,
		      (unsigned long long)in->export_bytes);
	/* other processes map and unmap meanwhile: only lower bounds hold */
	if (in->mappings < w->nr_maps ||
	    in->mapped_bytes < own_mapped_bytes(w))
		failf(w, "%s: %llu mappings of %llu bytes, but this process alone has %u of %llu",
		      how, (unsigned long long)in->mappings,
		      (unsigned long long)in->mapped_bytes, w->nr_maps,
		      (unsigned long long)own_mapped_bytes(w));
}

static void op_mmap_info(struct rp_worker *w)
{
	struct remap_pfn_info copy;
	int fd = any_fd(w);
	void *p;

	if (fd < 0 || w->nr_maps >= MAX_MAPS - 2)
		return;
	p = rp_map(fd, REMAP_PFN_OFF_INFO, page, PROT_READ);
	if (p == MAP_FAILED)
		failf(w, "mmap of the info page: %s", strerror(errno));
	add_map(w, p, page, REMAP_PFN_OFF_INFO, PROT_READ, true);
	memcpy(&copy, p, sizeof(copy));
	check_info(w, &copy, "the info page");
}

static void op_munmap(struct rp_worker *w)
{
	struct rp_map *m = random_map(w, false);

	if (!m)
		return;
	verify_map(w, m);
	if (munmap(m->addr, m->len))
		failf(w, "munmap: %s", strerror(errno));
	drop_map(w, m - w->maps);
}

/* Cut [a, b) pages out of mapping @m: what remains is up to two mappings */
static void cut(struct rp_worker *w, struct rp_map *m, u64 a, u64 b)
{
	struct rp_map head = *m, tail = *m;

	head.len = a * page;
	tail.addr += b * page;
	tail.off += b * page;
	tail.len = m->len - b * page;
	drop_map(w, m - w->maps);
	if (head.len)
		w->maps[w->nr_maps++] = head;
	if (tail.len)
		w->maps[w->nr_maps++] = tail;
}

/* A random page range [*a, *b) of @m that is not the whole of it */
static void random_part(struct rp_worker *w, struct rp_map *m, u64 *a,
			u64 *b)
{
	u64 n = m->len / page;

	do {
		*a = below(w, n);
		*b = *a + 1 + below(w, n - *a);
	} while (*a == 0 && *b == n);
}

static void op_munmap_part(struct rp_worker *w)
{
	struct rp_map *m = random_map(w, true);
	u64 a, b;

	if (!m || m->len < 2 * page || w->nr_maps >= MAX_MAPS - 1)
		return;
	random_part(w, m, &a, &b);
	if (munmap(m->addr + a * page, (b - a) * page))
		failf(w, "munmap of pages [%llu, %llu) of a mapping: %s",
		      (unsigned long long)a, (unsigned long long)b,
		      strerror(errno));
	cut(w, m, a, b);
	verify_all(w);
}

static void op_mprotect(struct rp_worker *w)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE,
	};
	struct rp_map *m = random_map(w, true);
	struct rp_map mid;
	u64 a, b, n;
	int prot;

	if (!m || w->nr_maps >= MAX_MAPS - 2)
		return;
	n = m->len / page;
	a = below(w, n);
	b = a + 1 + below(w, n - a);
	/* a real change, so that the mm splits the VMA as this list does */
	do
		prot = prots[below(w, ARRAY_SIZE(prots))];
	while (prot == m->prot);
	if (mprotect(m->addr + a * page, (b - a) * page, prot))
		failf(w, "mprotect(%d) of pages [%llu, %llu) of a mapping: %s",
		      prot, (unsigned long long)a, (unsigned long long)b,
		      strerror(errno));
	mid = *m;
	mid.addr += a * page;
	mid.off += a * page;
	mid.len = (b - a) * page;
	mid.prot = prot;
	cut(w, m, a, b);
	w->maps[w->nr_maps++] = mid;
	verify_map(w, &w->maps[w->nr_maps - 1]);
}

static void op_mprotect_bad(struct rp_worker *w)
{
	struct rp_map *m = random_map(w, false);
	int prot;

	if (!m)
		return;
	/* exec never, write never on the info page */
	prot = m->info && chance(w, 50) ? PROT_READ | PROT_WRITE :
	       PROT_READ | PROT_EXEC;
	if (!mprotect(m->addr, m->len, prot))
		failf(w, "mprotect(%d) of a%s mapping succeeded", prot,
		      m->info ? "n info" : " data");
	if (errno != EACCES)
		failf(w, "mprotect(%d): %s, expected EACCES", prot,
		      strerror(errno));
}

static void op_mremap_move(struct rp_worker *w)
{
	struct rp_map *m = random_map(w, false);
	void *to, *p;

	if (!m)
		return;
	/* a free place to move to, reserved so that nothing else takes it */
	to = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (to == MAP_FAILED)
		failf(w, "reserving %zu bytes: %s", m->len, strerror(errno));
	p = mremap(m->addr, m->len, m->len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (p != to)
		failf(w, "mremap move of %zu bytes: %s", m->len,
		      p == MAP_FAILED ? strerror(errno) : "moved elsewhere");
	m->addr = p;
	verify_map(w, m);
	if (m->info) {
		struct remap_pfn_info copy;

		memcpy(&copy, m->addr, sizeof(copy));
		check_info(w, &copy, "the moved info page");
	}
}

static void op_mremap_grow(struct rp_worker *w)
{
	struct rp_map *m = random_map(w, false);
	int flags;
	void *p;

	if (!m)
		return;
	flags = chance(w, 50) ? MREMAP_MAYMOVE : 0;
	p = mremap(m->addr, m->len, m->len + (1 + below(w, 4)) * page, flags);
	if (p != MAP_FAILED)
		failf(w, "mremap grew a mapping of %zu bytes", m->len);
	if (errno != EFAULT)
		failf(w, "mremap grow: %s, expected EFAULT", strerror(errno));
}

static void op_mremap_shrink(struct rp_worker *w)
{
	struct rp_map *m = random_map(w, true);
	size_t len;
	void *p;

	if (!m || m->len < 2 * page)
		return;
	len = (1 + below(w, m->len / page - 1)) * page;
	p = mremap(m->addr, m->len, len, 0);
	if (p != m->addr)
		failf(w, "mremap shrink from %zu to %zu bytes: %s", m->len, len,
		      p == MAP_FAILED ? strerror(errno) : "moved");
	m->len = len;
	verify_map(w, m);
}

/*
 * Drop the page-table entries of part of a data mapping: its bytes must
 * come back on the next touch. Only VM_MIXEDMAP mappings (map=pages)
 * allow it; a VM_PFNMAP one (map=pfn) refuses with EINVAL.
 */
static void op_madvise(struct rp_worker *w)
{
	bool mixed = dev_info.map == REMAP_PFN_MAP_PAGES;
	struct rp_map *m = random_map(w, true);
	u64 a, b, n;
	int ret;

	if (!m)
		return;
	n = m->len / page;
	a = below(w, n);
	b = a + 1 + below(w, n - a);
	ret = madvise(m->addr + a * page, (b - a) * page, MADV_DONTNEED);
	if (mixed && ret)
		failf(w, "madvise(MADV_DONTNEED): %s", strerror(errno));
	if (!mixed && (ret != -1 || errno != EINVAL))
		failf(w, "madvise(MADV_DONTNEED) of a VM_PFNMAP mapping: %s, expected EINVAL",
		      ret ? strerror(errno) : "success");
	verify_map(w, m);
}

/*
 * A child inherits every mapping: it checks the slice through them and
 * that procfs counts exactly its copies, then either changes part of the
 * slice (the parent applies the same change to its copy once the child
 * exited cleanly) or waits to be killed.
 */
static void op_fork(struct rp_worker *w)
{
	struct rp_map *m = NULL;
	unsigned int i, start = w->nr_maps ? below(w, w->nr_maps) : 0;
	bool kill_it = chance(w, 25), clean, killed;
	u64 seed = rnd(w), off = 0, o, l;
	size_t len = 0;
	int status;
	pid_t pid;

	/* a writable mapping of part of the slice, for the child to write */
	for (i = 0; i < w->nr_maps && !kill_it; i++) {
		struct rp_map *c = &w->maps[(start + i) % w->nr_maps];

		if (!c->info && (c->prot & PROT_WRITE) &&
		    own_overlap(w, c->off, c->len, &o, &l)) {
			m = c;
			off = o + below(w, l);
			len = 1 + below(w, o + l - off);
			break;
		}
	}

	pid = fork();
	if (pid < 0)
		failf(w, "fork: %s", strerror(errno));
	if (!pid) {
		struct rp_stats st;
		int bad;

		w->id += 1000;	/* tell the child's messages apart */
		verify_all(w);
		bad = rp_read_stats(&st);
		if (bad)
			failf(w, "child: reading %s: %s", RP_PROC, strerror(-bad));
		if (st.caller_mapped_bytes != own_mapped_bytes(w))
			failf(w, "child: caller_mapped_bytes %llu, but it inherited %llu",
			      (unsigned long long)st.caller_mapped_bytes,
			      (unsigned long long)own_mapped_bytes(w));
		if (kill_it) {
			for (;;)
				pause();
		}
		if (m) {
			w->rng = seed;
			fill_random(w, m->addr + (off - m->off), len);
		}
		_exit(0);
	}

	if (kill_it) {
		if (chance(w, 50))
			usleep(below(w, 2000));
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &status, 0) != pid)
		failf(w, "waitpid: %s", strerror(errno));
	clean = WIFEXITED(status) && !WEXITSTATUS(status);
	killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	if (!clean && !(kill_it && killed))
		failf(w, "the child ended with status %#x", status);
	if (m) {
		u64 keep = w->rng;

		w->rng = seed;
		fill_random(w, w->shadow + (off - w->own_off), len);
		w->rng = keep;
	}
	verify_all(w);
}

static void op_store(struct rp_worker *w)
{
	unsigned int i, start = w->nr_maps ? below(w, w->nr_maps) : 0;
	u64 o, l, off, len;

	for (i = 0; i < w->nr_maps; i++) {
		struct rp_map *m = &w->maps[(start + i) % w->nr_maps];

		if (m->info || !(m->prot & PROT_WRITE) ||
		    !own_overlap(w, m->off, m->len, &o, &l))
			continue;
		off = o + below(w, l);
		len = 1 + below(w, o + l - off);
		fill_random(w, w->shadow + (off - w->own_off), len);
		memcpy(m->addr + (off - m->off), w->shadow + (off - w->own_off),
		       len);
		verify_pread(w);
		return;
	}
}

static void op_write(struct rp_worker *w, bool positioned)
{
	int fd = any_fd(w);
	size_t len;
	ssize_t n;
	u64 off;

	if (fd < 0 || !random_own_range(w, &off, &len))
		return;
	fill_random(w, w->scratch, len);
	if (positioned) {
		n = pwrite(fd, w->scratch, len, (off_t)off);
	} else {
		if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off)
			failf(w, "lseek to %llu: %s", (unsigned long long)off,
			      strerror(errno));
		n = write(fd, w->scratch, len);
	}
	if (n != (ssize_t)len)
		failf(w, "%s of %zu bytes at %llu returned %zd (%s)",
		      positioned ? "pwrite" : "write", len,
		      (unsigned long long)off, n,
		      n < 0 ? strerror(errno) : "short");
	memcpy(w->shadow + (off - w->own_off), w->scratch, len);
	if (!positioned && lseek(fd, 0, SEEK_CUR) != (off_t)(off + len))
		failf(w, "the file position did not move to %llu",
		      (unsigned long long)(off + len));
	verify_all(w);
}

/*
 * Writes at or past the end fail with ENOSPC; one crossing the end is
 * short, which only the worker owning the last page may try.
 */
static void op_write_end(struct rp_worker *w)
{
	bool owns_end = w->own_len && w->own_off + w->own_len == dev_size;
	int fd = any_fd(w);
	ssize_t n;
	u64 k;

	if (fd < 0)
		return;
	if (owns_end && chance(w, 50)) {
		k = 1 + below(w, w->own_len);
		fill_random(w, w->scratch, k + page);
		n = pwrite(fd, w->scratch, k + page, (off_t)(dev_size - k));
		if (n != (ssize_t)k)
			failf(w, "pwrite crossing the end returned %zd, expected %llu",
			      n, (unsigned long long)k);
		memcpy(w->shadow + (dev_size - k - w->own_off), w->scratch, k);
		return;
	}
	fill_random(w, w->scratch, 16);
	n = pwrite(fd, w->scratch, 16, (off_t)(dev_size + below(w, 3 * page)));
	if (n >= 0 || errno != ENOSPC)
		failf(w, "pwrite past the end returned %zd (%s), expected ENOSPC",
		      n, n < 0 ? strerror(errno) : "no error");
}

static void op_read(struct rp_worker *w, bool positioned)
{
	u64 off = below(w, dev_size + page), want, o, l;
	size_t len = 1 + below(w, MAP_PAGES_MAX * page);
	int fd = any_fd(w);
	ssize_t n;

	if (fd < 0)
		return;
	if (positioned) {
		n = pread(fd, w->scratch, len, (off_t)off);
	} else {
		if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off) {
			/* beyond the end, lseek() itself refuses */
			if (off > dev_size && errno == EINVAL)
				return;
			failf(w, "lseek to %llu: %s", (unsigned long long)off,
			      strerror(errno));
		}
		n = read(fd, w->scratch, len);
	}
	want = off >= dev_size ? 0 : dev_size - off < len ? dev_size - off : len;
	if (n != (ssize_t)want)
		failf(w, "%s of %zu bytes at %llu returned %zd (%s), expected %llu",
		      positioned ? "pread" : "read", len,
		      (unsigned long long)off, n,
		      n < 0 ? strerror(errno) : "wrong length",
		      (unsigned long long)want);
	if (own_overlap(w, off, want, &o, &l))
		compare(w, w->scratch + (o - off), o, l,
			positioned ? "through pread" : "through read");
}

static void op_lseek(struct rp_worker *w)
{
	int fd = any_fd(w);
	off_t pos, got;

	if (fd < 0)
		return;
	switch (below(w, 5)) {
	case 0:
		pos = (off_t)below(w, dev_size + 1);
		got = lseek(fd, pos, SEEK_SET);
		break;
	case 1:
		pos = (off_t)dev_size;
		got = lseek(fd, 0, SEEK_END);
		break;
	case 2:	/* back from the end */
		pos = (off_t)below(w, dev_size + 1);
		got = lseek(fd, pos - (off_t)dev_size, SEEK_END);
		break;
	case 3:	/* relative, from a known place */
		if (lseek(fd, 0, SEEK_SET))
			failf(w, "lseek to 0: %s", strerror(errno));
		pos = (off_t)below(w, dev_size + 1);
		got = lseek(fd, pos, SEEK_CUR);
		break;
	default: /* out of [0, size]: refused, the position kept */
		if (lseek(fd, 0, SEEK_SET))
			failf(w, "lseek to 0: %s", strerror(errno));
		pos = chance(w, 50) ? -(off_t)(1 + below(w, 1 << 20)) :
		      (off_t)(dev_size + 1 + below(w, 1 << 20));
		got = lseek(fd, pos, chance(w, 50) ? SEEK_SET : SEEK_CUR);
		if (got != -1 || errno != EINVAL)
			failf(w, "lseek to %lld returned %lld (%s), expected EINVAL",
			      (long long)pos, (long long)got,
			      got < 0 ? strerror(errno) : "no error");
		if (lseek(fd, 0, SEEK_CUR))
			failf(w, "a refused lseek moved the file position");
		return;
	}
	if (got != pos)
		failf(w, "lseek returned %lld (%s), expected %lld",
		      (long long)got, got < 0 ? strerror(errno) : "wrong place",
		      (long long)pos);
}

static void op_ioctl(struct rp_worker *w)
{
	struct remap_pfn_info in;
	int fd = any_fd(w);

	if (fd < 0)
		return;
	switch (below(w, 4)) {
	case 0:
		if (ioctl(fd, _IO(REMAP_PFN_IOC_MAGIC, 0x7f), 0) != -1 ||
		    errno != ENOTTY)
			failf(w, "an unknown ioctl did not fail with ENOTTY");
		break;
	case 1:
		if (ioctl(fd, REMAP_PFN_IOC_INFO, NULL) != -1 ||
		    errno != EFAULT)
			failf(w, "REMAP_PFN_IOC_INFO to NULL did not fail with EFAULT");
		break;
	default:
		if (rp_get_info(fd, &in))
			failf(w, "REMAP_PFN_IOC_INFO: %s", strerror(errno));
		check_info(w, &in, "REMAP_PFN_IOC_INFO");
		break;
	}
}

static void op_procfs(struct rp_worker *w)
{
	struct rp_stats st;
	struct rp_maps m;
	int ret, bad;

	/* procfs, with /proc/self/maps read around it, as one snapshot */
	ret = rp_snapshot(&st, &m, &bad);
	if (ret)
		failf(w, "reading %s: %s (line %d)", RP_PROC, strerror(-ret),
		      bad);
	if (strcmp(st.allocator, allocator_names[dev_info.allocator]) ||
	    st.size != dev_size || st.chunks != dev_info.chunks)
		failf(w, "procfs shows allocator %s, size %llu, chunks %llu",
		      st.allocator, (unsigned long long)st.size,
		      (unsigned long long)st.chunks);
	if (st.caller_mapped_bytes != own_mapped_bytes(w) ||
	    m.dev_bytes != own_mapped_bytes(w) || m.dev_vmas != w->nr_maps)
		failf(w,
		      "caller_mapped_bytes %llu, /proc/self/maps %llu in %u VMAs, but this process maps %llu in %u",
		      (unsigned long long)st.caller_mapped_bytes,
		      (unsigned long long)m.dev_bytes, m.dev_vmas,
		      (unsigned long long)own_mapped_bytes(w), w->nr_maps);
	if (st.caller_vm_bytes != m.vm_bytes)
		failf(w, "caller_vm_bytes %llu, /proc/self/maps %llu",
		      (unsigned long long)st.caller_vm_bytes,
		      (unsigned long long)m.vm_bytes);
	if (st.mappings < w->nr_maps || st.mapped_bytes < own_mapped_bytes(w) ||
	    (w->nr_maps && !st.processes))
		failf(w,
		      "procfs: %llu mappings, %llu bytes, %llu processes; this process alone has %u of %llu bytes",
		      (unsigned long long)st.mappings,
		      (unsigned long long)st.mapped_bytes,
		      (unsigned long long)st.processes, w->nr_maps,
		      (unsigned long long)own_mapped_bytes(w));
}

static void op_close(struct rp_worker *w)
{
	unsigned int i = below(w, MAX_FDS);

	if (w->fds[i] >= 0) {
		if (close(w->fds[i]))
			failf(w, "close: %s", strerror(errno));
		w->fds[i] = -1;
		/* the mappings live on without the file */
		verify_all(w);
	}
	if (any_fd(w) < 0 || chance(w, 50)) {
		w->fds[i] = rp_open();
		if (w->fds[i] < 0)
			failf(w, "open %s: %s", RP_DEV, strerror(errno));
	}
}

/*
 * Export a random range as a dma-buf, read-only or not, and sometimes map
 * it (closing the fd first or last), check the slice through it, store
 * into the slice, sync: everything is gone again when the op returns.
 */
static void op_export(struct rp_worker *w)
{
	struct remap_pfn_export arg = { 0 };
	struct dma_buf_sync sync = { 0 };
	bool rw = chance(w, 60);
	int fd = any_fd(w), prot;
	u64 off, o, l;
	size_t len;
	u8 *p;

	if (fd < 0)
		return;
	random_range(w, &off, &len);
	arg.offset = off;
	arg.length = len;
	arg.flags = (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	if (ioctl(fd, REMAP_PFN_IOC_EXPORT, &arg))
		failf(w, "export of [%llu, +%llu): %s",
		      (unsigned long long)arg.offset,
		      (unsigned long long)arg.length, strerror(errno));
	if (chance(w, 30)) {
		if (close(arg.fd))
			failf(w, "close of a dma-buf: %s", strerror(errno));
		return;
	}

	prot = rw ? PROT_READ | PROT_WRITE : PROT_READ;
	p = mmap(NULL, arg.length, prot, MAP_SHARED, arg.fd, 0);
	if (p == MAP_FAILED)
		failf(w, "mmap of a dma-buf: %s", strerror(errno));
	if (!rw && mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
			arg.fd, 0) != MAP_FAILED)
		failf(w, "a read-only dma-buf was mapped writable");
	/* the mapping lives on without the fd */
	if (chance(w, 50)) {
		if (close(arg.fd))
			failf(w, "close of a mapped dma-buf: %s",
			      strerror(errno));
		arg.fd = -1;
	}

	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW;
	if (arg.fd >= 0 && ioctl(arg.fd, DMA_BUF_IOCTL_SYNC, &sync))
		failf(w, "DMA_BUF_IOCTL_SYNC start: %s", strerror(errno));
	if (own_overlap(w, arg.offset, arg.length, &o, &l)) {
		compare(w, p + (o - arg.offset), o, l, "through a dma-buf");
		if (rw) {
			fill_random(w, w->shadow + (o - w->own_off), l);
			memcpy(p + (o - arg.offset),
			       w->shadow + (o - w->own_off), l);
		}
	}
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	if (arg.fd >= 0 && ioctl(arg.fd, DMA_BUF_IOCTL_SYNC, &sync))
		failf(w, "DMA_BUF_IOCTL_SYNC end: %s", strerror(errno));
	if (munmap(p, arg.length))
		failf(w, "munmap of a dma-buf: %s", strerror(errno));
	if (arg.fd >= 0 && close(arg.fd))
		failf(w, "close of an unmapped dma-buf: %s", strerror(errno));
}

static void worker(struct rp_worker *w)
{
	static const struct { enum rp_op op; unsigned int weight; } mix[] = {
		{ OP_MMAP, 10 }, { OP_MMAP_BAD, 6 }, { OP_MMAP_INFO, 2 },
		{ OP_MUNMAP, 7 }, { OP_MUNMAP_PART, 5 }, { OP_MPROTECT, 5 },
		{ OP_MPROTECT_BAD, 2 }, { OP_MREMAP_MOVE, 4 },
		{ OP_MREMAP_GROW, 2 }, { OP_MREMAP_SHRINK, 2 },
		{ OP_MADVISE, 3 }, { OP_FORK, 2 },
		{ OP_STORE, 8 }, { OP_WRITE, 4 }, { OP_PWRITE, 4 },
		{ OP_WRITE_END, 2 }, { OP_READ, 4 }, { OP_PREAD, 4 },
		{ OP_LSEEK, 3 }, { OP_IOCTL, 3 }, { OP_PROCFS, 3 },
		{ OP_CLOSE, 3 }, { OP_VERIFY, 2 }, { OP_EXPORT, 3 },
	};
	unsigned int total = 0, i;
	int status;

	for (i = 0; i < ARRAY_SIZE(mix); i++)
		total += mix[i].weight;

	/* what the slice holds now is what it must keep holding */
	w->fds[0] = rp_open();
	if (w->fds[0] < 0)
		failf(w, "open %s: %s", RP_DEV, strerror(errno));
	if (w->own_len) {
		fill_random(w, w->shadow, w->own_len);
		if (pwrite(w->fds[0], w->shadow, w->own_len,
			   (off_t)w->own_off) != (ssize_t)w->own_len)
			failf(w, "pwrite of the slice: %s", strerror(errno));
	}

	while (!past_deadline()) {
		unsigned int pick = below(w, total);

		for (i = 0; pick >= mix[i].weight; i++)
			pick -= mix[i].weight;
		w->op = mix[i].op;
		switch (w->op) {
		case OP_MMAP:
			op_mmap(w);
			break;
		case OP_MMAP_BAD:
			op_mmap_bad(w);
			break;
		case OP_MMAP_INFO:
			op_mmap_info(w);
			break;
		case OP_MUNMAP:
			op_munmap(w);
			break;
		case OP_MUNMAP_PART:
			op_munmap_part(w);
			break;
		case OP_MPROTECT:
			op_mprotect(w);
			break;
		case OP_MPROTECT_BAD:
			op_mprotect_bad(w);
			break;
		case OP_MREMAP_MOVE:
			op_mremap_move(w);
			break;
		case OP_MREMAP_GROW:
			op_mremap_grow(w);
			break;
		case OP_MREMAP_SHRINK:
			op_mremap_shrink(w);
			break;
		case OP_MADVISE:
			op_madvise(w);
			break;
		case OP_FORK:
			op_fork(w);
			break;
		case OP_STORE:
			op_store(w);
			break;
		case OP_WRITE:
			op_write(w, false);
			break;
		case OP_PWRITE:
			op_write(w, true);
			break;
		case OP_WRITE_END:
			op_write_end(w);
			break;
		case OP_READ:
			op_read(w, false);
			break;
		case OP_PREAD:
			op_read(w, true);
			break;
		case OP_LSEEK:
			op_lseek(w);
			break;
		case OP_IOCTL:
			op_ioctl(w);
			break;
		case OP_PROCFS:
			op_procfs(w);
			break;
		case OP_CLOSE:
			op_close(w);
			break;
		case OP_EXPORT:
			op_export(w);
			break;
		default:
			verify_all(w);
			break;
		}
		w->rep->ops[w->op]++;
	}

	/* the end: everything checked once more, then let go */
	w->op = OP_VERIFY;
	verify_all(w);
	while (w->nr_maps) {
		if (munmap(w->maps[0].addr, w->maps[0].len))
			failf(w, "munmap: %s", strerror(errno));
		drop_map(w, 0);
	}
	w->op = OP_PROCFS;
	op_procfs(w);
	for (i = 0; i < MAX_FDS; i++)
		if (w->fds[i] >= 0)
			close(w->fds[i]);
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
	w->rep->hash = fnv1a(w->shadow, w->own_len);
	w->rep->done = 1;
	exit(0);
}

/* --- the parent -------------------------------------------------------- */

static unsigned long env_or(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/* Try to unload until told to stop; every try must be refused */
static void unloader(int *stop, u64 *tries)
{
	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		if (!syscall(SYS_delete_module, "remap_pfn", O_NONBLOCK)) {
			fprintf(stderr,
				"remap_pfn_stress: FAIL: remap_pfn unloaded while in use\n");
			exit(1);
		}
		if (errno != EWOULDBLOCK) {
			fprintf(stderr,
				"remap_pfn_stress: FAIL: delete_module: %s, expected EWOULDBLOCK\n",
				strerror(errno));
			exit(1);
		}
		(*tries)++;
		usleep(1000);
	}
	exit(0);
}

static int check_gone(void)
{
	static const char *const paths[] = {
		RP_DEV, RP_PROC, "/sys/module/remap_pfn",
	};
	unsigned int i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!access(paths[i], F_OK)) {
			fprintf(stderr,
				"remap_pfn_stress: FAIL: %s still exists after the unload\n",
				paths[i]);
			bad = 1;
		}
	}
	return bad;
}

static void print_usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-n PROCS] [-t SECONDS] [-s SEED] [-u]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long nproc = env_or("REMAP_PFN_STRESS_PROCS", 4);
	unsigned long seconds = env_or("REMAP_PFN_STRESS_SECONDS", 60);
	u64 seed = env_or("REMAP_PFN_STRESS_SEED", 0);
	struct { int stop; u64 tries; } *race;
	struct rp_worker_report *reps;
	pid_t pids[MAX_PROCS], racer = 0;
	u64 totals[NR_OPS] = { 0 }, sum = 0, pages, slice;
	bool unload_race = false;
	struct rp_stats st;
	unsigned long i;
	int opt, fd, status, failed = 0, ret;
	u8 *whole;

	while ((opt = getopt(argc, argv, "n:t:s:u")) != -1) {
		switch (opt) {
		case 'n':
			nproc = strtoul(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'u':
			unload_race = true;
			break;
		default:
			print_usage(argv[0]);
		}
	}
	if (optind != argc || !nproc || nproc > MAX_PROCS)
		print_usage(argv[0]);
	if (!seed) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		seed = (u64)now.tv_sec * 1000003 ^ (u64)now.tv_nsec ^ getpid();
	}

	page = rp_page_size();
	fd = rp_open();
	if (fd < 0) {
		printf("remap_pfn_stress: %s: %s: SKIP\n", RP_DEV, strerror(errno));
		return KSFT_SKIP;
	}
	if (rp_get_info(fd, &dev_info)) {
		printf("remap_pfn_stress: FAIL: REMAP_PFN_IOC_INFO: %s\n",
		       strerror(errno));
		return 1;
	}
	dev_size = dev_info.size;
	if (dev_info.allocator >= ARRAY_SIZE(allocator_names)) {
		printf("remap_pfn_stress: FAIL: unknown allocator %u\n",
		       dev_info.allocator);
		return 1;
	}
	printf("remap_pfn_stress: %lu processes for %lu s, seed %llu, %s, size %llu%s\n",
	       nproc, seconds, (unsigned long long)seed,
	       allocator_names[dev_info.allocator],
	       (unsigned long long)dev_size,
	       unload_race ? ", with delete_module() racing" : "");
	fflush(stdout);

	/* the parent's own mapping outlives its file, through everything */
	whole = rp_map(fd, 0, dev_size, PROT_READ);
	if (whole == MAP_FAILED) {
		printf("remap_pfn_stress: FAIL: mmap of the whole buffer: %s\n",
		       strerror(errno));
		return 1;
	}
	close(fd);

	reps = mmap(NULL, sizeof(*reps) * nproc, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	race = mmap(NULL, sizeof(*race), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reps == MAP_FAILED || race == MAP_FAILED) {
		printf("remap_pfn_stress: FAIL: shared memory: %s\n",
		       strerror(errno));
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;

	/* slices: whole pages, the last worker takes what is left over */
	pages = dev_size / page;
	slice = pages / nproc < OWN_PAGES_MAX ? pages / nproc : OWN_PAGES_MAX;
	for (i = 0; i < nproc; i++) {
		struct rp_worker *w = calloc(1, sizeof(*w));

		if (!w)
			return 1;
		w->id = (int)i;
		w->rng = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;
		w->rng = w->rng ? w->rng : 1;
		w->own_off = i * slice * page;
		w->own_len = slice * page;
		if (i == nproc - 1 && slice < OWN_PAGES_MAX)
			w->own_len = dev_size - w->own_off;
		w->rep = &reps[i];
		w->fds[0] = -1;
		w->fds[1] = -1;
		w->fds[2] = -1;
		w->shadow = malloc(w->own_len + 1);
		w->scratch = malloc(MAP_PAGES_MAX * page + w->own_len + page);
		if (!w->shadow || !w->scratch)
			return 1;
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] < 0) {
			printf("remap_pfn_stress: FAIL: fork: %s\n", strerror(errno));
			return 1;
		}
		if (!pids[i]) {
			/* the parent's mapping is not this worker's */
			if (munmap(whole, dev_size))
				failf(w, "munmap of the inherited mapping: %s",
				      strerror(errno));
			worker(w);
		}
		free(w->shadow);
		free(w->scratch);
		free(w);
	}
	if (unload_race) {
		racer = fork();
		if (!racer) {
			munmap(whole, dev_size);
			unloader(&race->stop, &race->tries);
		}
	}

	for (i = 0; i < nproc; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) || !reps[i].done) {
			printf("remap_pfn_stress: FAIL: worker %lu ended with status %#x\n",
			       i, status);
			failed = 1;
		}
	}

	/* the mapping held all along still shows what every worker left */
	for (i = 0; i < nproc && !failed; i++) {
		u64 off = i * slice * page;
		u64 len = i == nproc - 1 && slice < OWN_PAGES_MAX ?
			  dev_size - off : slice * page;

		if (reps[i].hash != fnv1a(whole + off, len)) {
			printf("remap_pfn_stress: FAIL: worker %lu's slice %s\n",
			       i, "reads differently through the parent's mapping");
			failed = 1;
		}
	}

	if (racer > 0) {
		__atomic_store_n(&race->stop, 1, __ATOMIC_RELEASE);
		if (waitpid(racer, &status, 0) != racer || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			printf("remap_pfn_stress: FAIL: unloader status %#x\n",
			       status);
			failed = 1;
		}
	}
	if (munmap(whole, dev_size)) {
		printf("remap_pfn_stress: FAIL: munmap: %s\n", strerror(errno));
		failed = 1;
	}

	printf("remap_pfn_stress: operations done:\n");
	for (i = 0; i < NR_OPS; i++) {
		unsigned long j;

		for (j = 0; j < nproc; j++)
			totals[i] += reps[j].ops[i];
		sum += totals[i];
		printf("  %-24s %10llu\n", op_names[i],
		       (unsigned long long)totals[i]);
	}
	printf("  %-24s %10llu\n", "total", (unsigned long long)sum);
	if (unload_race)
		printf("remap_pfn_stress: delete_module() refused %llu times while in use\n",
		       (unsigned long long)race->tries);

	/* every process is gone: nothing may be left mapped */
	ret = rp_read_stats(&st);
	if (ret) {
		printf("remap_pfn_stress: FAIL: reading %s: %s\n", RP_PROC,
		       strerror(-ret));
		failed = 1;
	} else {
		printf("remap_pfn_stress: after the run: mappings %llu, ",
		       (unsigned long long)st.mappings);
		printf("mapped_bytes %llu, processes %llu\n",
		       (unsigned long long)st.mapped_bytes,
		       (unsigned long long)st.processes);
		if (st.mappings || st.mapped_bytes || st.processes) {
			printf("remap_pfn_stress: FAIL: mappings left behind\n");
			failed = 1;
		}
	}

	if (unload_race && !failed) {
		if (syscall(SYS_delete_module, "remap_pfn", O_NONBLOCK)) {
			printf("remap_pfn_stress: FAIL: unloading after the run: %s\n",
			       strerror(errno));
			failed = 1;
		} else {
			printf("remap_pfn_stress: unloaded remap_pfn\n");
			failed |= check_gone();
		}
	}

	if (!sum) {
		printf("remap_pfn_stress: FAIL: no operation was done\n");
		failed = 1;
	}
	printf("remap_pfn_stress: %s\n", failed ? "FAIL" : "PASS");
	return failed;
}
