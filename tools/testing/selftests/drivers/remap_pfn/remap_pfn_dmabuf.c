// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ranges of the remap_pfn buffer exported as dma-bufs: passed to another
 * process, mapped, synced, imported into vgem, accounted, and refused
 * when the request is wrong.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <drm/drm.h>
#include <linux/dma-buf.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"
#include "test_modules/remap_pfn_importer.h"

RP_REQUIRE_DEVICE()

/* Export [off, off + len) with @flags. Return: the fd, or -errno */
static int rp_export(int fd, u64 off, u64 len, __u32 flags)
{
	struct remap_pfn_export arg = {
		.offset = off,
		.length = len,
		.flags = flags,
		.fd = -1,
	};

	if (ioctl(fd, REMAP_PFN_IOC_EXPORT, &arg))
		return -errno;
	return arg.fd;
}

static int rp_sync(int dfd, __u64 flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(dfd, DMA_BUF_IOCTL_SYNC, &sync) ? -errno : 0;
}

/* Send @fd over the Unix socket @sock. Return: 0 or -1 */
static int rp_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Receive one fd from @sock. Return: the fd, or -1 */
static int rp_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* The value of "@key:\t" in /proc/self/fdinfo/@fd, or "" */
static void rp_fdinfo(int fd, const char *key, char *val, size_t size)
{
	char path[64], text[2048], *p;
	size_t klen = strlen(key);

	*val = '\0';
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (rp_read_file(path, text, sizeof(text)) < 0)
		return;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			char *v = p + klen + 1;
			size_t n;

			v += strspn(v, " \t");
			n = strcspn(v, "\n");
			if (n >= size)
				n = size - 1;
			memcpy(val, v, n);
			val[n] = '\0';
			return;
		}
	}
}

/* An open vgem node, or -1: the kernel's own software GEM driver */
static int rp_open_vgem(void)
{
	char path[64], name[16];
	int i;

	for (i = 0; i < 16; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

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
	ASSERT_EQ(0, info.exports) TH_LOG("a dma-buf of an earlier test lives");
	ASSERT_EQ(0, info.export_bytes);
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
 * A dma-buf passed to another process over a Unix socket maps the same
 * bytes as a device mapping of that offset and as pread(), both ways, and
 * nothing outside the range.
 */
TEST_F(range, passed_over_socket_shares_bytes)
{
	struct rp_child c;
	int sv[2], dfd;
	u8 *dev;
	pid_t pid;

	if (!self->len)
		SKIP(return, "a one-page buffer has no first half");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	dev = rp_map(self->fd, self->off, self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, dev);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 61, self->off, self->len));

	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		/* the child has nothing of the device but what it receives */
		int rfd = rp_recv_fd(sv[1]);
		u8 *p;

		munmap(dev, self->len);
		close(self->fd);
		if (rfd < 0)
			_exit(2);
		p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 rfd, 0);
		if (p == MAP_FAILED)
			_exit(3);
		close(rfd);
		if (rp_check(p, 61, self->off, self->len) != -1)
			_exit(4);
		rp_fill(p, 62, self->off, self->len);
		_exit(rp_sync_send(c.to) ? 5 : 0);
	}
	dfd = rp_export(self->fd, self->off, self->len, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dfd) TH_LOG("export: %s", strerror(-dfd));
	ASSERT_EQ(0, rp_send_fd(sv[0], dfd));
	ASSERT_EQ(0, close(dfd));
	ASSERT_EQ(0, rp_sync_wait(c.from));
	EXPECT_EQ(0, rp_child_reap(&c)) TH_LOG("the receiver saw other bytes");

	EXPECT_EQ(-1, rp_check(dev, 62, self->off, self->len));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 62, self->off, self->len));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 0, 0, self->off));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 0, self->off + self->len,
				     self->size - self->off - self->len));
	ASSERT_EQ(0, munmap(dev, self->len));
	close(sv[0]);
	close(sv[1]);
}

/*
 * A page-aligned offset into the dma-buf maps that page of the range, and
 * a mapping past the dma-buf's end fails even where the buffer goes on.
 */
TEST_F(range, mmap_offset_inside_dmabuf)
{
	int dfd;
	u8 *p;

	if (self->len < 2 * self->page)
		SKIP(return, "the range has fewer than two pages");
	dfd = rp_export(self->fd, self->off, self->len, O_RDWR);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 63, self->off, self->len));
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, dfd, self->page);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, rp_check(p, 63, self->off + self->page, self->page));
	ASSERT_EQ(0, munmap(p, self->page));

	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * self->page, PROT_READ, MAP_SHARED,
				   dfd, self->len - self->page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((off_t)self->len, lseek(dfd, 0, SEEK_END));
	ASSERT_EQ(0, close(dfd));
}

/*
 * A debugger reaches a dma-buf's mapping as it does the device's:
 * /proc/self/mem reads the range's bytes and writes land at the range's
 * offset in the buffer, whether the mapping was filled at mmap() or is
 * filled by faults (or, with map=pfn, not at all: ->access()).
 */
TEST_F(range, proc_mem_reaches_range)
{
	static const char msg[] = "poked through a dma-buf";
	char back[sizeof(msg)];
	u8 *seen, *p;
	int dfd, mem;

	if (!self->len)
		SKIP(return, "a one-page buffer has no first half");
	seen = malloc(self->len);
	ASSERT_NE(NULL, seen);
	dfd = rp_export(self->fd, self->off, self->len, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 66, self->off, self->len));
	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem) TH_LOG("/proc/self/mem: %s", strerror(errno));

	/* before any access of this process's own, then after */
	ASSERT_EQ((ssize_t)self->len,
		  pread(mem, seen, self->len, (off_t)(uintptr_t)p))
		TH_LOG("read: %s", strerror(errno));
	EXPECT_EQ(-1, rp_check(seen, 66, self->off, self->len));
	ASSERT_EQ((ssize_t)sizeof(msg),
		  pwrite(mem, msg, sizeof(msg),
			 (off_t)(uintptr_t)(p + self->len - sizeof(msg))))
		TH_LOG("write: %s", strerror(errno));
	ASSERT_EQ((ssize_t)sizeof(back),
		  pread(self->fd, back, sizeof(back),
			self->off + self->len - sizeof(msg)));
	EXPECT_EQ(0, memcmp(back, msg, sizeof(msg)));
	EXPECT_EQ(0, memcmp(p + self->len - sizeof(msg), msg, sizeof(msg)));

	close(mem);
	ASSERT_EQ(0, munmap(p, self->len));
	ASSERT_EQ(0, close(dfd));
	free(seen);
}

FIXTURE(dmabuf)
{
	int fd;
	u64 size;
	size_t page;
};

FIXTURE_SETUP(dmabuf)
{
	setup_dev(_metadata, &self->fd, &self->size, &self->page);
}

FIXTURE_TEARDOWN(dmabuf)
{
	if (self->fd >= 0) {
		rp_pwrite_pattern(self->fd, 0, 0, self->size);
		close(self->fd);
	}
}

/* DMA_BUF_IOCTL_SYNC brackets CPU access; flags it does not know fail */
TEST_F(dmabuf, sync_start_end)
{
	static const __u64 good[] = {
		DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
		DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ,
		DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE,
		DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE,
		DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW,
		DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW,
	};
	static const __u64 bad[] = {
		0,
		DMA_BUF_SYNC_START,
		DMA_BUF_SYNC_VALID_FLAGS_MASK + 1,
		DMA_BUF_SYNC_RW | 0x100,
	};
	unsigned int i;
	int dfd;

	dfd = rp_export(self->fd, 0, self->size, O_RDWR);
	ASSERT_LE(0, dfd);
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		unsigned long long flags = good[i];

		EXPECT_EQ(0, rp_sync(dfd, flags)) TH_LOG("flags %#llx", flags);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long long flags = bad[i];

		EXPECT_EQ(-EINVAL, rp_sync(dfd, flags))
			TH_LOG("flags %#llx", flags);
	}
	ASSERT_EQ(0, close(dfd));
}

/*
 * A real importer: vgem takes the dma-buf through PRIME, gives a handle
 * for it (the same one for a second import), and exports the handle back
 * as the very same dma-buf, of the same size. With the device attached
 * (and, before 7.x, DMA-mapped), CPU syncs still succeed and the bytes
 * are the device's.
 */
TEST_F(dmabuf, vgem_imports_and_reexports)
{
	struct drm_prime_handle imp = { 0 }, again = { 0 }, exp = { 0 };
	struct drm_gem_close gc = { 0 };
	struct stat a, b;
	size_t len = self->size > self->page ? self->size - self->page :
					       self->size;
	u64 off = self->size - len;
	int vgem, dfd;
	u8 *p;

	vgem = rp_open_vgem();
	if (vgem < 0)
		SKIP(return, "no vgem device: modprobe vgem");
	dfd = rp_export(self->fd, off, len, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 64, off, len));

	imp.fd = dfd;
	ASSERT_EQ(0, ioctl(vgem, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp))
		TH_LOG("import: %s", strerror(errno));
	EXPECT_NE(0, imp.handle);
	again.fd = dfd;
	ASSERT_EQ(0, ioctl(vgem, DRM_IOCTL_PRIME_FD_TO_HANDLE, &again));
	EXPECT_EQ(imp.handle, again.handle);

	exp.handle = imp.handle;
	exp.flags = DRM_CLOEXEC | DRM_RDWR;
	ASSERT_EQ(0, ioctl(vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp))
		TH_LOG("re-export: %s", strerror(errno));
	ASSERT_EQ(0, fstat(dfd, &a));
	ASSERT_EQ(0, fstat(exp.fd, &b));
	EXPECT_EQ(a.st_ino, b.st_ino) TH_LOG("vgem made a new dma-buf");
	EXPECT_EQ((off_t)len, lseek(exp.fd, 0, SEEK_END));

	EXPECT_EQ(0, rp_sync(exp.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, exp.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, rp_check(p, 64, off, len));
	rp_fill(p, 65, off, len);
	EXPECT_EQ(0, rp_sync(exp.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 65, off, len));
	ASSERT_EQ(0, munmap(p, len));

	gc.handle = imp.handle;
	EXPECT_EQ(0, ioctl(vgem, DRM_IOCTL_GEM_CLOSE, &gc));
	ASSERT_EQ(0, close(exp.fd));
	ASSERT_EQ(0, close(dfd));
	ASSERT_EQ(0, close(vgem));
}

/*
 * Live dma-bufs and their bytes show in the ioctl, the info page and
 * procfs; their mappings count like the device's, in this process's
 * caller_mapped_bytes too; everything goes back when they are gone.
 */
TEST_F(dmabuf, accounting)
{
	struct remap_pfn_info info, before;
	struct remap_pfn_info *ip;
	struct rp_stats st;
	size_t len = self->page;
	int d1, d2;
	void *p;

	ip = rp_map(self->fd, REMAP_PFN_OFF_INFO, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, ip);
	ASSERT_EQ(0, rp_get_info(self->fd, &before));

	d1 = rp_export(self->fd, 0, len, O_RDWR);
	ASSERT_LE(0, d1);
	d2 = rp_export(self->fd, 0, self->size, O_RDONLY);
	ASSERT_LE(0, d2);
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(2, info.exports);
	EXPECT_EQ(len + self->size, info.export_bytes);
	EXPECT_EQ(2, ip->exports);
	EXPECT_EQ(len + self->size, ip->export_bytes);
	ASSERT_EQ(0, rp_read_stats(&st));
	EXPECT_EQ(2, st.exports);
	EXPECT_EQ(len + self->size, st.export_bytes);
	/* exporting maps nothing */
	EXPECT_EQ(before.mappings, info.mappings);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(before.mappings + 1, info.mappings);
	EXPECT_EQ(before.mapped_bytes + len, info.mapped_bytes);
	ASSERT_EQ(0, rp_read_stats(&st));
	EXPECT_EQ(before.mapped_bytes + len, st.mapped_bytes);
	EXPECT_EQ(before.mapped_bytes + len, st.caller_mapped_bytes);
	EXPECT_EQ(1, st.processes);

	/* the mapping keeps the dma-buf alive after close() */
	ASSERT_EQ(0, close(d1));
	ASSERT_EQ(0, close(d2));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(1, info.exports);
	EXPECT_EQ(len, info.export_bytes);
	ASSERT_EQ(0, munmap(p, len));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(0, info.exports);
	EXPECT_EQ(0, info.export_bytes);
	EXPECT_EQ(before.mappings, info.mappings);
	EXPECT_EQ(before.mapped_bytes, info.mapped_bytes);
	ASSERT_EQ(0, rp_read_stats(&st));
	EXPECT_EQ(0, st.exports);
	EXPECT_EQ(0, st.export_bytes);
	ASSERT_EQ(0, munmap(ip, self->page));
}

/* fork() copies a dma-buf mapping, counted once more, split or not */
TEST_F(dmabuf, fork_and_split_count)
{
	struct remap_pfn_info info, before;
	struct rp_child c;
	size_t len = 2 * self->page;
	int dfd;
	u8 *p;
	pid_t pid;

	if (self->size < len)
		SKIP(return, "a one-page buffer");
	ASSERT_EQ(0, rp_get_info(self->fd, &before));
	dfd = rp_export(self->fd, 0, len, O_RDWR);
	ASSERT_LE(0, dfd);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, close(dfd));
	ASSERT_EQ(0, mprotect(p, self->page, PROT_READ));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(before.mappings + 2, info.mappings);
	EXPECT_EQ(before.mapped_bytes + len, info.mapped_bytes);

	pid = rp_child_fork(&c);
	ASSERT_LE(0, pid);
	if (!pid) {
		p[self->page] = 0x5a;
		_exit(rp_sync_send(c.to) || rp_sync_wait(c.from) ? 3 : 0);
	}
	ASSERT_EQ(0, rp_sync_wait(c.from));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(before.mappings + 4, info.mappings);
	EXPECT_EQ(before.mapped_bytes + 2 * len, info.mapped_bytes);
	EXPECT_EQ(0x5a, p[self->page]);
	ASSERT_EQ(0, rp_sync_send(c.to));
	EXPECT_EQ(0, rp_child_reap(&c));

	ASSERT_EQ(0, munmap(p, len));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(before.mappings, info.mappings);
	EXPECT_EQ(before.mapped_bytes, info.mapped_bytes);
	EXPECT_EQ(0, info.exports);
}

/* fdinfo names this driver as the exporter, with the size and access mode */
TEST_F(dmabuf, fdinfo_names_exporter)
{
	char val[64];
	int dfd;

	dfd = rp_export(self->fd, 0, self->page, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDONLY, fcntl(dfd, F_GETFL) & O_ACCMODE);
	rp_fdinfo(dfd, "exp_name", val, sizeof(val));
	EXPECT_STREQ("remap_pfn", val);
	rp_fdinfo(dfd, "size", val, sizeof(val));
	EXPECT_EQ(self->page, strtoull(val, NULL, 10)) TH_LOG("size '%s'", val);
	ASSERT_EQ(0, close(dfd));

	dfd = rp_export(self->fd, 0, self->page, O_RDWR);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(0, fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(dfd, F_GETFL) & O_ACCMODE);
	ASSERT_EQ(0, close(dfd));
}

/*
 * So does sysfs, on a kernel that keeps dma-buf statistics there
 * (CONFIG_DMABUF_SYSFS_STATS, which Debian leaves off and 7.2 no longer
 * has).
 */
TEST_F(dmabuf, sysfs_names_exporter)
{
	char val[64], path[128];
	struct stat st;
	int dfd;

	if (access("/sys/kernel/dmabuf/buffers", F_OK))
		SKIP(return, "no /sys/kernel/dmabuf/buffers (CONFIG_DMABUF_SYSFS_STATS)");
	dfd = rp_export(self->fd, 0, self->page, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, fstat(dfd, &st));
	snprintf(path, sizeof(path),
		 "/sys/kernel/dmabuf/buffers/%lu/exporter_name",
		 (unsigned long)st.st_ino);
	ASSERT_LT(0, rp_read_file(path, val, sizeof(val)));
	EXPECT_STREQ("remap_pfn\n", val);
	ASSERT_EQ(0, close(dfd));
}

/* Ranges that are empty, unaligned, outside the buffer or wrap: EINVAL */
TEST_F(dmabuf, bad_ranges_einval)
{
	const u64 pg = self->page, sz = self->size;
	const struct {
		u64 off, len;
	} bad[] = {
		{ 0, 0 },			/* empty */
		{ pg, 0 },
		{ 1, pg },			/* unaligned offset */
		{ 0, pg + 1 },			/* unaligned length */
		{ 0, 1 },
		{ 0, sz + pg },			/* past the end */
		{ sz, pg },			/* starts at the end */
		{ sz - pg, 2 * pg },		/* crosses the end */
		{ REMAP_PFN_OFF_INFO, pg },	/* the info region */
		{ -pg, 2 * pg },		/* wraps to 0 + pg */
		{ pg, -pg },			/* wraps to 0 */
		{ -pg, pg },			/* ends at 2^64 exactly */
	};
	struct remap_pfn_info info;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long long off = bad[i].off, len = bad[i].len;

		EXPECT_EQ(-EINVAL, rp_export(self->fd, off, len, O_RDWR))
			TH_LOG("offset %#llx length %#llx", off, len);
	}
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(0, info.exports);
}

/* Reserved fields set, unknown flags, or O_WRONLY: EINVAL */
TEST_F(dmabuf, bad_fields_einval)
{
	static const __u32 bad_flags[] = {
		O_WRONLY, O_RDWR | O_WRONLY, O_RDWR | O_NONBLOCK,
		O_RDWR | O_APPEND, O_RDONLY | 0x80000000u,
	};
	struct remap_pfn_export arg;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		memset(&arg, 0, sizeof(arg));
		arg.length = self->page;
		arg.flags = O_RDWR;
		arg.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, REMAP_PFN_IOC_EXPORT, &arg));
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%u]", i);
	}
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		__u32 flags = bad_flags[i];

		EXPECT_EQ(-EINVAL, rp_export(self->fd, 0, self->page, flags))
			TH_LOG("flags %#x", flags);
	}
	/* the output field is not checked on the way in */
	memset(&arg, 0, sizeof(arg));
	arg.length = self->page;
	arg.fd = 12345;
	ASSERT_EQ(0, ioctl(self->fd, REMAP_PFN_IOC_EXPORT, &arg));
	EXPECT_NE(12345, arg.fd);
	EXPECT_EQ(0, close(arg.fd));
}

/*
 * A read-only export cannot be mapped writable, nor made writable later;
 * a read-only device file cannot export read-write; MAP_PRIVATE and
 * PROT_EXEC are refused as for the device.
 */
TEST_F(dmabuf, read_only_and_mapping_rules)
{
	int dfd, ro;
	void *p;

	dfd = rp_export(self->fd, 0, self->page, O_RDONLY);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page, PROT_READ | PROT_WRITE,
				   MAP_SHARED, dfd, 0));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, self->page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, munmap(p, self->page));
	ASSERT_EQ(0, close(dfd));

	ro = open(RP_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, rp_export(ro, 0, self->page, O_RDWR));
	dfd = rp_export(ro, 0, self->page, O_RDONLY);
	EXPECT_LE(0, dfd);
	close(dfd);
	close(ro);

	dfd = rp_export(self->fd, 0, self->page, O_RDWR);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page, PROT_READ, MAP_PRIVATE,
				   dfd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page, PROT_READ | PROT_EXEC,
				   MAP_SHARED, dfd, 0));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, close(dfd));
}

/* A bad pointer fails with EFAULT and leaves no fd and no dma-buf behind */
TEST_F(dmabuf, bad_pointer_leaves_nothing)
{
	struct remap_pfn_info info;
	struct remap_pfn_export *arg;
	int probe, next;

	EXPECT_EQ(-1, ioctl(self->fd, REMAP_PFN_IOC_EXPORT, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* readable but not writable: the fd cannot be handed back */
	arg = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, arg);
	arg->length = self->page;
	arg->flags = O_RDWR;
	ASSERT_EQ(0, mprotect(arg, self->page, PROT_READ));
	probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, probe);
	close(probe);
	EXPECT_EQ(-1, ioctl(self->fd, REMAP_PFN_IOC_EXPORT, arg));
	EXPECT_EQ(EFAULT, errno);
	next = open("/dev/null", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(probe, next) TH_LOG("an fd was left installed");
	close(next);
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(0, info.exports);
	ASSERT_EQ(0, munmap(arg, self->page));
}

/*
 * The in-kernel importer of test_modules/ reaches what user space cannot:
 * ->map_dma_buf() for a device, ->vmap(), and the CPU syncs with a mapped
 * attachment. One body per range: the whole buffer, and an inner range
 * that neither starts nor ends where the buffer does.
 */
FIXTURE(importer)
{
	int fd;
	int imp;
	u64 size;
	size_t page;
	u64 off;
	size_t len;
};

FIXTURE_VARIANT(importer)
{
	bool inner;
};

FIXTURE_VARIANT_ADD(importer, whole)
{
	.inner = false,
};

FIXTURE_VARIANT_ADD(importer, inner)
{
	.inner = true,
};

FIXTURE_SETUP(importer)
{
	char ko[256];
	int ret;

	self->imp = -1;
	setup_dev(_metadata, &self->fd, &self->size, &self->page);
	self->off = 0;
	self->len = self->size;
	if (variant->inner) {
		if (self->size < 3 * self->page)
			SKIP(return, "a buffer of fewer than three pages");
		self->off = self->page;
		self->len = self->size - 2 * self->page;
	}
	if (rp_importer_path(ko, sizeof(ko)))
		SKIP(return, "no test module %s: scripts/build.sh builds it per kernel",
		     ko);
	ret = rp_importer_load(ko);
	ASSERT_EQ(0, ret) TH_LOG("load %s: %s", ko, strerror(ret));
	self->imp = open(REMAP_PFN_IMPORTER_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->imp) TH_LOG("%s: %s", REMAP_PFN_IMPORTER_DEV,
				       strerror(errno));
}

FIXTURE_TEARDOWN(importer)
{
	if (self->imp >= 0) {
		/* whatever a failed test left held */
		ioctl(self->imp, REMAP_PFN_IMPORTER_IOC_RELEASE);
		close(self->imp);
		rp_importer_unload();
	}
	if (self->fd >= 0) {
		rp_pwrite_pattern(self->fd, 0, 0, self->size);
		close(self->fd);
	}
}

/* The importer's check of @dfd, whose range starts at @base. Return: 0 or -errno */
static int rp_import_check(int imp, int dfd, u64 base, unsigned int expect,
			   unsigned int fill, struct remap_pfn_importer_check *c)
{
	memset(c, 0xa5, sizeof(*c));
	c->fd = dfd;
	c->flags = 0;
	c->base = base;
	c->expect_seed = expect;
	c->fill_seed = fill;
	return ioctl(imp, REMAP_PFN_IMPORTER_IOC_CHECK, c) ? -errno : 0;
}

/*
 * The device's view of the DMA-mapped sg_table and the kernel mapping of
 * ->vmap() both hold the bytes pwrite() put in the range, and exactly the
 * range; what the importer writes through ->vmap() is what pread(), a
 * device mapping and the device's view then see, and nothing outside the
 * range changes.
 */
TEST_F(importer, maps_and_vmaps_the_range)
{
	struct remap_pfn_importer_check c;
	struct remap_pfn_info info;
	int dfd, ret;
	u8 *dev;

	ASSERT_EQ(0, rp_pwrite_pattern(self->fd, 71, 0, self->size));
	dfd = rp_export(self->fd, self->off, self->len, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dfd) TH_LOG("export: %s", strerror(-dfd));

	ret = rp_import_check(self->imp, dfd, self->off, 71, 72, &c);
	ASSERT_EQ(0, ret) TH_LOG("import: %s", strerror(-ret));
	EXPECT_EQ(self->len, c.size);
	EXPECT_EQ(self->len, c.dma_bytes) TH_LOG("the sg_table maps another length");
	EXPECT_EQ(-1, c.dev_bad) TH_LOG("the device reads other bytes at %lld",
					(long long)c.dev_bad);
	EXPECT_EQ(-1, c.vmap_bad) TH_LOG("vmap reads other bytes at %lld",
					 (long long)c.vmap_bad);
	EXPECT_EQ(-1, c.written_bad)
		TH_LOG("the device misses the CPU's write at %lld",
		       (long long)c.written_bad);

	EXPECT_EQ(-1, rp_pread_check(self->fd, 72, self->off, self->len));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 71, 0, self->off));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 71, self->off + self->len,
				     self->size - self->off - self->len));
	dev = rp_map(self->fd, self->off, self->len, PROT_READ);
	ASSERT_NE(MAP_FAILED, dev);
	EXPECT_EQ(-1, rp_check(dev, 72, self->off, self->len));
	ASSERT_EQ(0, munmap(dev, self->len));

	/* a second import sees the first one's bytes */
	ret = rp_import_check(self->imp, dfd, self->off, 72, 73, &c);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-1, c.dev_bad);
	EXPECT_EQ(-1, c.vmap_bad);
	EXPECT_EQ(-1, rp_pread_check(self->fd, 73, self->off, self->len));

	ASSERT_EQ(0, close(dfd));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(0, info.exports) TH_LOG("the importer kept the dma-buf");
}

/*
 * A dma-buf the importer holds attached, DMA-mapped and vmapped lives on
 * after its last fd is closed, still counted; CPU syncs from user space
 * meanwhile go through the mapped attachment. Releasing it frees it; a
 * second hold, a release of nothing and an fd that is no dma-buf fail.
 */
TEST_F(importer, hold_keeps_dmabuf_attached)
{
	struct remap_pfn_info info;
	int dfd;
	u8 *p;

	dfd = rp_export(self->fd, self->off, self->len, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, ioctl(self->imp, REMAP_PFN_IMPORTER_IOC_HOLD, dfd))
		TH_LOG("hold: %s", strerror(errno));
	EXPECT_EQ(-1, ioctl(self->imp, REMAP_PFN_IMPORTER_IOC_HOLD, dfd));
	EXPECT_EQ(EBUSY, errno);

	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, rp_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	rp_fill(p, 74, self->off, self->len);
	EXPECT_EQ(0, rp_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, munmap(p, self->len));
	EXPECT_EQ(-1, rp_pread_check(self->fd, 74, self->off, self->len));

	ASSERT_EQ(0, close(dfd));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(1, info.exports);
	EXPECT_EQ(self->len, info.export_bytes);

	ASSERT_EQ(0, ioctl(self->imp, REMAP_PFN_IMPORTER_IOC_RELEASE));
	ASSERT_EQ(0, rp_get_info(self->fd, &info));
	EXPECT_EQ(0, info.exports);
	EXPECT_EQ(0, info.export_bytes);
	EXPECT_EQ(-1, ioctl(self->imp, REMAP_PFN_IMPORTER_IOC_RELEASE));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ioctl(self->imp, REMAP_PFN_IMPORTER_IOC_HOLD, self->fd));
	EXPECT_EQ(EINVAL, errno) TH_LOG("the device file imported as a dma-buf");
}

TEST_HARNESS_MAIN
