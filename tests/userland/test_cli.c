// SPDX-License-Identifier: GPL-2.0
/*
 * Option errors name the option the user wrote (issue 11: "monitor -xj"
 * said "unknown option 'monitor'").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exit_codes.h"

/* monitor's options */
static const struct option longopts[] = {
	{ "json",	 no_argument,	    NULL, 'j' },
	{ "output",	 required_argument, NULL, 'o' },
	{ "prometheus",	 required_argument, NULL, 'p' },
	{ "prometheus-interval", required_argument, NULL, 'i' },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ 0 }
};

/*
 * Parse argv (NULL-terminated, argv[0] the command) as "monitor" does;
 * returns the first line pmguard printed on stderr ("" if none) and the
 * status in *status.
 */
static const char *parse(int *status, char **argv)
{
	static char line[256];
	int argc = 0, saved, opt;
	FILE *tmp = tmpfile();

	assert_non_null(tmp);
	while (argv[argc])
		argc++;
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	optind = 0;	/* glibc: start over */
	*status = PMG_EXIT_OK;
	while ((opt = pmg_next_option("monitor", argc, argv, ":jo:p:i:h", longopts,
				      status)) != -1)
		;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	if (!fgets(line, sizeof(line), tmp))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	fclose(tmp);
	return line;
}

#define ARGV(...) ((char *[]){ "monitor", __VA_ARGS__, NULL })

static void test_option_names(void **state)
{
	const struct {
		char **argv;
		const char *msg;
	} cases[] = {
		{ ARGV("-xj"),			"pmguard monitor: unknown option '-x'" },
		{ ARGV("-jx"),			"pmguard monitor: unknown option '-x'" },
		{ ARGV("--json", "-xj"),	"pmguard monitor: unknown option '-x'" },
		{ ARGV("extra", "-xj"),		"pmguard monitor: unknown option '-x'" },
		{ ARGV("-j", "-x"),		"pmguard monitor: unknown option '-x'" },
		{ ARGV("--foo"),		"pmguard monitor: unknown option '--foo'" },
		{ ARGV("--foo=1"),		"pmguard monitor: unknown option '--foo'" },
		{ ARGV("--p"),			"pmguard monitor: ambiguous option '--p'" },
		{ ARGV("--json=1"),		"pmguard monitor: option '--json' takes no argument" },
		{ ARGV("--output"),		"pmguard monitor: option '--output' needs an argument" },
		{ ARGV("-jo"),			"pmguard monitor: option '-o' needs an argument" },
		{ ARGV("-j", "-o"),		"pmguard monitor: option '-o' needs an argument" },
	};
	int status;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = parse(&status, cases[i].argv);

		if (strcmp(got, cases[i].msg) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got, cases[i].msg);
		assert_int_equal(status, PMG_EXIT_USAGE);
	}
}

static void test_good_options(void **state)
{
	int status;

	(void)state;
	assert_string_equal(parse(&status, ARGV("-jo", "f", "--prometheus=x")), "");
	assert_int_equal(status, PMG_EXIT_OK);
}

/* Every command pmguard dispatches has a help text (cli.c's docs[]). */
static void test_help_texts(void **state)
{
	static const char *const names[] = {
		"monitor", "stats", "policy", "mode", "config", "fold", "lock", "help",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *help = pmg_command_help(names[i]);

		assert_non_null(help);
		assert_true(strncmp(help, "Usage: pmguard ", 15) == 0);
	}
	assert_null(pmg_command_help("nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_names),
		cmocka_unit_test(test_good_options),
		cmocka_unit_test(test_help_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
