// SPDX-License-Identifier: GPL-2.0
/* Whole-file writes that readers never see half done; see atomic.h. */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

/*
 * A new file of our own beside path: "DIR/.BASE.XXXXXX", made by mkstemp
 * (O_CREAT|O_EXCL, so nothing planted under any name is ever opened or
 * followed).  Returns the fd, the name in *tmp; or -errno.
 */
static int open_temp(const char *path, char **tmp)
{
	char *d = strdup(path), *b = strdup(path);
	int fd = -ENOMEM;

	*tmp = NULL;
	if (d && b && asprintf(tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0)
		*tmp = NULL;
	if (*tmp) {
		fd = mkostemp(*tmp, O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			free(*tmp);
			*tmp = NULL;
		}
	}
	free(d);
	free(b);
	return fd;
}

int pmg_open_append(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		    mode);
}

int pmg_write_atomic(const char *path, const char *text, mode_t mode)
{
	return pmg_write_atomic_len(path, text, strlen(text), mode);
}

int pmg_write_atomic_len(const char *path, const char *text, size_t len, mode_t mode)
{
	size_t off = 0;
	char *tmp;
	int fd, err;

	fd = open_temp(path, &tmp);
	if (fd < 0)
		return fd;
	/* The mode asked for, whatever the umask (node_exporter must read it). */
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	/* rename replaces path itself, never what a symlink there names. */
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	err = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return err;
}

int pmg_copy_file(const char *from, const char *to)
{
	int fd = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), err;
	char *buf = NULL;
	size_t len = 0;
	struct stat st;

	if (fd < 0)
		return -errno;
	err = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (err)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	err = buf ? 0 : -ENOMEM;
	while (!err && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n < 0 ? -errno : -EIO;	/* shrank meanwhile */
		else
			len += (size_t)n;
	}
	if (!err)
		err = pmg_write_atomic_len(to, buf, len, st.st_mode & 07777);
out:
	free(buf);
	close(fd);
	return err;
}
