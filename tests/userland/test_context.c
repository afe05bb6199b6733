// SPDX-License-Identifier: GPL-2.0
/*
 * Container ids and systemd units from cgroup v2 paths: every runtime's
 * layout (systemd and cgroupfs drivers), unknown layouts (no id), and
 * hostile paths (no id, no crash, nothing read past the length).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "context.h"

#define HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD "5f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
#define POD_ "5f1e2a3b_4c5d_4e6f_8a9b_0c1d2e3f4a5b"

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
	/* rootless, in the user's manager */
	expect_container("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-"
			 HEX ".scope", "docker", HEX);
	assert_string_equal(ctx.unit, "user@1000.service");
	assert_string_equal(ctx.user_unit, "docker-" HEX ".scope");
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
	expect_container("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
			 HEX ".scope", "podman", HEX);
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
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_unknown_layouts),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_length_bound),
	};

	return cmocka_run_group_tests_name("context", tests, NULL, NULL);
}
