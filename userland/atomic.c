// SPDX-License-Identifier: GPL-2.0
/* Whole-file writes that readers never see half done; see atomic.h. */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

int pmg_write_atomic(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text), off = 0;
	char *tmp = NULL;
	int fd, err;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
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
