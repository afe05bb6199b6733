// SPDX-License-Identifier: GPL-2.0
/* Prometheus textfile metrics; see prom.h. */
#include "prom.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "names.h"

/* node_exporter runs as another user: the file must be world-readable. */
#define PROM_FILE_MODE 0644

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void sample(FILE *f, const char *name, const char *label, const char *value,
		   uint64_t v)
{
	fputs(name, f);
	if (label) {
		fprintf(f, "{%s=\"", label);
		label_value(f, value);
		fputs("\"}", f);
	}
	fprintf(f, " %" PRIu64 "\n", v);
}

static void reader_metrics(FILE *f, const struct pmg_counters *c)
{
	static const struct {
		const char *name;
		const char *help;
		size_t off;
	} simple[] = {
		{ "pmguard_reader_event_records_total",
		  "Access event messages received (a folded event counts once).",
		  offsetof(struct pmg_counters, events) },
		{ "pmguard_reader_folded_events_total",
		  "Event messages that stand for more than one access.",
		  offsetof(struct pmg_counters, folded_events) },
		{ "pmguard_reader_cross_container_accesses_total",
		  "Accesses by a container to another container or the host.",
		  offsetof(struct pmg_counters, cross_container) },
		{ "pmguard_reader_mem_summaries_total",
		  "Summaries of reads through /proc/<pid>/mem files received.",
		  offsetof(struct pmg_counters, summaries) },
		{ "pmguard_reader_lost_events_total",
		  "Events lost before this reader got them (gaps in the kernel's sequence numbers).",
		  offsetof(struct pmg_counters, lost) },
		{ "pmguard_reader_seq_gaps_total",
		  "Gaps in the kernel's sequence numbers.",
		  offsetof(struct pmg_counters, gaps) },
		{ "pmguard_reader_overruns_total",
		  "Receive buffer overruns of the reader's netlink socket.",
		  offsetof(struct pmg_counters, overruns) },
		{ "pmguard_reader_seq_resets_total",
		  "Times the kernel's sequence numbers went back (module reloaded).",
		  offsetof(struct pmg_counters, resets) },
		{ "pmguard_reader_malformed_messages_total",
		  "Messages from the module the reader could not decode.",
		  offsetof(struct pmg_counters, malformed) },
		{ "pmguard_reader_journal_errors_total",
		  "Records the systemd journal did not accept.",
		  offsetof(struct pmg_counters, journal_errors) },
	};
	const char *name = "pmguard_reader_events_total";

	family(f, name, "counter", "Accesses reported to this reader, by kind and action "
	       "(a folded event counts every access it stands for).");
	for (uint32_t k = 1; k <= __PMGUARD_KIND_MAX; k++) {
		for (uint32_t a = 0; a <= __PMGUARD_ACTION_MAX; a++) {
			const char *kn = k < __PMGUARD_KIND_MAX ? pmg_kind_name(k) : "unknown";
			const char *an = a < __PMGUARD_ACTION_MAX ? pmg_action_name(a) : "unknown";
			uint64_t v = c->by_kind_action[k][a];

			/* The unknown row and column only when they happen. */
			if ((k == __PMGUARD_KIND_MAX || a == __PMGUARD_ACTION_MAX) && !v)
				continue;
			fprintf(f, "%s{kind=\"%s\",action=\"%s\"} %" PRIu64 "\n", name, kn, an, v);
		}
	}
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		uint64_t v;

		memcpy(&v, (const char *)c + simple[i].off, sizeof(v));
		family(f, simple[i].name, "counter", simple[i].help);
		sample(f, simple[i].name, NULL, NULL, v);
	}
}

static bool stat_has(const struct pmguard_stats *st, int attr)
{
	return st->present & (1u << attr);
}

/* One counter family from the stats, skipped when the kernel did not send it. */
static void kernel_counter(FILE *f, const struct pmguard_stats *st, int attr,
			   const char *name, const char *help)
{
	if (!stat_has(st, attr))
		return;
	family(f, name, "counter", help);
	sample(f, name, NULL, NULL, st->counter[attr]);
}

/* A labelled family over several stats attributes (label value: name). */
static void kernel_labelled(FILE *f, const struct pmguard_stats *st, const char *name,
			    const char *help, const char *label,
			    const struct pmg_stat_name *items, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++)
		any |= stat_has(st, items[i].attr);
	if (!any)
		return;
	family(f, name, "counter", help);
	for (size_t i = 0; i < n; i++)
		if (stat_has(st, items[i].attr))
			sample(f, name, label, items[i].name, st->counter[items[i].attr]);
}

static void kernel_kinds(FILE *f, const struct pmguard_stats *st)
{
	static const struct {
		int attr;
		const char *name;
		const char *type;
		const char *help;
	} fams[] = {
		{ PMGUARD_KS_SEEN, "pmguard_kernel_kind_seen_total", "counter",
		  "Cross-process opens the module observed, by kind." },
		{ PMGUARD_KS_REPORTED, "pmguard_kernel_kind_reported_total", "counter",
		  "Events the module handed to netlink, by kind." },
		{ PMGUARD_KS_PROBED, "pmguard_kernel_kind_probed", "gauge",
		  "1 if the module's probe for this kind is active." },
	};

	for (size_t j = 0; j < sizeof(fams) / sizeof(fams[0]); j++) {
		bool any = false;

		for (size_t i = 0; i < st->n_kinds; i++)
			any |= (st->kinds[i].present & (1u << fams[j].attr)) != 0;
		if (!any)
			continue;
		family(f, fams[j].name, fams[j].type, fams[j].help);
		for (size_t i = 0; i < st->n_kinds; i++) {
			const struct pmguard_kind_stats *ks = &st->kinds[i];
			char buf[PMG_NAME_BUF_LEN];
			const char *kn;
			uint64_t v;

			if (!(ks->present & (1u << fams[j].attr)))
				continue;
			kn = !(ks->present & (1u << PMGUARD_KS_KIND)) ? "unspecified" :
			     pmg_name_or_unknown(pmg_kind_name(ks->kind), ks->kind, buf);
			v = fams[j].attr == PMGUARD_KS_SEEN ? ks->seen :
			    fams[j].attr == PMGUARD_KS_REPORTED ? ks->reported :
			    ks->probed != 0;
			sample(f, fams[j].name, "kind", kn, v);
		}
	}
}

static void kernel_metrics(FILE *f, const struct pmguard_stats *st)
{
	static const struct pmg_stat_name actions[] = {
		{ PMGUARD_S_ALLOWED, "allow" },
		{ PMGUARD_S_ALERTED, "alert" },
		{ PMGUARD_S_DENIED, "deny" },
	};
	char buf[PMG_NAME_BUF_LEN];

	if (st->has_mode) {
		family(f, "pmguard_kernel_mode", "gauge",
		       "The module's mode: 1 for the current one.");
		for (uint32_t m = 0; m < __PMGUARD_MODE_MAX; m++)
			sample(f, "pmguard_kernel_mode", "mode", pmg_mode_name(m), st->mode == m);
		if (st->mode >= __PMGUARD_MODE_MAX)
			sample(f, "pmguard_kernel_mode", "mode",
			       pmg_name_or_unknown(NULL, st->mode, buf), 1);
	}
	kernel_counter(f, st, PMGUARD_S_SEEN, "pmguard_kernel_seen_total",
		       "Cross-process accesses the module observed (procfs memory files, "
		       "process_vm_readv/writev, ptrace).");
	kernel_counter(f, st, PMGUARD_S_REPORTED, "pmguard_kernel_reported_total",
		       "Events the module handed to netlink.");
	kernel_labelled(f, st, "pmguard_kernel_actions_total",
			"Policy decisions of the module, by action.", "action",
			actions, sizeof(actions) / sizeof(actions[0]));
	kernel_labelled(f, st, "pmguard_kernel_dropped_total",
			"Events (or mem files) the module could not report, by reason.",
			"reason", pmg_drop_names, pmg_n_drop_names);
	kernel_counter(f, st, PMGUARD_S_FOLDED, "pmguard_kernel_folded_total",
		       "Accesses folded into another event.");
	kernel_counter(f, st, PMGUARD_S_SUMMARIES, "pmguard_kernel_summaries_total",
		       "Mem read summaries the module sent.");
	kernel_counter(f, st, PMGUARD_S_PRIORITY_DROPPED, "pmguard_kernel_priority_dropped_total",
		       "Dropped events of severity high or above, deny or would-deny "
		       "(also in pmguard_kernel_dropped_total).");
	kernel_counter(f, st, PMGUARD_S_URGENT_DROPPED, "pmguard_kernel_urgent_dropped_total",
		       "Of those, accesses that got through or that the module refused "
		       "(not refused by the kernel first): real dumps lost.");
	kernel_counter(f, st, PMGUARD_S_REPLAYED, "pmguard_kernel_replayed_total",
		       "Priority events that found no subscriber, sent later to the next one.");
	kernel_counter(f, st, PMGUARD_S_SCRIPTS_UNNOTED, "pmguard_kernel_scripts_unnoted_total",
		       "Named scripts run while the table of running scripts was full "
		       "(their identity not noted).");
	kernel_counter(f, st, PMGUARD_S_HELD, "pmguard_kernel_held_total",
		       "Priority events held back for a subscriber whose socket was full.");
	kernel_counter(f, st, PMGUARD_S_BLINDED, "pmguard_kernel_blinded_total",
		       "Times the module found every kprobe disarmed.");
	if (stat_has(st, PMGUARD_S_BLIND)) {
		family(f, "pmguard_kernel_blind", "gauge",
		       "1 while every kprobe is disarmed: the module sees nothing.");
		sample(f, "pmguard_kernel_blind", NULL, NULL, st->counter[PMGUARD_S_BLIND]);
	}
	if (stat_has(st, PMGUARD_S_SUBSCRIBERS)) {
		family(f, "pmguard_kernel_subscribers", "gauge",
		       "Sockets subscribed to the module's events.");
		sample(f, "pmguard_kernel_subscribers", NULL, NULL,
		       st->counter[PMGUARD_S_SUBSCRIBERS]);
	}
	if (stat_has(st, PMGUARD_S_PROBES)) {
		family(f, "pmguard_kernel_probes", "gauge", "Probes the module has registered.");
		sample(f, "pmguard_kernel_probes", NULL, NULL, st->counter[PMGUARD_S_PROBES]);
	}
	kernel_kinds(f, st);
}

char *pmg_prom_render(const struct pmg_counters *c, const struct pmguard_stats *st)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	bool failed;

	if (!f)
		return NULL;
	reader_metrics(f, c);
	family(f, "pmguard_kernel_up", "gauge",
	       "1 if the module answered the statistics request, 0 if not (not loaded?).");
	sample(f, "pmguard_kernel_up", NULL, NULL, st != NULL);
	if (st)
		kernel_metrics(f, st);
	failed = ferror(f);
	if (fclose(f) != 0 || failed) {
		free(buf);
		return NULL;
	}
	return buf;
}

int pmg_prom_write(const char *path, const char *text)
{
	return pmg_write_atomic(path, text, PROM_FILE_MODE);
}
