// SPDX-License-Identifier: GPL-2.0-only
/*
 * read(), write(), pread(), pwrite(), lseek() and ioctl() on
 * /dev/remap_pfn: the file position is a byte offset into the data
 * region, which ends at the buffer size reported by the device.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"

RP_REQUIRE_DEVICE()

FIXTURE(rw)
{
	int fd;
	struct remap_pfn_info info;
	size_t page;
	off_t size;
	u8 *buf;	/* scratch of size + 2 pages */
};

FIXTURE_SETUP(rw)
{
	self->page = rp_page_size();
	self->fd = rp_open();
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s went away", RP_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RP_DEV, strerror(errno));
	ASSERT_EQ(0, rp_get_info(self->fd, &self->info));
	self->size = (off_t)self->info.size;
	ASSERT_LT(0, self->size);
	self->buf = malloc(self->size + 2 * self->page);
	ASSERT_NE(NULL, self->buf);
	/* a known pattern everywhere, so every read has something to see */
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 41, 0, self->size));
}

FIXTURE_TEARDOWN(rw)
{
	if (self->fd >= 0) {
		rp_pwrite_pattern(self->fd, 0, 0, self->size);
		close(self->fd);
	}
	free(self->buf);
}

/* Sequential read() walks the whole buffer and stops with 0 at the end */
TEST_F(rw, read_sequential_to_end)
{
	const size_t chunk = 1000;	/* not a divisor of a page */
	off_t pos = 0;
	ssize_t n;

	while (pos < self->size) {
		size_t want = chunk;

		if ((off_t)want > self->size - pos)
			want = self->size - pos;
		n = read(self->fd, self->buf, chunk);
		ASSERT_EQ((ssize_t)want, n) TH_LOG("read at %lld: %s",
						   (long long)pos,
						   strerror(errno));
		ASSERT_EQ(-1, rp_check(self->buf, 41, pos, n));
		pos += n;
		ASSERT_EQ(pos, lseek(self->fd, 0, SEEK_CUR));
	}
	EXPECT_EQ(0, read(self->fd, self->buf, chunk));
	EXPECT_EQ(0, read(self->fd, self->buf, 1));
	EXPECT_EQ(self->size, lseek(self->fd, 0, SEEK_CUR));
}

/* Reads at the start, in the middle and across the end return the bytes */
TEST_F(rw, pread_start_middle_end)
{
	const off_t mid = self->size / 2 + 3;
	ssize_t n;

	n = pread(self->fd, self->buf, 100, 0);
	ASSERT_EQ(100, n);
	EXPECT_EQ(-1, rp_check(self->buf, 41, 0, 100));
	n = pread(self->fd, self->buf, 333, mid);
	ASSERT_EQ(333, n);
	EXPECT_EQ(-1, rp_check(self->buf, 41, mid, 333));
	/* a read crossing the end is short */
	n = pread(self->fd, self->buf, 2 * self->page, self->size - 100);
	ASSERT_EQ(100, n);
	EXPECT_EQ(-1, rp_check(self->buf, 41, self->size - 100, 100));
	n = pread(self->fd, self->buf, 1, self->size - 1);
	ASSERT_EQ(1, n);
	EXPECT_EQ(rp_byte(41, self->size - 1), self->buf[0]);
	/* pread() does not move the file position */
	EXPECT_EQ(0, lseek(self->fd, 0, SEEK_CUR));
}

/* A read at or past the end returns 0, never an error or stale bytes */
TEST_F(rw, read_at_or_past_end_returns_zero)
{
	const off_t past[] = {
		self->size, self->size + 1, self->size + (off_t)self->page,
		(off_t)REMAP_PFN_OFF_INFO, (off_t)1 << 62,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(past); i++) {
		EXPECT_EQ(0, pread(self->fd, self->buf, 16, past[i]))
			TH_LOG("pread at %lld", (long long)past[i]);
	}
	ASSERT_EQ(self->size, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(0, read(self->fd, self->buf, 16));
	EXPECT_EQ(self->size, lseek(self->fd, 0, SEEK_CUR));
}

/* Writes land at the start and in the middle, and nowhere else */
TEST_F(rw, pwrite_start_middle)
{
	const off_t mid = self->size / 2 + 5;
	ssize_t n;

	rp_fill(self->buf, 42, 0, 77);
	n = pwrite(self->fd, self->buf, 77, 0);
	ASSERT_EQ(77, n);
	rp_fill(self->buf, 42, mid, 501);
	n = pwrite(self->fd, self->buf, 501, mid);
	ASSERT_EQ(501, n);
	EXPECT_EQ(0, lseek(self->fd, 0, SEEK_CUR));

	EXPECT_EQ(-1, rp_pread_check(self->fd, 42, 0, 77));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 41, 77, mid - 77));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 42, mid, 501));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 41, mid + 501,
				     self->size - mid - 501));
}

/* write() advances the position; one crossing the end is short */
TEST_F(rw, write_crossing_end_is_short)
{
	ssize_t n;

	ASSERT_EQ(self->size - 100, lseek(self->fd, -100, SEEK_END));
	rp_fill(self->buf, 43, self->size - 100, 300);
	n = write(self->fd, self->buf, 300);
	ASSERT_EQ(100, n);
	EXPECT_EQ(self->size, lseek(self->fd, 0, SEEK_CUR));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 43, self->size - 100, 100));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 41, self->size - 200, 100));

	/* the next write starts at the end */
	n = write(self->fd, self->buf, 1);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(self->size, lseek(self->fd, 0, SEEK_CUR));

	n = pwrite(self->fd, self->buf, self->page, self->size - 1);
	EXPECT_EQ(1, n);
}

/* A write starting at or after the end fails with ENOSPC */
TEST_F(rw, write_at_or_past_end_enospc)
{
	const off_t past[] = {
		self->size, self->size + 1, self->size + (off_t)self->page,
		(off_t)REMAP_PFN_OFF_INFO, (off_t)1 << 62,
	};
	unsigned int i;

	memset(self->buf, 0xee, 16);
	for (i = 0; i < ARRAY_SIZE(past); i++) {
		EXPECT_EQ(-1, pwrite(self->fd, self->buf, 16, past[i]))
			TH_LOG("pwrite at %lld", (long long)past[i]);
		EXPECT_EQ(ENOSPC, errno);
	}
	EXPECT_EQ(-1, rp_pread_check(self->fd, 41, 0, self->size));
}

/* lseek() accepts exactly [0, size] with every whence, else EINVAL */
TEST_F(rw, lseek_bounds)
{
	const off_t size = self->size, mid = self->size / 2;

	EXPECT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(mid, lseek(self->fd, mid, SEEK_SET));
	EXPECT_EQ(size, lseek(self->fd, size, SEEK_SET));
	EXPECT_EQ(-1, lseek(self->fd, size + 1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, -1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	/* a refused seek leaves the position alone */
	EXPECT_EQ(size, lseek(self->fd, 0, SEEK_CUR));

	ASSERT_EQ(mid, lseek(self->fd, mid, SEEK_SET));
	EXPECT_EQ(mid + 7, lseek(self->fd, 7, SEEK_CUR));
	EXPECT_EQ(mid, lseek(self->fd, -7, SEEK_CUR));
	EXPECT_EQ(-1, lseek(self->fd, size - mid + 1, SEEK_CUR));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, -mid - 1, SEEK_CUR));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(mid, lseek(self->fd, 0, SEEK_CUR));
	EXPECT_EQ(size, lseek(self->fd, size - mid, SEEK_CUR));
	EXPECT_EQ(0, lseek(self->fd, -size, SEEK_CUR));

	EXPECT_EQ(size, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(0, lseek(self->fd, -size, SEEK_END));
	EXPECT_EQ(size - 1, lseek(self->fd, -1, SEEK_END));
	EXPECT_EQ(-1, lseek(self->fd, 1, SEEK_END));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, -size - 1, SEEK_END));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(size - 1, lseek(self->fd, 0, SEEK_CUR));

	EXPECT_EQ(-1, lseek(self->fd, 0, 42));
	EXPECT_EQ(EINVAL, errno);

	/* the position is where read() starts */
	ASSERT_EQ(mid, lseek(self->fd, mid, SEEK_SET));
	ASSERT_EQ(10, read(self->fd, self->buf, 10));
	EXPECT_EQ(-1, rp_check(self->buf, 41, mid, 10));
}

/* REMAP_PFN_IOC_INFO describes the buffer; reserved space is zero */
TEST_F(rw, ioctl_info_fields)
{
	struct remap_pfn_info info;
	struct rp_stats st;

	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_GE(REMAP_PFN_ALLOC_PAGES, info.allocator);
	EXPECT_EQ(self->page, info.page_size);
	EXPECT_EQ(0, info.size % self->page);
	EXPECT_LE(1, info.chunks);
	EXPECT_GE(info.size / self->page, info.chunks);
	EXPECT_EQ(0, info.mappings);
	EXPECT_EQ(0, info.mapped_bytes);
	EXPECT_GE(REMAP_PFN_MAP_PAGES, info.map);
	EXPECT_EQ(0, info.exports);
	EXPECT_EQ(0, info.export_bytes);
	ASSERT_EQ(0, rp_read_stats(&st));
	EXPECT_EQ(st.size, info.size);
	EXPECT_EQ(st.huge_faults, info.huge_faults);
	EXPECT_EQ(st.chunks, info.chunks);
}

/* A bad pointer for a valid command is EFAULT, not a crash or success */
TEST_F(rw, ioctl_info_bad_pointer_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, REMAP_PFN_IOC_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, REMAP_PFN_IOC_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* Any other command is ENOTTY, even with the magic, nr or size right */
TEST_F(rw, ioctl_unknown_enotty)
{
	const unsigned long cmds[] = {
		0,
		_IO(REMAP_PFN_IOC_MAGIC, 0),
		_IOW(REMAP_PFN_IOC_MAGIC, 0, struct remap_pfn_info),
		_IOWR(REMAP_PFN_IOC_MAGIC, 0, struct remap_pfn_info),
		_IOR(REMAP_PFN_IOC_MAGIC, 0, __u64),
		_IOR(REMAP_PFN_IOC_MAGIC, 1, struct remap_pfn_info),
		_IOR(REMAP_PFN_IOC_MAGIC, 0xff, struct remap_pfn_info),
		_IOR(REMAP_PFN_IOC_MAGIC + 1, 0, struct remap_pfn_info),
		_IOR(0, 0, struct remap_pfn_info),
	};
	struct remap_pfn_info info;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(&info, 0, sizeof(info));
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &info))
			TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx: %s", cmds[i],
						strerror(errno));
	}
}

TEST_HARNESS_MAIN
