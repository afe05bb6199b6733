/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics for node_exporter's textfile collector (pmguard monitor
 * --prometheus FILE): a pure renderer of the reader's counters and the
 * kernel's (GET_STATS) into the Prometheus text exposition format; the
 * monitor writes the result atomically (FILE.tmp, fsync, rename).
 *
 * Reader (this process, since it started):
 *   pmguard_reader_events_total{kind,action}   counter  accesses, a folded
 *                                              event counting all it stands for
 *   pmguard_reader_event_records_total         counter  event messages
 *   pmguard_reader_folded_events_total         counter  messages with count > 1
 *   pmguard_reader_mem_summaries_total         counter
 *   pmguard_reader_lost_events_total           counter  from seq gaps
 *   pmguard_reader_seq_gaps_total              counter
 *   pmguard_reader_overruns_total              counter  receive buffer overruns
 *   pmguard_reader_seq_resets_total            counter  module reloads seen
 *   pmguard_reader_malformed_messages_total    counter
 *   pmguard_reader_journal_errors_total        counter
 * Kernel (reset when the module is reloaded):
 *   pmguard_kernel_up                          gauge    1 if GET_STATS answered
 *   pmguard_kernel_mode{mode}                  gauge    1 for the current mode
 *   pmguard_kernel_seen_total                  counter
 *   pmguard_kernel_reported_total              counter
 *   pmguard_kernel_actions_total{action}       counter
 *   pmguard_kernel_dropped_total{reason}       counter  queue_full nomem
 *                                              no_listener send missed tracking
 *   pmguard_kernel_folded_total                counter
 *   pmguard_kernel_summaries_total             counter
 *   pmguard_kernel_probes                      gauge
 *   pmguard_kernel_kind_seen_total{kind}       counter
 *   pmguard_kernel_kind_reported_total{kind}   counter
 *   pmguard_kernel_kind_probed{kind}           gauge
 * Kernel samples the module did not send are left out (families without
 * samples too); kind and action values unknown to this reader are
 * labelled "unknown" (reader) or "unknown(N)" (kernel).
 */
#ifndef PMG_PROM_H
#define PMG_PROM_H

#include "account.h"
#include "event.h"

/* st is NULL when the module could not be asked.  malloc'd; NULL on ENOMEM. */
char *pmg_prom_render(const struct pmg_counters *c, const struct pmguard_stats *st);

/* Write text to path atomically (path.tmp, fsync, rename); 0 or -errno. */
int pmg_prom_write(const char *path, const char *text);

#endif /* PMG_PROM_H */
