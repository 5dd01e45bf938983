// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mmap() contract of /dev/remap_pfn: which mappings the driver
 * accepts, which it refuses and with which errno, and what an accepted
 * mapping shows. The buffer size and allocator come from the device.
 *
 * Run this program first after loading the module: its first test
 * checks that the fresh buffer reads zero.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"

RP_REQUIRE_DEVICE()

FIXTURE(mmap)
{
	int fd;
	struct remap_pfn_info info;
	size_t page;
	size_t size;
	size_t pages;
};

FIXTURE_SETUP(mmap)
{
	self->page = rp_page_size();
	self->fd = rp_open();
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s went away", RP_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RP_DEV, strerror(errno));
	ASSERT_EQ(0, rp_get_info(self->fd, &self->info));
	self->size = self->info.size;
	self->pages = self->size / self->page;
	ASSERT_NE(0, self->pages);
	ASSERT_EQ(0, self->size % self->page);
}

FIXTURE_TEARDOWN(mmap)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ioctl() view of the live counters */
static void live_counts(struct __test_metadata *_metadata, int fd,
			u64 *mappings, u64 *bytes)
{
	struct remap_pfn_info info;

	ASSERT_EQ(0, rp_get_info(fd, &info));
	*mappings = info.mappings;
	*bytes = info.mapped_bytes;
}

/* The counters agree with the device VMAs this process can see */
static void counts_match_maps(struct __test_metadata *_metadata, int fd)
{
	u64 mappings, bytes;
	struct rp_stats st;
	struct rp_maps m;
	int bad;

	ASSERT_EQ(0, rp_snapshot(&st, &m, &bad)) TH_LOG("procfs line %d", bad);
	live_counts(_metadata, fd, &mappings, &bytes);
	EXPECT_EQ(m.dev_vmas, mappings);
	EXPECT_EQ(m.dev_bytes, bytes);
	EXPECT_EQ(m.dev_vmas, st.mappings);
	EXPECT_EQ(m.dev_bytes, st.mapped_bytes);
}

/* Every byte of a freshly loaded buffer, rounded-up tail included, is 0 */
TEST_F_TIMEOUT(mmap, fresh_buffer_reads_zero, 120)
{
	s64 bad;
	void *p;

	p = rp_map(self->fd, 0, self->size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	bad = rp_check(p, 0, 0, self->size);
	EXPECT_EQ(-1, bad) TH_LOG("nonzero byte at offset %lld of %zu",
				  (long long)bad, self->size);
	bad = rp_pread_check(self->fd, 0, 0, self->size);
	EXPECT_EQ(-1, bad) TH_LOG("read(): nonzero byte at offset %lld",
				  (long long)bad);
	ASSERT_EQ(0, munmap(p, self->size));
}

/* The node is a root-only character device, procfs and params read-only */
TEST_F(mmap, file_modes)
{
	struct stat st;

	ASSERT_EQ(0, stat(RP_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, stat(RP_PROC, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_EQ(0, stat(RP_PARAMS "allocator", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_EQ(0, stat(RP_PARAMS "size", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_EQ(0, stat(RP_PARAMS "map", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
}

/* memparse() of a size= string as the module does, rounded up to pages */
static u64 parse_size(const char *s, size_t page)
{
	static const char units[] = "KMG";
	char *end;
	u64 v = strtoull(s, &end, 0);
	const char *u = *end ? strchr(units, toupper(*end)) : NULL;

	if (u)
		v <<= 10 * (u - units + 1);
	return (v + page - 1) / page * page;
}

/* The word after "@key=" in @env, or @def */
static const char *param_word(const char *env, const char *key,
			      const char *def, char *buf, size_t size)
{
	const char *p = env ? strstr(env, key) : NULL;

	if (!p)
		return def;
	p += strlen(key);
	snprintf(buf, size, "%.*s", (int)strcspn(p, " \t"), p);
	return buf;
}

/*
 * The parameters the runner loaded the module with, from
 * REMAP_PFN_PARAMS ("allocator=vmalloc size=20K map=pages"); defaults if
 * absent.
 */
static void expected_params(size_t page, const char **alloc, u64 *size,
			    const char **map)
{
	const char *env = getenv("REMAP_PFN_PARAMS");
	static char alloc_buf[32], size_buf[32], map_buf[32];

	*alloc = param_word(env, "allocator=", "vmalloc", alloc_buf,
			    sizeof(alloc_buf));
	*size = parse_size(param_word(env, "size=", "128K", size_buf,
				      sizeof(size_buf)), page);
	*map = param_word(env, "map=", "pfn", map_buf, sizeof(map_buf));
}

static const char *const alloc_names[] = {
	[REMAP_PFN_ALLOC_KMALLOC] = "kmalloc",
	[REMAP_PFN_ALLOC_VMALLOC] = "vmalloc",
	[REMAP_PFN_ALLOC_PAGES] = "alloc_pages",
};

static const char *const map_names[] = {
	[REMAP_PFN_MAP_PFN] = "pfn",
	[REMAP_PFN_MAP_PAGES] = "pages",
};

/*
 * The info page, REMAP_PFN_IOC_INFO, the module parameters and procfs all
 * describe the same buffer, and the info page shows nothing but the
 * struct: the rest of that kernel page must not leak old data.
 */
TEST_F(mmap, info_page_agrees_with_ioctl_params_procfs)
{
	const struct remap_pfn_info *ip;
	struct remap_pfn_info info;
	char text[64], want[64];
	const char *exp_alloc, *exp_map;
	struct rp_stats st;
	u64 exp_size;
	const u8 *p;
	size_t i;

	expected_params(self->page, &exp_alloc, &exp_size, &exp_map);
	p = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap info: %s", strerror(errno));
	ip = (const void *)p;
	ASSERT_EQ(0, rp_get_info(self->fd, &info));

	ASSERT_GT(ARRAY_SIZE(alloc_names), info.allocator);
	EXPECT_STREQ(exp_alloc, alloc_names[info.allocator]);
	EXPECT_EQ(exp_size, info.size);
	EXPECT_EQ(self->page, info.page_size);
	ASSERT_GT(ARRAY_SIZE(map_names), info.map);
	EXPECT_STREQ(exp_map, map_names[info.map]);
	EXPECT_EQ(0, info.exports);
	EXPECT_EQ(0, info.export_bytes);
	/* the info mapping itself is live */
	EXPECT_EQ(1, info.mappings);
	EXPECT_EQ(self->page, info.mapped_bytes);
	switch (info.allocator) {
	case REMAP_PFN_ALLOC_KMALLOC:
		EXPECT_EQ(1, info.chunks);
		break;
	case REMAP_PFN_ALLOC_VMALLOC:
		EXPECT_EQ(self->pages, info.chunks);
		break;
	default:
		EXPECT_LE(1, info.chunks);
		EXPECT_GE(self->pages, info.chunks);
	}

	EXPECT_EQ(info.allocator, ip->allocator);
	EXPECT_EQ(info.page_size, ip->page_size);
	EXPECT_EQ(info.size, ip->size);
	EXPECT_EQ(info.chunks, ip->chunks);
	EXPECT_EQ(info.mappings, ip->mappings);
	EXPECT_EQ(info.mapped_bytes, ip->mapped_bytes);
	EXPECT_EQ(info.map, ip->map);
	EXPECT_EQ(info.huge_faults, ip->huge_faults);
	EXPECT_EQ(0, ip->exports);
	EXPECT_EQ(0, ip->export_bytes);
	for (i = sizeof(*ip); i < self->page; i++)
		if (p[i])
			break;
	EXPECT_EQ(self->page, i) TH_LOG("info page byte %zu is %#x", i, p[i]);

	ASSERT_EQ(0, rp_read_stats(&st));
	EXPECT_STREQ(alloc_names[info.allocator], st.allocator);
	EXPECT_STREQ(map_names[info.map], st.map);
	EXPECT_EQ(info.size, st.size);
	EXPECT_EQ(info.chunks, st.chunks);
	EXPECT_EQ(1, st.mappings);
	EXPECT_EQ(self->page, st.mapped_bytes);

	ASSERT_LT(0, rp_read_file(RP_PARAMS "allocator", text, sizeof(text)));
	snprintf(want, sizeof(want), "%s\n", alloc_names[info.allocator]);
	EXPECT_STREQ(want, text);
	ASSERT_LT(0, rp_read_file(RP_PARAMS "size", text, sizeof(text)));
	snprintf(want, sizeof(want), "%llu\n", (unsigned long long)info.size);
	EXPECT_STREQ(want, text);
	ASSERT_LT(0, rp_read_file(RP_PARAMS "map", text, sizeof(text)));
	snprintf(want, sizeof(want), "%s\n", map_names[info.map]);
	EXPECT_STREQ(want, text);

	ASSERT_EQ(0, munmap((void *)p, self->page));
}

/* Only MAP_SHARED: a private copy of the shared buffer is EINVAL */
TEST_F(mmap, map_private_einval)
{
	void *p;

	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, self->page, PROT_READ, MAP_PRIVATE, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, self->page, PROT_READ, MAP_PRIVATE, self->fd,
		 REMAP_PFN_OFF_INFO);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	counts_match_maps(_metadata, self->fd);
}

/* PROT_EXEC is refused with EPERM in every region */
TEST_F(mmap, prot_exec_eperm)
{
	void *p;

	p = rp_map(self->fd, 0, self->page, PROT_READ | PROT_EXEC);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = rp_map(self->fd, 0, self->size,
		   PROT_READ | PROT_WRITE | PROT_EXEC);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page,
		   PROT_READ | PROT_EXEC);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	counts_match_maps(_metadata, self->fd);
}

/* VM_MAYEXEC is cleared: mprotect() cannot add PROT_EXEC later (EACCES) */
TEST_F(mmap, mprotect_exec_eacces)
{
	u8 *d, *i;

	d = rp_map(self->fd, 0, self->size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	i = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, i);
	EXPECT_EQ(-1, mprotect(d, self->size, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(d, self->page,
			       PROT_READ | PROT_WRITE | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(i, self->page, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	/* the refusals left the mappings usable */
	d[0] = 0x5a;
	EXPECT_EQ(0x5a, d[0]);
	d[0] = 0;
	EXPECT_EQ(self->size, ((struct remap_pfn_info *)i)->size);
	ASSERT_EQ(0, munmap(d, self->size));
	ASSERT_EQ(0, munmap(i, self->page));
}

/* The info region is read-only: PROT_WRITE at mmap() time is EPERM */
TEST_F(mmap, info_write_eperm)
{
	void *p;

	p = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page,
		   PROT_READ | PROT_WRITE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	p = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page, PROT_WRITE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	counts_match_maps(_metadata, self->fd);
}

/* VM_MAYWRITE is cleared on the info region: mprotect() gets EACCES */
TEST_F(mmap, info_mprotect_write_eacces)
{
	const struct remap_pfn_info *ip;

	ip = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, ip);
	EXPECT_EQ(-1, mprotect((void *)ip, self->page,
			       PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect((void *)ip, self->page, PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(self->size, ip->size);
	ASSERT_EQ(0, munmap((void *)ip, self->page));
}

/* A range that runs past the end of the data region is EINVAL */
TEST_F(mmap, range_crossing_data_end_einval)
{
	void *p;

	p = rp_map(self->fd, 0, self->size + self->page, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = rp_map(self->fd, self->size - self->page, 2 * self->page,
		   PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = rp_map(self->fd, self->size, self->page, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* the exact region still maps */
	p = rp_map(self->fd, 0, self->size, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, self->size));
	p = rp_map(self->fd, self->size - self->page, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, self->page));
	counts_match_maps(_metadata, self->fd);
}

/* The info region is exactly one page; nothing maps around it */
TEST_F(mmap, info_region_is_one_page)
{
	void *p;

	p = rp_map(self->fd, REMAP_PFN_OFF_INFO, 2 * self->page, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = rp_map(self->fd, REMAP_PFN_OFF_INFO - self->page, 2 * self->page,
		   PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	counts_match_maps(_metadata, self->fd);
}

/*
 * Offsets outside both regions are EINVAL, however large: offset
 * arithmetic in the driver must not wrap. The last page below 2^64 is
 * refused by the core before the driver sees it (EOVERFLOW); the page
 * before it reaches the driver.
 */
TEST_F(mmap, offsets_outside_regions_einval)
{
	const u64 pg = self->page;
	const u64 offs[] = {
		self->size,
		self->size + pg,
		(self->size + (1 << 20)) & ~(u64)((1 << 20) - 1),
		1ULL << 32,
		REMAP_PFN_OFF_INFO / 2,
		REMAP_PFN_OFF_INFO - pg,
		REMAP_PFN_OFF_INFO + pg,
		REMAP_PFN_OFF_INFO + self->size,
		REMAP_PFN_OFF_INFO * 2,
		1ULL << 62,
		1ULL << 63,
		(1ULL << 63) + REMAP_PFN_OFF_INFO,
		0ULL - REMAP_PFN_OFF_INFO,
		0ULL - self->size - pg,
		0ULL - 2 * pg,
	};
	unsigned int i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		p = rp_map(self->fd, offs[i], pg, PROT_READ);
		EXPECT_EQ(MAP_FAILED, p)
			TH_LOG("offset %#llx mapped", (unsigned long long)offs[i]);
		EXPECT_EQ(EINVAL, errno)
			TH_LOG("offset %#llx: %s", (unsigned long long)offs[i],
			       strerror(errno));
		if (p != MAP_FAILED)
			munmap(p, pg);
	}
	p = rp_map(self->fd, 0ULL - pg, pg, PROT_READ);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_TRUE(errno == EOVERFLOW || errno == EINVAL)
		TH_LOG("offset 2^64 - page: %s", strerror(errno));
	counts_match_maps(_metadata, self->fd);
}

/*
 * Every page-aligned sub-range maps exactly its part of the buffer: single
 * pages at their offsets (all of them, or a sample in a big buffer), and
 * ranges starting inside the buffer (which cross chunk boundaries for
 * alloc_pages).
 */
TEST_F_TIMEOUT(mmap, subranges_map_their_bytes, 180)
{
	const size_t pg = self->page;
	const size_t starts[] = {
		0, 1, 3, self->pages / 3, self->pages / 2, self->pages - 1,
	};
	s64 bad;
	size_t i, n;
	u8 *p;

	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 31, 0, self->size));
	for (i = 0; i < self->pages; i++) {
		/*
		 * Every page of a buffer up to 4096 pages; of a bigger one,
		 * the two pages around each 64-page boundary (chunks and
		 * their runs are aligned to powers of two) and every 61st.
		 */
		if (self->pages > 4096 && i % 61 && i % 64 && i % 64 != 63)
			continue;
		p = rp_map(self->fd, i * pg, pg, PROT_READ);
		ASSERT_NE(MAP_FAILED, p) TH_LOG("page %zu: %s", i,
						strerror(errno));
		bad = rp_check(p, 31, i * pg, pg);
		ASSERT_EQ(-1, bad) TH_LOG("page %zu shows other bytes", i);
		ASSERT_EQ(0, munmap(p, pg));
	}
	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		size_t off = starts[i] * pg;

		if (starts[i] >= self->pages)
			continue;
		for (n = 1; n <= self->pages - starts[i]; n = n * 2 + 1) {
			p = rp_map(self->fd, off, n * pg, PROT_READ);
			ASSERT_NE(MAP_FAILED, p);
			bad = rp_check(p, 31, off, n * pg);
			ASSERT_EQ(-1, bad)
				TH_LOG("[%zu, +%zu pages) wrong at %lld",
				       off, n, (long long)bad);
			ASSERT_EQ(0, munmap(p, n * pg));
		}
		/* and the range up to the very end */
		n = self->pages - starts[i];
		p = rp_map(self->fd, off, n * pg, PROT_READ);
		ASSERT_NE(MAP_FAILED, p);
		bad = rp_check(p, 31, off, n * pg);
		ASSERT_EQ(-1, bad) TH_LOG("[%zu, end) wrong at %lld", off,
					  (long long)bad);
		ASSERT_EQ(0, munmap(p, n * pg));
	}
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, 0, self->size));
}

/*
 * A read-only fd still maps MAP_SHARED, read-only: the kernel drops
 * VM_SHARED for it, so "shared" must be judged by VM_MAYSHARE.
 */
TEST_F(mmap, read_only_fd_maps_shared)
{
	const struct remap_pfn_info *ip;
	u8 *d;
	int fd;

	fd = open(RP_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 23, 0, self->page));
	d = rp_map(fd, 0, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, d) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(-1, rp_check(d, 23, 0, self->page));
	ip = rp_map(fd, REMAP_PFN_OFF_INFO, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, ip) TH_LOG("mmap info: %s", strerror(errno));
	EXPECT_EQ(self->size, ip->size);
	/* and never writable through that fd */
	EXPECT_EQ(MAP_FAILED, rp_map(fd, 0, self->page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(d, self->page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, munmap(d, self->page));
	ASSERT_EQ(0, munmap((void *)ip, self->page));
	close(fd);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, 0, self->page));
}

/* VM_DONTEXPAND: mremap() cannot grow any mapping, in place or moving */
TEST_F(mmap, mremap_growth_efault)
{
	const size_t pg = self->page;
	u8 *d, *w, *i, *q;

	d = rp_map(self->fd, 0, pg, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	w = rp_map(self->fd, 0, self->size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, w);
	i = rp_map(self->fd, REMAP_PFN_OFF_INFO, pg, PROT_READ);
	ASSERT_NE(MAP_FAILED, i);

	q = mremap(d, pg, 2 * pg, 0);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);
	q = mremap(d, pg, 2 * pg, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);
	q = mremap(w, self->size, self->size + pg, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);
	q = mremap(i, pg, 2 * pg, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);

	/* still the same shared bytes */
	d[7] = 0xa7;
	EXPECT_EQ(0xa7, w[7]);
	d[7] = 0;
	counts_match_maps(_metadata, self->fd);
	ASSERT_EQ(0, munmap(d, pg));
	ASSERT_EQ(0, munmap(w, self->size));
	ASSERT_EQ(0, munmap(i, pg));
}

/*
 * MAP_FIXED over part of a mapping replaces exactly that part, with the
 * new offset's bytes, and the counters follow the VMAs. A refused
 * MAP_FIXED leaves no counted VMA behind.
 */
TEST_F(mmap, map_fixed_over_part)
{
	const size_t pg = self->page;
	const struct remap_pfn_info *ip;
	u64 mappings, bytes;
	u8 *base, *p;

	if (self->pages < 4)
		SKIP(return, "needs a buffer of 4 pages or more");
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 21, 0, self->size));
	base = rp_map(self->fd, 0, self->size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, base);

	/* page 1 of the mapping now shows page 0 of the buffer */
	p = mmap(base + pg, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 self->fd, 0);
	ASSERT_EQ(base + pg, p);
	EXPECT_EQ(-1, rp_check(base + pg, 21, 0, pg));
	EXPECT_EQ(-1, rp_check(base, 21, 0, pg));
	EXPECT_EQ(-1, rp_check(base + 2 * pg, 21, 2 * pg, self->size - 2 * pg));
	rp_fill(base + pg, 22, 0, pg);
	EXPECT_EQ(-1, rp_check(base, 22, 0, pg));
	live_counts(_metadata, self->fd, &mappings, &bytes);
	EXPECT_EQ(3, mappings);
	EXPECT_EQ(self->size, bytes);

	/* page 2 shows the info region */
	p = mmap(base + 2 * pg, pg, PROT_READ, MAP_SHARED | MAP_FIXED,
		 self->fd, REMAP_PFN_OFF_INFO);
	ASSERT_EQ(base + 2 * pg, p);
	ip = (const void *)p;
	EXPECT_EQ(self->size, ip->size);
	EXPECT_EQ(4, ip->mappings);
	EXPECT_EQ(self->size, ip->mapped_bytes);
	EXPECT_EQ(-1, rp_check(base + 3 * pg, 21, 3 * pg, self->size - 3 * pg));

	/* a refused MAP_FIXED over page 0 */
	p = mmap(base, pg, PROT_READ, MAP_SHARED | MAP_FIXED, self->fd,
		 self->size);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	counts_match_maps(_metadata, self->fd);

	ASSERT_EQ(0, munmap(base, self->size));
	live_counts(_metadata, self->fd, &mappings, &bytes);
	EXPECT_EQ(0, mappings);
	EXPECT_EQ(0, bytes);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, 0, self->size));
}

TEST_HARNESS_MAIN
