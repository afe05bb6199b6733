/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmguard trace events: its verdicts beside other kernel events, for
 * trace-cmd, perf and bpftrace users (pmguard:access, pmguard:mem_summary).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pmguard

#if !defined(_PMGUARD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PMGUARD_TRACE_H

#include <linux/tracepoint.h>

#include "internal.h"

#define pmguard_show_kind(kind)					\
	__print_symbolic(kind,					\
			 { PMGUARD_KIND_MEM, "mem" },		\
			 { PMGUARD_KIND_ENVIRON, "environ" },	\
			 { PMGUARD_KIND_MAPS, "maps" },		\
			 { PMGUARD_KIND_SMAPS, "smaps" },	\
			 { PMGUARD_KIND_SMAPS_ROLLUP, "smaps_rollup" }, \
			 { PMGUARD_KIND_NUMA_MAPS, "numa_maps" }, \
			 { PMGUARD_KIND_PAGEMAP, "pagemap" },	\
			 { PMGUARD_KIND_AUXV, "auxv" },		\
			 { PMGUARD_KIND_VM_READ, "vm_read" },	\
			 { PMGUARD_KIND_VM_WRITE, "vm_write" },	\
			 { PMGUARD_KIND_PTRACE, "ptrace" },	\
			 { PMGUARD_KIND_PTRACE_READ, "ptrace_read" }, \
			 { PMGUARD_KIND_PTRACE_WRITE, "ptrace_write" }, \
			 { PMGUARD_KIND_GETFD, "getfd" },	\
			 { PMGUARD_KIND_PAGEOUT, "pageout" },	\
			 { PMGUARD_KIND_KCORE, "kcore" },	\
			 { PMGUARD_KIND_CORE, "core" },		\
			 { PMGUARD_KIND_FD_REOPEN, "fd_reopen" }, \
			 { PMGUARD_KIND_UPROBE, "uprobe" },	\
			 { PMGUARD_KIND_PERF_SAMPLE, "perf_sample" }, \
			 { PMGUARD_KIND_DUMP_CONFIG, "dump_config" })

#define pmguard_show_action(action)				\
	__print_symbolic(action,				\
			 { PMGUARD_ACTION_ALLOW, "allow" },	\
			 { PMGUARD_ACTION_ALERT, "alert" },	\
			 { PMGUARD_ACTION_DENY, "deny" })

TRACE_EVENT(access,
	    TP_PROTO(const struct pmguard_event *ev),
	    TP_ARGS(ev),

	    TP_STRUCT__entry(__field(u64, seq)
		__field(u32, kind)
		__field(u32, access)
		__field(int, result)
		__field(u8, action)
		__field(u8, severity)
		__field(u32, flags)
		__field(u32, caller_pid)
		__field(u32, caller_tid)
		__field(u32, caller_uid)
		__array(char, caller_comm, TASK_COMM_LEN)
		__array(char, caller_exe, PMGUARD_NAME_LEN)
		__field(u32, target_pid)
		__field(u32, target_tid)
		__field(u32, target_uid)
		__array(char, target_comm, TASK_COMM_LEN)
		__array(char, target_exe, PMGUARD_NAME_LEN)
		__array(char, rule, PMGUARD_RULE_NAME_MAX)
		__field(u64, bytes)
	    ),

	    /* A folded access: the sequence number of its burst's event. */
	    TP_fast_assign(__entry->seq = ev->seq ?: ev->first_seq;
		__entry->kind = ev->acc.kind;
		__entry->access = ev->acc.access;
		__entry->result = ev->acc.result;
		__entry->action = ev->action;
		__entry->severity = ev->severity;
		__entry->flags = ev->acc.flags;
		__entry->caller_pid = ev->acc.caller.pid;
		__entry->caller_tid = ev->acc.caller.tid;
		__entry->caller_uid = ev->acc.caller.uid;
		memcpy(__entry->caller_comm, ev->acc.caller.comm, TASK_COMM_LEN);
		memcpy(__entry->caller_exe, ev->acc.caller.exe_name, PMGUARD_NAME_LEN);
		__entry->target_pid = ev->acc.target.pid;
		__entry->target_tid = ev->acc.target.tid;
		__entry->target_uid = ev->acc.target.uid;
		memcpy(__entry->target_comm, ev->acc.target.comm, TASK_COMM_LEN);
		memcpy(__entry->target_exe, ev->acc.target.exe_name, PMGUARD_NAME_LEN);
		memcpy(__entry->rule, ev->rule, PMGUARD_RULE_NAME_MAX);
		__entry->bytes = ev->bytes;
	    ),

	    TP_printk("seq=%llu kind=%s access=%u result=%d action=%s severity=%u rule=%s flags=0x%x caller=%u/%u uid=%u comm=%s exe=%s target=%u/%u uid=%u comm=%s exe=%s bytes=%llu",
		      __entry->seq, pmguard_show_kind(__entry->kind),
		      __entry->access, __entry->result,
		      pmguard_show_action(__entry->action), __entry->severity,
		      __entry->rule, __entry->flags, __entry->caller_pid,
		      __entry->caller_tid, __entry->caller_uid, __entry->caller_comm,
		      __entry->caller_exe, __entry->target_pid, __entry->target_tid,
		      __entry->target_uid, __entry->target_comm, __entry->target_exe,
		      __entry->bytes)
);

TRACE_EVENT(mem_summary,
	    TP_PROTO(const struct pmguard_event *ev),
	    TP_ARGS(ev),

	    TP_STRUCT__entry(__field(u64, seq)
		__field(u32, kind)
		__field(u32, caller_pid)
		__array(char, caller_comm, TASK_COMM_LEN)
		__field(u32, target_pid)
		__array(char, target_comm, TASK_COMM_LEN)
		__field(u64, reads)
		__field(u64, bytes_read)
		__field(u64, writes)
		__field(u64, bytes_written)
		__field(u64, first_offset)
		__field(u64, last_offset)
	    ),

	    TP_fast_assign(__entry->seq = ev->seq;
		__entry->kind = ev->acc.kind;
		__entry->caller_pid = ev->acc.caller.pid;
		memcpy(__entry->caller_comm, ev->acc.caller.comm, TASK_COMM_LEN);
		__entry->target_pid = ev->acc.target.pid;
		memcpy(__entry->target_comm, ev->acc.target.comm, TASK_COMM_LEN);
		__entry->reads = ev->mem.reads;
		__entry->bytes_read = ev->mem.bytes_read;
		__entry->writes = ev->mem.writes;
		__entry->bytes_written = ev->mem.bytes_written;
		__entry->first_offset = ev->mem.first_offset;
		__entry->last_offset = ev->mem.last_offset;
	    ),

	    TP_printk("seq=%llu kind=%s caller=%u comm=%s target=%u comm=%s reads=%llu bytes_read=%llu writes=%llu bytes_written=%llu range=0x%llx-0x%llx",
		      __entry->seq, pmguard_show_kind(__entry->kind),
		      __entry->caller_pid, __entry->caller_comm,
		      __entry->target_pid, __entry->target_comm, __entry->reads,
		      __entry->bytes_read, __entry->writes, __entry->bytes_written,
		      __entry->first_offset, __entry->last_offset)
);

#endif /* _PMGUARD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
