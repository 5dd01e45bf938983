// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sharing the remap_pfn buffer: separate programs, fork()ed children and
 * the read()/write() interface all see the same bytes at the same offsets,
 * and only those.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"

RP_REQUIRE_DEVICE()

#define NR_WRITERS	8

static void setup_dev(struct __test_metadata *_metadata, int *fd,
		      u64 *size, size_t *page)
{
	struct remap_pfn_info info;

	*page = rp_page_size();
	*fd = rp_open();
	if (*fd < 0 && errno == ENOENT)
		SKIP(return, "%s went away", RP_DEV);
	ASSERT_LE(0, *fd) TH_LOG("open %s: %s", RP_DEV, strerror(errno));
	ASSERT_EQ(0, rp_get_info(*fd, &info));
	*size = info.size;
	ASSERT_NE(0, *size);
	ASSERT_EQ(0, *size % *page);
}

/* One test body per part of the buffer */
FIXTURE(range)
{
	int fd;
	u64 size;
	size_t page;
	u64 off;
	size_t len;
};

FIXTURE_VARIANT(range)
{
	enum rp_part part;
};

FIXTURE_VARIANT_ADD(range, whole)
{
	.part = RP_WHOLE,
};

FIXTURE_VARIANT_ADD(range, first_half)
{
	.part = RP_FIRST_HALF,
};

FIXTURE_VARIANT_ADD(range, second_half)
{
	.part = RP_SECOND_HALF,
};

FIXTURE_SETUP(range)
{
	setup_dev(_metadata, &self->fd, &self->size, &self->page);
	rp_part(self->size, self->page, variant->part, &self->off, &self->len);
}

FIXTURE_TEARDOWN(range)
{
	if (self->fd >= 0) {
		rp_pwrite_pattern(self->fd, 0, 0, self->size);
		close(self->fd);
	}
}

/*
 * write() is visible through a mapping at once, a store through a mapping
 * is visible to read() at once, and a second mapping of the same range
 * sees both: there is one buffer, not copies.
 */
TEST_F(range, write_and_mmap_see_each_other)
{
	u8 *a, *b;

	if (!self->len)
		SKIP(return, "a one-page buffer has no first half");
	a = rp_map(self->fd, self->off, self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, a);
	b = rp_map(self->fd, self->off, self->len, PROT_READ);
	ASSERT_NE(MAP_FAILED, b);

	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 51, self->off, self->len));
	EXPECT_EQ(-1, rp_check(a, 51, self->off, self->len));
	EXPECT_EQ(-1, rp_check(b, 51, self->off, self->len));

	rp_fill(a, 52, self->off, self->len);
	EXPECT_EQ(-1, rp_pread_check(self->fd, 52, self->off, self->len));
	EXPECT_EQ(-1, rp_check(b, 52, self->off, self->len));

	/* single bytes too, at the edges of the range */
	ASSERT_EQ(1, pwrite(self->fd, "\x11", 1, self->off));
	EXPECT_EQ(0x11, b[0]);
	a[self->len - 1] = 0x22;
	ASSERT_EQ(1, pread(self->fd, a, 1, self->off + self->len - 1));
	EXPECT_EQ(0x22, a[0]);

	/* the rest of the buffer was not touched */
	EXPECT_EQ(-1, rp_pread_check(self->fd, 0, 0, self->off));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 0, self->off + self->len,
				     self->size - self->off - self->len));
	ASSERT_EQ(0, munmap(a, self->len));
	ASSERT_EQ(0, munmap(b, self->len));
}

/* A fork()ed child inherits the mapping; each sees the other's stores */
TEST_F(range, fork_shares_stores)
{
	struct rp_child c;
	u8 *p;
	pid_t pid;

	if (!self->len)
		SKIP(return, "a one-page buffer has no first half");
	p = rp_map(self->fd, self->off, self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);

	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		rp_fill(p, 53, self->off, self->len);
		if (rp_sync_send(c.to) || rp_sync_wait(c.from))
			_exit(3);
		_exit(rp_check(p, 54, self->off, self->len) == -1 ? 0 : 1);
	}
	ASSERT_EQ(0, rp_sync_wait(c.from));
	EXPECT_EQ(-1, rp_check(p, 53, self->off, self->len));
	rp_fill(p, 54, self->off, self->len);
	ASSERT_EQ(0, rp_sync_send(c.to));
	EXPECT_EQ(0, rp_child_reap(&c)) TH_LOG("child missed the store");
	/* and the buffer behind both of them has it */
	EXPECT_EQ(-1, rp_pread_check(self->fd, 54, self->off, self->len));
	ASSERT_EQ(0, munmap(p, self->len));
}

/*
 * A mapping outlives close() of its fd, and another process that shared
 * the buffer exec()ing something else (dropping its own mapping) takes
 * nothing away from it.
 */
TEST_F(range, mapping_survives_close_and_exec)
{
	char peer[PATH_MAX], a1[32], a2[32], op1[96], op2[96];
	struct rp_child c;
	char *argv[6];
	u8 *p;
	pid_t pid;
	int fd2;

	if (!self->len)
		SKIP(return, "a one-page buffer has no first half");
	ASSERT_EQ(0, rp_sibling_path(peer, sizeof(peer), RP_PEER));
	fd2 = rp_open();
	ASSERT_LE(0, fd2);
	p = rp_map(fd2, self->off, self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, close(fd2));
	rp_fill(p, 55, self->off, self->len);

	snprintf(a1, sizeof(a1), "%llu", (unsigned long long)self->off);
	snprintf(a2, sizeof(a2), "%zu", self->len);
	snprintf(op1, sizeof(op1), "check:55:%s:%s", a1, a2);
	snprintf(op2, sizeof(op2), "fill:56:%s:%s", a1, a2);
	argv[0] = peer;
	argv[1] = a1;
	argv[2] = a2;
	argv[3] = op1;
	argv[4] = op2;
	argv[5] = NULL;

	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		/* map the range in the child too, then replace the image */
		int cfd = rp_open();
		u8 *q = cfd < 0 ? MAP_FAILED :
			rp_map(cfd, self->off, self->len, PROT_READ);

		if (q == MAP_FAILED || rp_check(q, 55, self->off, self->len) != -1)
			_exit(1);
		execv(peer, argv);
		_exit(127);
	}
	EXPECT_EQ(0, rp_child_reap(&c)) TH_LOG("%s failed", RP_PEER);
	/* the peer's stores reach the mapping whose fd is long closed */
	EXPECT_EQ(-1, rp_check(p, 56, self->off, self->len));
	rp_fill(p, 57, self->off, self->len);
	EXPECT_EQ(-1, rp_pread_check(self->fd, 57, self->off, self->len));
	ASSERT_EQ(0, munmap(p, self->len));
}

FIXTURE(share)
{
	int fd;
	u64 size;
	size_t page;
};

FIXTURE_SETUP(share)
{
	setup_dev(_metadata, &self->fd, &self->size, &self->page);
}

FIXTURE_TEARDOWN(share)
{
	if (self->fd >= 0) {
		rp_pwrite_pattern(self->fd, 0, 0, self->size);
		close(self->fd);
	}
}

static int start_peer(struct rp_child *c, const char *peer, u64 moff,
		      u64 mlen, const char *const ops[])
{
	char a1[32], a2[32];
	char *argv[8];
	int i;

	snprintf(a1, sizeof(a1), "%llu", (unsigned long long)moff);
	snprintf(a2, sizeof(a2), "%llu", (unsigned long long)mlen);
	argv[0] = (char *)peer;
	argv[1] = a1;
	argv[2] = a2;
	for (i = 0; i < 4 && ops[i]; i++)
		argv[3 + i] = (char *)ops[i];
	argv[3 + i] = NULL;
	return rp_child_exec(c, argv);
}

/*
 * Five separate programs: a writer and a reader on each half of the
 * buffer see exactly their half's bytes, and a fifth one mapping the
 * whole buffer sees both halves and clears them, which the writers,
 * still mapped, then see too. The halves never bleed into each other.
 */
TEST_F_TIMEOUT(share, writer_reader_pairs_and_clearer, 120)
{
	struct rp_child w1, w2, r1, r2, cl;
	char peer[PATH_MAX];
	char f1[96], f2[96], c1[96], c2[96], z1[96], z2[96], zall[96];
	u64 h, rest;

	h = self->size / self->page / 2 * self->page;
	rest = self->size - h;
	if (!h)
		SKIP(return, "needs a buffer of 2 pages or more");
	ASSERT_EQ(0, rp_sibling_path(peer, sizeof(peer), RP_PEER));
	snprintf(f1, sizeof(f1), "fill:1:0:%llu", (unsigned long long)h);
	snprintf(c1, sizeof(c1), "check:1:0:%llu", (unsigned long long)h);
	snprintf(z1, sizeof(z1), "check:0:0:%llu", (unsigned long long)h);
	snprintf(f2, sizeof(f2), "fill:2:%llu:%llu", (unsigned long long)h,
		 (unsigned long long)rest);
	snprintf(c2, sizeof(c2), "check:2:%llu:%llu", (unsigned long long)h,
		 (unsigned long long)rest);
	snprintf(z2, sizeof(z2), "check:0:%llu:%llu", (unsigned long long)h,
		 (unsigned long long)rest);
	snprintf(zall, sizeof(zall), "fill:0:0:%llu",
		 (unsigned long long)self->size);

	/* writers fill their half and stay mapped */
	ASSERT_EQ(0, start_peer(&w1, peer, 0, h,
				(const char *[]){ f1, "sync", z1, NULL }));
	ASSERT_EQ(0, start_peer(&w2, peer, h, rest,
				(const char *[]){ f2, "sync", z2, NULL }));
	ASSERT_EQ(0, rp_sync_wait(w1.from));
	ASSERT_EQ(0, rp_sync_wait(w2.from));

	/* readers, concurrently, while the writers hold their mappings */
	ASSERT_EQ(0, start_peer(&r1, peer, 0, h,
				(const char *[]){ c1, NULL }));
	ASSERT_EQ(0, start_peer(&r2, peer, h, rest,
				(const char *[]){ c2, NULL }));
	EXPECT_EQ(0, rp_child_reap(&r1)) TH_LOG("first-half reader");
	EXPECT_EQ(0, rp_child_reap(&r2)) TH_LOG("second-half reader");
	EXPECT_EQ(-1, rp_pread_check(self->fd, 1, 0, h));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 2, h, rest));

	/* the clearer sees both halves, then zeroes everything */
	ASSERT_EQ(0, start_peer(&cl, peer, 0, self->size,
				(const char *[]){ c1, c2, zall, NULL }));
	EXPECT_EQ(0, rp_child_reap(&cl)) TH_LOG("clearer");

	/* the writers' mappings now read zero */
	ASSERT_EQ(0, rp_sync_send(w1.to));
	ASSERT_EQ(0, rp_sync_send(w2.to));
	EXPECT_EQ(0, rp_child_reap(&w1)) TH_LOG("first-half writer");
	EXPECT_EQ(0, rp_child_reap(&w2)) TH_LOG("second-half writer");
	EXPECT_EQ(-1, rp_pread_check(self->fd, 0, 0, self->size));
}

/*
 * Eight processes store to disjoint pages at the same time; afterwards
 * every one of them finds every page as its owner wrote it.
 */
TEST_F_TIMEOUT(share, eight_writers_disjoint_pages, 180)
{
	const size_t pages = self->size / self->page;
	struct rp_child c[NR_WRITERS];
	int gate[2], i, ret;
	size_t pg;

	/* the go signal for everyone at once: EOF on a shared pipe */
	ASSERT_EQ(0, pipe(gate));
	for (i = 0; i < NR_WRITERS; i++) {
		pid_t pid = rp_child_fork(&c[i]);

		ASSERT_LE(0, pid);
		if (!pid) {
			u8 *p;
			int fd, j;
			char x;

			/* no EOF of a sibling's pipe may hang on this one */
			for (j = 0; j < i; j++) {
				close(c[j].to);
				close(c[j].from);
			}
			close(gate[1]);
			fd = rp_open();
			p = fd < 0 ? MAP_FAILED :
				rp_map(fd, 0, self->size, PROT_READ | PROT_WRITE);
			if (p == MAP_FAILED)
				_exit(2);
			if (rp_sync_send(c[i].to) || read(gate[0], &x, 1))
				_exit(3);
			for (pg = i; pg < pages; pg += NR_WRITERS)
				rp_fill(p + pg * self->page, 60 + i,
					pg * self->page, self->page);
			/* all written: wait until everyone is */
			if (rp_sync_send(c[i].to) || rp_sync_wait(c[i].from))
				_exit(3);
			for (pg = 0; pg < pages; pg++)
				if (rp_check(p + pg * self->page,
					     60 + pg % NR_WRITERS,
					     pg * self->page,
					     self->page) != -1)
					_exit(1);
			_exit(0);
		}
	}
	close(gate[0]);
	/* all mapped, then all written */
	for (i = 0; i < 2 * NR_WRITERS; i++) {
		if (i == NR_WRITERS)
			close(gate[1]);
		ret = rp_sync_wait(c[i % NR_WRITERS].from);
		ASSERT_EQ(0, ret) TH_LOG("writer %d", i % NR_WRITERS);
	}
	for (i = 0; i < NR_WRITERS; i++) {
		ret = rp_sync_send(c[i].to);
		ASSERT_EQ(0, ret);
	}
	for (i = 0; i < NR_WRITERS; i++) {
		ret = rp_child_reap(&c[i]);
		EXPECT_EQ(0, ret) TH_LOG("writer %d saw a wrong page", i);
	}
	for (pg = 0; pg < pages; pg++) {
		s64 bad = rp_pread_check(self->fd, 60 + pg % NR_WRITERS,
					 pg * self->page, self->page);

		ASSERT_EQ(-1, bad) TH_LOG("page %zu", pg);
	}
}

TEST_HARNESS_MAIN
