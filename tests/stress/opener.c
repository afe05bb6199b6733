// SPDX-License-Identifier: GPL-2.0
/*
 * opener: open+close PATH in a loop, forever (until SIGTERM/SIGINT), for
 * the stress scenarios (tests/stress/lib-stress.sh).
 *
 *   opener PATH TICKFILE SLOWFILE
 *
 * Like "openbench loop PATH 0 TICKFILE" (tests/bench/openbench.c): while
 * the file named by $OPENBENCH_PAUSE exists it sleeps instead (5 ms at a
 * time); every second appends "unix_time opens_in_that_second" to
 * TICKFILE; prints "total failed" at the end.  In addition, every turn of
 * the loop (one open+close, or one 5 ms pause) that took longer than
 * 0.25 s appends "start end" (CLOCK_REALTIME, seconds, 3 decimals) to
 * SLOWFILE when it ends.  Whole-second tick labels cannot tell a process
 * stuck in open() for 1.5 s from a tick written a few ms late across a
 * second boundary; these records can, and comparing them with a control
 * process (the same program on a tmpfs file, which pmguard never sees)
 * tells a stuck opener from a guest the host did not run.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *pause = getenv("OPENBENCH_PAUSE");
	long total = 0, failed = 0, tick = 0;
	double next, prev;
	FILE *tf, *sf;
	struct sigaction sa;

	if (argc != 4) {
		fprintf(stderr, "usage: opener PATH TICKFILE SLOWFILE\n");
		return 2;
	}
	tf = fopen(argv[2], "a");
	sf = fopen(argv[3], "a");
	if (!tf || !sf) {
		perror("opener");
		return 1;
	}
	setvbuf(tf, NULL, _IOLBF, 0);
	setvbuf(sf, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: a stuck open() sees EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	prev = now(CLOCK_REALTIME);
	next = now(CLOCK_MONOTONIC) + 1;
	while (!stop) {
		double t, rt;

		if (pause && !access(pause, F_OK)) {
			usleep(5000);
		} else {
			int fd = open(argv[1], O_RDONLY);

			if (fd >= 0)
				close(fd);
			else
				failed++;
			total++;
			tick++;
		}
		rt = now(CLOCK_REALTIME);
		if (rt - prev > 0.25)
			fprintf(sf, "%.3f %.3f\n", prev, rt);
		prev = rt;
		t = now(CLOCK_MONOTONIC);
		if (t >= next) {
			fprintf(tf, "%ld %ld\n", (long)time(NULL), tick);
			tick = 0;
			next += 1;
			if (next < t)
				next = t + 1;
		}
	}
	printf("%ld %ld\n", total, failed);
	return 0;
}
