// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the policy file parser and writer (policy.c), the
 * text root writes and loads with "policy load|check|save|add".
 *
 * Oracles, beyond the sanitizers:
 *   - a text that parses is written back (pmg_policy_format) without
 *     error, the written text parses, and writing that gives the same
 *     bytes: load and save agree on every value the parser accepts;
 *   - the same input as one "policy add" rule line, and split at NUL
 *     bytes into words as the shell hands them to "policy add": each
 *     accepted rule formats, and its formatted line parses back to a rule
 *     that formats to the same line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static void die(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_policy: %s\n--- first:\n%s\n--- second:\n%s\n", what,
		a ? a : "(null)", b ? b : "(null)");
	abort();
}

static struct pmg_policy pol, again;
static struct pmg_policy_errors errs;

static void check_policy(const char *text, size_t len)
{
	char reason[PMG_REASON_LEN];
	char *out, *out2;

	if (pmg_policy_parse(text, len, &pol, &errs) < 0)
		return;
	out = pmg_policy_format(&pol, NULL, reason);
	if (!out)
		die("a parsed policy does not format", reason, NULL);
	if (pmg_policy_parse(out, strlen(out), &again, &errs) < 0)
		die("a formatted policy does not parse", out, errs.e[0].reason);
	out2 = pmg_policy_format(&again, NULL, reason);
	if (!out2 || strcmp(out, out2) != 0)
		die("format(parse(format(x))) != format(x)", out, out2);
	free(out);
	free(out2);
}

static void check_rule_line(const char *line, size_t len)
{
	char reason[PMG_REASON_LEN];
	struct pmg_rule r, back;
	char *out, *out2;

	if (pmg_rule_parse_line(line, len, &r, reason) < 0)
		return;
	out = pmg_rule_format(&r, reason);
	if (!out)
		die("a parsed rule does not format", reason, NULL);
	if (pmg_rule_parse_line(out, strlen(out), &back, reason) < 0)
		die("a formatted rule does not parse", out, reason);
	out2 = pmg_rule_format(&back, reason);
	if (!out2 || strcmp(out, out2) != 0)
		die("rule: format(parse(format(x))) != format(x)", out, out2);
	free(out);
	free(out2);
}

/* data split at NUL bytes: the words of "pmguard policy add WORD...". */
static void check_words(const char *data, size_t size)
{
	char *copy = malloc(size + 1);
	char *words[64];
	int n = 0;
	char *line;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && n < 64;) {
		words[n++] = copy + i;
		i += strlen(copy + i) + 1;
	}
	line = pmg_policy_join_words(n, words);
	if (line) {
		check_rule_line(line, strlen(line));
		free(line);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	/* The parser never reads past len: no NUL terminator given. */
	check_policy(text, size);
	if (size <= PMG_POLICY_LINE_MAX) {
		check_rule_line(text, size);
		check_words(text, size);
	}
	return 0;
}
