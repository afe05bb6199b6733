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

#include <stddef.h>
#include <sys/types.h>

/* 0, or -errno (the temporary file is removed on failure). */
int pmg_write_atomic(const char *path, const char *text, mode_t mode);

/* The same for len bytes of data (NULs included). */
int pmg_write_atomic_len(const char *path, const char *data, size_t len, mode_t mode);

/*
 * Copy the regular file from (a symlink there is followed) to to, the
 * same way, with from's permission bits: "policy save --force" keeps the
 * file it replaces as FILE.bak.  0, or -errno (-EINVAL: not a regular
 * file).
 */
int pmg_copy_file(const char *from, const char *to);

/*
 * Open path for appending ("monitor --output"), creating it with mode:
 * a symlink at path is refused (ELOOP), never followed, so a link
 * planted there cannot make root append to another file.  The fd, or -1
 * with errno set.
 */
int pmg_open_append(const char *path, mode_t mode);

#endif /* PMG_ATOMIC_H */
