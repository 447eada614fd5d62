/*
 * rule_ops.c - routing rules through libnl's rule API, for the differential
 * suite (test/scenarios/rule-*.json): libnl 3.7.0 has no nl-rule-add or
 * nl-rule-delete tool.
 *
 * Usage: rule_ops add|delete [family=inet|inet6] [prio=N] [table=N]
 *                 [from=PREFIX] [to=PREFIX] [iif=DEV] [oif=DEV] [fwmark=N]
 *                 [action=table|goto|blackhole|unreachable|prohibit] [goto=N]
 *        rule_ops list [inet|inet6]
 * add and delete print libnl's result and exit with its error number
 * (negated, as libnl's own tools do); list prints the rules in detail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/rule.h>

static int parse_action(const char *name)
{
	static const struct { const char *name; int action; } actions[] = {
		{ "table", FR_ACT_TO_TBL }, { "goto", FR_ACT_GOTO },
		{ "blackhole", FR_ACT_BLACKHOLE }, { "unreachable", FR_ACT_UNREACHABLE },
		{ "prohibit", FR_ACT_PROHIBIT },
	};
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(name, actions[i].name))
			return actions[i].action;
	return -1;
}

/* Applies one key=value argument to the rule; a libnl error or -NLE_INVAL. */
static int apply(struct rtnl_rule *rule, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *v = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - arg) : strlen(arg);
	struct nl_addr *addr = NULL;
	int err;

#define KEY(k) (klen == strlen(k) && !strncmp(arg, k, klen))
	if (KEY("family")) {
		int family = nl_str2af(v);
		if (family < 0)
			return -NLE_INVAL;
		rtnl_rule_set_family(rule, family);
	} else if (KEY("prio"))
		rtnl_rule_set_prio(rule, strtoul(v, NULL, 0));
	else if (KEY("table"))
		rtnl_rule_set_table(rule, strtoul(v, NULL, 0));
	else if (KEY("fwmark"))
		rtnl_rule_set_mark(rule, strtoul(v, NULL, 0));
	else if (KEY("goto"))
		rtnl_rule_set_goto(rule, strtoul(v, NULL, 0));
	else if (KEY("iif"))
		return rtnl_rule_set_iif(rule, v);
	else if (KEY("oif"))
		return rtnl_rule_set_oif(rule, v);
	else if (KEY("action")) {
		int action = parse_action(v);
		if (action < 0)
			return -NLE_INVAL;
		rtnl_rule_set_action(rule, action);
	} else if (KEY("from") || KEY("to")) {
		if ((err = nl_addr_parse(v, rtnl_rule_get_family(rule), &addr)) < 0)
			return err;
		err = KEY("from") ? rtnl_rule_set_src(rule, addr) : rtnl_rule_set_dst(rule, addr);
		nl_addr_put(addr);
		return err;
	} else
		return -NLE_INVAL;
#undef KEY
	return 0;
}

static int list(struct nl_sock *sk, int family)
{
	struct nl_dump_params params = {
		.dp_type = NL_DUMP_DETAILS,
		.dp_fd = stdout,
	};
	struct nl_cache *cache;
	int err;

	if ((err = rtnl_rule_alloc_cache(sk, family, &cache)) < 0)
		return err;
	nl_cache_dump(cache, &params);
	nl_cache_free(cache);
	return 0;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_rule *rule = rtnl_rule_alloc();
	int i, err;

	if (argc < 2 || !sk || !rule)
		return 2;
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0)
		goto out;

	if (!strcmp(argv[1], "list")) {
		err = list(sk, argc > 2 ? nl_str2af(argv[2]) : AF_UNSPEC);
		goto out;
	}
	for (i = 2; i < argc; i++) {
		if ((err = apply(rule, argv[i])) < 0) {
			printf("%s: %d %s\n", argv[i], err, nl_geterror(err));
			goto out;
		}
	}
	if (!strcmp(argv[1], "add"))
		err = rtnl_rule_add(sk, rule, NLM_F_CREATE | NLM_F_EXCL);
	else if (!strcmp(argv[1], "delete"))
		err = rtnl_rule_delete(sk, rule, 0);
	else
		err = -NLE_INVAL;
	printf("rule %s: %d %s\n", argv[1], err, err < 0 ? nl_geterror(err) : "ok");
out:
	rtnl_rule_put(rule);
	nl_socket_free(sk);
	return err < 0 ? -err : 0;
}
