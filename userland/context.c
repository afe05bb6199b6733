// SPDX-License-Identifier: GPL-2.0
/* Container and service context from a cgroup v2 path; see context.h. */
#include "context.h"
#include "event.h"

#include <string.h>

/* One path component: bytes between slashes, never empty. */
struct comp {
	const char *p;
	size_t n;
};

static bool comp_is(struct comp c, const char *s)
{
	return c.n == strlen(s) && memcmp(c.p, s, c.n) == 0;
}

static bool comp_starts(struct comp c, const char *prefix)
{
	size_t n = strlen(prefix);

	return c.n >= n && memcmp(c.p, prefix, n) == 0;
}

static bool comp_ends(struct comp c, const char *suffix)
{
	size_t n = strlen(suffix);

	return c.n >= n && memcmp(c.p + c.n - n, suffix, n) == 0;
}

/* The part of @c between @prefix and @suffix, if @c has both. */
static bool comp_between(struct comp c, const char *prefix, const char *suffix,
			 struct comp *mid)
{
	size_t pn = strlen(prefix), sn = strlen(suffix);

	if (c.n <= pn + sn || !comp_starts(c, prefix) || !comp_ends(c, suffix))
		return false;
	*mid = (struct comp){ c.p + pn, c.n - pn - sn };
	return true;
}

/* Exactly 64 lowercase hex digits: every runtime's container id. */
static bool is_hex64(struct comp c)
{
	if (c.n != 64)
		return false;
	for (size_t i = 0; i < c.n; i++)
		if (!((c.p[i] >= '0' && c.p[i] <= '9') || (c.p[i] >= 'a' && c.p[i] <= 'f')))
			return false;
	return true;
}

static bool in_set(char ch, const char *extra)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || (ch && strchr(extra, ch));
}

/*
 * A machine or container name (systemd-nspawn, machined, LXC): what
 * those tools accept, plus systemd's \x escapes.
 */
static bool is_name(struct comp c)
{
	if (c.n == 0 || c.n > PMG_CONTAINER_ID_MAX || c.p[0] == '.' || c.p[0] == '-')
		return false;
	for (size_t i = 0; i < c.n; i++)
		if (!in_set(c.p[i], "._-\\"))
			return false;
	return true;
}

/* A unit a process can be in: NAME.service or NAME.scope. */
static bool is_unit(struct comp c)
{
	if (c.n > PMG_UNIT_MAX || !(comp_ends(c, ".service") || comp_ends(c, ".scope")) ||
	    c.p[0] == '.')
		return false;
	for (size_t i = 0; i < c.n; i++)
		if (!in_set(c.p[i], ":_.\\@-"))
			return false;
	return true;
}

static void copy(char *dst, size_t size, struct comp c)
{
	size_t n = c.n < size - 1 ? c.n : size - 1;

	memcpy(dst, c.p, n);
	dst[n] = '\0';
}

/*
 * A pod's uid: "pod<uid>" (cgroupfs) or "kubepods[-<qos>]-pod<uid>.slice"
 * (systemd driver, with '_' for '-').
 */
static bool pod_uid(struct comp c, char out[PMG_POD_UID_LEN + 1])
{
	const char *at = NULL;
	size_t n;

	if (comp_starts(c, "pod")) {
		at = c.p + 3;
		n = c.n - 3;
	} else if (comp_starts(c, "kubepods") && comp_ends(c, ".slice")) {
		for (size_t i = 0; i + 3 < c.n; i++)
			if (memcmp(c.p + i, "-pod", 4) == 0)
				at = c.p + i + 4;
		if (!at)
			return false;
		n = (size_t)(c.p + c.n - strlen(".slice") - at);
	} else {
		return false;
	}
	if (n != PMG_POD_UID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = at[i] == '_' ? '-' : at[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-')) {
			out[0] = '\0';		/* nothing of a uid that is not one */
			return false;
		}
		out[i] = ch;
	}
	out[n] = '\0';
	return true;
}

/* A user manager's own unit: user@UID.service. */
static bool is_user_manager(struct comp c)
{
	struct comp uid;

	if (!comp_between(c, "user@", ".service", &uid) || uid.n > 10)
		return false;
	for (size_t i = 0; i < uid.n; i++)
		if (uid.p[i] < '0' || uid.p[i] > '9')
			return false;
	return true;
}

/*
 * Who may have named a component, by what is above it.  Outside a unit's
 * cgroup only root (and systemd for it) creates cgroups; in a unit with
 * Delegate=yes, a user manager (user@UID.service) or a container, the
 * unit's owner names its sub-cgroups as it likes.
 */
enum place {
	PLACE_SLICES,	/* slices only above: the system manager's */
	PLACE_USER,	/* slices only below a user manager: the user's */
	PLACE_UNIT,	/* below any other unit or cgroup: nobody's runtime */
};

/* Where the walk is: the component's depth (1 at the top) and above it. */
struct walk {
	size_t depth;
	enum place place;
	struct comp top, second, prev;	/* components 1 and 2, the parent */
};

/*
 * The runtime whose naming @c follows, where @w says that runtime puts
 * its containers; its container id in @id.
 */
static const char *runtime_of(struct comp c, const struct walk *w, struct comp *id)
{
	/* Scopes and services a runtime asks systemd for, in slices. */
	static const struct {
		const char *prefix, *suffix, *runtime, *rootless;
		bool hex;
	} named[] = {
		{ "docker-", ".scope", "docker", "docker-rootless", true },
		{ "cri-containerd-", ".scope", "containerd", "containerd-rootless", true },
		{ "crio-", ".scope", "cri-o", "cri-o-rootless", true },
		{ "libpod-", ".scope", "podman", "podman-rootless", true },
		{ "systemd-nspawn@", ".service", "systemd-nspawn", NULL, false },
	};

	/* cgroupfs drivers and LXC: fixed places from the root. */
	*id = c;
	if (w->depth == 1 && comp_starts(c, "lxc.payload.")) {
		*id = (struct comp){ c.p + 12, c.n - 12 };
		return is_name(*id) ? "lxc" : NULL;
	}
	if (w->depth == 2 && comp_is(w->top, "docker") && is_hex64(c))
		return "docker";
	if (w->depth == 2 && comp_is(w->top, "lxc") && is_name(c))
		return "lxc";
	if (w->depth == 2 && comp_is(w->top, "libpod_parent") && comp_starts(c, "libpod-")) {
		*id = (struct comp){ c.p + 7, c.n - 7 };
		return is_hex64(*id) ? "podman" : NULL;
	}
	/* /kubepods[/burstable|/besteffort]/pod<uid>/<id> */
	if (comp_is(w->top, "kubepods") && comp_starts(w->prev, "pod") && is_hex64(c) &&
	    (w->depth == 3 || (w->depth == 4 && (comp_is(w->second, "burstable") ||
						 comp_is(w->second, "besteffort")))))
		return "cri";
	if (w->place == PLACE_UNIT)
		return NULL;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (comp_between(c, named[i].prefix, named[i].suffix, id) &&
		    (named[i].hex ? is_hex64(*id) : is_name(*id)))
			return w->place == PLACE_SLICES ? named[i].runtime : named[i].rootless;
	/* machined registers containers (nspawn run from a shell, libvirt). */
	if (w->place == PLACE_SLICES && comp_is(w->prev, "machine.slice") &&
	    comp_between(c, "machine-", ".scope", id) && is_name(*id))
		return "systemd-machined";
	return NULL;
}

bool pmg_cgroup_context(const char *path, size_t len,
			struct pmg_cgroup_context *ctx)
{
	struct walk w = { .place = PLACE_SLICES };
	struct comp c, id;
	size_t i = 0;

	memset(ctx, 0, sizeof(*ctx));
	while (i < len) {
		size_t start = i;

		while (i < len && path[i] != '/')
			i++;
		c = (struct comp){ path + start, i - start };
		i++;
		if (c.n == 0)
			continue;
		w.depth++;
		if (w.depth == 1)
			w.top = c;
		else if (w.depth == 2)
			w.second = c;
		if (!ctx->runtime) {
			ctx->runtime = runtime_of(c, &w, &id);
			if (ctx->runtime)
				copy(ctx->container_id, sizeof(ctx->container_id), id);
			/* A pod's uid: its slice or directory, the container's parent. */
			if (ctx->runtime && w.place != PLACE_USER)
				pod_uid(w.prev, ctx->pod_uid);
		}
		/* systemd's reading: units after the leading slices. */
		if (!comp_ends(c, ".slice")) {
			if (w.place == PLACE_SLICES && is_unit(c))
				copy(ctx->unit, sizeof(ctx->unit), c);
			else if (w.place == PLACE_USER && is_unit(c))
				copy(ctx->user_unit, sizeof(ctx->user_unit), c);
			w.place = w.place == PLACE_SLICES && is_user_manager(c) ?
				  PLACE_USER : PLACE_UNIT;
		}
		w.prev = c;
	}
	return ctx->runtime || ctx->unit[0];
}

size_t pmg_proc_context_fields(const struct pmguard_proc *p,
			       struct pmg_cgroup_context *ctx,
			       struct pmg_context_field out[PMG_CONTEXT_FIELDS])
{
	size_t n = 0;

	if (!pmg_proc_has(p, PMGUARD_P_CGROUP) ||
	    !pmg_cgroup_context(p->cgroup.ptr, p->cgroup.len, ctx))
		return 0;

	const struct pmg_context_field all[PMG_CONTEXT_FIELDS] = {
		{ "container_runtime",	"CONTAINER_RUNTIME",	ctx->runtime },
		{ "container_id",	"CONTAINER_ID",		ctx->container_id },
		{ "pod_uid",		"POD_UID",		ctx->pod_uid },
		{ "unit",		"UNIT",			ctx->unit },
		{ "user_unit",		"USER_UNIT",		ctx->user_unit },
	};

	for (size_t i = 0; i < PMG_CONTEXT_FIELDS; i++)
		if (all[i].value && all[i].value[0])
			out[n++] = all[i];
	return n;
}
