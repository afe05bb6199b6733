/* ia32peek v|p PID ADDR SECRET: a 32-bit (i386, int $0x80) credential
 * dumper: v = process_vm_readv (ia32 nr 347) of 512 bytes at ADDR,
 * p = ptrace(PTRACE_ATTACH) (ia32 nr 26) + 128 x PTRACE_PEEKDATA.
 * Prints "bytes=N found=0|1"; exit 0 when SECRET was read, 2 if refused. */
__asm__(".globl _start\n_start:\n\tpush %esp\n\tcall cmain\n\thlt\n");
static long sc(long n, long a, long b, long c, long d, long e)
{
	long r;
	__asm__ volatile("push %%ebp\n\txor %%ebp, %%ebp\n\tint $0x80\n\tpop %%ebp"
			 : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
	return r;
}
struct iov { unsigned long base, len; };
static unsigned long num(const char *s, int base)
{
	unsigned long v = 0;
	for (; *s; s++)
		v = v * base + (*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
	return v;
}
static void out(const char *s)
{
	int n = 0;
	while (s[n])
		n++;
	sc(4, 1, (long)s, n, 0, 0);
}
static void outn(long v)
{
	char b[16];
	int i = 15;
	b[i] = 0;
	do
		b[--i] = '0' + v % 10;
	while ((v /= 10) && i);
	out(b + i);
}
void cmain(long *sp)
{
	char **argv = (char **)(sp + 1);
	static char buf[512];
	long pid = num(argv[2], 10), n = 0, r, i, j, found = 0, status;
	unsigned long addr = num(argv[3], 16);
	const char *secret = argv[4];
	if (argv[1][0] == 'v') {
		struct iov l = { (unsigned long)buf, sizeof(buf) }, rv = { addr, sizeof(buf) };
		n = sc(347, pid, (long)&l, 1, (long)&rv, 1);
		if (n < 0) {
			out("process_vm_readv refused\n");
			sc(1, 2, 0, 0, 0, 0);
		}
	} else {
		r = sc(26, 16, pid, 0, 0, 0);		/* PTRACE_ATTACH */
		if (r < 0) {
			out("PTRACE_ATTACH refused\n");
			sc(1, 2, 0, 0, 0, 0);
		}
		sc(7, pid, (long)&status, 0, 0, 0);	/* waitpid */
		for (i = 0; i < 128; i++) {
			long w;
			if (sc(26, 2, pid, addr + 4 * i, (long)&w, 0) < 0)	/* PEEKDATA */
				break;
			for (j = 0; j < 4; j++)
				buf[n++] = ((char *)&w)[j];
		}
		sc(26, 17, pid, 0, 0, 0);		/* PTRACE_DETACH */
	}
	for (i = 0; i < n && !found; i++) {
		for (j = 0; secret[j] && i + j < n && buf[i + j] == secret[j]; j++)
			;
		found = !secret[j];
	}
	out("bytes=");
	outn(n);
	out(found ? " found=1\n" : " found=0\n");
	sc(1, found ? 0 : 1, 0, 0, 0, 0);
}
