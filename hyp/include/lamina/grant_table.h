/* SPDX-License-Identifier: MIT */
/*
 * Grant tables, v1 (grant_table.c): each domain shares a table of grant
 * entries with the hypervisor; another domain names (granter, ref) to map
 * or copy the granted frame. The grant entry is the only authority.
 */
#ifndef LAMINA_GRANT_TABLE_H
#define LAMINA_GRANT_TABLE_H

struct domain;

/*
 * d is going away: undo every grant mapping it still holds (its PTEs are
 * cleared, the granters' frames unpinned and their GTF flags cleared).
 */
void grant_table_release_mappings(struct domain *d);

#endif
