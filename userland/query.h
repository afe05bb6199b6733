/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reader asks the module on an open socket: its counters
 * (PMGUARD_CMD_GET_STATS), its configuration (PMGUARD_CMD_GET_CONFIG)
 * and its rules (PMGUARD_CMD_RULE_LIST).  Shared by stats, config, mode,
 * policy list/save and status.  Each returns an exit code and has
 * printed its message (nl.h conventions); a reply the kernel
 * acknowledged without sending is an error.
 */
#ifndef PMG_QUERY_H
#define PMG_QUERY_H

#include <stddef.h>

#include "event.h"
#include "policy.h"

struct pmg_nl;

/* Reading needs CAP_NET_ADMIN in the initial user namespace. */
#define PMG_CAP_READ "CAP_NET_ADMIN"

int pmg_query_stats(struct pmg_nl *nl, struct pmguard_stats *st);
int pmg_query_config(struct pmg_nl *nl, struct pmg_config *cfg);

/* The rules in order, in *rules (malloc'd: free it, also on failure). */
int pmg_query_rules(struct pmg_nl *nl, struct pmg_rule **rules, size_t *n);

#endif /* PMG_QUERY_H */
