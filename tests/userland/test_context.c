// SPDX-License-Identifier: GPL-2.0
/*
 * Container ids and systemd units from cgroup v2 paths: every runtime's
 * layout (systemd and cgroupfs drivers), unknown layouts (no id), rootless
 * runtimes in a user manager (labelled as such), runtime names forged in a
 * delegated subtree (never a rootful label), and hostile paths (no id, no
 * crash, nothing read past the length).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "event.h"

#define HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD "5f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
#define POD_ "5f1e2a3b_4c5d_4e6f_8a9b_0c1d2e3f4a5b"
#define USER "/user.slice/user-1000.slice/user@1000.service"

static struct pmg_cgroup_context ctx;

static bool derive(const char *path)
{
	return pmg_cgroup_context(path, strlen(path), &ctx);
}

static void expect_container(const char *path, const char *runtime, const char *id)
{
	derive(path);
	if (!ctx.runtime || strcmp(ctx.runtime, runtime) || strcmp(ctx.container_id, id))
		fail_msg("%s: got %s:%s, want %s:%s", path,
			 ctx.runtime ? ctx.runtime : "(none)", ctx.container_id, runtime, id);
}

static void expect_no_container(const char *path)
{
	derive(path);
	if (ctx.runtime)
		fail_msg("%s: got %s:%s, want none", path, ctx.runtime, ctx.container_id);
	assert_string_equal(ctx.container_id, "");
	assert_string_equal(ctx.pod_uid, "");
}

static void test_docker(void **state)
{
	(void)state;
	expect_container("/system.slice/docker-" HEX ".scope", "docker", HEX);
	assert_string_equal(ctx.unit, "docker-" HEX ".scope");
	/* cgroupfs driver */
	expect_container("/docker/" HEX, "docker", HEX);
	assert_string_equal(ctx.unit, "");
	/* --cgroup-parent, and cri-dockerd in a pod: still slices only */
	expect_container("/my.slice/my-docker.slice/docker-" HEX ".scope", "docker", HEX);
	expect_container("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
			 POD_ ".slice/docker-" HEX ".scope", "docker", HEX);
	assert_string_equal(ctx.pod_uid, POD);
}

static void test_containerd_cri(void **state)
{
	(void)state;
	expect_container("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
			 POD_ ".slice/cri-containerd-" HEX ".scope", "containerd", HEX);
	assert_string_equal(ctx.pod_uid, POD);
	assert_string_equal(ctx.unit, "cri-containerd-" HEX ".scope");
	/* Guaranteed QoS: no QoS slice. */
	expect_container("/kubepods.slice/kubepods-pod" POD_ ".slice/cri-containerd-"
			 HEX ".scope", "containerd", HEX);
	assert_string_equal(ctx.pod_uid, POD);
	/* cgroupfs driver: the runtime is not in the path. */
	expect_container("/kubepods/besteffort/pod" POD "/" HEX, "cri", HEX);
	assert_string_equal(ctx.pod_uid, POD);
	expect_container("/kubepods/pod" POD "/" HEX, "cri", HEX);
	expect_container("/kubepods/burstable/pod" POD "/" HEX "/sub", "cri", HEX);
	/* Not a QoS class, or deeper than kubelet goes. */
	expect_no_container("/kubepods/other/pod" POD "/" HEX);
	expect_no_container("/kubepods/burstable/x/pod" POD "/" HEX);
}

static void test_crio_podman(void **state)
{
	(void)state;
	expect_container("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
			 POD_ ".slice/crio-" HEX ".scope", "cri-o", HEX);
	assert_string_equal(ctx.pod_uid, POD);
	/* conmon, the monitor beside it, is not the container. */
	expect_no_container("/machine.slice/crio-conmon-" HEX ".scope");
	expect_container("/machine.slice/libpod-" HEX ".scope", "podman", HEX);
	expect_container("/machine.slice/libpod-" HEX ".scope/container", "podman", HEX);
	expect_no_container("/machine.slice/libpod-conmon-" HEX ".scope");
	/* A pod's containers: in the pod's slice. */
	expect_container("/machine.slice/machine-libpod_pod_" HEX2 ".slice/libpod-" HEX
			 ".scope", "podman", HEX);
	expect_container("/libpod_parent/libpod-" HEX, "podman", HEX);
	expect_no_container("/libpod_parent/conmon");
}

static void test_nspawn_machined_lxc(void **state)
{
	(void)state;
	expect_container("/machine.slice/systemd-nspawn@web1.service", "systemd-nspawn", "web1");
	assert_string_equal(ctx.unit, "systemd-nspawn@web1.service");
	/* A service inside the container: the host's unit is nspawn's. */
	expect_container("/machine.slice/systemd-nspawn@web1.service/payload/system.slice/"
			 "sshd.service", "systemd-nspawn", "web1");
	assert_string_equal(ctx.unit, "systemd-nspawn@web1.service");
	expect_container("/machine.slice/machine-web1.scope", "systemd-machined", "web1");
	expect_container("/machine.slice/machine-lxc\\x2d1\\x2dweb.scope",
			 "systemd-machined", "lxc\\x2d1\\x2dweb");
	expect_no_container("/system.slice/machine-web1.scope");
	expect_container("/lxc.payload.web1", "lxc", "web1");
	expect_container("/lxc.payload.web1/system.slice/cron.service", "lxc", "web1");
	expect_no_container("/lxc.monitor.web1");
	expect_container("/lxc/web1", "lxc", "web1");
	expect_no_container("/system.slice/lxc/web1");
}

/* No label, or a user's own: never a rootful runtime's, never a pod. */
static void expect_not_rootful(const char *path)
{
	size_t n;

	derive(path);
	n = ctx.runtime ? strlen(ctx.runtime) : 0;
	if (ctx.runtime && (n < 9 || strcmp(ctx.runtime + n - 9, "-rootless")))
		fail_msg("%s: got %s:%s, want no rootful label", path, ctx.runtime,
			 ctx.container_id);
	assert_string_equal(ctx.pod_uid, "");
}

/* Rootless podman and docker: scopes in the user manager's own slices. */
static void test_rootless(void **state)
{
	(void)state;
	expect_container(USER "/user.slice/libpod-" HEX ".scope", "podman-rootless", HEX);
	assert_string_equal(ctx.unit, "user@1000.service");
	assert_string_equal(ctx.user_unit, "libpod-" HEX ".scope");
	expect_container(USER "/user.slice/libpod-" HEX ".scope/container", "podman-rootless", HEX);
	expect_container(USER "/user.slice/user-libpod_pod_" HEX2 ".slice/libpod-" HEX ".scope",
			 "podman-rootless", HEX);
	expect_no_container(USER "/user.slice/libpod-conmon-" HEX ".scope");
	expect_container(USER "/user.slice/docker-" HEX ".scope", "docker-rootless", HEX);
	assert_string_equal(ctx.user_unit, "docker-" HEX ".scope");
	expect_container(USER "/app.slice/docker-" HEX ".scope", "docker-rootless", HEX);
	assert_string_equal(ctx.unit, "user@1000.service");
	/* The owner is the user manager's uid, in the unit. */
	expect_container("/user.slice/user-4242.slice/user@4242.service/user.slice/libpod-"
			 HEX ".scope", "podman-rootless", HEX);
	assert_string_equal(ctx.unit, "user@4242.service");
	/* A user manager is user@UID.service. */
	expect_no_container("/user.slice/user-x.slice/user@x.service/user.slice/libpod-"
			    HEX ".scope");
	expect_no_container("/user.slice/user-1.slice/user@12345678901.service/user.slice/"
			    "libpod-" HEX ".scope");
}

/* What a user names in its own subtree is never a rootful runtime's. */
static void test_forged_in_user_manager(void **state)
{
	/* A runtime's scope in the user's slices: the user's, labelled so. */
	static const struct {
		const char *path, *runtime;
	} as_user[] = {
		{ USER "/system.slice/docker-" HEX ".scope", "docker-rootless" },
		{ USER "/machine.slice/libpod-" HEX ".scope", "podman-rootless" },
		{ USER "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
		  ".slice/cri-containerd-" HEX ".scope", "containerd-rootless" },
		{ USER "/kubepods.slice/kubepods-pod" POD_ ".slice/crio-" HEX ".scope",
		  "cri-o-rootless" },
	};
	/* Anything else there: nothing. */
	static const char *const nothing[] = {
		USER "/kubepods/burstable/pod" POD "/" HEX,
		USER "/kubepods/pod" POD "/" HEX,
		USER "/docker/" HEX,
		USER "/libpod_parent/libpod-" HEX,
		USER "/machine.slice/machine-web1.scope",
		USER "/machine.slice/systemd-nspawn@web1.service",
		USER "/lxc.payload.web1",
		USER "/lxc/web1",
		/* deep, and below the user's own units */
		USER "/app.slice/app-x.scope/docker-" HEX ".scope",
		USER "/app.slice/evil.service/system.slice/docker-" HEX ".scope",
		USER "/a/b/c/d/e/f/g/h/system.slice/docker-" HEX ".scope",
		USER "/app.slice/evil.service/kubepods/burstable/pod" POD "/" HEX,
		USER "/a.slice/a-b.slice/a-b-c.slice/a-b-c-d.slice/evil.scope/kubepods.slice/"
		"kubepods-pod" POD_ ".slice/cri-containerd-" HEX ".scope",
		/* another uid's manager, nested: neither user's */
		USER "/user.slice/user-0.slice/user@0.service/user.slice/libpod-" HEX ".scope",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(as_user) / sizeof(as_user[0]); i++) {
		expect_not_rootful(as_user[i].path);
		expect_container(as_user[i].path, as_user[i].runtime, HEX);
		assert_string_equal(ctx.unit, "user@1000.service");
	}
	for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		expect_not_rootful(nothing[i]);
		expect_no_container(nothing[i]);
	}
	/* The nested manager is only the user's unit. */
	assert_string_equal(ctx.unit, "user@1000.service");
	assert_string_equal(ctx.user_unit, "user@0.service");
}

/* A unit with Delegate=yes names its sub-cgroups: nothing there is a runtime's. */
static void test_delegated_unit(void **state)
{
	static const char *const forged[] = {
		"/system.slice/foo.service/docker-" HEX ".scope",
		"/system.slice/foo.service/system.slice/docker-" HEX ".scope",
		"/system.slice/foo.service/machine.slice/libpod-" HEX ".scope",
		"/system.slice/foo.service/kubepods.slice/kubepods-pod" POD_
		".slice/cri-containerd-" HEX ".scope",
		"/system.slice/foo.service/kubepods/pod" POD "/" HEX,
		"/system.slice/foo.service/docker/" HEX,
		"/system.slice/foo.service/libpod_parent/libpod-" HEX,
		"/system.slice/foo.service/machine.slice/machine-web1.scope",
		"/system.slice/foo.service/machine.slice/systemd-nspawn@web1.service",
		"/system.slice/foo.service/lxc.payload.web1",
		"/system.slice/foo.service/lxc/web1",
		/* a runtime's own service is a unit like any other */
		"/system.slice/docker.service/docker-" HEX ".scope",
		"/system.slice/containerd.service/cri-containerd-" HEX ".scope",
		"/system.slice/containerd.service/kubepods-burstable-pod" POD_
		".slice:cri-containerd:" HEX,
		"/system.slice/run-r1.scope/docker-" HEX ".scope",
		"/init.scope/docker-" HEX ".scope",
		"/user.slice/user-1000.slice/session-3.scope/docker-" HEX ".scope",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++)
		expect_no_container(forged[i]);
	assert_true(derive(forged[0]));
	assert_string_equal(ctx.unit, "foo.service");
	assert_string_equal(ctx.user_unit, "");
}

/* The fields a rootless container gives: its runtime says so. */
static void test_rootless_fields(void **state)
{
	static const char path[] = USER "/user.slice/libpod-" HEX ".scope";
	struct pmguard_proc p = {
		.present = 1u << PMGUARD_P_CGROUP,
		.cgroup = { path, sizeof(path) - 1 },
	};
	struct pmg_context_field f[PMG_CONTEXT_FIELDS];

	(void)state;
	assert_int_equal(pmg_proc_context_fields(&p, &ctx, f), 4);
	assert_string_equal(f[0].json, "container_runtime");
	assert_string_equal(f[0].value, "podman-rootless");
	assert_string_equal(f[1].value, HEX);
	assert_string_equal(f[2].json, "unit");
	assert_string_equal(f[2].value, "user@1000.service");
	assert_string_equal(f[3].json, "user_unit");
	assert_string_equal(f[3].value, "libpod-" HEX ".scope");
}

static void test_units(void **state)
{
	(void)state;
	assert_true(derive("/system.slice/ssh.service"));
	assert_null(ctx.runtime);
	assert_string_equal(ctx.unit, "ssh.service");
	assert_true(derive("/user.slice/user-1000.slice/session-3.scope"));
	assert_string_equal(ctx.unit, "session-3.scope");
	assert_string_equal(ctx.user_unit, "");
	assert_true(derive("/user.slice/user-1000.slice/user@1000.service/app.slice/"
			   "app-gnome-firefox-1234.scope"));
	assert_string_equal(ctx.unit, "user@1000.service");
	assert_string_equal(ctx.user_unit, "app-gnome-firefox-1234.scope");
	assert_true(derive("/init.scope"));
	assert_string_equal(ctx.unit, "init.scope");
	/* A unit's own sub-cgroups (Delegate=yes) stay in the unit. */
	assert_true(derive("/system.slice/containerd.service/sub"));
	assert_string_equal(ctx.unit, "containerd.service");
	/* No unit: the root, a slice alone, a non-systemd layout. */
	assert_false(derive("/"));
	assert_false(derive(""));
	assert_false(derive("/system.slice"));
	assert_false(derive("/mygroup/ssh.service"));
	assert_string_equal(ctx.unit, "");
}

static void test_unknown_layouts(void **state)
{
	(void)state;
	expect_no_container("/");
	expect_no_container("/system.slice/cron.service");
	expect_no_container("/mygroup/" HEX);
	expect_no_container("/default/" HEX);	/* containerd without CRI: not recognised */
	expect_no_container("/docker");
	expect_no_container("/kubepods.slice/kubepods-burstable.slice");
	expect_no_container("/pod" POD "/" HEX);	/* no kubepods above */
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"/system.slice/docker-" HEX "0.scope",			/* 65 digits */
		"/system.slice/docker-" "0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcde.scope",		/* 63 */
		"/system.slice/docker-0123456789ABCDEF0123456789abcdef0123456789abcdef"
		"0123456789abcdef.scope",				/* uppercase */
		"/system.slice/docker-" HEX ".scopex",
		"/system.slice/docker-" HEX ".scope.evil",
		"/system.slice/docker--" HEX ".scope",
		"/system.slice/docker-" HEX "\n.scope",
		"/system.slice/xdocker-" HEX ".scope",
		"/machine.slice/systemd-nspawn@.service",
		"/machine.slice/systemd-nspawn@a b.service",
		"/machine.slice/systemd-nspawn@a\nb.service",
		"/machine.slice/systemd-nspawn@../../etc.service",
		"/machine.slice/machine-\x1b[31mred.scope",
		"/lxc.payload.",
		"/lxc.payload.a\"b",
		"/lxc.payload.0123456789012345678901234567890123456789012345678901234567890123456789",
		"/docker/" HEX "\"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_no_container(bad[i]);

	/* A container that names its own sub-cgroups like another: outermost wins. */
	expect_container("/system.slice/docker-" HEX ".scope/docker-" HEX2 ".scope",
			 "docker", HEX);
	expect_container("/system.slice/docker-" HEX ".scope/lxc.payload.evil", "docker", HEX);
	/* Doubled slashes and a missing leading slash are still components. */
	expect_container("system.slice//docker-" HEX ".scope", "docker", HEX);
	/* A unit name with bytes systemd does not allow is not a unit. */
	assert_false(derive("/system.slice/ss\th.service"));
	assert_string_equal(ctx.unit, "");
	/* A pod uid that is not one. */
	derive("/kubepods.slice/kubepods-podnot_a_uid.slice/cri-containerd-" HEX ".scope");
	assert_string_equal(ctx.runtime, "containerd");
	assert_string_equal(ctx.pod_uid, "");
	/* The right length, a bad last byte: none of it. */
	expect_container("/kubepods/pod5f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5z/" HEX, "cri", HEX);
	assert_string_equal(ctx.pod_uid, "");
}

/* The length bounds the path: nothing is read past it, NUL or not. */
static void test_length_bound(void **state)
{
	const char path[] = "/system.slice/docker-" HEX ".scope";
	size_t len = strlen(path);
	char *exact = malloc(len);

	(void)state;
	assert_non_null(exact);
	memcpy(exact, path, len);	/* no NUL: ASan catches a read past it */
	assert_true(pmg_cgroup_context(exact, len, &ctx));
	assert_string_equal(ctx.container_id, HEX);
	/* Cut inside the suffix: not a scope any more. */
	assert_false(pmg_cgroup_context(exact, len - 1, &ctx));
	assert_null(ctx.runtime);
	free(exact);
	/* An embedded NUL is a byte like any other: not a valid id. */
	assert_false(pmg_cgroup_context("/docker/0123\0" "456", 12, &ctx));
	assert_null(ctx.runtime);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_containerd_cri),
		cmocka_unit_test(test_crio_podman),
		cmocka_unit_test(test_nspawn_machined_lxc),
		cmocka_unit_test(test_rootless),
		cmocka_unit_test(test_forged_in_user_manager),
		cmocka_unit_test(test_delegated_unit),
		cmocka_unit_test(test_rootless_fields),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_unknown_layouts),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_length_bound),
	};

	return cmocka_run_group_tests_name("context", tests, NULL, NULL);
}
