// SPDX-License-Identifier: GPL-2.0
/* Generic netlink plumbing for pmguard; see nl.h. */
#include "nl.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/pmguard.h>

#include "exit_codes.h"

/*
 * An event carries two paths of up to PATH_MAX; libnl's default message
 * buffer is one page.  Peeking sizes the buffer to each datagram, and the
 * larger default avoids the extra peek for ordinary events.
 */
#define PMG_NL_MSG_BUF (64 * 1024)

/*
 * Requests: a POLICY_REPLACE of 256 rules with two 255-byte paths each is
 * about 180 KiB.  Messages are allocated at this size (libnl's default is
 * one page) and the send buffer is raised to match.
 */
#define PMG_NL_REQ_BUF (512 * 1024)

/*
 * Print a message on stderr, or, on a quiet socket (the monitor's
 * periodic statistics), keep it in nl->last_error for the caller.
 */
static void report(struct pmg_nl *nl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct pmg_nl *nl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (nl->quiet)
		vsnprintf(nl->last_error, sizeof(nl->last_error), fmt, ap);
	else
		vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static int no_module(struct pmg_nl *nl)
{
	report(nl, "pmguard: kernel module not loaded (generic netlink family '"
		PMGUARD_GENL_NAME "' not found); load it with 'modprobe pmguard'\n");
	return PMG_EXIT_NO_MODULE;
}

int pmg_nl_open(struct pmg_nl *nl)
{
	int err;

	nl->family = -1;
	nl->in_request = false;
	nl->again = false;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		report(nl, "pmguard: cannot allocate a netlink socket: out of memory\n");
		return PMG_EXIT_ERROR;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		report(nl, "pmguard: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto fail;
	}
	nl_socket_enable_msg_peek(nl->sk);
	nl_socket_set_msg_buf_size(nl->sk, PMG_NL_MSG_BUF);
	/*
	 * Best effort: extended ACKs carry the module's reason for a refusal
	 * (kernels >= 4.12); the send buffer (capped by net.core.wmem_max,
	 * unless we have CAP_NET_ADMIN) must hold a whole policy.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &(int){ 1 }, sizeof(int));
	/* Errors need not echo a 180 KiB policy back; offsets still refer to it. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &(int){ 1 }, sizeof(int));
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_SNDBUFFORCE,
		       &(int){ PMG_NL_REQ_BUF }, sizeof(int)) < 0)
		setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_SNDBUF,
			   &(int){ PMG_NL_REQ_BUF }, sizeof(int));

	err = genl_ctrl_resolve(nl->sk, PMGUARD_GENL_NAME);
	if (err == -NLE_OBJ_NOTFOUND) {
		pmg_nl_close(nl);
		return no_module(nl);
	}
	if (err < 0) {
		report(nl, "pmguard: cannot resolve generic netlink family '"
			PMGUARD_GENL_NAME "': %s\n", nl_geterror(err));
		goto fail;
	}
	nl->family = err;
	return PMG_EXIT_OK;
fail:
	pmg_nl_close(nl);
	return PMG_EXIT_ERROR;
}

void pmg_nl_close(struct pmg_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static bool is_permission_error(int nlerr)
{
	return nlerr == -NLE_PERM || nlerr == -NLE_NOACCESS;
}

/*
 * A request made on the event socket while events and nlctrl
 * notifications keep arriving on it.  Its answer is recognized by
 * sequence number and port (NL_CB_MSG_IN sees every message first); every
 * other message goes on to the socket's own callbacks, the monitor's, so
 * no event is taken for an answer, or lost while we wait.
 */
struct sync_req {
	uint32_t seq, port;
	bool done;
	int error;		/* from NLMSG_ERROR: 0 or a negative errno */
	int family;		/* CTRL_CMD_GETFAMILY: the id, or -1 */
};

static int sync_msg_in(struct nl_msg *msg, void *arg)
{
	static struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = { .type = NLA_U16 },
	};
	struct sync_req *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_seq != r->seq || nlh->nlmsg_pid != r->port)
		return NL_OK;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(nlh);

		r->error = nlh->nlmsg_len >= (uint32_t)nlmsg_size(sizeof(*e)) ?
			   e->error : -EBADMSG;
		r->done = true;
	} else if (nlh->nlmsg_type == GENL_ID_CTRL) {
		if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, ctrl_policy) == 0 &&
		    tb[CTRL_ATTR_FAMILY_ID])
			r->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
		else
			r->error = -EBADMSG;
		r->done = true;
	}
	return NL_SKIP;
}

/* How long a request on the event socket may wait for its answer. */
#define SYNC_TIMEOUT_MS 5000

/* Send msg (freed here) and wait for its answer; 0 or a negative libnl error. */
static int sync_request(struct pmg_nl *nl, struct nl_msg *msg, struct sync_req *r)
{
	struct nl_cb *cb = nl_cb_clone(nl_socket_get_cb(nl->sk));
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	int waited = 0, err;

	r->done = false;
	r->error = 0;
	r->family = -1;
	if (!cb) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, sync_msg_in, r);
	err = nl_send_auto(nl->sk, msg);
	r->seq = nlmsg_hdr(msg)->nlmsg_seq;
	r->port = nl_socket_get_local_port(nl->sk);
	nlmsg_free(msg);
	while (err >= 0 && !r->done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err == -NLE_NOMEM)	/* ENOBUFS: the seq gap reports the loss */
			err = 0;
		if (err != -NLE_AGAIN)
			continue;
		/* A non-blocking socket (the monitor's, after start-up). */
		if (waited >= SYNC_TIMEOUT_MS)
			break;
		err = poll(&pfd, 1, 100) < 0 && errno != EINTR ? -NLE_FAILURE : 0;
		waited += 100;
	}
	nl_cb_put(cb);
	return r->done ? 0 : err < 0 ? err : -NLE_AGAIN;
}

static int subscribe_failed(int err, bool kernel)
{
	if (kernel && (err == -EPERM || err == -EACCES)) {
		fprintf(stderr, "pmguard: permission denied subscribing to the "
			PMGUARD_GENL_NAME " events: CAP_NET_ADMIN in the initial user "
			"namespace is required (run as root)\n");
		return PMG_EXIT_PERMISSION;
	}
	if (kernel && err == -EBUSY) {
		fprintf(stderr, "pmguard: cannot subscribe to the " PMGUARD_GENL_NAME
			" events: the module has as many subscribers as it takes\n");
		return PMG_EXIT_ERROR;
	}
	fprintf(stderr, "pmguard: cannot subscribe to the " PMGUARD_GENL_NAME
		" events: %s\n", kernel ? strerror(-err) : nl_geterror(err));
	return PMG_EXIT_ERROR;
}

/* A module older than PMGUARD_CMD_SUBSCRIBE multicasts to its group. */
static int join_events_group(struct pmg_nl *nl, int group)
{
	int err = group < 0 ? -NLE_OBJ_NOTFOUND : nl_socket_add_membership(nl->sk, group);

	if (is_permission_error(err))
		return subscribe_failed(-EPERM, true);
	if (err < 0)
		return subscribe_failed(err, false);
	return PMG_EXIT_OK;
}

/*
 * PMGUARD_CMD_SUBSCRIBE on the event socket, to family id nl->family;
 * group is the "events" group, joined instead when the module is older.
 */
static int send_subscribe(struct pmg_nl *nl, int group)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct sync_req r;
	int err;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				 NLM_F_ACK, PMGUARD_CMD_SUBSCRIBE, PMGUARD_GENL_VERSION)) {
		nlmsg_free(msg);
		return subscribe_failed(-NLE_NOMEM, false);
	}
	err = sync_request(nl, msg, &r);
	if (err < 0)
		return subscribe_failed(err, false);
	if (r.error == -EOPNOTSUPP)
		return join_events_group(nl, group);
	if (r.error)
		return subscribe_failed(r.error, true);
	return PMG_EXIT_OK;
}

/* The module came back: its family id may have changed. */
static int resubscribe(struct pmg_nl *nl, int group)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct sync_req r;
	int err;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
				 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, PMGUARD_GENL_NAME) < 0) {
		nlmsg_free(msg);
		return subscribe_failed(-NLE_NOMEM, false);
	}
	err = sync_request(nl, msg, &r);
	if (err < 0)
		return subscribe_failed(err, false);
	if (r.error || r.family < 0) {
		fprintf(stderr, "pmguard: cannot resolve the generic netlink family '"
			PMGUARD_GENL_NAME "' again: %s\n", strerror(r.error ? -r.error : EBADMSG));
		return PMG_EXIT_ERROR;
	}
	nl->family = r.family;
	return send_subscribe(nl, group);
}

int pmg_nl_join_group(struct pmg_nl *nl, int group)
{
	int status;

	/*
	 * Called back from a message handler, possibly while we wait for an
	 * answer ourselves (the module's NEWFAMILY and NEWMCAST_GRP come
	 * together): the request under way subscribes once more when done.
	 */
	if (nl->in_request) {
		nl->again = true;
		nl->again_group = group;
		return PMG_EXIT_OK;
	}
	nl->in_request = true;
	do {
		nl->again = false;
		status = resubscribe(nl, group);
		group = nl->again_group;
	} while (status == PMG_EXIT_OK && nl->again);
	nl->in_request = false;
	return status;
}

/*
 * Follow nlctrl's "notify" group, to hear about the module (un)loading,
 * then subscribe.  Both group ids are resolved before either is joined: a
 * resolve through libnl takes the next message on this socket for its
 * answer, so it must come before anything else can arrive.
 */
int pmg_nl_subscribe(struct pmg_nl *nl)
{
	int notify = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");
	int events = genl_ctrl_resolve_grp(nl->sk, PMGUARD_GENL_NAME,
					   PMGUARD_GENL_MCGRP_EVENTS);
	int status;

	/* Notify first: a reload while we subscribe is then still heard. */
	if (notify >= 0)
		notify = nl_socket_add_membership(nl->sk, notify);
	if (notify < 0)
		/* Not fatal: we only lose the automatic re-subscription. */
		fprintf(stderr, "pmguard: warning: cannot follow module reloads "
			"(nlctrl notify group): %s\n", nl_geterror(notify));
	nl->in_request = true;
	status = send_subscribe(nl, events);
	while (status == PMG_EXIT_OK && nl->again) {
		nl->again = false;
		status = resubscribe(nl, nl->again_group);
	}
	nl->in_request = false;
	return status;
}

void pmg_nl_grow_rcvbuf(struct pmg_nl *nl, int bytes)
{
	int fd = nl_socket_get_fd(nl->sk);
	int got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0)
		nl_socket_set_buffer_size(nl->sk, bytes, 0);

	/* The kernel reports twice the requested size (bookkeeping overhead). */
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0 && got / 2 < bytes)
		fprintf(stderr, "pmguard: warning: receive buffer is %d bytes, not %d "
			"(raise net.core.rmem_max or run with CAP_NET_ADMIN); "
			"bursts may be lost (and will be reported)\n", got / 2, bytes);
}

int pmg_nl_extack(const struct nlmsghdr *nlh, struct pmg_nl_extack *ext)
{
	const char *base = (const char *)nlh;
	size_t len = nlh->nlmsg_len, off;
	const struct nlattr *nla;
	int rem;

	memset(ext, 0, sizeof(*ext));
	if (len < NLMSG_HDRLEN || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const void *)(base + NLMSG_HDRLEN);
		size_t payload = sizeof(*e);

		if (len < NLMSG_HDRLEN + sizeof(*e))
			return -1;
		/* Uncapped: the whole request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return -1;
			payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
		off = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	} else {
		return 0;
	}
	if (off > len)
		return -1;
	nla = (const struct nlattr *)(base + off);
	rem = (int)(len - off);
	for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		if (nla_type(nla) == NLMSGERR_ATTR_MSG && nla_len(nla) > 0) {
			ext->msg = nla_data(nla);
			ext->msg_len = strnlen(ext->msg, (size_t)nla_len(nla));
		} else if (nla_type(nla) == NLMSGERR_ATTR_OFFS &&
			   nla_len(nla) >= (int)sizeof(uint32_t)) {
			ext->has_offset = true;
			ext->offset = nla_get_u32((struct nlattr *)nla);
		}
	}
	return 0;
}

/* State of one request/ACK (or dump) exchange. */
struct request {
	struct pmg_nl *nl;
	pmg_nl_reply_fn reply;
	void *arg;
	bool done;
	int kernel_errno;	/* from NLMSG_ERROR, positive */
	int reply_err;		/* first error from reply() */
	char extack[256];	/* the kernel's reason, if it gave one */
	bool has_offset;	/* ... and the offending attribute's offset */
	uint32_t offset;
	char where[160];	/* that attribute, described by nl->describe */
};

/* Keep the kernel's message as printable ASCII (it names rules, paths). */
static void keep_extack(struct request *req, const struct nlmsghdr *nlh)
{
	struct pmg_nl_extack ext;
	size_t o = 0;

	if (pmg_nl_extack(nlh, &ext) < 0)
		return;
	req->has_offset = ext.has_offset;
	req->offset = ext.offset;
	if (!ext.msg)
		return;
	/* Our own messages already say "pmguard: ". */
	if (ext.msg_len > 9 && memcmp(ext.msg, "pmguard: ", 9) == 0) {
		ext.msg += 9;
		ext.msg_len -= 9;
	}
	for (size_t i = 0; i < ext.msg_len && o + 5 < sizeof(req->extack); i++) {
		unsigned char c = (unsigned char)ext.msg[i];

		if (c >= 0x20 && c < 0x7f)
			req->extack[o++] = (char)c;
		else
			o += (size_t)snprintf(req->extack + o, sizeof(req->extack) - o,
					      "\\x%02x", c);
	}
	req->extack[o] = '\0';
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	int err;

	if (!req->reply || req->reply_err)
		return NL_OK;
	err = req->reply(nlmsg_hdr(msg), req->arg);
	if (err < 0)
		req->reply_err = err;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	/* Success may still carry a note (a warning) from the module. */
	keep_extack(req, nlmsg_hdr(msg));
	if (req->extack[0])
		report(req->nl, "pmguard: note from the kernel: %s\n", req->extack);
	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; a failed dump puts -errno in it. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			req->kernel_errno = -err;
			keep_extack(req, nlh);
		}
	}
	req->done = true;
	return NL_STOP;
}

/*
 * libnl (3.7) hands the error callback the nlmsgerr inside the received
 * message, right after its header: that is where the extack TLVs are.
 */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;
	const struct nlmsghdr *nlh = (const void *)((char *)e - NLMSG_HDRLEN);

	(void)nla;
	req->kernel_errno = -e->error;
	keep_extack(req, nlh);
	req->done = true;
	return NL_STOP;
}

static int request_failed(const struct request *req, const char *what,
			  const char *capability)
{
	struct pmg_nl *nl = req->nl;
	int e = req->kernel_errno;

	if ((e == EPERM || e == EACCES) && req->extack[0]) {
		report(nl, "pmguard: cannot %s: permission denied: %s\n",
			what, req->extack);
		return PMG_EXIT_PERMISSION;
	}
	if (req->where[0] && req->extack[0]) {
		report(nl, "pmguard: cannot %s: %s: %s (%s)\n", what, req->where,
		       req->extack, strerror(e));
		return PMG_EXIT_ERROR;
	}
	if (e == EPERM || e == EACCES) {
		report(nl, "pmguard: permission denied: %s requires %s "
			"in the initial user namespace (run as root)\n",
			what, capability);
		return PMG_EXIT_PERMISSION;
	}
	if (e == EOPNOTSUPP) {
		report(nl, "pmguard: cannot %s: the loaded module does not "
			"support this command (module too old?)\n", what);
		return PMG_EXIT_ERROR;
	}
	if (req->extack[0])
		report(nl, "pmguard: cannot %s: %s (%s)\n", what, req->extack,
			strerror(e));
	else
		report(nl, "pmguard: cannot %s: %s\n", what, strerror(e));
	return PMG_EXIT_ERROR;
}

static int exchange(struct pmg_nl *nl, uint8_t cmd, int flags, const char *what,
		    const char *capability, pmg_nl_build_fn build,
		    pmg_nl_reply_fn reply, void *arg)
{
	struct request req = { .nl = nl, .reply = reply, .arg = arg };
	struct nl_msg *msg = nlmsg_alloc_size(PMG_NL_REQ_BUF);
	struct nl_cb *cb = NULL;
	int err = -NLE_NOMEM;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				 flags, cmd, PMGUARD_GENL_VERSION))
		goto out;
	if (build) {
		err = build(msg, arg);
		if (err < 0)
			goto out;
	}
	cb = nl_cb_clone(nl_socket_get_cb(nl->sk));
	if (!cb) {
		err = -NLE_NOMEM;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);

	err = nl_send_auto(nl->sk, msg);
	while (err >= 0 && !req.done)
		err = nl_recvmsgs(nl->sk, cb);
out:
	nl_cb_put(cb);
	if (req.kernel_errno && req.has_offset && nl->describe)
		nl->describe(nlmsg_hdr(msg), req.offset, req.where, sizeof(req.where),
			     nl->describe_ctx);
	nlmsg_free(msg);

	if (req.kernel_errno)
		return request_failed(&req, what, capability);
	if (is_permission_error(err)) {
		req.kernel_errno = EPERM;
		return request_failed(&req, what, capability);
	}
	if (err == -NLE_MSGSIZE) {
		report(nl, "pmguard: cannot %s: the request is too large "
			"(raise net.core.wmem_max?)\n", what);
		return PMG_EXIT_ERROR;
	}
	if (err < 0) {
		report(nl, "pmguard: cannot %s: %s\n", what, nl_geterror(err));
		return PMG_EXIT_ERROR;
	}
	if (req.reply_err) {
		report(nl, "pmguard: cannot %s: malformed reply from the kernel: %s\n",
			what, nl_geterror(req.reply_err));
		return PMG_EXIT_ERROR;
	}
	return PMG_EXIT_OK;
}

int pmg_nl_request(struct pmg_nl *nl, uint8_t cmd, const char *what,
		   const char *capability, pmg_nl_build_fn build,
		   pmg_nl_reply_fn reply, void *arg)
{
	return exchange(nl, cmd, NLM_F_ACK, what, capability, build, reply, arg);
}

int pmg_nl_dump(struct pmg_nl *nl, uint8_t cmd, const char *what,
		const char *capability, pmg_nl_reply_fn reply, void *arg)
{
	/* No NLM_F_ACK: a dump ends with NLMSG_DONE, errors come before. */
	return exchange(nl, cmd, NLM_F_DUMP, what, capability, NULL, reply, arg);
}
