/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the remap_pfn selftests and their exec()ed peer.
 *
 * Nothing here uses the kselftest harness, so remap_pfn_peer can include
 * it too; the tests turn the return values into ASSERTs.
 */
#ifndef REMAP_PFN_UTIL_H
#define REMAP_PFN_UTIL_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE (or include kselftest_harness.h) first"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/remap_pfn.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u64 u64;
typedef __s64 s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define RP_DEV		"/dev/remap_pfn"
#define RP_PROC		"/proc/driver/remap_pfn"
#define RP_PARAMS	"/sys/module/remap_pfn/parameters/"
#define RP_PEER		"remap_pfn_peer"
#define RP_IMPORTER	"remap_pfn_importer"

/* Room for /proc/self/maps of a test process, with margin */
#define RP_MAPS_MAX	32768
#define RP_STATS_MAX	1024

static inline size_t rp_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static inline int rp_open(void)
{
	return open(RP_DEV, O_RDWR | O_CLOEXEC);
}

static inline int rp_get_info(int fd, struct remap_pfn_info *info)
{
	/* poison first: a field the driver forgets to fill must not pass */
	memset(info, 0xa5, sizeof(*info));
	return ioctl(fd, REMAP_PFN_IOC_INFO, info);
}

static inline void *rp_map(int fd, u64 off, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);
}

/* The parts of the buffer that the FIXTURE_VARIANTs run one test body on */
enum rp_part {
	RP_WHOLE,
	RP_FIRST_HALF,
	RP_SECOND_HALF,
};

/*
 * Offset and length of @part, in whole pages: with an odd number of pages
 * the second half is the larger, and a one-page buffer has no first half.
 */
static inline void rp_part(u64 size, size_t page, enum rp_part part,
			   u64 *off, size_t *len)
{
	u64 half = size / page / 2 * page;

	*off = part == RP_SECOND_HALF ? half : 0;
	*len = part == RP_WHOLE ? size :
	       part == RP_FIRST_HALF ? half : size - half;
}

/*
 * The test pattern: one 64-bit word per aligned 8 bytes, a bijection of
 * the byte offset mixed with the seed. Two seeds differ in every word and
 * two pages never hold the same bytes, so a mapping of the wrong page or a
 * store that lands in the wrong place cannot go unnoticed. Seed 0 is the
 * all-zero pattern.
 */
static inline u64 rp_word(unsigned int seed, u64 off)
{
	if (!seed)
		return 0;
	return (seed * 0x9e3779b97f4a7c15ULL) ^
	       ((off >> 3) * 0xbf58476d1ce4e5b9ULL) ^ 0x94d049bb133111ebULL;
}

static inline u8 rp_byte(unsigned int seed, u64 off)
{
	return (u8)(rp_word(seed, off & ~7ULL) >> ((off & 7) * 8));
}

/* Write the pattern for file range [off, off + len) to @p */
static inline void rp_fill(void *p, unsigned int seed, u64 off,
			   size_t len)
{
	u8 *b = p;
	size_t i;

	if (!(off & 7) && !(len & 7) && !((uintptr_t)p & 7)) {
		u64 *w = p;

		for (i = 0; i < len / 8; i++)
			w[i] = rp_word(seed, off + i * 8);
		return;
	}
	for (i = 0; i < len; i++)
		b[i] = rp_byte(seed, off + i);
}

/*
 * Compare @p with the pattern for file range [off, off + len).
 * Return: the file offset of the first differing byte, or -1 if none.
 */
static inline s64 rp_check(const void *p, unsigned int seed, u64 off,
			   size_t len)
{
	const u8 *b = p;
	size_t i = 0;

	if (!(off & 7) && !(len & 7) && !((uintptr_t)p & 7)) {
		const u64 *w = p;

		for (i = 0; i < len / 8; i++)
			if (w[i] != rp_word(seed, off + i * 8))
				break;
		if (i == len / 8)
			return -1;
		i *= 8;
	}
	for (; i < len; i++)
		if (b[i] != rp_byte(seed, off + i))
			return (s64)(off + i);
	return -1;
}

/* Store the pattern into the device with pwrite(), in one call */
static inline int rp_pwrite_pattern(int fd, unsigned int seed, u64 off,
				    size_t len)
{
	void *buf = malloc(len ? len : 1);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	rp_fill(buf, seed, off, len);
	n = pwrite(fd, buf, len, (off_t)off);
	free(buf);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

/*
 * Read [off, off + len) back with pread() and compare it with the pattern.
 * Return: -1 when it matches, the first bad offset, or -2 if pread failed.
 */
static inline s64 rp_pread_check(int fd, unsigned int seed, u64 off,
				 size_t len)
{
	void *buf = malloc(len ? len : 1);
	s64 bad;
	ssize_t n;

	if (!buf)
		return -2;
	n = pread(fd, buf, len, (off_t)off);
	bad = n == (ssize_t)len ? rp_check(buf, seed, off, len) : -2;
	free(buf);
	return bad;
}

/*
 * Read a whole small file with raw read() calls into @buf and terminate
 * it. No stdio: a FILE buffer is a malloc() that may create a VMA.
 * Return: the length, or a negative errno.
 */
static inline ssize_t rp_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	do {
		if (len + 1 >= size)
			return -EFBIG;
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0)
			return -errno;
		len += n;
	} while (n);
	buf[len] = '\0';
	return (ssize_t)len;
}

static inline ssize_t rp_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t ret;

	if (fd < 0)
		return -errno;
	ret = rp_read_fd(fd, buf, size);
	close(fd);
	return ret;
}

/* The values of /proc/driver/remap_pfn */
struct rp_stats {
	char allocator[32];
	char map[32];
	u64 size;
	u64 chunks;
	u64 mappings;
	u64 mapped_bytes;
	u64 processes;
	u64 caller_vm_bytes;
	u64 caller_mapped_bytes;
	u64 huge_faults;
	u64 exports;
	u64 export_bytes;
};

static const char * const rp_stat_keys[] = {
	"allocator", "map", "size", "chunks", "mappings", "mapped_bytes",
	"processes", "caller_vm_bytes", "caller_mapped_bytes", "huge_faults",
	"exports", "export_bytes",
};

#define RP_NR_STATS	ARRAY_SIZE(rp_stat_keys)

/*
 * Parse the procfs text strictly: exactly the documented keys, in order,
 * one "key: value" per line, decimal numbers, nothing else.
 * Return: 0, or the 1-based number of the first line that is wrong.
 */
static inline int rp_parse_stats(const char *text, struct rp_stats *st)
{
	char *name[RP_NR_STATS] = { st->allocator, st->map };
	u64 *num[RP_NR_STATS] = {
		NULL, NULL, &st->size, &st->chunks, &st->mappings,
		&st->mapped_bytes, &st->processes, &st->caller_vm_bytes,
		&st->caller_mapped_bytes, &st->huge_faults, &st->exports,
		&st->export_bytes,
	};
	const char *p = text;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < RP_NR_STATS; i++) {
		size_t klen = strlen(rp_stat_keys[i]);
		const char *eol = strchr(p, '\n');
		size_t vlen;

		if (!eol || strncmp(p, rp_stat_keys[i], klen) ||
		    strncmp(p + klen, ": ", 2))
			return i + 1;
		p += klen + 2;
		vlen = eol - p;
		if (!vlen)
			return i + 1;
		if (!num[i]) {
			if (vlen >= sizeof(st->allocator))
				return i + 1;
			memcpy(name[i], p, vlen);
		} else {
			const char *q;

			/* decimal digits only, no sign, no leading zero */
			for (q = p; q < eol; q++)
				if (*q < '0' || *q > '9')
					return i + 1;
			if (vlen > 1 && *p == '0')
				return i + 1;
			errno = 0;
			*num[i] = strtoull(p, NULL, 10);
			if (errno)
				return i + 1;
		}
		p = eol + 1;
	}
	return *p ? RP_NR_STATS + 1 : 0;
}

/* What /proc/self/maps says about the reading process */
struct rp_maps {
	u64 vm_bytes;	/* every VMA, i.e. all but [vsyscall] */
	u64 dev_bytes;	/* the VMAs of /dev/remap_pfn */
	unsigned int dev_vmas;
	u64 dev_start[64];	/* start addresses of the first device VMAs */
};

/* Return: 0, or -EINVAL if a line does not look like a maps line */
static inline int rp_parse_maps(const char *text, struct rp_maps *m)
{
	const char *p = text;

	memset(m, 0, sizeof(*m));
	while (*p) {
		const char *eol = strchr(p, '\n');
		unsigned long long start, end;
		const char *path;
		char *q;
		int field;

		if (!eol)
			return -EINVAL;
		start = strtoull(p, &q, 16);
		if (*q != '-')
			return -EINVAL;
		end = strtoull(q + 1, &q, 16);
		if (*q != ' ' || end <= start)
			return -EINVAL;
		/* the path, if any, follows perms, offset, dev and inode */
		path = q;
		for (field = 0; field < 4; field++) {
			while (path < eol && *path == ' ')
				path++;
			while (path < eol && *path != ' ')
				path++;
		}
		while (path < eol && *path == ' ')
			path++;
		/* the vsyscall page is shown but is no VMA of this mm */
		if (!strncmp(path, "[vsyscall]", eol - path) &&
		    eol - path == 10) {
			p = eol + 1;
			continue;
		}
		m->vm_bytes += end - start;
		if (eol - path == (long)strlen(RP_DEV) &&
		    !strncmp(path, RP_DEV, eol - path)) {
			if (m->dev_vmas < 64)
				m->dev_start[m->dev_vmas] = start;
			m->dev_vmas++;
			m->dev_bytes += end - start;
		}
		p = eol + 1;
	}
	return 0;
}

/*
 * Read /proc/self/maps, /proc/driver/remap_pfn, then maps again, with
 * nothing that could change the address space in between: the buffers
 * live on a stack that is touched beforehand so that not even stack
 * growth happens during the reads. If both maps reads agree, the procfs
 * text describes exactly that address space.
 * Return: 0, -EAGAIN if the maps kept changing, -EPROTO with
 * *@bad_line set if the procfs text is malformed, or a negative errno.
 */
static inline int rp_snapshot(struct rp_stats *st, struct rp_maps *m,
			      int *bad_line)
{
	char maps[RP_MAPS_MAX], again[RP_MAPS_MAX], stats[RP_STATS_MAX];
	int mfd, pfd, tries, ret = -EAGAIN;

	memset(maps, 0, sizeof(maps));
	memset(again, 0, sizeof(again));
	memset(stats, 0, sizeof(stats));
	*bad_line = 0;

	mfd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	pfd = open(RP_PROC, O_RDONLY | O_CLOEXEC);
	if (pfd < 0) {
		ret = -errno;
		close(mfd);
		return ret;
	}
	for (tries = 0; tries < 5; tries++) {
		ssize_t a, s, b;

		a = rp_read_fd(mfd, maps, sizeof(maps));
		s = rp_read_fd(pfd, stats, sizeof(stats));
		b = rp_read_fd(mfd, again, sizeof(again));
		if (a < 0 || s < 0 || b < 0) {
			ret = a < 0 ? a : s < 0 ? s : b;
			break;
		}
		if (a != b || memcmp(maps, again, a))
			continue;
		*bad_line = rp_parse_stats(stats, st);
		if (*bad_line)
			ret = -EPROTO;
		else
			ret = rp_parse_maps(maps, m);
		break;
	}
	close(pfd);
	close(mfd);
	return ret;
}

/* Read and parse the procfs file. Return: 0 or a negative errno */
static inline int rp_read_stats(struct rp_stats *st)
{
	char text[RP_STATS_MAX];
	ssize_t n = rp_read_file(RP_PROC, text, sizeof(text));

	if (n < 0)
		return (int)n;
	return rp_parse_stats(text, st) ? -EPROTO : 0;
}

/* Full path of a program installed next to the running one */
static inline int rp_sibling_path(char *buf, size_t size, const char *name)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash + 1 - buf) + strlen(name) + 1 > size)
		return -ENAMETOOLONG;
	strcpy(slash + 1, name);
	return access(buf, X_OK) ? -errno : 0;
}

/*
 * A child process talking over two pipes: the child's stdin is @to, its
 * stdout is @from. One byte each way is a "sync" (see remap_pfn_peer.c).
 */
struct rp_child {
	pid_t pid;
	int to;
	int from;
};

/* fork() a child with pipes; returns like fork(), -1 on error */
static inline pid_t rp_child_fork(struct rp_child *c)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC))
		return -1;
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (!c->pid) {
		/* dup2() clears FD_CLOEXEC on the copies */
		close(in[1]);
		close(out[0]);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(2);
		if (in[0] > 1)
			close(in[0]);
		if (out[1] > 1)
			close(out[1]);
		c->to = 1;
		c->from = 0;
		return 0;
	}
	close(in[0]);
	close(out[1]);
	c->to = in[1];
	c->from = out[0];
	return c->pid;
}

/* Start an exec()ed program with pipes. Return: 0 or -1 */
static inline int rp_child_exec(struct rp_child *c, char *const argv[])
{
	pid_t pid = rp_child_fork(c);

	if (pid < 0)
		return -1;
	if (!pid) {
		execv(argv[0], argv);
		_exit(127);
	}
	return 0;
}

/* Send one byte to @fd: "go on" */
static inline int rp_sync_send(int fd)
{
	char c = 's';

	return write(fd, &c, 1) == 1 ? 0 : -1;
}

/* Wait for one byte on @fd. Return: 0, or -1 on EOF or error */
static inline int rp_sync_wait(int fd)
{
	char c;
	ssize_t n;

	do {
		n = read(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/*
 * Close our ends of the pipes and reap the child.
 * Return: its exit status, 128 + signal if it was killed, or -1.
 */
static inline int rp_child_reap(struct rp_child *c)
{
	int status;

	if (c->to >= 0)
		close(c->to);
	if (c->from >= 0)
		close(c->from);
	c->to = -1;
	c->from = -1;
	if (waitpid(c->pid, &status, 0) != c->pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * The file of remap_pfn_importer.ko, the in-kernel dma-buf importer of
 * test_modules/: $REMAP_PFN_IMPORTER_KO (remap_pfn.sh asks modinfo),
 * else where scripts/build.sh installs it beside the driver.
 * Return: 0 if it is there to load, else -1.
 */
static inline int rp_importer_path(char *path, size_t size)
{
	const char *env = getenv("REMAP_PFN_IMPORTER_KO");
	struct utsname u;

	if (env && *env) {
		snprintf(path, size, "%s", env);
	} else {
		if (uname(&u))
			return -1;
		snprintf(path, size, "/lib/modules/%s/extra/%s.ko", u.release,
			 RP_IMPORTER);
	}
	return access(path, R_OK);
}

/* Load the importer from @path. Return: 0 (or loaded already), or errno */
static inline int rp_importer_load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		ret = errno;
	close(fd);
	return ret;
}

static inline int rp_importer_unload(void)
{
	return syscall(SYS_delete_module, RP_IMPORTER, O_NONBLOCK) ? errno : 0;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * Skip a whole test program when the device is not there. The harness of
 * this kernel runs a test body even after its FIXTURE_SETUP() skipped, so
 * the check has to come first, before any test starts.
 */
#define RP_REQUIRE_DEVICE()						\
static void __attribute__((constructor)) rp_require_device(void)	\
{									\
	if (access(RP_DEV, F_OK)) {					\
		ksft_print_header();					\
		ksft_exit_skip("%s is absent: load remap_pfn first\n",	\
			       RP_DEV);					\
	}								\
}
#endif

#endif /* REMAP_PFN_UTIL_H */
