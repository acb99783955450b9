# Sources of lamstored, shared by the daemon, unit tests, fuzzer and bench.
# Include with LAMSTORED_DIR set to this directory.
LAMSTORED_CORE := $(addprefix $(LAMSTORED_DIR)/, \
	util.c strmap.c store.c path.c perms.c access.c txn.c watch.c \
	domain.c quota.c conn.c ops_node.c dispatch.c control.c \
	transport_ring.c xen_dev.c) \
	$(LAMSTORED_DIR)/../../protocol/xenstore/xs_codec.c
LAMSTORED_MAIN := $(addprefix $(LAMSTORED_DIR)/, main.c transport_unix.c)
LAMSTORED_HDRS := $(wildcard $(LAMSTORED_DIR)/*.h) \
	$(wildcard $(LAMSTORED_DIR)/../../protocol/xenstore/*.h)
