// SPDX-License-Identifier: GPL-2.0
/*
 * openbench: time open()+close() of one path, or open it in a loop.
 *
 *   openbench lat PATH N ROUNDS
 *       ROUNDS rounds of N open+close; prints
 *       "PATH median_ns min_ns max_ns" (per open+close, over the rounds).
 *   openbench loop PATH SECONDS [TICKFILE [MAXCOUNT]]
 *       open+close PATH until SECONDS have passed (0: forever) or MAXCOUNT
 *       opens were made (0 or absent: no limit); while the file named by
 *       $OPENBENCH_PAUSE exists, it sleeps instead (5 ms at a time); every
 *       second appends "unix_time opens_in_that_second" to TICKFILE (if
 *       given), and prints the total at the end.  Failed opens count too
 *       (they are accesses the kernel decided); their number is printed.
 *
 *   openbench vmlat PID N ROUNDS
 *       N process_vm_readv()s of 64 bytes at the start of PID's first
 *       mapping, ROUNDS times; prints like lat.  Each call goes through the
 *       kernel's ptrace access check (pmguard's decision) and
 *       process_vm_rw() (its byte count).
 *   openbench slurp PATH N ROUNDS
 *       N open+read(4 KiB)+close of PATH, ROUNDS times: /proc/PID/stat
 *       runs a READ-mode ptrace check on every read, which pmguard's probe
 *       leaves at once (ps and top do this for every process).
 *   openbench readlat PID N ROUNDS
 *       open /proc/PID/mem once (PID may be "self") and time N pread()s of
 *       one byte at the start of its first mapping, ROUNDS times; prints
 *       like lat.  Every read() of a mem file goes through pmguard's read
 *       accounting probes, tracked file or not.
 *
 * Built on the host (tests/bench/run, tests/stress/run) and run in the
 * guest, which shares the host's libraries.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static volatile sig_atomic_t stop;

/* The start of the first mapping of /proc/PID/maps (always readable). */
static unsigned long first_mapping(const char *pid)
{
	char path[64];
	unsigned long lo = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lx-", &lo) != 1)
		lo = 0;
	fclose(f);
	return lo;
}

static int readlat(const char *pid, long n, int rounds)
{
	double *r = calloc(rounds, sizeof(*r));
	unsigned long addr = first_mapping(pid);
	char path[64], c;
	int i, fd;
	long j;

	snprintf(path, sizeof(path), "/proc/%s/mem", pid);
	fd = open(path, O_RDONLY);
	if (!r || !addr || fd < 0 || pread(fd, &c, 1, addr) != 1) {
		fprintf(stderr, "openbench: %s at %#lx: %s\n", path, addr, strerror(errno));
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns();

		for (j = 0; j < n; j++) {
			if (pread(fd, &c, 1, addr) != 1) {
				fprintf(stderr, "openbench: pread %s: %s\n", path, strerror(errno));
				return 1;
			}
		}
		r[i] = (now_ns() - t0) / n;
	}
	close(fd);
	qsort(r, rounds, sizeof(*r), cmp);
	printf("%s %.0f %.0f %.0f\n", path, r[rounds / 2], r[0], r[rounds - 1]);
	free(r);
	return 0;
}

/* Time N calls of @op(@arg), ROUNDS times; print like lat. */
static int timed(const char *label, long n, int rounds,
		 int (*op)(void *arg), void *arg)
{
	double *r = calloc(rounds, sizeof(*r));
	int i;
	long j;

	if (!r)
		return 1;
	if (op(arg))	/* warm up, and check it works */
		return 1;
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns();

		for (j = 0; j < n; j++)
			if (op(arg))
				return 1;
		r[i] = (now_ns() - t0) / n;
	}
	qsort(r, rounds, sizeof(*r), cmp);
	printf("%s %.0f %.0f %.0f\n", label, r[rounds / 2], r[0], r[rounds - 1]);
	free(r);
	return 0;
}

struct vm_arg {
	pid_t pid;
	unsigned long addr;
};

static int vm_once(void *p)
{
	const struct vm_arg *a = p;
	char buf[64];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)a->addr, sizeof(buf) };

	if (process_vm_readv(a->pid, &local, 1, &remote, 1, 0) != sizeof(buf)) {
		fprintf(stderr, "openbench: process_vm_readv %d: %s\n", (int)a->pid,
			strerror(errno));
		return 1;
	}
	return 0;
}

static int open_once(void *p)
{
	int fd = open(p, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "openbench: %s: %s\n", (char *)p, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

static int slurp_once(void *p)
{
	char buf[4096];
	int fd = open(p, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
		fprintf(stderr, "openbench: %s: %s\n", (char *)p, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int loop(const char *path, double seconds, const char *tickfile,
		long maxcount)
{
	const char *pause = getenv("OPENBENCH_PAUSE");
	long total = 0, failed = 0, tick = 0;
	double start = now_ns(), next = start + 1e9;
	FILE *tf = NULL;

	if (tickfile) {
		tf = fopen(tickfile, "a");
		if (!tf) {
			perror(tickfile);
			return 1;
		}
		setvbuf(tf, NULL, _IOLBF, 0);
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop && (maxcount <= 0 || total < maxcount)) {
		bool paused = pause && !access(pause, F_OK);
		double t;

		if (paused) {
			usleep(5000);
		} else {
			int fd = open(path, O_RDONLY);

			if (fd >= 0)
				close(fd);
			else
				failed++;
			total++;
			tick++;
		}
		/* The clock is read every 16 opens, or always with a tick file. */
		if (!paused && !tf && (total & 15))
			continue;
		t = now_ns();
		if (t >= next) {
			if (tf)
				fprintf(tf, "%ld %ld\n", (long)time(NULL), tick);
			tick = 0;
			next += 1e9;
			if (next < t)
				next = t + 1e9;
		}
		if (seconds > 0 && t - start >= seconds * 1e9)
			break;
	}
	printf("%ld %ld\n", total, failed);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "lat"))
		return timed(argv[2], atol(argv[3]), atoi(argv[4]) > 0 ? atoi(argv[4]) : 1,
			     open_once, argv[2]);
	if (argc >= 5 && !strcmp(argv[1], "readlat"))
		return readlat(argv[2], atol(argv[3]), atoi(argv[4]) > 0 ? atoi(argv[4]) : 1);
	if (argc >= 5 && !strcmp(argv[1], "vmlat")) {
		struct vm_arg a = { atoi(argv[2]), first_mapping(argv[2]) };

		return timed(argv[2], atol(argv[3]), atoi(argv[4]) > 0 ? atoi(argv[4]) : 1,
			     vm_once, &a);
	}
	if (argc >= 5 && !strcmp(argv[1], "slurp"))
		return timed(argv[2], atol(argv[3]), atoi(argv[4]) > 0 ? atoi(argv[4]) : 1,
			     slurp_once, argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "loop"))
		return loop(argv[2], atof(argv[3]),
			    argc > 4 && argv[4][0] ? argv[4] : NULL,
			    argc > 5 ? atol(argv[5]) : 0);
	fprintf(stderr, "usage: openbench lat PATH N ROUNDS | readlat PID N ROUNDS | vmlat PID N ROUNDS | slurp PATH N ROUNDS | loop PATH SECONDS [TICKFILE [MAX]]\n");
	return 2;
}
