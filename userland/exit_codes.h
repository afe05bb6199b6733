/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes of the pmguard command.  Scripts and the VM tests rely on
 * them, so values are never renumbered.
 *
 *   0  PMG_EXIT_OK          success (monitor: stopped by SIGINT/SIGTERM)
 *   1  PMG_EXIT_ERROR       internal or unexpected error
 *   2  PMG_EXIT_USAGE       unknown command/option, bad argument
 *   3  PMG_EXIT_NO_MODULE   generic netlink family "pmguard" not found
 *   4  PMG_EXIT_PERMISSION  EPERM/EACCES from the kernel (missing capability)
 *   5  PMG_EXIT_OUTPUT      cannot open or write the output
 */
#ifndef PMG_EXIT_CODES_H
#define PMG_EXIT_CODES_H

enum pmg_exit {
	PMG_EXIT_OK = 0,
	PMG_EXIT_ERROR = 1,
	PMG_EXIT_USAGE = 2,
	PMG_EXIT_NO_MODULE = 3,
	PMG_EXIT_PERMISSION = 4,
	PMG_EXIT_OUTPUT = 5,
};

#endif /* PMG_EXIT_CODES_H */
