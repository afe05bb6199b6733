/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the userland unit tests: build pmguard netlink
 * messages in memory with libnl, exactly as the kernel would send them,
 * and check strings with an oracle independent of the code under test.
 */
#ifndef PMG_TESTUTIL_H
#define PMG_TESTUTIL_H

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/pmguard.h>

#define TEST_FAMILY_ID 0x1d

#ifdef assert_non_null	/* cmocka's, in the unit tests (not the fuzzers) */
/* A rendering that must be one line of JSON (freed here), parsed back. */
static inline struct json_object *test_json_line(char *s)
{
	struct json_object *obj;

	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	obj = json_tokener_parse(s);
	assert_non_null(obj);
	free(s);
	return obj;
}
#endif

/* A message of our family with the generic netlink header in place. */
static inline struct nl_msg *test_msg_new(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(128 * 1024);

	if (msg && !genlmsg_put(msg, 0, 1, TEST_FAMILY_ID, 0, 0, cmd,
				PMGUARD_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Caller and target the way the module fills them in. */
static inline int test_put_proc(struct nl_msg *msg, int attr, uint32_t pid,
				uint32_t tid, const char *comm, const char *exe)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest)
		return -1;
	if (nla_put_u32(msg, PMGUARD_P_PID, pid) ||
	    nla_put_u32(msg, PMGUARD_P_TID, tid) ||
	    nla_put_u32(msg, PMGUARD_P_PPID, pid - 1) ||
	    nla_put_u32(msg, PMGUARD_P_UID, 1000) ||
	    nla_put_u32(msg, PMGUARD_P_EUID, 0) ||
	    nla_put_u32(msg, PMGUARD_P_FSUID, 0) ||
	    nla_put_u32(msg, PMGUARD_P_GID, 1000) ||
	    nla_put_u32(msg, PMGUARD_P_LOGINUID, UINT32_MAX) ||
	    nla_put_u32(msg, PMGUARD_P_SESSIONID, UINT32_MAX) ||
	    nla_put_string(msg, PMGUARD_P_COMM, comm) ||
	    (exe && nla_put_string(msg, PMGUARD_P_EXE, exe)))
		return -1;
	return nla_nest_end(msg, nest);
}

/* A complete event: every attribute of the uapi header. */
static inline struct nl_msg *test_full_event(uint64_t seq)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);

	if (!msg ||
	    nla_put_u64(msg, PMGUARD_A_SEQ, seq) ||
	    nla_put_u64(msg, PMGUARD_A_TIME_NS, 1795678812123456789ull) ||
	    nla_put_u32(msg, PMGUARD_A_KIND, PMGUARD_KIND_MEM) ||
	    nla_put_u32(msg, PMGUARD_A_ACCESS, PMGUARD_ACCESS_READ) ||
	    nla_put_s32(msg, PMGUARD_A_RESULT, -13) ||
	    nla_put_u32(msg, PMGUARD_A_ACTION, PMGUARD_ACTION_ALERT) ||
	    nla_put_u32(msg, PMGUARD_A_SEVERITY, PMGUARD_SEV_HIGH) ||
	    nla_put_string(msg, PMGUARD_A_RULE, "default") ||
	    nla_put_u32(msg, PMGUARD_A_FLAGS,
			PMGUARD_F_CALLER_CAP_PTRACE | PMGUARD_F_SAME_UID) ||
	    nla_put_u32(msg, PMGUARD_A_COUNT, 3) ||
	    test_put_proc(msg, PMGUARD_A_CALLER, 1234, 1235, "dd", "/usr/bin/dd") < 0 ||
	    test_put_proc(msg, PMGUARD_A_TARGET, 1200, 1200, "sh", "/usr/bin/dash") < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

#define TEST_DOCKER_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The container and service context of one side, as the module sends it. */
static inline int test_put_context(struct nl_msg *msg, const char *cgroup,
				   uint32_t ns_pid, uint32_t ns_base, bool in_container)
{
	return nla_put(msg, PMGUARD_P_PAD, 0, NULL) ||
	       nla_put_u64(msg, PMGUARD_P_CGROUP_ID, 4242 + ns_base) ||
	       nla_put_string(msg, PMGUARD_P_CGROUP, cgroup) ||
	       nla_put_u32(msg, PMGUARD_P_NS_PID, ns_pid) ||
	       nla_put_u32(msg, PMGUARD_P_PID_NS, ns_base + 1) ||
	       nla_put_u32(msg, PMGUARD_P_MNT_NS, ns_base + 2) ||
	       nla_put_u32(msg, PMGUARD_P_USER_NS, ns_base + 3) ||
	       nla_put_u32(msg, PMGUARD_P_NET_NS, ns_base + 4) ||
	       nla_put_u32(msg, PMGUARD_P_CGROUP_NS, ns_base + 5) ||
	       nla_put_u8(msg, PMGUARD_P_IN_CONTAINER, in_container) ? -1 : 0;
}

/*
 * A process in a docker container (pid 1 in its namespace) reading the
 * memory of the host's sshd: cross_container.
 */
static inline struct nl_msg *test_container_event(void)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);
	struct nlattr *nest;

	if (!msg ||
	    nla_put_u64(msg, PMGUARD_A_SEQ, 7) ||
	    nla_put_u32(msg, PMGUARD_A_KIND, PMGUARD_KIND_MEM) ||
	    nla_put_u32(msg, PMGUARD_A_ACTION, PMGUARD_ACTION_DENY) ||
	    nla_put_u32(msg, PMGUARD_A_SEVERITY, PMGUARD_SEV_HIGH) ||
	    nla_put_string(msg, PMGUARD_A_RULE, "cross-container") ||
	    nla_put_u32(msg, PMGUARD_A_FLAGS,
			PMGUARD_F_CROSS_CONTAINER | PMGUARD_F_FROM_CONTAINER) ||
	    !(nest = nla_nest_start(msg, PMGUARD_A_CALLER)) ||
	    nla_put_u32(msg, PMGUARD_P_PID, 4100) ||
	    nla_put_string(msg, PMGUARD_P_COMM, "cat") ||
	    test_put_context(msg, "/system.slice/docker-" TEST_DOCKER_ID ".scope", 1,
			     4026532000u, true) < 0)
		goto fail;
	nla_nest_end(msg, nest);
	if (!(nest = nla_nest_start(msg, PMGUARD_A_TARGET)) ||
	    nla_put_u32(msg, PMGUARD_P_PID, 700) ||
	    nla_put_string(msg, PMGUARD_P_COMM, "sshd") ||
	    test_put_context(msg, "/system.slice/ssh.service", 700, 4026531830u, false) < 0)
		goto fail;
	nla_nest_end(msg, nest);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/* A mem summary for the access event seq, every attribute set. */
static inline struct nl_msg *test_summary(uint64_t seq)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_MEM_SUMMARY);
	struct nlattr *nest;

	if (!msg ||
	    nla_put_u64(msg, PMGUARD_A_SEQ, seq) ||
	    nla_put_u64(msg, PMGUARD_A_TIME_NS, 1795678813000000000ull) ||
	    nla_put_u32(msg, PMGUARD_A_KIND, PMGUARD_KIND_MEM) ||
	    test_put_proc(msg, PMGUARD_A_CALLER, 123, 123, "python3", "/usr/bin/python3.11") < 0 ||
	    test_put_proc(msg, PMGUARD_A_TARGET, 77, 77, "sshd", "/usr/sbin/sshd") < 0 ||
	    !(nest = nla_nest_start(msg, PMGUARD_A_SUMMARY)) ||
	    nla_put(msg, PMGUARD_SUM_PAD, 0, NULL) ||
	    nla_put_u64(msg, PMGUARD_SUM_READS, 33) ||
	    nla_put_u64(msg, PMGUARD_SUM_BYTES_READ, 135168) ||
	    nla_put_u64(msg, PMGUARD_SUM_WRITES, 0) ||
	    nla_put_u64(msg, PMGUARD_SUM_BYTES_WRITTEN, 0) ||
	    nla_put_u64(msg, PMGUARD_SUM_FIRST_OFFSET, 0x55d0a1b2c000ull) ||
	    nla_put_u64(msg, PMGUARD_SUM_LAST_OFFSET, 0x55d2f3e4d000ull) ||
	    nla_put_u64(msg, PMGUARD_SUM_DURATION_NS, 1500000000ull) ||
	    nla_put_u64(msg, PMGUARD_SUM_ERRORS, 2)) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

/* The attributes of a folded event of the kernel's, before the processes. */
static inline int test_put_folded(struct nl_msg *msg, uint64_t seq, uint32_t kind,
				  uint32_t severity, const char *rule, uint32_t flags,
				  uint32_t count, uint64_t first_seq)
{
	return nla_put_u64(msg, PMGUARD_A_SEQ, seq) ||
	       nla_put_u64(msg, PMGUARD_A_TIME_NS, 1795678812123456789ull) ||
	       nla_put_u32(msg, PMGUARD_A_KIND, kind) ||
	       nla_put_u32(msg, PMGUARD_A_ACCESS, PMGUARD_ACCESS_READ) ||
	       nla_put_s32(msg, PMGUARD_A_RESULT, 0) ||
	       nla_put_u32(msg, PMGUARD_A_ACTION, PMGUARD_ACTION_ALERT) ||
	       nla_put_u32(msg, PMGUARD_A_SEVERITY, severity) ||
	       nla_put_string(msg, PMGUARD_A_RULE, rule) ||
	       nla_put_u32(msg, PMGUARD_A_FLAGS, flags | PMGUARD_F_FOLDED) ||
	       nla_put_u32(msg, PMGUARD_A_COUNT, count) ||
	       nla_put_u64(msg, PMGUARD_A_FIRST_SEQ, first_seq) ? -1 : 0;
}

/* A folded event: COUNT accesses, the first of them first_seq. */
static inline struct nl_msg *test_folded_event(uint64_t seq, uint32_t count,
					       uint64_t first_seq)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);

	if (!msg ||
	    test_put_folded(msg, seq, PMGUARD_KIND_MAPS, PMGUARD_SEV_LOW, "own-uid",
			    PMGUARD_F_SAME_UID, count, first_seq) < 0 ||
	    test_put_proc(msg, PMGUARD_A_CALLER, 500, 500, "top", "/usr/bin/top") < 0 ||
	    test_put_proc(msg, PMGUARD_A_TARGET, 600, 600, "bash", "/usr/bin/bash") < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * A folded process_vm_readv burst: count calls from a 32-bit caller
 * that copied bytes in all (PMGUARD_A_BYTES), the first of them first_seq.
 */
static inline struct nl_msg *test_copy_event(uint64_t seq, uint32_t count,
					     uint64_t first_seq, uint64_t bytes)
{
	struct nl_msg *msg = test_msg_new(PMGUARD_CMD_EVENT);

	if (!msg ||
	    test_put_folded(msg, seq, PMGUARD_KIND_VM_READ, PMGUARD_SEV_HIGH,
			    "sensitive-memory", PMGUARD_F_TARGET_SENSITIVE |
			    PMGUARD_F_COMPAT_SYSCALL, count, first_seq) < 0 ||
	    nla_put_u64(msg, PMGUARD_A_BYTES, bytes) ||
	    test_put_proc(msg, PMGUARD_A_CALLER, 700, 700, "python3", "/usr/bin/python3.11") < 0 ||
	    test_put_proc(msg, PMGUARD_A_TARGET, 77, 77, "sshd", "/usr/sbin/sshd") < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Strict UTF-8 check by glibc's iconv (rejects overlongs, surrogates, ...). */
static inline bool test_valid_utf8(const char *s, size_t len)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	char buf[4096];
	char *in = (char *)s;
	size_t inleft = len;
	bool ok = true;

	if (cd == (iconv_t)-1)
		return false;
	while (inleft > 0) {
		char *out = buf;
		size_t outleft = sizeof(buf);

		if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 && errno != E2BIG) {
			ok = false;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

/* Only printable ASCII: what the text format promises for one line. */
static inline bool test_printable_ascii_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

#endif /* PMG_TESTUTIL_H */
