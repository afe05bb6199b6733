// SPDX-License-Identifier: GPL-2.0
/* Generic netlink plumbing for pmguard; see nl.h. */
#include "nl.h"

#include <errno.h>
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

static int no_module(void)
{
	fprintf(stderr, "pmguard: kernel module not loaded (generic netlink family '"
		PMGUARD_GENL_NAME "' not found); load it with 'modprobe pmguard'\n");
	return PMG_EXIT_NO_MODULE;
}

int pmg_nl_open(struct pmg_nl *nl)
{
	int err;

	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "pmguard: cannot allocate a netlink socket: out of memory\n");
		return PMG_EXIT_ERROR;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		fprintf(stderr, "pmguard: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto fail;
	}
	nl_socket_enable_msg_peek(nl->sk);
	nl_socket_set_msg_buf_size(nl->sk, PMG_NL_MSG_BUF);

	err = genl_ctrl_resolve(nl->sk, PMGUARD_GENL_NAME);
	if (err == -NLE_OBJ_NOTFOUND) {
		pmg_nl_close(nl);
		return no_module();
	}
	if (err < 0) {
		fprintf(stderr, "pmguard: cannot resolve generic netlink family '"
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

int pmg_nl_join_group(struct pmg_nl *nl, int group)
{
	int err = nl_socket_add_membership(nl->sk, group);

	if (is_permission_error(err)) {
		fprintf(stderr, "pmguard: permission denied joining the generic netlink "
			"group '" PMGUARD_GENL_NAME "/" PMGUARD_GENL_MCGRP_EVENTS "': "
			"CAP_NET_ADMIN in the initial user namespace is required "
			"(run as root)\n");
		return PMG_EXIT_PERMISSION;
	}
	if (err < 0) {
		fprintf(stderr, "pmguard: cannot join the generic netlink group '"
			PMGUARD_GENL_NAME "/" PMGUARD_GENL_MCGRP_EVENTS "': %s\n",
			nl_geterror(err));
		return PMG_EXIT_ERROR;
	}
	return PMG_EXIT_OK;
}

int pmg_nl_join_events(struct pmg_nl *nl)
{
	int group = genl_ctrl_resolve_grp(nl->sk, PMGUARD_GENL_NAME,
					  PMGUARD_GENL_MCGRP_EVENTS);

	if (group == -NLE_OBJ_NOTFOUND) {
		/* The family exists (we resolved it), so only the group is missing. */
		fprintf(stderr, "pmguard: the loaded module has no '"
			PMGUARD_GENL_MCGRP_EVENTS "' multicast group "
			"(module and reader versions do not match?)\n");
		return PMG_EXIT_ERROR;
	}
	if (group < 0) {
		fprintf(stderr, "pmguard: cannot resolve the '" PMGUARD_GENL_MCGRP_EVENTS
			"' multicast group: %s\n", nl_geterror(group));
		return PMG_EXIT_ERROR;
	}
	return pmg_nl_join_group(nl, group);
}

int pmg_nl_join_ctrl_notify(struct pmg_nl *nl)
{
	int group = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");
	int err;

	if (group >= 0) {
		err = nl_socket_add_membership(nl->sk, group);
		if (err >= 0)
			return PMG_EXIT_OK;
		group = err;
	}
	/* Not fatal: we only lose the automatic re-subscription. */
	fprintf(stderr, "pmguard: warning: cannot follow module reloads "
		"(nlctrl notify group): %s\n", nl_geterror(group));
	return PMG_EXIT_OK;
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

/* State of one request/ACK exchange. */
struct request {
	pmg_nl_reply_fn reply;
	void *arg;
	bool done;
	int kernel_errno;	/* from NLMSG_ERROR, positive */
	int reply_err;		/* first error from reply() */
};

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

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;

	(void)nla;
	req->kernel_errno = -e->error;
	req->done = true;
	return NL_STOP;
}

static int request_failed(const struct request *req, const char *what,
			  const char *capability)
{
	int e = req->kernel_errno;

	if (e == EPERM || e == EACCES) {
		fprintf(stderr, "pmguard: permission denied: %s requires %s "
			"in the initial user namespace (run as root)\n",
			what, capability);
		return PMG_EXIT_PERMISSION;
	}
	if (e == EOPNOTSUPP) {
		fprintf(stderr, "pmguard: cannot %s: the loaded module does not "
			"support this command (module too old?)\n", what);
		return PMG_EXIT_ERROR;
	}
	fprintf(stderr, "pmguard: cannot %s: %s\n", what, strerror(e));
	return PMG_EXIT_ERROR;
}

int pmg_nl_request(struct pmg_nl *nl, uint8_t cmd, const char *what,
		   const char *capability, pmg_nl_build_fn build,
		   pmg_nl_reply_fn reply, void *arg)
{
	struct request req = { .reply = reply, .arg = arg };
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = NULL;
	int err = -NLE_NOMEM;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				 NLM_F_ACK, cmd, PMGUARD_GENL_VERSION))
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
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);

	err = nl_send_auto(nl->sk, msg);
	while (err >= 0 && !req.done)
		err = nl_recvmsgs(nl->sk, cb);
out:
	nl_cb_put(cb);
	nlmsg_free(msg);

	if (req.kernel_errno)
		return request_failed(&req, what, capability);
	if (is_permission_error(err)) {
		req.kernel_errno = EPERM;
		return request_failed(&req, what, capability);
	}
	if (err < 0) {
		fprintf(stderr, "pmguard: cannot %s: %s\n", what, nl_geterror(err));
		return PMG_EXIT_ERROR;
	}
	if (req.reply_err) {
		fprintf(stderr, "pmguard: cannot %s: malformed reply from the kernel: %s\n",
			what, nl_geterror(req.reply_err));
		return PMG_EXIT_ERROR;
	}
	return PMG_EXIT_OK;
}
