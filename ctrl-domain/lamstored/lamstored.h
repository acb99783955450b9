/* SPDX-License-Identifier: MIT */
/*
 * lamstored: Lamina's xenstore daemon. Shared types and the functions
 * each file exports. One concern per file:
 *   strmap.c    string-keyed hash table
 *   store.c     the node database (flat map of absolute paths, as Xen)
 *   path.c      path validation and canonicalisation
 *   perms.c     permission strings and access decisions
 *   access.c    node access as a connection sees it (transactions, errno)
 *   txn.c       transactions (optimistic, generation counts)
 *   watch.c     watches and event delivery
 *   domain.c    domains: introduce/release, accounting, special nodes
 *   quota.c     quota values and checks
 *   conn.c      connections: input assembly, output queue, back-pressure
 *   ops_node.c  node requests; dispatch.c: the request table
 *   control.c   CONTROL commands
 *   transport_unix.c, transport_ring.c, xen_dev.c: transports
 *   main.c      options, event loop, signals; log.c: logging
 */
#ifndef LAMSTORED_H
#define LAMSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../protocol/xenstore/xs_codec.h"

#define DOMID_SELF 0x7ff0u
#define NO_GENERATION UINT64_MAX
#define PATH_BUF (XENSTORE_PAYLOAD_MAX + 64)

/* ---- util / log ---- */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void *xmemdup(const void *p, size_t n);

void log_open(const char *path);
void log_close(void);
const char *log_path(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- strmap ---- */
struct strmap_ent {
	struct strmap_ent *next;
	char *key;
	void *val;
};
struct strmap {
	struct strmap_ent **b;
	size_t nb, n;
};
void strmap_init(struct strmap *m);
void *strmap_get(const struct strmap *m, const char *key);
/* Insert or replace; returns the old value (or NULL). */
void *strmap_put(struct strmap *m, const char *key, void *val);
void *strmap_del(struct strmap *m, const char *key);
void strmap_free(struct strmap *m, void (*fn)(void *));

/* ---- nodes ---- */
struct perm {
	uint32_t id;
	uint8_t perms; /* XS_PERM_READ | XS_PERM_WRITE */
	bool ignore; /* refers to a domain that is gone */
};
struct perms {
	uint32_t num;
	struct perm *p; /* p[0] is the owner and default */
};
struct node {
	char *path;
	char *data;
	uint32_t datalen;
	char *children; /* NUL-terminated names, creation order */
	uint32_t childlen;
	struct perms perms;
	uint64_t gen;
	uint32_t acc; /* bytes charged to its owner while in the store */
};

struct node *node_new(const char *path, const struct perms *perms);
struct node *node_dup(const struct node *n);
void node_free(struct node *n);
void node_set_data(struct node *n, const void *data, uint32_t len);
void node_set_perms(struct node *n, const struct perms *p);
void node_add_child(struct node *n, const char *name);
bool node_del_child(struct node *n, const char *name);
/* Xen's record size for the node-size quota. */
uint32_t node_record_size(const struct node *n);
/* What the node costs its owner's memory quota: record and path. */
uint32_t node_memory(const struct node *n);

/* The global database. */
void store_init(void);
void store_reset(void);
struct node *store_get(const char *path);
/* Takes ownership; sets n->gen to a fresh generation. */
void store_put(struct node *n);
void store_del(const char *path);
/* A node changed in place (same path, same owner): new generation. */
void store_touch(struct node *n);
uint64_t store_next_gen(void);
size_t store_count(void);
/* Pre-order walk from root; fn returns false to skip the children. */
void store_walk(const char *root, bool (*fn)(struct node *, void *), void *arg);

/* ---- paths ---- */
struct conn;
/* Absolute form of a client path (relative ones live under the home). */
int path_canonical(const struct conn *c, const char *in, char *out, size_t cap);
bool path_valid(const char *path);
void path_parent(const char *path, char *out);
const char *path_base(const char *path);
bool path_is_child(const char *child, const char *parent);
/* Parse a decimal domid argument like Xen's atoi. */
unsigned int parse_uint(const char *s);

/* ---- permissions ---- */
bool conn_is_privileged(const struct conn *c);
unsigned int perm_for_conn(const struct conn *c, const struct perms *p);
int perms_parse(const char *strs, unsigned int num, struct perms *out);
/* Write "r1\0n0\0..." into buf; returns the length. */
size_t perms_format(const struct perms *p, char *buf, size_t cap);
void perms_free(struct perms *p);
void perms_copy(struct perms *dst, const struct perms *src);

/* ---- transactions ---- */
struct txn;
struct tx_entry;
int txn_start(struct conn *c, uint32_t *id);
struct txn *txn_lookup(struct conn *c, uint32_t id);
int txn_end(struct conn *c, struct txn *t, bool commit);
void txn_destroy_all(struct conn *c);
/* Transaction view used by access.c. */
struct tx_entry *txn_entry(struct txn *t, const char *path);
int txn_record(struct conn *c, struct txn *t, const char *path,
	       const struct node *global, struct tx_entry **out);
struct node *tx_entry_node(struct tx_entry *e);
/* What an entry for path holding n (NULL: absent) costs its domain. */
uint32_t tx_entry_cost(const char *path, const struct node *n);
void tx_entry_set(struct txn *t, struct tx_entry *e, struct node *n);
void tx_entry_queue_watch(struct tx_entry *e, bool exact);
void txn_note_created(struct txn *t, int delta);

/* ---- node access as a connection sees it ---- */
struct access {
	struct conn *conn;
	struct txn *tx;
};
/* A private, writable copy of a node, or NULL with *err set. */
struct node *access_read(struct access *a, const char *path, int *err);
/* The node if the connection holds `perm` on it; errno rules as Xen. */
struct node *access_get(struct access *a, const char *path, unsigned int perm,
			int *err);
int access_write(struct access *a, struct node *n, bool check_quota);
int access_create(struct access *a, const char *path, const void *data,
		  uint32_t len, struct node **out);
int access_rm(struct access *a, const char *path);

/* ---- watches ---- */
int watch_add(struct conn *c, const char *path, const char *token);
int watch_remove(struct conn *c, const char *path, const char *token);
void watch_remove_all(struct conn *c);
/*
 * A node changed. exact: only watches on exactly this path (used for the
 * descendants of a removed node). perms: the node's permissions before
 * the change, when it had any.
 */
void watch_fire(struct access *a, const char *path, bool exact,
		const struct perms *old);
void watch_fire_special(const char *name);

/* ---- domains ---- */
struct domain {
	struct domain *next;
	uint32_t domid;
	bool introduced;
	bool gone; /* released: ACL entries naming it are ignored */
	bool shutdown;
	bool has_target;
	uint32_t target;
	struct conn *conn; /* its ring connection */
	int nbentry;
	unsigned int nbwatch;
	long memory; /* bytes charged: nodes, watches, transaction copies */
	bool over_soft; /* soft memory quota exceeded, as last logged */
	long soft_msg_next; /* no soft-quota message before (monotonic s) */
	uint64_t mfn;
	uint32_t port;
};
void domain_init(bool test_mode);
struct domain *domain_find(uint32_t domid);
struct domain *domain_get(uint32_t domid);
/* Charge domid for `nodes` more nodes and `bytes` more memory. */
void domain_account(uint32_t domid, int nodes, long bytes);
bool domain_exists(uint32_t domid);
int domain_introduce(struct conn *by, uint32_t domid, uint64_t mfn,
		     uint32_t port);
int domain_release(uint32_t domid);
int domain_resume(uint32_t domid);
int domain_set_target(uint32_t domid, uint32_t target);
bool domain_is_introduced(uint32_t domid);
const struct perms *domain_special_perms(const char *name);
int domain_set_special_perms(struct conn *c, const char *name,
			     const struct perms *p);
void domain_reset(void);

/* ---- quotas ---- */
struct quota {
	const char *name;
	int *val;
	const char *descr;
};
extern int quota_nodes, quota_watches, quota_transactions;
extern int quota_outstanding, quota_trans_nodes, quota_memory_hard;
extern int quota_memory_soft, quota_node_size, quota_path_max;
extern int quota_permissions;
extern const struct quota quota_hard[], quota_soft[];
bool quota_applies(const struct conn *c);
/* Charging domid `delta` more bytes would reach the hard memory quota. */
bool quota_memory_refuses(uint32_t domid, long delta);
/* Set a quota to a decimal value, 1 to INT_MAX; EINVAL otherwise. */
int quota_set_by_name(const struct quota *tab, const char *name,
		      const char *val);
/* A command-line setting "<name>=<value>" of the hard or soft table. */
int quota_set_option(const struct quota *tab, const char *arg);
void quota_reset_defaults(void);

/* ---- connections ---- */
struct conn;
struct transport_ops {
	const char *name;
	/* Returns bytes moved, 0 when it would block, -1 when dead. */
	ssize_t (*read)(struct conn *c, void *buf, size_t len);
	ssize_t (*write)(struct conn *c, const void *buf, size_t len);
	void (*destroy)(struct conn *c);
	/* Optional: the peer broke the protocol (XENSTORE_ERROR_*). */
	void (*fail)(struct conn *c, uint32_t err);
};
struct outmsg {
	struct outmsg *next;
	uint32_t len;
	bool event;
	char data[];
};
struct watch;
struct conn {
	struct conn *next, *prev;
	uint32_t id; /* domid it acts as */
	struct domain *domain; /* NULL: local socket client (dom0 tool) */
	const struct transport_ops *ops;
	void *priv; /* transport state */
	int fd;
	bool dead;
	bool ignored; /* ring peer misbehaved: never serviced again */
	bool polled; /* event loop: input handled this turn */
	struct xs_reader rd;
	uint8_t *inbuf; /* bytes read ahead, not yet assembled */
	size_t in_len, in_off;
	struct outmsg *out_head, *out_tail;
	size_t out_bytes, out_off;
	unsigned int out_count;
	unsigned long events_dropped;
	struct watch *watches;
	unsigned int nwatches;
	struct txn *txns;
	unsigned int ntxns;
	uint32_t next_txid;
};

/* Output back-pressure limits, per connection. */
#define OUT_SOFT_LIMIT (256u * 1024)
#define OUT_HARD_LIMIT (1024u * 1024)
/* Read-ahead per connection: many small requests per read(). */
#define IN_BUF_SIZE (16u * 1024)

struct conn *conn_new(const struct transport_ops *ops, void *priv, int fd);
struct conn *conn_first(void);
void conn_mark_dead(struct conn *c);
/* Forget watches, transactions, queued output and a partial request. */
void conn_reset(struct conn *c);
/* The peer broke the protocol: drop it, or for rings, ignore it. */
void conn_fail(struct conn *c, uint32_t err);
/* Free dead connections; true if there were any. */
bool conn_reap(void);
void conn_destroy_all(void);
bool conn_can_read(const struct conn *c);
/* Read and process what is available (bounded batch). */
void conn_handle_input(struct conn *c);
/* Push queued output; returns false if the transport died. */
bool conn_flush(struct conn *c);
bool conn_has_output(const struct conn *c);
int conn_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	       const void *data, size_t len);
void conn_queue_event(struct conn *c, const char *path, const char *token);
/* Bytes already read ahead that may be handled now. */
bool conn_has_pending_input(const struct conn *c);
/* Feed raw bytes as if they had arrived (fuzzing, tests). */
void conn_feed(struct conn *c, const void *data, size_t len);

/* ---- request handling ---- */
struct request {
	struct conn *conn;
	struct txn *tx;
	struct xs_msg_header hdr;
	const char *data;
	uint32_t len;
};
void process_message(struct conn *c, const struct xs_msg_header *hdr,
		     const char *data);
int reply(struct request *r, const void *data, size_t len);
int reply_ok(struct request *r);
int reply_str(struct request *r, const char *s);

int do_directory(struct request *r);
int do_directory_part(struct request *r);
int do_read(struct request *r);
int do_write(struct request *r);
int do_mkdir(struct request *r);
int do_rm(struct request *r);
int do_get_perms(struct request *r);
int do_set_perms(struct request *r);
int do_control(struct request *r);

/* ---- whole daemon state (util.c) ---- */
void core_init(bool test_mode);
void core_fini(void);

/* ---- global options ---- */
extern bool opt_test_mode;
extern const char *opt_log_file;

/* ---- ring transport ---- */
struct ring_backend;
extern const struct transport_ops ring_transport;
/* Map and bind a domain's page; NULL with *err on failure. */
struct conn *ring_conn_open(uint32_t domid, uint64_t mfn, uint32_t port,
			    int *err);
/* Open an in-memory page (tests, --test-mode): caller is the frontend. */
struct conn *ring_conn_fake(uint32_t domid,
			    struct xenstore_domain_interface **intf);
/* The shared page behind a ring connection. */
struct xenstore_domain_interface *ring_conn_page(struct conn *c);
/* Empty rings, no watches or transactions: INTRODUCE again, RECONNECT. */
void ring_conn_restart(struct conn *c);
/* The control domain's own kernel, through xenbus_backend. */
struct conn *ring_conn_local(int *err);
/* Service a ring connection: pull requests, push replies. */
void ring_conn_service(struct conn *c);
void ring_service_all(void);
/* A ring holds requests we have not taken yet (batch limit reached). */
bool ring_pending(void);
int ring_event_fd(void);
void ring_handle_event(void);

#endif
