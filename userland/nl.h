/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pmguard generic netlink socket: family resolution, the events
 * subscription, and request/ACK exchanges for commands.
 *
 * Functions returning int return an exit code (exit_codes.h) and have
 * already printed one clear message on stderr when it is not
 * PMG_EXIT_OK, so commands can simply pass the code up.
 */
#ifndef PMG_NL_H
#define PMG_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

struct pmg_nl {
	struct nl_sock *sk;
	int family;		/* generic netlink family id of "pmguard" */
	/*
	 * Quiet: opening and requests print nothing; the last message is
	 * kept in last_error instead (for periodic requests that warn
	 * only when their state changes).
	 */
	bool quiet;
	char last_error[256];
	/*
	 * Optional: when the kernel refuses a request and points at one of
	 * its attributes (extended ACK offset), describe that attribute for
	 * the error message ("rule 'allow:lldb' (policy.conf:28)").
	 */
	void (*describe)(const struct nlmsghdr *req, uint32_t offset, char *buf,
			 size_t size, void *ctx);
	void *describe_ctx;
	/* A subscription request is waiting for its answer on this socket. */
	bool in_request;
	bool again;		/* the module came back meanwhile: again */
	int again_group;
};

/* Open a generic netlink socket and resolve the "pmguard" family. */
int pmg_nl_open(struct pmg_nl *nl);

void pmg_nl_close(struct pmg_nl *nl);

/*
 * Subscribe this socket to the events (PMGUARD_CMD_SUBSCRIBE: the module
 * unicasts every event to it; CAP_NET_ADMIN in the initial user namespace
 * required), after joining nlctrl's "notify" group to hear about the
 * module (un)loading (a warning if that fails).  With a module older than
 * the command, joins the "events" multicast group instead.  Events that
 * arrive meanwhile go to the socket's callbacks.
 */
int pmg_nl_subscribe(struct pmg_nl *nl);

/*
 * The module came back (nlctrl announced it, with its "events" group id
 * @group): resolve the family again and subscribe again, from within a
 * message callback of the socket.  Idempotent.
 */
int pmg_nl_join_group(struct pmg_nl *nl, int group);

/*
 * Ask for a big receive buffer so bursts do not overrun the socket:
 * SO_RCVBUFFORCE (needs CAP_NET_ADMIN, ignores rmem_max), else SO_RCVBUF
 * (capped by net.core.rmem_max).  Best effort: warns when capped.
 */
void pmg_nl_grow_rcvbuf(struct pmg_nl *nl, int bytes);

/* Fills the request's attributes; returns 0 or a negative libnl error. */
typedef int (*pmg_nl_build_fn)(struct nl_msg *msg, void *arg);
/* Handles one reply message; returns 0 or a negative libnl error. */
typedef int (*pmg_nl_reply_fn)(struct nlmsghdr *nlh, void *arg);

/*
 * Send command cmd (NLM_F_REQUEST | NLM_F_ACK), hand every reply message
 * to reply() and wait for the ACK.  what names the operation in error
 * messages ("read statistics"); capability names the capability the
 * kernel checks, for the EPERM message.  When the kernel gives a reason
 * (extended ACK, e.g. "policy is locked"), the error message quotes it.
 */
int pmg_nl_request(struct pmg_nl *nl, uint8_t cmd, const char *what,
		   const char *capability, pmg_nl_build_fn build,
		   pmg_nl_reply_fn reply, void *arg);

/*
 * Send a dump request (NLM_F_DUMP) and hand every message to reply()
 * until NLMSG_DONE.
 */
int pmg_nl_dump(struct pmg_nl *nl, uint8_t cmd, const char *what,
		const char *capability, pmg_nl_reply_fn reply, void *arg);

/*
 * The extended ACK of an NLMSG_ERROR (or NLMSG_DONE) message: the
 * kernel's NLMSGERR_ATTR_MSG text (a view into the message, not
 * NUL-terminated, untrusted) and the offset of the offending attribute.
 * libnl 3.7 does not decode these TLVs, so we do.  Returns 0 (msg NULL
 * when there is none) or -1 if the message is malformed.
 */
struct pmg_nl_extack {
	const char *msg;
	size_t msg_len;
	bool has_offset;
	uint32_t offset;
};

int pmg_nl_extack(const struct nlmsghdr *nlh, struct pmg_nl_extack *ext);

#endif /* PMG_NL_H */
