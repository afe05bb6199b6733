/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replace a file atomically: write a new temporary file in path's
 * directory (mkstemp: never an existing file or a symlink planted
 * there), give it mode exactly, fsync it, rename it over path.  A reader
 * (node_exporter, "policy load") sees the old file or the new one, never
 * a partial one.
 */
#ifndef PMG_ATOMIC_H
#define PMG_ATOMIC_H

#include <sys/types.h>

/* 0, or -errno (the temporary file is removed on failure). */
int pmg_write_atomic(const char *path, const char *text, mode_t mode);

/*
 * Open path for appending ("monitor --output"), creating it with mode:
 * a symlink at path is refused (ELOOP), never followed, so a link
 * planted there cannot make root append to another file.  The fd, or -1
 * with errno set.
 */
int pmg_open_append(const char *path, mode_t mode);

#endif /* PMG_ATOMIC_H */
