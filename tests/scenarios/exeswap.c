// SPDX-License-Identifier: GPL-2.0
/*
 * exeswap EXE TARGETPID: become EXE as far as /proc/self/exe and
 * mm->exe_file go (prctl(PR_SET_MM, PR_SET_MM_EXE_FILE), which needs
 * CAP_SYS_RESOURCE: root, or anyone in a user namespace), then open
 * /proc/TARGETPID/maps.  The kernel refuses the switch while the old
 * executable is still mapped, so the work runs from an anonymous copy of
 * itself after unmapping the image.  A static, libc-free program: exit
 * status 0 when the open worked, 2 when the switch failed, 3 when the open
 * failed.
 */
#include <stddef.h>
#include <sys/syscall.h>

struct args {
	char exe[64];
	char path[64];
	unsigned long image, image_len;
};

static inline __attribute__((always_inline)) long sys3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline __attribute__((always_inline)) long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 asm("r10") = d, r8 asm("r8") = e, r9 asm("r9") = f;
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c),
		     "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}

/* Runs from the anonymous copy: no globals, no calls out of itself. */
__attribute__((noinline, used)) static void payload(struct args *a)
{
	long fd, ret;
	register long r10 asm("r10"), r8 asm("r8");

	fd = sys3(SYS_open, (long)a->exe, 0, 0);
	sys3(SYS_munmap, a->image, a->image_len, 0);
	/* prctl(PR_SET_MM = 35, PR_SET_MM_EXE_FILE = 13, fd) */
	r10 = 0;
	r8 = 0;
	asm volatile("syscall" : "=a"(ret) : "a"((long)SYS_prctl), "D"(35L), "S"(13L),
		     "d"(fd), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
	if (fd < 0 || ret < 0)
		sys3(SYS_exit_group, 2, 0, 0);
	fd = sys3(SYS_open, (long)a->path, 0, 0);
	sys3(SYS_exit_group, fd < 0 ? 3 : 0, 0, 0);
}


extern char __executable_start[], _end[];

static void copy(char *dst, const char *src, size_t n)
{
	while (n-- && (*dst++ = *src++))
		;
}

void _start_c(long *sp)
{
	char **argv = (char **)(sp + 1);
	char *page;
	struct args *a;
	const char *pid = argv[2];
	size_t len = 1024, i;	/* payload is much smaller; the image is larger */

	if (*sp < 3)
		sys3(SYS_exit_group, 1, 0, 0);
	/* mmap(NULL, 8192, RWX, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
	page = (char *)sys6(SYS_mmap, 0, 8192, 7, 0x22, -1, 0);
	for (i = 0; i < len; i++)
		page[i] = ((char *)payload)[i];
	a = (struct args *)(page + 4096);
	copy(a->exe, argv[1], sizeof(a->exe));
	copy(a->path, "/proc/", 7);
	copy(a->path + 6, pid, 32);
	for (i = 6; a->path[i]; i++)
		;
	copy(a->path + i, "/maps", 6);
	a->image = (unsigned long)__executable_start & ~4095UL;
	a->image_len = (((unsigned long)_end + 4095) & ~4095UL) - a->image;
	((void (*)(struct args *))page)(a);
}

asm(".globl _start\n_start:\n mov %rsp, %rdi\n and $-16, %rsp\n call _start_c\n hlt\n");
