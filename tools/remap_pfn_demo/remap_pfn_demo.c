// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn_demo - several independent processes sharing one kernel buffer
 * through /dev/remap_pfn (what 'make run' shows).
 *
 * The parent maps nothing. It starts five children, each a fresh program
 * (fork + exec of this binary, so no mapping is inherited), and each child
 * opens the device and mmap()s its own range:
 *
 *   writer-1, reader-1   the first half of the buffer
 *   writer-2, reader-2   the second half
 *   clearer              the whole buffer
 *
 * The parent runs them one step at a time, so the output reads in order:
 * a child does its step, reports "ready" on a pipe, then waits for a
 * command on its stdin ('l' look again, 'p' print the procfs file) or for
 * end of file, when it unmaps and exits. All five are alive while the
 * parent prints their /proc/PID/maps lines for the device.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/remap_pfn.h>

#define DEVICE		"/dev/remap_pfn"
#define PROCFS		"/proc/driver/remap_pfn"
#define READY_FD	3	/* a child's end of its "ready" pipe */
#define LINE_MAX_LEN	160

static const char *const allocator_names[] = {
	[REMAP_PFN_ALLOC_KMALLOC] = "kmalloc",
	[REMAP_PFN_ALLOC_VMALLOC] = "vmalloc",
	[REMAP_PFN_ALLOC_PAGES] = "alloc_pages",
};

static const char *name = "demo";	/* this process's role, for messages */

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("[%-8s pid %5d] ", name, (int)getpid());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void fail(const char *what)
{
	fprintf(stderr, "[%s pid %d] %s: %s\n", name, (int)getpid(), what,
		strerror(errno));
	exit(1);
}

static void print_procfs(const char *indent)
{
	char line[256];
	FILE *f = fopen(PROCFS, "r");

	if (!f)
		fail(PROCFS);
	while (fgets(line, sizeof(line), f))
		printf("%s%s", indent, line);
	fclose(f);
}

/* The NUL-terminated text at @p, cut to fit one line of output. */
static const char *text_at(const char *p)
{
	static char buf[LINE_MAX_LEN + 1];

	memcpy(buf, p, LINE_MAX_LEN);
	buf[LINE_MAX_LEN] = '\0';
	return buf;
}

/* Where the second half starts: mmap() offsets must be whole pages. */
static unsigned long half_of(unsigned long size)
{
	unsigned long page = sysconf(_SC_PAGESIZE);

	return size / page / 2 * page;
}

/* One child: map [off, off + len) of the device and play @role. */
static int child(const char *role, unsigned long off, unsigned long len)
{
	char cmd, *map;
	size_t i, nonzero;
	int fd;

	name = role;
	fd = open(DEVICE, O_RDWR);
	if (fd < 0)
		fail("open " DEVICE);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (map == MAP_FAILED)
		fail("mmap");

	if (!strncmp(role, "writer", 6)) {
		snprintf(map, LINE_MAX_LEN, "hello from %s, pid %d", role,
			 (int)getpid());
		say("mapped bytes [%lu, %lu), wrote \"%s\" at its start",
		    off, off + len, map);
	} else if (!strncmp(role, "reader", 6)) {
		say("mapped bytes [%lu, %lu), found \"%s\" at its start",
		    off, off + len, text_at(map));
	} else {
		say("mapped the whole buffer [0, %lu):", len);
		say("  at offset %7lu: \"%s\"", 0UL, text_at(map));
		say("  at offset %7lu: \"%s\"", half_of(len),
		    text_at(map + half_of(len)));
		memset(map, 0, len);
		for (i = 0, nonzero = 0; i < len; i++)
			nonzero += map[i] != 0;
		say("cleared all %lu bytes; %zu nonzero bytes left", len,
		    nonzero);
	}

	for (;;) {
		if (write(READY_FD, "r", 1) != 1)
			fail("write to parent");
		if (read(STDIN_FILENO, &cmd, 1) != 1)
			break;		/* the parent is done with us */
		if (cmd == 'l')
			say("looked again and found \"%s\"%s", text_at(map),
			    map[0] ? "" : " (empty: the clearer's stores are visible here too)");
		else if (cmd == 'p')
			print_procfs("    ");
	}

	if (munmap(map, len))
		fail("munmap");
	close(fd);
	return 0;
}

struct demo_child {
	const char *role;
	pid_t pid;
	int cmd;	/* write end of the child's stdin */
	int ready;	/* read end of the child's "ready" pipe */
};

static void wait_ready(struct demo_child *c)
{
	char r;

	if (read(c->ready, &r, 1) != 1) {
		fprintf(stderr, "demo: %s (pid %d) died\n", c->role, (int)c->pid);
		exit(1);
	}
}

static void spawn(struct demo_child *c, unsigned long off, unsigned long len)
{
	int cmd[2], ready[2];
	char offs[32], lens[32];

	if (pipe2(cmd, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		fail("pipe");
	snprintf(offs, sizeof(offs), "%lu", off);
	snprintf(lens, sizeof(lens), "%lu", len);

	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
		fail("fork");
	if (c->pid == 0) {
		/* dup2() clears O_CLOEXEC on the copies the child keeps */
		if (dup2(cmd[0], STDIN_FILENO) < 0 || dup2(ready[1], READY_FD) < 0)
			fail("dup2");
		execl("/proc/self/exe", "remap_pfn_demo", "--child", c->role,
		      offs, lens, (char *)NULL);
		fail("exec");
	}
	close(cmd[0]);
	close(ready[1]);
	c->cmd = cmd[1];
	c->ready = ready[0];
	wait_ready(c);
}

static void command(struct demo_child *c, char cmd)
{
	if (write(c->cmd, &cmd, 1) != 1)
		fail("write to child");
	wait_ready(c);
}

static void print_maps(const struct demo_child *c)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c->pid);
	f = fopen(path, "r");
	if (!f)
		fail(path);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, DEVICE))
			printf("  %-8s pid %5d: %s", c->role, (int)c->pid, line);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct demo_child kids[] = {
		{ .role = "writer-1" }, { .role = "reader-1" },
		{ .role = "writer-2" }, { .role = "reader-2" },
		{ .role = "clearer" },
	};
	struct remap_pfn_info info;
	unsigned long size, half;
	const char *alloc;
	int fd, status, failed = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "--child"))
		return child(argv[2], strtoul(argv[3], NULL, 0),
			     strtoul(argv[4], NULL, 0));

	fd = open(DEVICE, O_RDWR);
	if (fd < 0)
		fail("open " DEVICE " (is the module loaded?)");
	if (ioctl(fd, REMAP_PFN_IOC_INFO, &info))
		fail("ioctl REMAP_PFN_IOC_INFO");
	close(fd);

	size = info.size;
	half = half_of(size);
	if (!half) {
		fprintf(stderr, "demo: the buffer needs at least two pages\n");
		return 1;
	}
	alloc = info.allocator < 3 ? allocator_names[info.allocator] : "?";

	printf("remap_pfn demo: the module holds one %lu-byte kernel buffer (allocator=%s, %llu physically contiguous chunk%s).\n"
	       "Five separate processes each open %s and mmap() their own part of it. Nothing is\n"
	       "copied: a store by one process is at once visible to every other process mapping those bytes.\n\n",
	       size, alloc, (unsigned long long)info.chunks,
	       info.chunks == 1 ? "" : "s", DEVICE);

	spawn(&kids[0], 0, half);
	spawn(&kids[1], 0, half);
	spawn(&kids[2], half, size - half);
	spawn(&kids[3], half, size - half);
	spawn(&kids[4], 0, size);
	command(&kids[1], 'l');
	command(&kids[3], 'l');

	printf("\n%s, read by the clearer while all five processes hold their mappings\n"
	       "(caller_* lines describe the process that reads the file):\n", PROCFS);
	command(&kids[4], 'p');

	printf("\nThe device's line in each process's /proc/PID/maps\n"
	       "(address range, permissions with s = shared, offset into the device in hex, device, inode, path):\n");
	for (i = 0; i < 5; i++)
		print_maps(&kids[i]);

	for (i = 0; i < 5; i++)
		close(kids[i].cmd);	/* end of file: unmap and exit */
	for (i = 0; i < 5; i++) {
		if (waitpid(kids[i].pid, &status, 0) < 0)
			fail("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}

	printf("\nAll five processes have exited; %s now says:\n", PROCFS);
	print_procfs("    ");
	return failed;
}
