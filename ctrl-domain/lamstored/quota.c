// SPDX-License-Identifier: MIT
/*
 * Quotas, with Xen 4.17's defaults and names. They bind unprivileged
 * domains only; dom0 tools are trusted (but see the output and watch
 * bounds in conn.c and watch.c, which hold for everyone).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

int quota_nodes, quota_watches, quota_transactions, quota_outstanding;
int quota_trans_nodes, quota_memory_hard, quota_memory_soft;
int quota_node_size, quota_path_max, quota_permissions;

void quota_reset_defaults(void)
{
	quota_nodes = 1000;
	quota_watches = 128;
	quota_transactions = 10;
	quota_outstanding = 20;
	quota_trans_nodes = 1024;
	quota_memory_hard = 2 * 1024 * 1024 + 512 * 1024;
	quota_memory_soft = 2 * 1024 * 1024;
	quota_node_size = 2048;
	quota_path_max = XENSTORE_REL_PATH_MAX;
	quota_permissions = 5;
}

const struct quota quota_hard[] = {
	{ "nodes", &quota_nodes, "Nodes per domain" },
	{ "watches", &quota_watches, "Watches per domain" },
	{ "transactions", &quota_transactions, "Transactions per domain" },
	{ "outstanding", &quota_outstanding,
	  "Outstanding requests per domain" },
	{ "transaction-nodes", &quota_trans_nodes,
	  "Max. number of accessed nodes per transaction" },
	{ "memory", &quota_memory_hard,
	  "Total Xenstore memory per domain (error level)" },
	{ "node-size", &quota_node_size, "Max. size of a node" },
	{ "path-max", &quota_path_max, "Max. length of a node path" },
	{ "permissions", &quota_permissions,
	  "Max. number of permissions per node" },
	{ NULL, NULL, NULL },
};

const struct quota quota_soft[] = {
	{ "memory", &quota_memory_soft,
	  "Total Xenstore memory per domain (warning level)" },
	{ NULL, NULL, NULL },
};

bool quota_applies(const struct conn *c)
{
	return !conn_is_privileged(c);
}

bool quota_memory_refuses(uint32_t domid, long delta)
{
	struct domain *d = domain_find(domid);

	/* As Xen 4.17: a domain's total stays below the hard quota. */
	if (domid == 0 || delta <= 0)
		return false;
	return (d ? d->memory : 0) + delta >= quota_memory_hard;
}

int quota_set_by_name(const struct quota *tab, const char *name,
		      const char *val)
{
	char *end;
	long v;

	/*
	 * Digits only, 1 to INT_MAX: strtol's sign and the cast to int
	 * would take "-4294967295" for 1.
	 */
	if (*val < '0' || *val > '9')
		return XS_EINVAL;
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || *end || v < 1 || v > INT_MAX)
		return XS_EINVAL;
	for (; tab->name; tab++) {
		if (!strcmp(tab->name, name)) {
			*tab->val = (int)v;
			if (tab->val == &quota_path_max &&
			    v > (long)XENSTORE_REL_PATH_MAX)
				quota_path_max = XENSTORE_REL_PATH_MAX;
			return 0;
		}
	}
	return XS_EINVAL;
}

int quota_set_option(const struct quota *tab, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[32];

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		return XS_EINVAL;
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	return quota_set_by_name(tab, name, eq + 1);
}
