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

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-'))
			return false;
		out[i] = ch;
	}
	out[n] = '\0';
	return true;
}

/*
 * The runtime whose naming @c (after @prev, the component before it, and
 * with a kubepods component above when @kubepods) follows; its container
 * id in @id.
 */
static const char *runtime_of(struct comp c, struct comp prev, bool kubepods,
			      struct comp *id)
{
	static const struct {
		const char *prefix, *suffix, *runtime;
		bool hex;
	} named[] = {
		{ "docker-",		".scope",	"docker",		true },
		{ "cri-containerd-",	".scope",	"containerd",		true },
		{ "crio-",		".scope",	"cri-o",		true },
		{ "libpod-",		".scope",	"podman",		true },
		{ "systemd-nspawn@",	".service",	"systemd-nspawn",	false },
	};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (comp_between(c, named[i].prefix, named[i].suffix, id) &&
		    (named[i].hex ? is_hex64(*id) : is_name(*id)))
			return named[i].runtime;
	/* machined registers containers (nspawn run from a shell, libvirt). */
	if (comp_is(prev, "machine.slice") &&
	    comp_between(c, "machine-", ".scope", id) && is_name(*id))
		return "systemd-machined";
	if (comp_starts(c, "lxc.payload.")) {
		*id = (struct comp){ c.p + 12, c.n - 12 };
		return is_name(*id) ? "lxc" : NULL;
	}
	/* cgroupfs drivers: /docker/<id>, /libpod_parent/libpod-<id>, pods. */
	*id = c;
	if (comp_is(prev, "docker") && is_hex64(c))
		return "docker";
	if (comp_is(prev, "libpod_parent") && comp_starts(c, "libpod-")) {
		*id = (struct comp){ c.p + 7, c.n - 7 };
		return is_hex64(*id) ? "podman" : NULL;
	}
	if (kubepods && comp_starts(prev, "pod") && is_hex64(c))
		return "cri";
	return NULL;
}

bool pmg_cgroup_context(const char *path, size_t len,
			struct pmg_cgroup_context *ctx)
{
	struct comp prev = { "", 0 }, c, id;
	bool kubepods = false, after_slices = true, in_user_manager = false;
	size_t i = 0, depth = 0;

	memset(ctx, 0, sizeof(*ctx));
	while (i < len) {
		size_t start = i;

		while (i < len && path[i] != '/')
			i++;
		c = (struct comp){ path + start, i - start };
		i++;
		if (c.n == 0)
			continue;
		depth++;
		if (!ctx->runtime) {
			if (!ctx->pod_uid[0] && (kubepods || comp_starts(c, "kubepods")))
				pod_uid(c, ctx->pod_uid);
			ctx->runtime = runtime_of(c, prev, kubepods, &id);
			if (ctx->runtime)
				copy(ctx->container_id, sizeof(ctx->container_id), id);
			/* Old LXC: /lxc/<name> at the top. */
			if (!ctx->runtime && depth == 2 && comp_is(prev, "lxc") && is_name(c)) {
				ctx->runtime = "lxc";
				copy(ctx->container_id, sizeof(ctx->container_id), c);
			}
			if (comp_is(c, "kubepods") || comp_starts(c, "kubepods-") ||
			    comp_is(c, "kubepods.slice"))
				kubepods = true;
		}
		/* systemd's reading: units after the leading slices. */
		if (comp_ends(c, ".slice")) {
			prev = c;
			continue;
		}
		if (after_slices && !ctx->unit[0] && is_unit(c)) {
			copy(ctx->unit, sizeof(ctx->unit), c);
			in_user_manager = comp_starts(c, "user@") && comp_ends(c, ".service");
		} else if (in_user_manager && !ctx->user_unit[0] && is_unit(c)) {
			copy(ctx->user_unit, sizeof(ctx->user_unit), c);
			in_user_manager = false;
		} else {
			in_user_manager = false;
		}
		after_slices = false;
		prev = c;
	}
	if (!ctx->runtime)
		ctx->pod_uid[0] = '\0';
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
