/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container and service context derived from a cgroup v2 path, as the
 * kernel reports it (PMGUARD_P_CGROUP: the path in the initial cgroup
 * namespace).
 *
 * The container id comes from the path only, where it follows a runtime's
 * own naming in the place that runtime uses: docker, containerd (CRI),
 * cri-o, podman and systemd-nspawn as a unit directly in slices (the
 * systemd driver), systemd-machined as machine.slice/machine-NAME.scope,
 * and the cgroupfs layouts at the root (/docker/ID, /libpod_parent/
 * libpod-ID, /kubepods[/QOS]/podUID/ID, /lxc.payload.NAME, /lxc/NAME).
 * An unknown layout gives no id: nothing is guessed from process names.
 *
 * Below any other unit (Delegate=yes, a user manager) or cgroup, the
 * unit's owner names cgroups as it likes, so nothing there is a rootful
 * runtime's.  A runtime's scope directly in a user manager's slices
 * (user@UID.service/.../docker-ID.scope: rootless docker, podman) is
 * labelled "<runtime>-rootless" and never gets a pod uid: it is only what
 * that user says, and the unit is that user@UID.service.  The outermost
 * match wins, so a container that can create cgroups below its own
 * cannot pose as another one from inside.  The systemd unit follows
 * systemd's own reading of a path (cg_path_get_unit): the first component
 * after the leading slices.
 *
 * The path is untrusted bytes: a component with anything but the
 * characters its runtime uses is not recognised.  Nothing here allocates.
 */
#ifndef PMG_CONTEXT_H
#define PMG_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Limits: what a recognised value may be; longer ones are not. */
#define PMG_CONTAINER_ID_MAX	64	/* 64 hex digits, or a machine name */
#define PMG_UNIT_MAX		255	/* systemd's UNIT_NAME_MAX */
#define PMG_POD_UID_LEN		36

struct pmg_cgroup_context {
	const char *runtime;	/* NULL: no container; "*-rootless": a user's */
	char container_id[PMG_CONTAINER_ID_MAX + 1];
	char pod_uid[PMG_POD_UID_LEN + 1];	/* "" unless a Kubernetes pod */
	char unit[PMG_UNIT_MAX + 1];		/* "" unless the path names one */
	char user_unit[PMG_UNIT_MAX + 1];	/* a user manager's unit, or "" */
};

/*
 * Fill @ctx from the cgroup path @path of @len bytes (not NUL-terminated).
 * Returns true when anything was found (a container or a unit).
 */
bool pmg_cgroup_context(const char *path, size_t len,
			struct pmg_cgroup_context *ctx);

/* A derived value and its names: JSON key, journald field suffix. */
struct pmg_context_field {
	const char *json;
	const char *journal;
	const char *value;
};

#define PMG_CONTEXT_FIELDS 5

struct pmguard_proc;

/*
 * What a process's cgroup path names, as fields in output order
 * (container_runtime, container_id, pod_uid, unit, user_unit; only those
 * found).  The values point into @ctx.  Returns how many.
 */
size_t pmg_proc_context_fields(const struct pmguard_proc *p,
			       struct pmg_cgroup_context *ctx,
			       struct pmg_context_field out[PMG_CONTEXT_FIELDS]);

#endif /* PMG_CONTEXT_H */
