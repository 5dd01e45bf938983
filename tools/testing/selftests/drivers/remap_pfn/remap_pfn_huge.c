// SPDX-License-Identifier: GPL-2.0-only
/*
 * PMD entries for map=pfn: a mapping whose address and buffer offset are
 * 2 MiB-aligned alike gets one page-table entry per physically contiguous
 * 2 MiB piece, counted in struct remap_pfn_info.huge_faults; any other
 * mapping gets none. Cutting through an entry (munmap(), mprotect(),
 * mremap()) and fork() keep every byte where it was.
 *
 * Whether the kernel can map special PFNs at PMD level is not asked of the
 * driver: REMAP_PFN_HUGE_PFNMAP=1 or 0 says so (make check sets it from
 * the kernel's configuration), else /boot/config-$(uname -r) is read for
 * CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, else the tests that depend on it skip.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"

RP_REQUIRE_DEVICE()

#define RP_PMD		(2ULL << 20)
#define RP_THP		"/sys/kernel/mm/transparent_hugepage/enabled"
#define RP_UNKNOWN	\
	"unknown whether this kernel maps PFNs at PMD level (set REMAP_PFN_HUGE_PFNMAP=0|1)"

/* 1 or 0 if the kernel maps special PFNs at PMD level, -1 if unknown */
static int rp_kernel_huge(void)
{
	const char *env = getenv("REMAP_PFN_HUGE_PFNMAP");
	const char *key = "CONFIG_ARCH_SUPPORTS_PMD_PFNMAP=y";
	char path[128], line[256];
	struct utsname u;
	int ret = 0;
	FILE *f;

	if (env && *env)
		return !strcmp(env, "1");
	if (uname(&u))
		return -1;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			ret = 1;
	fclose(f);
	return ret;
}

/* A module parameter's value as one character ('Y', 'N'), or 0 */
static char rp_param_char(const char *name)
{
	char path[128], text[16];

	snprintf(path, sizeof(path), RP_PARAMS "%s", name);
	if (rp_read_file(path, text, sizeof(text)) < 1)
		return 0;
	return text[0];
}

/* Does the THP setting say 'never' (or 'madvise')? */
static bool rp_thp_is(const char *what)
{
	char text[128], sel[32];

	if (rp_read_file(RP_THP, text, sizeof(text)) < 0)
		return false;
	snprintf(sel, sizeof(sel), "[%s]", what);
	return strstr(text, sel);
}

static u64 rp_huge_faults(int fd)
{
	struct remap_pfn_info info;

	if (rp_get_info(fd, &info))
		return ~0ULL;
	return info.huge_faults;
}

FIXTURE(huge)
{
	int fd;
	struct remap_pfn_info info;
	size_t page;
	/* PMD entries are expected: -1 unknown, else 0 or 1 */
	int expect;
	/* how many of the buffer's pieces PMD entries map, -1 unknown */
	s64 pieces;
	u8 *p;
	size_t len;
	void *area;
	size_t area_len;
};

FIXTURE_SETUP(huge)
{
	char huge_param;
	int kernel;

	self->page = rp_page_size();
	self->fd = rp_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RP_DEV, strerror(errno));
	ASSERT_EQ(0, rp_get_info(self->fd, &self->info));
	self->len = self->info.size;
	self->p = MAP_FAILED;
	self->area = MAP_FAILED;

	huge_param = rp_param_char("huge");
	ASSERT_TRUE(huge_param == 'Y' || huge_param == 'N');
	kernel = rp_kernel_huge();
	if (self->info.map != REMAP_PFN_MAP_PFN || huge_param == 'N' ||
	    kernel == 0)
		self->expect = 0;
	else if (kernel < 0 || rp_thp_is("never"))
		self->expect = -1;
	else
		self->expect = 1;

	/*
	 * With equal chunks of at least 2 MiB (each a buddy block, so
	 * naturally aligned) every 2 MiB piece is one; kmalloc's single
	 * block is one buddy block too. Otherwise the count is not known:
	 * vmalloc's pages are allocated one by one, and 512 of them may
	 * still happen to be consecutive (as right after boot).
	 */
	if (self->info.allocator == REMAP_PFN_ALLOC_VMALLOC)
		self->pieces = -1;
	else if (self->info.size % self->info.chunks == 0 &&
		 (self->info.size / self->info.chunks) % RP_PMD == 0)
		self->pieces = self->info.size / RP_PMD;
	else if (self->info.allocator == REMAP_PFN_ALLOC_KMALLOC)
		self->pieces = self->info.size / RP_PMD;
	else
		self->pieces = -1;
}

FIXTURE_TEARDOWN(huge)
{
	if (self->p != MAP_FAILED && !self->area_len)
		munmap(self->p, self->len);
	if (self->area != MAP_FAILED)
		munmap(self->area, self->area_len);
	close(self->fd);
}

/*
 * Map @len bytes of the data region where the kernel chooses. On 6.12,
 * huge faults follow the THP setting: under 'madvise' a mapping asks for
 * them with MADV_HUGEPAGE, as the documentation tells users to.
 */
static void *rp_map_whole(int fd, size_t len)
{
	void *p = rp_map(fd, 0, len, PROT_READ | PROT_WRITE);

	if (p != MAP_FAILED && rp_thp_is("madvise") &&
	    madvise(p, len, MADV_HUGEPAGE)) {
		munmap(p, len);
		return MAP_FAILED;
	}
	return p;
}

/*
 * How many PMD entries a write to every page of the buffer must make, from
 * the fixture's expect and pieces; -1 if not known
 */
static s64 rp_expected(int expect, s64 pieces)
{
	return expect ? pieces : 0;
}

/*
 * An aligned mapping of the whole buffer, written through once: one PMD
 * entry per 2 MiB piece of contiguous memory, and the bytes are those
 * that read() sees.
 */
TEST_F(huge, aligned_mapping_gets_pmd_entries)
{
	u64 before, after;
	s64 want;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	if (self->expect < 0)
		SKIP(return, RP_UNKNOWN);
	self->p = rp_map_whole(self->fd, self->len);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));
	if (self->expect)
		EXPECT_EQ(0, (uintptr_t)self->p % RP_PMD)
			TH_LOG("offset 0 mapped at %p, not 2 MiB-aligned", self->p);

	before = rp_huge_faults(self->fd);
	rp_fill(self->p, 1, 0, self->len);
	after = rp_huge_faults(self->fd);
	want = rp_expected(self->expect, self->pieces);
	if (want >= 0) {
		EXPECT_EQ(want, after - before)
			TH_LOG("%s: %llu PMD entries for %llu bytes in %llu chunks",
			       self->expect ? "want one per 2 MiB piece" : "want none",
			       (unsigned long long)(after - before),
			       (unsigned long long)self->len,
			       (unsigned long long)self->info.chunks);
	} else {
		EXPECT_GE(self->len / RP_PMD, after - before);
	}
	EXPECT_EQ(-1, rp_pread_check(self->fd, 1, 0, self->len));
	/* writing again, and reading, needs no fault at all */
	rp_fill(self->p, 2, 0, self->len);
	EXPECT_EQ(-1, rp_check(self->p, 2, 0, self->len));
	EXPECT_EQ(after, rp_huge_faults(self->fd));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 2, 0, self->len));
}

/*
 * Reserve @area_len bytes of address space in *@area and return the
 * address one @page past its first 2 MiB boundary, or NULL
 */
static u8 *rp_unaligned_spot(size_t area_len, size_t page, void **area)
{
	uintptr_t a;

	*area = mmap(NULL, area_len, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (*area == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)*area + RP_PMD - 1) & ~(uintptr_t)(RP_PMD - 1);
	return (u8 *)a + page;
}

/*
 * The same buffer at an address 4 KiB past a 2 MiB boundary (MAP_FIXED):
 * no PMD entry can map it, so there are none, and the bytes are right.
 */
TEST_F(huge, unaligned_mapping_gets_none)
{
	u64 before;
	u8 *at;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	self->area_len = self->len + 2 * RP_PMD;
	at = rp_unaligned_spot(self->area_len, self->page, &self->area);
	ASSERT_NE(NULL, at) TH_LOG("mmap: %s", strerror(errno));
	self->p = mmap(at, self->len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, self->fd, 0);
	ASSERT_EQ(at, self->p) TH_LOG("mmap at %p: %s", at, strerror(errno));

	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 3, 0, self->len));
	before = rp_huge_faults(self->fd);
	EXPECT_EQ(-1, rp_check(self->p, 3, 0, self->len));
	rp_fill(self->p, 4, 0, self->len);
	EXPECT_EQ(before, rp_huge_faults(self->fd));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 4, 0, self->len));
}

/*
 * A dma-buf of the whole buffer, mapped at a 2 MiB-aligned address that
 * the caller chose (the dma-buf core aligns none of its own): the same
 * PMD entries as a device mapping, and the same bytes.
 */
TEST_F(huge, dmabuf_at_aligned_address)
{
	struct remap_pfn_export exp = { 0 };
	u64 before, after;
	s64 want;
	u8 *at;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	if (self->expect < 0)
		SKIP(return, RP_UNKNOWN);
	exp.length = self->len;
	exp.flags = O_RDWR | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(self->fd, REMAP_PFN_IOC_EXPORT, &exp))
		TH_LOG("export: %s", strerror(errno));
	self->area_len = self->len + 2 * RP_PMD;
	at = rp_unaligned_spot(self->area_len, self->page, &self->area);
	ASSERT_NE(NULL, at) TH_LOG("mmap: %s", strerror(errno));
	at -= self->page;
	self->p = mmap(at, self->len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, exp.fd, 0);
	ASSERT_EQ(at, self->p) TH_LOG("mmap at %p: %s", at, strerror(errno));
	ASSERT_EQ(0, close(exp.fd));
	if (rp_thp_is("madvise"))
		ASSERT_EQ(0, madvise(self->p, self->len, MADV_HUGEPAGE));

	before = rp_huge_faults(self->fd);
	rp_fill(self->p, 5, 0, self->len);
	after = rp_huge_faults(self->fd);
	want = rp_expected(self->expect, self->pieces);
	if (want >= 0) {
		EXPECT_EQ(want, after - before)
			TH_LOG("%llu PMD entries through the dma-buf",
			       (unsigned long long)(after - before));
	} else {
		EXPECT_GE(self->len / RP_PMD, after - before);
	}
	EXPECT_EQ(-1, rp_pread_check(self->fd, 5, 0, self->len));
}

/*
 * In a child: write to @first, then to @then. Return: the signal that
 * killed it, or 0 if both writes went through.
 */
static int rp_write_signal(u8 *first, u8 *then)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		/* _exit() could read them: neither store can be dropped */
		*first = 1;
		*then = 1;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/*
 * munmap() of one page inside a PMD entry, and mprotect() of a page inside
 * another, split them; what is left maps the same bytes, now with PTEs,
 * and the accounting sees the pieces exactly.
 */
TEST_F(huge, split_in_the_middle)
{
	u64 before, hole = RP_PMD / 2, ro = RP_PMD + RP_PMD / 2;
	struct rp_stats st;

	if (self->len < 2 * RP_PMD)
		SKIP(return, "the buffer is smaller than 4 MiB");
	self->p = rp_map_whole(self->fd, self->len);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));
	rp_fill(self->p, 5, 0, self->len);

	ASSERT_EQ(0, munmap(self->p + hole, self->page));
	ASSERT_EQ(0, mprotect(self->p + ro, self->page, PROT_READ));
	ASSERT_EQ(0, rp_read_stats(&st));
	/* [0, hole) [hole + page, ro) [ro, ro + page) [ro + page, len) */
	EXPECT_EQ(4, st.mappings);
	EXPECT_EQ(self->len - self->page, st.mapped_bytes);

	before = rp_huge_faults(self->fd);
	EXPECT_EQ(-1, rp_check(self->p, 5, 0, hole));
	EXPECT_EQ(-1, rp_check(self->p + hole + self->page, 5,
			       hole + self->page, self->len - hole - self->page));
	/* write everywhere still writable, read it back through read() */
	rp_fill(self->p, 6, 0, hole);
	rp_fill(self->p + hole + self->page, 6, hole + self->page,
		ro - hole - self->page);
	rp_fill(self->p + ro + self->page, 6, ro + self->page,
		self->len - ro - self->page);
	EXPECT_EQ(-1, rp_pread_check(self->fd, 6, 0, hole));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 6, hole + self->page,
				     ro - hole - self->page));
	EXPECT_EQ(-1, rp_check(self->p + ro, 5, ro, self->page));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 6, ro + self->page,
				     self->len - ro - self->page));
	/* the two cut ranges refault with PTEs; the others never left */
	EXPECT_EQ(before, rp_huge_faults(self->fd));
	/*
	 * No entry reaches past its VMA: after a write next to it, the
	 * read-only page still refuses writes, and the hole stays a hole.
	 */
	EXPECT_EQ(SIGSEGV, rp_write_signal(self->p + RP_PMD, self->p + ro));
	EXPECT_EQ(SIGSEGV, rp_write_signal(self->p, self->p + hole));

	ASSERT_EQ(0, munmap(self->p, self->len));
	self->p = MAP_FAILED;
	ASSERT_EQ(0, rp_read_stats(&st));
	EXPECT_EQ(0, st.mappings);
	EXPECT_EQ(0, st.mapped_bytes);
}

/* mremap() to an address 4 KiB off a 2 MiB boundary keeps the bytes */
TEST_F(huge, mremap_to_unaligned)
{
	u8 *at, *q;
	u64 before;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	self->p = rp_map_whole(self->fd, self->len);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));
	rp_fill(self->p, 7, 0, self->len);

	self->area_len = self->len + 2 * RP_PMD;
	at = rp_unaligned_spot(self->area_len, self->page, &self->area);
	ASSERT_NE(NULL, at) TH_LOG("mmap: %s", strerror(errno));
	q = mremap(self->p, self->len, self->len,
		   MREMAP_MAYMOVE | MREMAP_FIXED, at);
	ASSERT_EQ(at, q) TH_LOG("mremap: %s", strerror(errno));
	self->p = q;	/* unmapped with the area */

	before = rp_huge_faults(self->fd);
	EXPECT_EQ(-1, rp_check(q, 7, 0, self->len));
	rp_fill(q, 8, 0, self->len);
	EXPECT_EQ(before, rp_huge_faults(self->fd));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 8, 0, self->len));
}

/* A fork() child sees and changes the bytes behind the parent's entries */
TEST_F(huge, fork_child_shares)
{
	int status;
	pid_t pid;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	self->p = rp_map_whole(self->fd, self->len);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));
	rp_fill(self->p, 9, 0, self->len);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (rp_check(self->p, 9, 0, self->len) != -1)
			_exit(1);
		rp_fill(self->p, 10, 0, self->len);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the child saw other bytes");
	EXPECT_EQ(-1, rp_check(self->p, 10, 0, self->len));
}

/* MADV_NOHUGEPAGE before the first touch: PTEs only, right bytes */
TEST_F(huge, madv_nohugepage_opts_out)
{
	u64 before;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	self->p = rp_map(self->fd, 0, self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, self->p);
	ASSERT_EQ(0, madvise(self->p, self->len, MADV_NOHUGEPAGE))
		TH_LOG("madvise: %s", strerror(errno));

	before = rp_huge_faults(self->fd);
	rp_fill(self->p, 11, 0, self->len);
	EXPECT_EQ(before, rp_huge_faults(self->fd));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 11, 0, self->len));
}

/* prctl(PR_SET_THP_DISABLE): none in the whole process, right bytes */
TEST_F(huge, prctl_thp_disable_opts_out)
{
	u64 before;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	/* the harness runs each test in a process of its own */
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	self->p = rp_map_whole(self->fd, self->len);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));

	before = rp_huge_faults(self->fd);
	rp_fill(self->p, 13, 0, self->len);
	EXPECT_EQ(before, rp_huge_faults(self->fd));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 13, 0, self->len));
}

/* Closing the file leaves the mapping, and its PMD entries, working */
TEST_F(huge, close_while_mapped)
{
	u64 before, after;
	int fd;

	if (self->len < RP_PMD)
		SKIP(return, "the buffer is smaller than 2 MiB");
	if (self->expect < 0 || rp_expected(self->expect, self->pieces) < 0)
		SKIP(return, "%s, or how much of the buffer is contiguous",
		     RP_UNKNOWN);
	fd = rp_open();
	ASSERT_LE(0, fd);
	self->p = rp_map_whole(self->fd, self->len);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));
	before = rp_huge_faults(self->fd);
	close(self->fd);
	self->fd = fd;

	rp_fill(self->p, 12, 0, self->len);
	after = rp_huge_faults(self->fd);
	EXPECT_EQ(rp_expected(self->expect, self->pieces), after - before);
	EXPECT_EQ(-1, rp_pread_check(self->fd, 12, 0, self->len));
}

TEST_HARNESS_MAIN
