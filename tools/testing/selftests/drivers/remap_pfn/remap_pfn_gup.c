// SPDX-License-Identifier: GPL-2.0-only
/*
 * What get_user_pages() makes possible inside the buffer, under the
 * mapping mode the module was loaded with (map=, reported as
 * struct remap_pfn_info.map): shared futexes, process-shared pthread
 * mutexes and condition variables, O_DIRECT, vmsplice() and
 * process_vm_readv(). With map=pages every one of them works; with map=pfn
 * each fails in the way the documentation states, and none hangs. A
 * debugger (/proc/PID/mem, ptrace) reaches the buffer in both modes.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "../../kselftest_harness.h"
#include "remap_pfn_util.h"

RP_REQUIRE_DEVICE()

#define RP_MESSAGES	1000
#define RP_DIO_PAGES	16

FIXTURE(gup)
{
	int fd;
	struct remap_pfn_info info;
	size_t page;
	u8 *p;
	size_t len;
	bool pages;	/* map=pages */
};

FIXTURE_SETUP(gup)
{
	self->page = rp_page_size();
	self->fd = rp_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RP_DEV, strerror(errno));
	ASSERT_EQ(0, rp_get_info(self->fd, &self->info));
	ASSERT_TRUE(self->info.map == REMAP_PFN_MAP_PFN ||
		    self->info.map == REMAP_PFN_MAP_PAGES);
	self->pages = self->info.map == REMAP_PFN_MAP_PAGES;
	self->len = self->info.size;
	self->p = rp_map(self->fd, 0, self->len, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, self->p) TH_LOG("mmap: %s", strerror(errno));
	memset(self->p, 0, self->len);
}

FIXTURE_TEARDOWN(gup)
{
	if (self->p && self->p != MAP_FAILED) {
		memset(self->p, 0, self->len);
		munmap(self->p, self->len);
	}
	close(self->fd);
}

static long rp_futex(int *word, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

/* Wait up to @seconds for @pid; 0 and its status, or -1 if still running */
static int rp_wait_timeout(pid_t pid, int *status, int seconds)
{
	int i;

	for (i = 0; i < seconds * 100; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	return -1;
}

/*
 * A shared FUTEX_WAIT in one process is woken by FUTEX_WAKE in another
 * with map=pages; with map=pfn both calls fail with EFAULT at once.
 */
TEST_F(gup, futex_wait_wake_across_processes)
{
	int *word = (int *)self->p;
	long woken = 0;
	int status, i;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct timespec ts = { .tv_sec = 10 };

		if (rp_futex(word, FUTEX_WAIT, 0, &ts))
			_exit(errno);
		_exit(0);
	}

	/* wake until the waiter has been found, or the call fails */
	for (i = 0; i < 500; i++) {
		woken = rp_futex(word, FUTEX_WAKE, 1, NULL);
		if (woken)
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, rp_wait_timeout(pid, &status, 15));
	ASSERT_TRUE(WIFEXITED(status));

	if (self->pages) {
		EXPECT_EQ(1, woken);
		EXPECT_EQ(0, WEXITSTATUS(status));
	} else {
		EXPECT_EQ(-1, woken);
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(EFAULT, WEXITSTATUS(status));
	}
}

struct rp_mailbox {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int turn;	/* 0: the sender's, 1: the receiver's */
	int msg;
	int received;
};

/* One side of the exchange; returns 0 when all messages went through */
static int rp_mailbox_side(struct rp_mailbox *mb, int me)
{
	int i;

	for (i = 0; i < RP_MESSAGES; i++) {
		pthread_mutex_lock(&mb->lock);
		while (mb->turn != me)
			pthread_cond_wait(&mb->cond, &mb->lock);
		if (me == 0) {
			mb->msg = i;
		} else {
			if (mb->msg != i) {
				pthread_mutex_unlock(&mb->lock);
				return 1;
			}
			mb->received++;
		}
		mb->turn = !me;
		pthread_cond_signal(&mb->cond);
		pthread_mutex_unlock(&mb->lock);
	}
	return 0;
}

/*
 * Two processes hand 1,000 messages back and forth through a
 * PTHREAD_PROCESS_SHARED mutex and condition variable in the buffer with
 * map=pages. With map=pfn the first wait makes glibc abort the process
 * (its futex fails with EFAULT): both sides die of SIGABRT, neither hangs.
 */
TEST_F(gup, pshared_mutex_and_condvar_ping_pong)
{
	struct rp_mailbox *mb = (struct rp_mailbox *)(self->p + self->page);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pid_t pid[2];
	int status[2], side;

	ASSERT_LE(2 * self->page, self->len);
	ASSERT_EQ(0, pthread_mutexattr_init(&ma));
	ASSERT_EQ(0, pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_mutex_init(&mb->lock, &ma));
	ASSERT_EQ(0, pthread_condattr_init(&ca));
	ASSERT_EQ(0, pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_cond_init(&mb->cond, &ca));

	for (side = 0; side < 2; side++) {
		pid[side] = fork();
		ASSERT_LE(0, pid[side]);
		if (!pid[side])
			_exit(rp_mailbox_side(mb, side));
	}

	for (side = 0; side < 2; side++) {
		if (rp_wait_timeout(pid[side], &status[side], 60)) {
			kill(pid[0], SIGKILL);
			kill(pid[1], SIGKILL);
			waitpid(pid[0], NULL, 0);
			waitpid(pid[1], NULL, 0);
			ASSERT_TRUE(0) TH_LOG("side %d hung", side);
		}
	}

	for (side = 0; side < 2; side++) {
		if (self->pages) {
			EXPECT_TRUE(WIFEXITED(status[side]));
			EXPECT_EQ(0, WEXITSTATUS(status[side]));
		} else {
			EXPECT_TRUE(WIFSIGNALED(status[side]));
			EXPECT_EQ(SIGABRT, WTERMSIG(status[side]));
		}
	}
	/* all of them with map=pages, fewer with map=pfn */
	EXPECT_EQ(self->pages, mb->received == RP_MESSAGES)
		TH_LOG("%d messages received", mb->received);
}

/*
 * O_DIRECT moves buffer pages to a block device and back with map=pages;
 * on a VM_PFNMAP mapping (map=pfn) the I/O fails with EFAULT. REMAP_PFN_BLOCKDEV names the device
 * (the wrapper sets up a brd RAM disk); without one the test is skipped.
 */
TEST_F(gup, o_direct_write_and_read_back)
{
	const char *dev = getenv("REMAP_PFN_BLOCKDEV");
	size_t pages = self->len / self->page / 2;
	bool works = self->pages;
	size_t len;
	u8 *src, *dst;
	ssize_t n;
	int dfd;

	if (!dev || !*dev)
		SKIP(return, "no block device: set REMAP_PFN_BLOCKDEV");
	/* up to RP_DIO_PAGES out of the first half, back into the second */
	if (!pages)
		SKIP(return, "a one-page buffer has no two halves");
	len = (pages < RP_DIO_PAGES ? pages : RP_DIO_PAGES) * self->page;
	src = self->p;
	dst = self->p + len;

	dfd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, dfd) TH_LOG("open %s: %s", dev, strerror(errno));

	rp_fill(src, 77, 0, len);
	n = pwrite(dfd, src, len, 0);
	if (!works) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
		close(dfd);
		return;
	}
	ASSERT_EQ((ssize_t)len, n) TH_LOG("pwrite: %s", strerror(errno));

	n = pread(dfd, dst, len, 0);
	ASSERT_EQ((ssize_t)len, n) TH_LOG("pread: %s", strerror(errno));
	EXPECT_EQ(-1, rp_check(dst, 77, 0, len));
	close(dfd);
}

/*
 * vmsplice() takes references on buffer pages for a pipe with map=pages;
 * on a VM_PFNMAP mapping it fails with EFAULT.
 */
TEST_F(gup, vmsplice_into_pipe)
{
	struct iovec iov = { .iov_base = self->p, .iov_len = self->page };
	bool works = self->pages;
	char back[64];
	int pfd[2];
	ssize_t n;

	ASSERT_EQ(0, pipe(pfd));
	strcpy((char *)self->p, "spliced from the buffer");
	n = vmsplice(pfd[1], &iov, 1, 0);
	if (works) {
		ASSERT_EQ((ssize_t)self->page, n) TH_LOG("%s", strerror(errno));
		ASSERT_EQ((ssize_t)sizeof(back), read(pfd[0], back, sizeof(back)));
		EXPECT_STREQ("spliced from the buffer", back);
	} else {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
	}
	close(pfd[0]);
	close(pfd[1]);
}

/*
 * MADV_DONTNEED may drop the PTEs of a VM_MIXEDMAP mapping; the next
 * access finds the same bytes (and it is refused on VM_PFNMAP).
 */
TEST_F(gup, madv_dontneed_keeps_data)
{
	int ret;

	strcpy((char *)self->p, "still here");
	ret = madvise(self->p, self->page, MADV_DONTNEED);
	if (self->pages) {
		ASSERT_EQ(0, ret) TH_LOG("madvise: %s", strerror(errno));
	} else {
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(EINVAL, errno);
	}
	EXPECT_STREQ("still here", (char *)self->p);
}

/*
 * A debugger reaches the buffer in both modes: /proc/self/mem (the path
 * of ptrace(PTRACE_PEEKDATA)) reads and writes a data mapping, through
 * GUP with map=pages and through the mapping's ->access() with map=pfn,
 * across a page boundary; writing a read-only mapping fails with EIO.
 */
TEST_F(gup, proc_mem_reads_and_writes)
{
	static const char msg[] = "poked by a debugger";
	size_t len = self->len < 2 * self->page ? self->len : 2 * self->page;
	size_t at = len > self->page ? self->page - 4 : 8;
	char back[sizeof(msg)];
	u8 *seen, *ro;
	int mem;

	seen = malloc(len);
	ASSERT_NE(NULL, seen);
	rp_fill(self->p, 45, 0, len);
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem) TH_LOG("/proc/self/mem: %s", strerror(errno));

	ASSERT_EQ((ssize_t)len,
		  pread(mem, seen, len, (off_t)(uintptr_t)self->p))
		TH_LOG("read: %s", strerror(errno));
	EXPECT_EQ(-1, rp_check(seen, 45, 0, len));

	ASSERT_EQ((ssize_t)sizeof(msg),
		  pwrite(mem, msg, sizeof(msg), (off_t)(uintptr_t)(self->p + at)))
		TH_LOG("write: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(self->p + at, msg, sizeof(msg)));
	ASSERT_EQ((ssize_t)sizeof(back), pread(self->fd, back, sizeof(back), at));
	EXPECT_EQ(0, memcmp(back, msg, sizeof(msg)));

	ro = rp_map(self->fd, 0, self->page, PROT_READ);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, pwrite(mem, msg, sizeof(msg), (off_t)(uintptr_t)ro));
	EXPECT_EQ(EIO, errno);
	/* the bytes it aimed at are still the pattern */
	EXPECT_EQ(-1, rp_check(ro, 45, 0, at));
	munmap(ro, self->page);
	close(mem);
	free(seen);
}

/*
 * process_vm_readv() pins the pages with GUP alone, with no fallback to
 * ->access(): it works with map=pages and fails with EFAULT with map=pfn.
 */
TEST_F(gup, process_vm_readv_needs_pages)
{
	char back[64], probe[64] = "probe";
	struct iovec local = { .iov_base = back, .iov_len = sizeof(back) };
	struct iovec remote = { .iov_base = self->p, .iov_len = sizeof(back) };
	ssize_t n;

	/* first from private memory: the kernel may lack the system call */
	remote.iov_base = probe;
	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) < 0)
		SKIP(return, "process_vm_readv(): %s (CONFIG_CROSS_MEMORY_ATTACH?)",
		     strerror(errno));

	remote.iov_base = self->p;
	strcpy((char *)self->p, "read by process_vm_readv");
	memset(back, 0, sizeof(back));
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (self->pages) {
		ASSERT_EQ((ssize_t)sizeof(back), n) TH_LOG("%s", strerror(errno));
		EXPECT_STREQ("read by process_vm_readv", back);
	} else {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
	}
}

TEST_HARNESS_MAIN
