// SPDX-License-Identifier: GPL-2.0-only
/*
 * A separate program for the remap_pfn sharing tests: it maps part of
 * /dev/remap_pfn on its own, with nothing inherited from the test, and
 * runs a script of operations against that mapping.
 *
 *   remap_pfn_peer MAP_OFF MAP_LEN OP...
 *
 *   fill:SEED:OFF:LEN   store the test pattern for file range [OFF, OFF+LEN)
 *   check:SEED:OFF:LEN  compare that range with the pattern (SEED 0: zero)
 *   sync                write one byte to stdout, then wait for one on stdin
 *
 * OFF and LEN are file offsets and must lie inside the mapping. Exit
 * status: 0 all went well, 1 a check failed, 2 usage or system error,
 * 3 the test went away during a sync.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "remap_pfn_util.h"

static int parse_u64(const char *s, u64 *v, const char **end)
{
	char *e;

	errno = 0;
	*v = strtoull(s, &e, 0);
	if (errno || e == s)
		return -1;
	*end = e;
	return 0;
}

static int run_op(const char *op, u8 *map, u64 map_off,
		  u64 map_len)
{
	u64 seed, off, len;
	const char *p;
	bool fill;

	if (!strcmp(op, "sync")) {
		if (rp_sync_send(1))
			return 2;
		return rp_sync_wait(0) ? 3 : 0;
	}
	if (!strncmp(op, "fill:", 5))
		fill = true;
	else if (!strncmp(op, "check:", 6))
		fill = false;
	else
		return 2;
	p = strchr(op, ':') + 1;
	if (parse_u64(p, &seed, &p) || *p != ':' ||
	    parse_u64(p + 1, &off, &p) || *p != ':' ||
	    parse_u64(p + 1, &len, &p) || *p)
		return 2;
	if (off < map_off || len > map_len || off - map_off > map_len - len)
		return 2;
	if (fill) {
		rp_fill(map + (off - map_off), seed, off, len);
	} else {
		s64 bad = rp_check(map + (off - map_off), seed, off, len);

		if (bad >= 0) {
			fprintf(stderr, "# %s: %s: mismatch at offset %lld\n",
				RP_PEER, op, (long long)bad);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	u64 map_off, map_len;
	const char *end;
	void *map;
	int fd, i;

	if (argc < 3 || parse_u64(argv[1], &map_off, &end) || *end ||
	    parse_u64(argv[2], &map_len, &end) || *end || !map_len) {
		fprintf(stderr, "usage: %s MAP_OFF MAP_LEN OP...\n", RP_PEER);
		return 2;
	}
	fd = rp_open();
	if (fd < 0) {
		perror(RP_DEV);
		return 2;
	}
	map = rp_map(fd, map_off, map_len, PROT_READ | PROT_WRITE);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	/* the mapping must not depend on the fd staying open */
	close(fd);
	for (i = 3; i < argc; i++) {
		int ret = run_op(argv[i], map, map_off, map_len);

		if (ret) {
			if (ret == 2)
				fprintf(stderr, "# %s: bad op '%s'\n",
					RP_PEER, argv[i]);
			return ret;
		}
	}
	return munmap(map, map_len) ? 2 : 0;
}
