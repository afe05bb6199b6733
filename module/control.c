// SPDX-License-Identifier: GPL-2.0
/*
 * pmguard control commands: read and change the policy, the mode and the
 * folding window, and lock them.  Reading needs CAP_NET_ADMIN in the
 * initial user namespace (GENL_ADMIN_PERM); changing needs CAP_SYS_ADMIN
 * there as well.  Every change builds a complete new policy and publishes
 * it with RCU, so an opener sees the old policy or the new one, never a mix.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/string.h>
#include <linux/namei.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "compat.h"

#define PMGUARD_KINDS_ALL	GENMASK(PMGUARD_KIND_MAX, PMGUARD_KIND_MEM)
#define PMGUARD_FLAGS_ALL	(PMGUARD_F_TARGET_NONDUMPABLE * 2 - 1)

static const struct nla_policy pmguard_rule_nl_policy[PMGUARD_R_MAX + 1] = {
	[PMGUARD_R_NAME]	= { .type = NLA_NUL_STRING,
				    .len = PMGUARD_RULE_NAME_MAX - 1 },
	[PMGUARD_R_ACTION]	= NLA_POLICY_MAX(NLA_U32, __PMGUARD_ACTION_MAX - 1),
	[PMGUARD_R_SEVERITY]	= NLA_POLICY_MAX(NLA_U32, __PMGUARD_SEV_MAX - 1),
	[PMGUARD_R_CALLER_EXE]	= { .type = NLA_NUL_STRING,
				    .len = PMGUARD_RULE_PATH_MAX - 1 },
	[PMGUARD_R_CALLER_COMM]	= { .type = NLA_NUL_STRING,
				    .len = TASK_COMM_LEN - 1 },
	[PMGUARD_R_CALLER_UID]	= { .type = NLA_U32 },
	[PMGUARD_R_TARGET_EXE]	= { .type = NLA_NUL_STRING,
				    .len = PMGUARD_RULE_PATH_MAX - 1 },
	[PMGUARD_R_TARGET_COMM]	= { .type = NLA_NUL_STRING,
				    .len = TASK_COMM_LEN - 1 },
	[PMGUARD_R_KINDS]	= NLA_POLICY_MASK(NLA_U32, PMGUARD_KINDS_ALL),
	[PMGUARD_R_ACCESS]	= NLA_POLICY_MASK(NLA_U32, PMGUARD_ACCESS_READ |
							   PMGUARD_ACCESS_WRITE),
	[PMGUARD_R_FLAGS_SET]	= NLA_POLICY_MASK(NLA_U32, PMGUARD_FLAGS_ALL),
	[PMGUARD_R_FLAGS_CLEAR]	= NLA_POLICY_MASK(NLA_U32, PMGUARD_FLAGS_ALL),
	/* The rest are what dumps say; a request must not carry them. */
	[PMGUARD_R_CALLER_EXE_DEV] = { .type = NLA_REJECT },
	[PMGUARD_R_CALLER_EXE_INO] = { .type = NLA_REJECT },
	[PMGUARD_R_TARGET_EXE_DEV] = { .type = NLA_REJECT },
	[PMGUARD_R_TARGET_EXE_INO] = { .type = NLA_REJECT },
	[PMGUARD_R_STALE]	= { .type = NLA_REJECT },
	[PMGUARD_R_INDEX]	= { .type = NLA_REJECT },
	[PMGUARD_R_CALLER_SCRIPT] = { .type = NLA_NUL_STRING,
				      .len = PMGUARD_RULE_PATH_MAX - 1 },
	[PMGUARD_R_CALLER_SCRIPT_DEV] = { .type = NLA_REJECT },
	[PMGUARD_R_CALLER_SCRIPT_INO] = { .type = NLA_REJECT },
};

static int pmguard_ctl_allowed(struct sk_buff *skb, struct genl_info *info)
{
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "pmguard: changing policy needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (READ_ONCE(pmguard_locked)) {
		NL_SET_ERR_MSG(info->extack,
			       "pmguard: policy and mode are locked until reboot");
		return -EPERM;
	}
	return 0;
}

static int pmguard_rule_exe(struct nlattr *attr, char *path,
			    struct pmguard_exe_id *id, struct path *pin,
			    struct genl_info *info)
{
	int err;

	pmguard_nla_strscpy(path, attr, PMGUARD_RULE_PATH_MAX);
	if (path[0] != '/') {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "pmguard: executable or script path must be absolute");
		return -EINVAL;
	}
	err = pmguard_exe_lookup(path, id, pin);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "pmguard: executable or script path does not resolve");
	return err;
}

static int pmguard_rule_parse(struct nlattr *nest, struct pmguard_rule *rule,
			      struct genl_info *info);

/*
 * A rule from a PMGUARD_A_RULE_SPEC nest, holding the files it names;
 * process context.  On error it holds nothing.
 */
static int pmguard_rule_from_nl(struct nlattr *nest, struct pmguard_rule *rule,
				struct genl_info *info)
{
	int err;

	memset(rule, 0, sizeof(*rule));
	err = pmguard_rule_parse(nest, rule, info);
	if (err)
		pmguard_rule_unpin(rule);
	return err;
}

static int pmguard_rule_parse(struct nlattr *nest, struct pmguard_rule *rule,
			      struct genl_info *info)
{
	struct nlattr *tb[PMGUARD_R_MAX + 1];
	int err;

	err = nla_parse_nested(tb, PMGUARD_R_MAX, nest, pmguard_rule_nl_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[PMGUARD_R_NAME] || !tb[PMGUARD_R_ACTION]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "pmguard: a rule needs a name and an action");
		return -EINVAL;
	}

	memset(rule, 0, sizeof(*rule));
	pmguard_nla_strscpy(rule->name, tb[PMGUARD_R_NAME], sizeof(rule->name));
	if (!pmguard_rule_name_valid(rule->name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PMGUARD_R_NAME],
				    "pmguard: rule names are letters, digits and _.:-");
		return -EINVAL;
	}
	rule->action = nla_get_u32(tb[PMGUARD_R_ACTION]);
	rule->severity = tb[PMGUARD_R_SEVERITY] ?
			 nla_get_u32(tb[PMGUARD_R_SEVERITY]) : PMGUARD_SEV_MEDIUM;

	if (tb[PMGUARD_R_CALLER_EXE]) {
		err = pmguard_rule_exe(tb[PMGUARD_R_CALLER_EXE],
				       rule->caller_exe_path, &rule->caller_exe,
				       &rule->pins[PMGUARD_PIN_CALLER_EXE], info);
		if (err)
			return err;
		rule->match |= PMGUARD_M_CALLER_EXE;
	}
	if (tb[PMGUARD_R_TARGET_EXE]) {
		err = pmguard_rule_exe(tb[PMGUARD_R_TARGET_EXE],
				       rule->target_exe_path, &rule->target_exe,
				       &rule->pins[PMGUARD_PIN_TARGET_EXE], info);
		if (err)
			return err;
		rule->match |= PMGUARD_M_TARGET_EXE;
	}
	if (tb[PMGUARD_R_CALLER_SCRIPT]) {
		err = pmguard_rule_exe(tb[PMGUARD_R_CALLER_SCRIPT],
				       rule->caller_script_path,
				       &rule->caller_script,
				       &rule->pins[PMGUARD_PIN_CALLER_SCRIPT], info);
		if (err)
			return err;
		rule->match |= PMGUARD_M_CALLER_SCRIPT;
	}
	if (tb[PMGUARD_R_CALLER_COMM]) {
		pmguard_nla_strscpy(rule->caller_comm, tb[PMGUARD_R_CALLER_COMM],
				    sizeof(rule->caller_comm));
		rule->match |= PMGUARD_M_CALLER_COMM;
	}
	if (tb[PMGUARD_R_TARGET_COMM]) {
		pmguard_nla_strscpy(rule->target_comm, tb[PMGUARD_R_TARGET_COMM],
				    sizeof(rule->target_comm));
		rule->match |= PMGUARD_M_TARGET_COMM;
	}
	if (tb[PMGUARD_R_CALLER_UID]) {
		rule->caller_uid = nla_get_u32(tb[PMGUARD_R_CALLER_UID]);
		rule->match |= PMGUARD_M_CALLER_UID;
	}
	if (tb[PMGUARD_R_KINDS])
		rule->kinds = nla_get_u32(tb[PMGUARD_R_KINDS]);
	if (tb[PMGUARD_R_ACCESS])
		rule->access = nla_get_u32(tb[PMGUARD_R_ACCESS]);
	if (tb[PMGUARD_R_FLAGS_SET])
		rule->flags_set = nla_get_u32(tb[PMGUARD_R_FLAGS_SET]);
	if (tb[PMGUARD_R_FLAGS_CLEAR])
		rule->flags_clear = nla_get_u32(tb[PMGUARD_R_FLAGS_CLEAR]);
	if (rule->flags_set & rule->flags_clear) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "pmguard: a flag cannot be both required and excluded");
		return -EINVAL;
	}
	return 0;
}

static int pmguard_rule_index(const struct pmguard_policy *policy,
			      const char *name)
{
	unsigned int i;

	for (i = 0; i < policy->nr_rules; i++)
		if (!strcmp(policy->rules[i].name, name))
			return i;
	return -1;
}

/* A copy of the running policy with room for @nr_rules rules. */
static struct pmguard_policy *pmguard_policy_copy(unsigned int nr_rules)
{
	const struct pmguard_policy *cur;
	struct pmguard_policy *policy;
	unsigned int i;

	cur = rcu_dereference_protected(pmguard_policy,
					lockdep_is_held(&pmguard_config_mutex));
	policy = pmguard_policy_alloc(nr_rules);
	if (!policy)
		return NULL;
	policy->nr_rules = min(nr_rules, cur->nr_rules);
	memcpy(policy->rules, cur->rules,
	       policy->nr_rules * sizeof(policy->rules[0]));
	for (i = 0; i < policy->nr_rules; i++)
		pmguard_rule_pin(&policy->rules[i]);
	policy->nr_sensitive = cur->nr_sensitive;
	memcpy(policy->sensitive, cur->sensitive, sizeof(policy->sensitive));
	policy->default_action = cur->default_action;
	policy->default_severity = cur->default_severity;
	return policy;
}

int pmguard_ctl_rule_add(struct sk_buff *skb, struct genl_info *info)
{
	struct pmguard_policy *policy;
	struct pmguard_rule rule;
	unsigned int index, n;
	int err;

	if (!info->attrs[PMGUARD_A_RULE_SPEC]) {
		NL_SET_ERR_MSG(info->extack, "pmguard: PMGUARD_A_RULE_SPEC missing");
		return -EINVAL;
	}
	/* Check privilege before resolving any path the sender names. */
	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);
	mutex_unlock(&pmguard_config_mutex);
	if (err)
		return err;
	err = pmguard_rule_from_nl(info->attrs[PMGUARD_A_RULE_SPEC], &rule, info);
	if (err)
		return err;

	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);	/* locked meanwhile? */
	if (err)
		goto out;
	n = rcu_dereference_protected(pmguard_policy,
				      lockdep_is_held(&pmguard_config_mutex))->nr_rules;
	index = info->attrs[PMGUARD_A_RULE_INDEX] ?
		nla_get_u32(info->attrs[PMGUARD_A_RULE_INDEX]) : n;
	err = -EINVAL;
	if (n >= PMGUARD_MAX_RULES) {
		NL_SET_ERR_MSG(info->extack, "pmguard: too many rules");
		goto out;
	}
	if (index > n) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PMGUARD_A_RULE_INDEX],
				    "pmguard: rule index past the end of the policy");
		goto out;
	}
	err = -ENOMEM;
	policy = pmguard_policy_copy(n + 1);
	if (!policy)
		goto out;
	if (pmguard_rule_index(policy, rule.name) >= 0) {
		NL_SET_ERR_MSG(info->extack, "pmguard: a rule with that name exists");
		pmguard_policy_free(policy);
		err = -EEXIST;
		goto out;
	}
	memmove(&policy->rules[index + 1], &policy->rules[index],
		(n - index) * sizeof(rule));
	policy->rules[index] = rule;	/* its references pass to the policy */
	policy->nr_rules = n + 1;
	pmguard_policy_install(policy);
	mutex_unlock(&pmguard_config_mutex);
	return 0;
out:
	mutex_unlock(&pmguard_config_mutex);
	pmguard_rule_unpin(&rule);
	return err;
}

int pmguard_ctl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	char name[PMGUARD_RULE_NAME_MAX];
	struct pmguard_policy *policy;
	int err, index;

	if (!info->attrs[PMGUARD_A_RULE_NAME]) {
		NL_SET_ERR_MSG(info->extack, "pmguard: PMGUARD_A_RULE_NAME missing");
		return -EINVAL;
	}
	pmguard_nla_strscpy(name, info->attrs[PMGUARD_A_RULE_NAME], sizeof(name));

	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);
	if (err)
		goto out;
	err = -ENOMEM;
	policy = pmguard_policy_copy(PMGUARD_MAX_RULES);
	if (!policy)
		goto out;
	index = pmguard_rule_index(policy, name);
	if (index < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PMGUARD_A_RULE_NAME],
				    "pmguard: no rule with that name");
		pmguard_policy_free(policy);
		err = -ENOENT;
		goto out;
	}
	pmguard_rule_unpin(&policy->rules[index]);
	policy->nr_rules--;
	memmove(&policy->rules[index], &policy->rules[index + 1],
		(policy->nr_rules - index) * sizeof(policy->rules[0]));
	pmguard_policy_install(policy);
	err = 0;
out:
	mutex_unlock(&pmguard_config_mutex);
	return err;
}

int pmguard_ctl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct pmguard_policy *policy;
	int err;

	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);
	if (!err) {
		policy = pmguard_policy_copy(0);
		if (policy)
			pmguard_policy_install(policy);
		else
			err = -ENOMEM;
	}
	mutex_unlock(&pmguard_config_mutex);
	return err;
}

/* Build a whole policy from a PMGUARD_A_POLICY nest; nothing is published. */
static int pmguard_policy_from_nl(struct nlattr *nest,
				  struct pmguard_policy *policy,
				  struct genl_info *info)
{
	struct nlattr *attr;
	int rem, err;

	policy->nr_rules = 0;
	policy->default_action = PMGUARD_ACTION_ALERT;
	policy->default_severity = PMGUARD_SEV_LOW;
	nla_for_each_nested(attr, nest, rem) {
		switch (nla_type(attr)) {
		case PMGUARD_A_RULE_SPEC:
			if (policy->nr_rules >= PMGUARD_MAX_RULES) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "pmguard: too many rules");
				return -EINVAL;
			}
			err = pmguard_rule_from_nl(attr,
						   &policy->rules[policy->nr_rules],
						   info);
			if (err)
				return err;
			if (pmguard_rule_index(policy,
					       policy->rules[policy->nr_rules].name) >= 0) {
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "pmguard: duplicate rule name");
				pmguard_rule_unpin(&policy->rules[policy->nr_rules]);
				return -EEXIST;
			}
			policy->nr_rules++;
			break;
		case PMGUARD_A_DEFAULT_ACTION:
			if (nla_len(attr) != sizeof(u32) ||
			    nla_get_u32(attr) >= __PMGUARD_ACTION_MAX)
				goto bad;
			policy->default_action = nla_get_u32(attr);
			break;
		case PMGUARD_A_DEFAULT_SEVERITY:
			if (nla_len(attr) != sizeof(u32) ||
			    nla_get_u32(attr) >= __PMGUARD_SEV_MAX)
				goto bad;
			policy->default_severity = nla_get_u32(attr);
			break;
		case PMGUARD_A_SENSITIVE_NAME:
			/* One non-empty, NUL-terminated name that fits. */
			if (policy->nr_sensitive >= PMGUARD_MAX_SENSITIVE ||
			    nla_len(attr) < 2 || nla_len(attr) > PMGUARD_NAME_LEN ||
			    memchr(nla_data(attr), 0, nla_len(attr)) !=
			    nla_data(attr) + nla_len(attr) - 1)
				goto bad;
			pmguard_nla_strscpy(policy->sensitive[policy->nr_sensitive++],
					    attr, PMGUARD_NAME_LEN);
			break;
		default:
			goto bad;
		}
	}
	return 0;
bad:
	NL_SET_ERR_MSG_ATTR(info->extack, attr,
			    "pmguard: invalid or unknown attribute in the policy");
	return -EINVAL;
}

int pmguard_ctl_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct pmguard_policy *policy;
	int err;

	if (!info->attrs[PMGUARD_A_POLICY]) {
		NL_SET_ERR_MSG(info->extack, "pmguard: PMGUARD_A_POLICY missing");
		return -EINVAL;
	}
	/* Check privilege before resolving any path the sender names. */
	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);
	mutex_unlock(&pmguard_config_mutex);
	if (err)
		return err;

	policy = pmguard_policy_alloc(PMGUARD_MAX_RULES);
	if (!policy)
		return -ENOMEM;
	err = pmguard_policy_from_nl(info->attrs[PMGUARD_A_POLICY], policy, info);
	if (err) {
		pmguard_policy_free(policy);
		return err;
	}
	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);	/* locked meanwhile? */
	if (!err)
		pmguard_policy_install(policy);
	else
		pmguard_policy_free(policy);
	mutex_unlock(&pmguard_config_mutex);
	if (!err)
		pr_info("policy replaced: %u rules, %u sensitive names\n",
			policy->nr_rules, policy->nr_sensitive);
	return err;
}

int pmguard_ctl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *mode = info->attrs[PMGUARD_A_MODE];
	struct nlattr *fold = info->attrs[PMGUARD_A_FOLD_MS];
	int err;

	if (!mode && !fold) {
		NL_SET_ERR_MSG(info->extack, "pmguard: nothing to set");
		return -EINVAL;
	}
	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);
	if (!err) {
		if (mode && READ_ONCE(pmguard_mode) != nla_get_u32(mode)) {
			WRITE_ONCE(pmguard_mode, nla_get_u32(mode));
			pr_notice("mode %s\n", nla_get_u32(mode) == PMGUARD_MODE_ENFORCE ?
				  "enforce" : "audit");
		}
		if (fold)
			WRITE_ONCE(pmguard_fold_ms, nla_get_u32(fold));
	}
	mutex_unlock(&pmguard_config_mutex);
	return err;
}

int pmguard_ctl_lock(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	mutex_lock(&pmguard_config_mutex);
	err = pmguard_ctl_allowed(skb, info);
	if (!err)
		pmguard_lock();
	mutex_unlock(&pmguard_config_mutex);
	return err;
}

int pmguard_ctl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	const struct pmguard_policy *policy;
	struct sk_buff *msg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pmguard_nl_family, 0,
				PMGUARD_CMD_GET_CONFIG);
	if (!hdr)
		goto nospace;

	mutex_lock(&pmguard_config_mutex);
	policy = rcu_dereference_protected(pmguard_policy,
					   lockdep_is_held(&pmguard_config_mutex));
	if (nla_put_u32(msg, PMGUARD_A_MODE, READ_ONCE(pmguard_mode)) ||
	    nla_put_u8(msg, PMGUARD_A_LOCKED, READ_ONCE(pmguard_locked)) ||
	    nla_put_u32(msg, PMGUARD_A_FOLD_MS, READ_ONCE(pmguard_fold_ms)) ||
	    nla_put_u32(msg, PMGUARD_A_DEFAULT_ACTION, policy->default_action) ||
	    nla_put_u32(msg, PMGUARD_A_DEFAULT_SEVERITY, policy->default_severity) ||
	    nla_put_u32(msg, PMGUARD_A_NR_RULES, policy->nr_rules))
		goto nospace_unlock;
	nest = nla_nest_start(msg, PMGUARD_A_POLICY);
	if (!nest)
		goto nospace_unlock;
	for (i = 0; i < policy->nr_sensitive; i++)
		if (nla_put_string(msg, PMGUARD_A_SENSITIVE_NAME,
				   policy->sensitive[i]))
			goto nospace_unlock;
	nla_nest_end(msg, nest);
	mutex_unlock(&pmguard_config_mutex);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace_unlock:
	mutex_unlock(&pmguard_config_mutex);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Does @path name another file than @id now (an upgraded binary)? */
static bool pmguard_exe_stale(const char *path, const struct pmguard_exe_id *id)
{
	struct pmguard_exe_id now;

	return pmguard_exe_lookup(path, &now, NULL) || now.inode != id->inode;
}

static int pmguard_rule_to_nl(struct sk_buff *msg, const struct pmguard_rule *rule,
			      unsigned int index)
{
	struct nlattr *nest = nla_nest_start(msg, PMGUARD_A_RULE_SPEC);
	bool stale = false;

	if (!nest ||
	    nla_put_string(msg, PMGUARD_R_NAME, rule->name) ||
	    nla_put_u32(msg, PMGUARD_R_INDEX, index) ||
	    nla_put_u32(msg, PMGUARD_R_ACTION, rule->action) ||
	    nla_put_u32(msg, PMGUARD_R_SEVERITY, rule->severity) ||
	    (rule->kinds && nla_put_u32(msg, PMGUARD_R_KINDS, rule->kinds)) ||
	    (rule->access && nla_put_u32(msg, PMGUARD_R_ACCESS, rule->access)) ||
	    (rule->flags_set &&
	     nla_put_u32(msg, PMGUARD_R_FLAGS_SET, rule->flags_set)) ||
	    (rule->flags_clear &&
	     nla_put_u32(msg, PMGUARD_R_FLAGS_CLEAR, rule->flags_clear)))
		return -EMSGSIZE;
	if (rule->match & PMGUARD_M_CALLER_EXE) {
		stale |= pmguard_exe_stale(rule->caller_exe_path, &rule->caller_exe);
		if (nla_put_string(msg, PMGUARD_R_CALLER_EXE, rule->caller_exe_path) ||
		    nla_put_u32(msg, PMGUARD_R_CALLER_EXE_DEV,
				new_encode_dev(rule->caller_exe.dev)) ||
		    nla_put_u64_64bit(msg, PMGUARD_R_CALLER_EXE_INO,
				      rule->caller_exe.ino, PMGUARD_R_PAD))
			return -EMSGSIZE;
	}
	if (rule->match & PMGUARD_M_TARGET_EXE) {
		stale |= pmguard_exe_stale(rule->target_exe_path, &rule->target_exe);
		if (nla_put_string(msg, PMGUARD_R_TARGET_EXE, rule->target_exe_path) ||
		    nla_put_u32(msg, PMGUARD_R_TARGET_EXE_DEV,
				new_encode_dev(rule->target_exe.dev)) ||
		    nla_put_u64_64bit(msg, PMGUARD_R_TARGET_EXE_INO,
				      rule->target_exe.ino, PMGUARD_R_PAD))
			return -EMSGSIZE;
	}
	if (rule->match & PMGUARD_M_CALLER_SCRIPT) {
		stale |= pmguard_exe_stale(rule->caller_script_path,
					   &rule->caller_script);
		if (nla_put_string(msg, PMGUARD_R_CALLER_SCRIPT,
				   rule->caller_script_path) ||
		    nla_put_u32(msg, PMGUARD_R_CALLER_SCRIPT_DEV,
				new_encode_dev(rule->caller_script.dev)) ||
		    nla_put_u64_64bit(msg, PMGUARD_R_CALLER_SCRIPT_INO,
				      rule->caller_script.ino, PMGUARD_R_PAD))
			return -EMSGSIZE;
	}
	if (((rule->match & PMGUARD_M_CALLER_COMM) &&
	     nla_put_string(msg, PMGUARD_R_CALLER_COMM, rule->caller_comm)) ||
	    ((rule->match & PMGUARD_M_TARGET_COMM) &&
	     nla_put_string(msg, PMGUARD_R_TARGET_COMM, rule->target_comm)) ||
	    ((rule->match & PMGUARD_M_CALLER_UID) &&
	     nla_put_u32(msg, PMGUARD_R_CALLER_UID, rule->caller_uid)) ||
	    nla_put_u8(msg, PMGUARD_R_STALE, stale))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* One message per rule; cb->args[0] is the next rule's index. */
int pmguard_ctl_rule_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct pmguard_policy *policy;
	struct pmguard_rule *rule;
	unsigned int index;
	void *hdr;
	int err = 0;

	rule = kmalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule)
		return -ENOMEM;
	for (index = cb->args[0]; ; index++) {
		mutex_lock(&pmguard_config_mutex);
		policy = rcu_dereference_protected(pmguard_policy,
						   lockdep_is_held(&pmguard_config_mutex));
		if (index >= policy->nr_rules) {
			mutex_unlock(&pmguard_config_mutex);
			break;
		}
		*rule = policy->rules[index];
		mutex_unlock(&pmguard_config_mutex);

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &pmguard_nl_family,
				  NLM_F_MULTI, PMGUARD_CMD_RULE_LIST);
		if (!hdr)
			break;
		if (pmguard_rule_to_nl(skb, rule, index)) {
			genlmsg_cancel(skb, hdr);
			if (index == cb->args[0])
				err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = index;
	kfree(rule);
	return err ?: skb->len;
}
