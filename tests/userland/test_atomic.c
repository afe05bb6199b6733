// SPDX-License-Identifier: GPL-2.0
/*
 * pmg_write_atomic(): the file "policy save FILE" and "monitor
 * --prometheus FILE" write as root, in directories others may write to;
 * pmg_copy_file(): the FILE.bak of "policy save --force".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"

struct dir {
	char path[64];
};

static void make_dir(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/pmguard-atomic-XXXXXX");
	assert_non_null(mkdtemp(d->path));
}

static char *join(const struct dir *d, const char *name)
{
	char *s;

	assert_true(asprintf(&s, "%s/%s", d->path, name) > 0);
	return s;
}

static char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A file of someone else's, mode 0600, holding text. */
static void make_victim(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int count_entries(const struct dir *d)
{
	DIR *dh = opendir(d->path);
	struct dirent *de;
	int n = 0;

	assert_non_null(dh);
	while ((de = readdir(dh)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(dh);
	return n;
}

static void remove_dir(const struct dir *d)
{
	DIR *dh = opendir(d->path);
	struct dirent *de;
	char *p;

	while (dh && (de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = join(d, de->d_name);
		unlink(p);
		free(p);
	}
	if (dh)
		closedir(dh);
	rmdir(d->path);
}

/*
 * A symlink planted at the name the old code used (PATH.tmp) pointing at
 * a file root must not touch: the write goes to PATH, the victim keeps
 * its bytes and mode, the symlink stays what it was.
 */
static void test_planted_tmp_symlink(void **state)
{
	struct dir d, v;
	char *path, *tmp, *victim, target[128];
	struct stat st;
	ssize_t n;

	(void)state;
	make_dir(&d);
	make_dir(&v);
	path = join(&d, "out.prom");
	tmp = join(&d, "out.prom.tmp");
	victim = join(&v, "shadow");
	make_victim(victim, "secret\n");
	assert_int_equal(symlink(victim, tmp), 0);

	assert_int_equal(pmg_write_atomic(path, "new 1\n", 0644), 0);

	assert_string_equal(slurp(victim), "secret\n");
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(lstat(tmp, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(tmp, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, victim);
	assert_string_equal(slurp(path), "new 1\n");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* The file, the planted link, and no temporary file left. */
	assert_int_equal(count_entries(&d), 2);

	free(path);
	free(tmp);
	free(victim);
	remove_dir(&d);
	remove_dir(&v);
}

/* A symlink at PATH itself is replaced, not written through. */
static void test_symlink_at_path(void **state)
{
	struct dir d;
	char *path, *victim;
	struct stat st;

	(void)state;
	make_dir(&d);
	path = join(&d, "policy.conf");
	victim = join(&d, "victim");
	make_victim(victim, "keep\n");
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(pmg_write_atomic(path, "rule x action=allow\n", 0644), 0);
	assert_string_equal(slurp(victim), "keep\n");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(slurp(path), "rule x action=allow\n");
	free(path);
	free(victim);
	remove_dir(&d);
}

/* The mode asked for whatever the umask; replaced, not appended. */
static void test_mode_and_replace(void **state)
{
	struct dir d;
	char *path;
	struct stat st;
	mode_t old = umask(077);

	(void)state;
	make_dir(&d);
	path = join(&d, "m");
	assert_int_equal(pmg_write_atomic(path, "first, longer\n", 0644), 0);
	assert_int_equal(pmg_write_atomic(path, "second\n", 0640), 0);
	umask(old);
	assert_string_equal(slurp(path), "second\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_entries(&d), 1);
	free(path);
	remove_dir(&d);

	assert_int_equal(pmg_write_atomic("/nonexistent-dir/x", "a\n", 0644), -ENOENT);
}

/* A failed rename (PATH is a directory) leaves no temporary file. */
static void test_failure_cleans_up(void **state)
{
	struct dir d;
	char *path;

	(void)state;
	make_dir(&d);
	path = join(&d, "sub");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_true(pmg_write_atomic(path, "x\n", 0644) < 0);
	assert_int_equal(count_entries(&d), 1);
	rmdir(path);
	free(path);
	remove_dir(&d);
}

/* monitor --output: appends, and never through a planted symlink. */
static void test_open_append(void **state)
{
	struct dir d, v;
	char *path, *victim;
	int fd;

	(void)state;
	make_dir(&d);
	make_dir(&v);
	path = join(&d, "events.jsonl");
	victim = join(&v, "passwd");
	make_victim(victim, "root:x:0:0\n");
	assert_int_equal(symlink(victim, path), 0);
	errno = 0;
	assert_int_equal(pmg_open_append(path, 0640), -1);
	assert_int_equal(errno, ELOOP);
	assert_string_equal(slurp(victim), "root:x:0:0\n");
	assert_int_equal(unlink(path), 0);

	fd = pmg_open_append(path, 0640);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a\n", 2), 2);
	close(fd);
	fd = pmg_open_append(path, 0640);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "b\n", 2), 2);
	close(fd);
	assert_string_equal(slurp(path), "a\nb\n");
	free(path);
	free(victim);
	remove_dir(&d);
	remove_dir(&v);
}

/*
 * policy save --force keeps the file it replaces as FILE.bak: the bytes
 * (comments, a NUL) and the mode, over an older FILE.bak.
 */
static void test_copy_file(void **state)
{
	static const char text[] = "# the admin's comment\nrule x action=allow\n\0tail";
	struct dir d;
	char *path, *bak, buf[64];
	struct stat st;
	FILE *f;

	(void)state;
	make_dir(&d);
	path = join(&d, "policy.conf");
	bak = join(&d, "policy.conf.bak");
	assert_int_equal(pmg_write_atomic_len(path, text, sizeof(text) - 1, 0640), 0);
	assert_int_equal(pmg_write_atomic(bak, "older backup\n", 0600), 0);
	assert_int_equal(pmg_copy_file(path, bak), 0);
	f = fopen(bak, "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), sizeof(text) - 1);
	fclose(f);
	assert_memory_equal(buf, text, sizeof(text) - 1);
	assert_int_equal(stat(bak, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_entries(&d), 2);

	/* Nothing to copy: said, and no file made. */
	assert_int_equal(unlink(bak), 0);
	assert_int_equal(pmg_copy_file(d.path, bak), -EINVAL);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(pmg_copy_file(path, bak), -ENOENT);
	assert_int_equal(count_entries(&d), 0);
	free(path);
	free(bak);
	remove_dir(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_planted_tmp_symlink),
		cmocka_unit_test(test_symlink_at_path),
		cmocka_unit_test(test_mode_and_replace),
		cmocka_unit_test(test_failure_cleans_up),
		cmocka_unit_test(test_open_append),
		cmocka_unit_test(test_copy_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
