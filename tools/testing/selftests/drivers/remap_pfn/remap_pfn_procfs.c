// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/driver/remap_pfn accounting: every key exact after every change
 * of the VMAs that map the device, in this process and in others, and
 * the caller_* keys equal to what /proc/self/maps says at the same moment.
 *
 * The counters are global, so every test starts from and returns to an
 * idle device: nothing else may map it while this program runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/stat.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"

RP_REQUIRE_DEVICE()

#define NR_PROCS	4
/* check_counts(): take the number of VMAs from /proc/self/maps */
#define FROM_MAPS	((u64)-1)

/*
 * Compare procfs, the ioctl and, read at the same moment, this process's
 * maps with the expected totals over all processes and @own, the device
 * bytes this process maps.
 */
static void __check_counts(struct __test_metadata *_metadata, int line,
			   int fd, u64 mappings, u64 bytes,
			   u64 processes, u64 own)
{
	struct remap_pfn_info info;
	struct rp_stats st;
	struct rp_maps m;
	int ret, bad;

	ret = rp_snapshot(&st, &m, &bad);
	ASSERT_EQ(0, ret) TH_LOG("line %d: snapshot %d, procfs line %d",
				 line, ret, bad);
	ASSERT_EQ(0, rp_get_info(fd, &info));
	if (mappings == FROM_MAPS)
		mappings = m.dev_vmas;
	EXPECT_EQ(mappings, st.mappings) TH_LOG("checked at line %d", line);
	EXPECT_EQ(bytes, st.mapped_bytes) TH_LOG("checked at line %d", line);
	EXPECT_EQ(processes, st.processes) TH_LOG("checked at line %d", line);
	EXPECT_EQ(own, st.caller_mapped_bytes)
		TH_LOG("checked at line %d", line);
	EXPECT_EQ(m.dev_bytes, st.caller_mapped_bytes)
		TH_LOG("checked at line %d", line);
	EXPECT_EQ(m.vm_bytes, st.caller_vm_bytes)
		TH_LOG("checked at line %d", line);
	EXPECT_EQ(mappings, info.mappings) TH_LOG("checked at line %d", line);
	EXPECT_EQ(bytes, info.mapped_bytes) TH_LOG("checked at line %d", line);
}

#define check_counts(fd, mappings, bytes, processes, own)		\
	__check_counts(_metadata, __LINE__, fd, mappings, bytes,	\
		       processes, own)

/*
 * In a child, without the harness: do procfs and this process's maps
 * agree, and is @own what it maps? Return: 0 if so.
 */
static int self_check(u64 own)
{
	struct rp_stats st;
	struct rp_maps m;
	int bad;

	if (rp_snapshot(&st, &m, &bad))
		return 1;
	if (st.caller_mapped_bytes != own || m.dev_bytes != own ||
	    st.caller_vm_bytes != m.vm_bytes)
		return 1;
	return 0;
}

static void setup_idle(struct __test_metadata *_metadata, int *fd,
		       u64 *size, size_t *page)
{
	struct remap_pfn_info info;
	struct rp_stats st;

	*page = rp_page_size();
	*fd = rp_open();
	if (*fd < 0 && errno == ENOENT)
		SKIP(return, "%s went away", RP_DEV);
	ASSERT_LE(0, *fd) TH_LOG("open %s: %s", RP_DEV, strerror(errno));
	ASSERT_EQ(0, rp_get_info(*fd, &info));
	*size = info.size;
	ASSERT_NE(0, *size);
	/* an open fd is no mapping: the device must look idle */
	ASSERT_EQ(0, rp_read_stats(&st));
	ASSERT_EQ(0, st.mappings) TH_LOG("device not idle: leak or user");
	ASSERT_EQ(0, st.mapped_bytes);
	ASSERT_EQ(0, st.processes);
	ASSERT_EQ(0, st.caller_mapped_bytes);
}

FIXTURE(acct_range)
{
	int fd;
	u64 size;
	size_t page;
	u64 off;
	size_t len;
};

FIXTURE_VARIANT(acct_range)
{
	enum rp_part part;
};

FIXTURE_VARIANT_ADD(acct_range, whole)
{
	.part = RP_WHOLE,
};

FIXTURE_VARIANT_ADD(acct_range, first_half)
{
	.part = RP_FIRST_HALF,
};

FIXTURE_VARIANT_ADD(acct_range, second_half)
{
	.part = RP_SECOND_HALF,
};

FIXTURE_SETUP(acct_range)
{
	setup_idle(_metadata, &self->fd, &self->size, &self->page);
	rp_part(self->size, self->page, variant->part, &self->off, &self->len);
}

FIXTURE_TEARDOWN(acct_range)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Each mmap() of the data and of the info region adds one mapping and its
 * length, in procfs, in the ioctl and in the live info page; each
 * munmap() takes them away again.
 */
TEST_F(acct_range, mmap_data_and_info)
{
	const size_t pg = self->page, len = self->len;
	const struct remap_pfn_info *ip;
	void *d, *d2;

	if (!len)
		SKIP(return, "a one-page buffer has no first half");
	check_counts(self->fd, 0, 0, 0, 0);
	d = rp_map(self->fd, self->off, len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	check_counts(self->fd, 1, len, 1, len);
	ip = rp_map(self->fd, REMAP_PFN_OFF_INFO, pg, PROT_READ);
	ASSERT_NE(MAP_FAILED, ip);
	check_counts(self->fd, 2, len + pg, 1, len + pg);
	EXPECT_EQ(2, ip->mappings);
	EXPECT_EQ(len + pg, ip->mapped_bytes);

	d2 = rp_map(self->fd, self->off, len, PROT_READ);
	ASSERT_NE(MAP_FAILED, d2);
	check_counts(self->fd, 3, 2 * len + pg, 1, 2 * len + pg);
	EXPECT_EQ(3, ip->mappings);
	EXPECT_EQ(2 * len + pg, ip->mapped_bytes);

	ASSERT_EQ(0, munmap(d, len));
	check_counts(self->fd, 2, len + pg, 1, len + pg);
	EXPECT_EQ(2, ip->mappings);
	ASSERT_EQ(0, munmap(d2, len));
	check_counts(self->fd, 1, pg, 1, pg);
	EXPECT_EQ(1, ip->mappings);
	EXPECT_EQ(pg, ip->mapped_bytes);
	ASSERT_EQ(0, munmap((void *)ip, pg));
	check_counts(self->fd, 0, 0, 0, 0);
}

/*
 * fork() copies every device VMA into the child, which counts as a second
 * process; the child sees its own copies as caller_mapped_bytes, and its
 * munmap() and exit() take exactly its copies away.
 */
TEST_F(acct_range, fork_and_child_exit)
{
	const size_t pg = self->page, len = self->len;
	struct rp_child c;
	void *d, *i;
	pid_t pid;
	char r;

	if (!len)
		SKIP(return, "a one-page buffer has no first half");
	d = rp_map(self->fd, self->off, len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	i = rp_map(self->fd, REMAP_PFN_OFF_INFO, pg, PROT_READ);
	ASSERT_NE(MAP_FAILED, i);
	check_counts(self->fd, 2, len + pg, 1, len + pg);

	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		if (rp_sync_send(c.to) || rp_sync_wait(c.from))
			_exit(3);
		r = self_check(len + pg);
		if (write(c.to, &r, 1) != 1 || rp_sync_wait(c.from))
			_exit(3);
		if (munmap(i, pg))
			_exit(2);
		r = self_check(len);
		if (write(c.to, &r, 1) != 1 || rp_sync_wait(c.from))
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(0, rp_sync_wait(c.from));
	check_counts(self->fd, 4, 2 * (len + pg), 2, len + pg);
	ASSERT_EQ(0, rp_sync_send(c.to));
	ASSERT_EQ(1, read(c.from, &r, 1));
	EXPECT_EQ(0, r) TH_LOG("child's caller_* disagree with its maps");
	ASSERT_EQ(0, rp_sync_send(c.to));
	ASSERT_EQ(1, read(c.from, &r, 1));
	EXPECT_EQ(0, r) TH_LOG("child's caller_* wrong after its munmap");
	check_counts(self->fd, 3, 2 * len + pg, 2, len + pg);
	ASSERT_EQ(0, rp_sync_send(c.to));
	ASSERT_EQ(0, rp_child_reap(&c));
	check_counts(self->fd, 2, len + pg, 1, len + pg);

	ASSERT_EQ(0, munmap(d, len));
	ASSERT_EQ(0, munmap(i, pg));
	check_counts(self->fd, 0, 0, 0, 0);
}

/* SIGKILL of a process that maps the device drops all of its mappings */
TEST_F(acct_range, sigkill_of_mapping_process)
{
	const size_t pg = self->page, len = self->len;
	struct rp_child c;
	pid_t pid;

	if (!len)
		SKIP(return, "a one-page buffer has no first half");
	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = rp_open();

		if (fd < 0 ||
		    rp_map(fd, self->off, len, PROT_READ | PROT_WRITE) ==
		    MAP_FAILED ||
		    rp_map(fd, REMAP_PFN_OFF_INFO, pg, PROT_READ) == MAP_FAILED)
			_exit(2);
		if (rp_sync_send(c.to))
			_exit(3);
		for (;;)
			pause();
	}
	ASSERT_EQ(0, rp_sync_wait(c.from));
	check_counts(self->fd, 2, len + pg, 1, 0);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, rp_child_reap(&c));
	check_counts(self->fd, 0, 0, 0, 0);
}

/* close() of the fd leaves the mapping, its bytes and its accounting */
TEST_F(acct_range, close_fd_while_mapped)
{
	const size_t len = self->len;
	u8 *d;
	int fd2;

	if (!len)
		SKIP(return, "a one-page buffer has no first half");
	fd2 = rp_open();
	ASSERT_LE(0, fd2);
	d = rp_map(fd2, self->off, len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	ASSERT_EQ(0, close(fd2));
	check_counts(self->fd, 1, len, 1, len);
	rp_fill(d, 71, self->off, len);
	EXPECT_EQ(-1, rp_pread_check(self->fd, 71, self->off, len));
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, self->off, len));
	EXPECT_EQ(-1, rp_check(d, 0, self->off, len));
	ASSERT_EQ(0, munmap(d, len));
	check_counts(self->fd, 0, 0, 0, 0);
}

/* mremap() moving a mapping keeps one mapping of the same bytes */
TEST_F(acct_range, mremap_move)
{
	const size_t len = self->len;
	struct rp_stats st;
	struct rp_maps m;
	u8 *d, *to, *q;
	int bad;

	if (!len)
		SKIP(return, "a one-page buffer has no first half");
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 72, self->off, len));
	d = rp_map(self->fd, self->off, len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	/* a place to move to that cannot be the old one */
	to = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, to);
	q = mremap(d, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, q) TH_LOG("mremap: %s", strerror(errno));
	check_counts(self->fd, 1, len, 1, len);
	ASSERT_EQ(0, rp_snapshot(&st, &m, &bad));
	ASSERT_EQ(1, m.dev_vmas);
	EXPECT_EQ((uintptr_t)q, m.dev_start[0]);
	EXPECT_EQ(-1, rp_check(q, 72, self->off, len));
	ASSERT_EQ(0, munmap(q, len));
	check_counts(self->fd, 0, 0, 0, 0);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, self->off, len));
}

/* mremap() shrinking a mapping takes the cut-off tail out of the count */
TEST_F(acct_range, mremap_shrink)
{
	const size_t pg = self->page, len = self->len;
	u8 *d, *q;

	if (len < 2 * pg)
		SKIP(return, "needs a range of 2 pages or more");
	d = rp_map(self->fd, self->off, len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	q = mremap(d, len, len - pg, 0);
	ASSERT_EQ(d, q);
	check_counts(self->fd, 1, len - pg, 1, len - pg);
	ASSERT_EQ(0, munmap(d, len - pg));
	check_counts(self->fd, 0, 0, 0, 0);
}

FIXTURE(acct)
{
	int fd;
	u64 size;
	size_t page;
};

FIXTURE_SETUP(acct)
{
	setup_idle(_metadata, &self->fd, &self->size, &self->page);
}

FIXTURE_TEARDOWN(acct)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * munmap() of a page in the middle splits one VMA into two, both still
 * mapping their own offsets; unmapping an end shrinks one.
 */
TEST_F(acct, munmap_middle_splits)
{
	const size_t pg = self->page, size = self->size;
	u8 *d;

	if (size < 3 * pg)
		SKIP(return, "needs a buffer of 3 pages or more");
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 73, 0, size));
	d = rp_map(self->fd, 0, size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	ASSERT_EQ(0, munmap(d + pg, pg));
	check_counts(self->fd, 2, size - pg, 1, size - pg);
	EXPECT_EQ(-1, rp_check(d, 73, 0, pg));
	EXPECT_EQ(-1, rp_check(d + 2 * pg, 73, 2 * pg, size - 2 * pg));
	ASSERT_EQ(0, munmap(d, pg));
	check_counts(self->fd, 1, size - 2 * pg, 1, size - 2 * pg);
	ASSERT_EQ(0, munmap(d + size - pg, pg));
	check_counts(self->fd, FROM_MAPS, size - 3 * pg, size > 3 * pg,
		     size - 3 * pg);
	ASSERT_EQ(0, munmap(d, size));
	check_counts(self->fd, 0, 0, 0, 0);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, 0, size));
}

/*
 * mremap() moving one page out of the middle leaves three VMAs of the same
 * bytes: the split, the copy and the unmap of the old page all balance.
 */
TEST_F(acct, mremap_move_middle_page)
{
	const size_t pg = self->page, size = self->size;
	u8 *d, *to, *q;

	if (size < 3 * pg)
		SKIP(return, "needs a buffer of 3 pages or more");
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 74, 0, size));
	d = rp_map(self->fd, 0, size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	to = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, to);
	q = mremap(d + pg, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, q) TH_LOG("mremap: %s", strerror(errno));
	check_counts(self->fd, 3, size, 1, size);
	EXPECT_EQ(-1, rp_check(q, 74, pg, pg));
	EXPECT_EQ(-1, rp_check(d, 74, 0, pg));
	EXPECT_EQ(-1, rp_check(d + 2 * pg, 74, 2 * pg, size - 2 * pg));
	ASSERT_EQ(0, munmap(q, pg));
	check_counts(self->fd, 2, size - pg, 1, size - pg);
	ASSERT_EQ(0, munmap(d, size));
	check_counts(self->fd, 0, 0, 0, 0);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, 0, size));
}

/*
 * A child does not get the part of a mapping marked MADV_DONTFORK, and
 * the accounting counts only the VMAs it did get.
 */
TEST_F(acct, fork_skips_dontfork_part)
{
	const size_t pg = self->page, size = self->size;
	struct rp_child c;
	char r_byte;
	pid_t pid;
	u8 *d;

	if (size < 3 * pg)
		SKIP(return, "needs a buffer of 3 pages or more");
	d = rp_map(self->fd, 0, size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	ASSERT_EQ(0, madvise(d + pg, pg, MADV_DONTFORK));
	check_counts(self->fd, 3, size, 1, size);
	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		char r = self_check(size - pg);

		if (write(c.to, &r, 1) != 1 || rp_sync_wait(c.from))
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(1, read(c.from, &r_byte, 1));
	EXPECT_EQ(0, r_byte) TH_LOG("child's caller_* wrong");
	check_counts(self->fd, 5, 2 * size - pg, 2, size);
	ASSERT_EQ(0, rp_sync_send(c.to));
	ASSERT_EQ(0, rp_child_reap(&c));
	check_counts(self->fd, 3, size, 1, size);
	ASSERT_EQ(0, munmap(d, size));
	check_counts(self->fd, 0, 0, 0, 0);
}

/*
 * mprotect() of part of a mapping splits the VMA; the pieces are counted
 * as VMAs and their bytes stay the same. These VMAs never merge back
 * (VM_DONTEXPAND), so later counts follow /proc/self/maps.
 */
TEST_F(acct, mprotect_part_splits)
{
	const size_t pg = self->page, size = self->size;
	u8 *d;

	if (size < 3 * pg)
		SKIP(return, "needs a buffer of 3 pages or more");
	d = rp_map(self->fd, 0, size, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, d);
	ASSERT_EQ(0, mprotect((void *)(d + pg), pg, PROT_READ));
	check_counts(self->fd, 3, size, 1, size);
	d[0] = 0x31;
	d[2 * pg] = 0x32;
	EXPECT_EQ(0, d[pg]);
	ASSERT_EQ(0, mprotect((void *)d, pg, PROT_READ));
	check_counts(self->fd, FROM_MAPS, size, 1, size);
	ASSERT_EQ(0, mprotect((void *)d, size, PROT_READ | PROT_WRITE));
	check_counts(self->fd, FROM_MAPS, size, 1, size);
	d[pg] = 0x33;
	EXPECT_EQ(0x31, d[0]);
	ASSERT_EQ(0, munmap((void *)d, size));
	check_counts(self->fd, 0, 0, 0, 0);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 0, 0, size));
}

/*
 * Several processes mapping at once: the totals are the sums over all of
 * them, processes counts them, each sees only its own bytes as
 * caller_mapped_bytes, and every exit or SIGKILL subtracts exactly one
 * process's share.
 */
TEST_F(acct, several_processes_at_once)
{
	const size_t pg = self->page, pages = self->size / pg;
	u64 maps[NR_PROCS], bytes[NR_PROCS];
	u64 all_maps = 1, all_bytes = pg;
	struct rp_child c[NR_PROCS];
	void *mine;
	int i, j;

	/* this process maps the info page, so it is one of them */
	mine = rp_map(self->fd, REMAP_PFN_OFF_INFO, pg, PROT_READ);
	ASSERT_NE(MAP_FAILED, mine);
	for (i = 0; i < NR_PROCS; i++) {
		size_t n = (size_t)i + 1 < pages ? (size_t)i + 1 : pages;
		pid_t pid;

		maps[i] = 1 + !(i & 1);
		bytes[i] = n * pg + (i & 1 ? 0 : pg);
		all_maps += maps[i];
		all_bytes += bytes[i];
		pid = rp_child_fork(&c[i]);
		ASSERT_LE(0, pid);
		if (!pid) {
			int fd;
			char r;

			for (j = 0; j < i; j++) {
				close(c[j].to);
				close(c[j].from);
			}
			munmap(mine, pg);
			fd = rp_open();
			if (fd < 0 ||
			    rp_map(fd, 0, n * pg, PROT_READ) == MAP_FAILED)
				_exit(2);
			if (!(i & 1) && rp_map(fd, REMAP_PFN_OFF_INFO, pg,
					       PROT_READ) == MAP_FAILED)
				_exit(2);
			close(fd);
			if (rp_sync_send(c[i].to) || rp_sync_wait(c[i].from))
				_exit(3);
			r = self_check(bytes[i]);
			if (write(c[i].to, &r, 1) != 1)
				_exit(3);
			/* odd ones wait to be killed, even ones to exit */
			if (i & 1)
				for (;;)
					pause();
			_exit(rp_sync_wait(c[i].from) ? 3 : 0);
		}
	}
	for (i = 0; i < NR_PROCS; i++) {
		int ret = rp_sync_wait(c[i].from);

		ASSERT_EQ(0, ret) TH_LOG("process %d did not map", i);
	}
	check_counts(self->fd, all_maps, all_bytes, NR_PROCS + 1, pg);
	for (i = 0; i < NR_PROCS; i++) {
		char r;

		ASSERT_EQ(0, rp_sync_send(c[i].to));
		ASSERT_EQ(1, read(c[i].from, &r, 1));
		EXPECT_EQ(0, r) TH_LOG("process %d: caller_* wrong", i);
	}
	check_counts(self->fd, all_maps, all_bytes, NR_PROCS + 1, pg);
	for (i = 0; i < NR_PROCS; i++) {
		if (i & 1) {
			ASSERT_EQ(0, kill(c[i].pid, SIGKILL));
			ASSERT_EQ(128 + SIGKILL, rp_child_reap(&c[i]));
		} else {
			ASSERT_EQ(0, rp_sync_send(c[i].to));
			ASSERT_EQ(0, rp_child_reap(&c[i]));
		}
		all_maps -= maps[i];
		all_bytes -= bytes[i];
		check_counts(self->fd, all_maps, all_bytes,
			     NR_PROCS - i, pg);
	}
	ASSERT_EQ(0, munmap(mine, pg));
	check_counts(self->fd, 0, 0, 0, 0);
}

/*
 * caller_vm_bytes is the size of all of the reader's VMAs and
 * caller_mapped_bytes that of its device VMAs, whatever else it maps.
 */
TEST_F(acct, caller_bytes_follow_own_maps)
{
	const size_t pg = self->page;
	void *d, *i, *a, *b;

	d = rp_map(self->fd, 0, pg, PROT_READ);
	ASSERT_NE(MAP_FAILED, d);
	i = rp_map(self->fd, REMAP_PFN_OFF_INFO, pg, PROT_READ);
	ASSERT_NE(MAP_FAILED, i);
	check_counts(self->fd, 2, 2 * pg, 1, 2 * pg);
	a = mmap(NULL, 3 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a);
	b = mmap(NULL, 64 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, b);
	check_counts(self->fd, 2, 2 * pg, 1, 2 * pg);
	ASSERT_EQ(0, munmap(a, 3 * pg));
	ASSERT_EQ(0, munmap(d, pg));
	check_counts(self->fd, 1, pg, 1, pg);
	ASSERT_EQ(0, munmap(b, 64 << 20));
	ASSERT_EQ(0, munmap(i, pg));
	check_counts(self->fd, 0, 0, 0, 0);
}

/*
 * The file is exactly the documented lines in order, whatever the read
 * size, and agrees with the ioctl; open fds are not mappings.
 */
TEST_F(acct, format_and_idle_values)
{
	static const char *const names[] = {
		[REMAP_PFN_ALLOC_KMALLOC] = "kmalloc",
		[REMAP_PFN_ALLOC_VMALLOC] = "vmalloc",
		[REMAP_PFN_ALLOC_PAGES] = "alloc_pages",
	};
	char text[RP_STATS_MAX], bytewise[RP_STATS_MAX];
	struct remap_pfn_info info;
	int fds[3], pfd, k, line;
	struct rp_stats st;
	struct stat sb;
	size_t n = 0;
	ssize_t len;

	for (k = 0; k < 3; k++) {
		fds[k] = rp_open();
		ASSERT_LE(0, fds[k]);
	}
	len = rp_read_file(RP_PROC, text, sizeof(text));
	ASSERT_LT(0, len);
	line = rp_parse_stats(text, &st);
	EXPECT_EQ(0, line) TH_LOG("bad line %d in:\n%s", line, text);
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	ASSERT_GT(ARRAY_SIZE(names), info.allocator);
	EXPECT_STREQ(names[info.allocator], st.allocator);
	EXPECT_EQ(info.size, st.size);
	EXPECT_EQ(info.chunks, st.chunks);
	EXPECT_EQ(0, st.mappings);
	EXPECT_EQ(0, st.mapped_bytes);
	EXPECT_EQ(0, st.processes);
	EXPECT_EQ(0, st.caller_mapped_bytes);
	EXPECT_LT(0, st.caller_vm_bytes);

	/* one byte per read() gives the same text */
	pfd = open(RP_PROC, O_RDONLY);
	ASSERT_LE(0, pfd);
	while (n + 1 < sizeof(bytewise) && read(pfd, bytewise + n, 1) == 1)
		n++;
	bytewise[n] = '\0';
	close(pfd);
	/* caller_vm_bytes may differ: compare up to that line */
	EXPECT_EQ(0, strncmp(text, bytewise, strstr(text, "caller_") - text));
	EXPECT_EQ(0, rp_parse_stats(bytewise, &st));

	ASSERT_EQ(0, stat(RP_PROC, &sb));
	EXPECT_EQ(0444, sb.st_mode & 07777);
	for (k = 0; k < 3; k++)
		close(fds[k]);
}

TEST_HARNESS_MAIN
