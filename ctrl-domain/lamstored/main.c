// SPDX-License-Identifier: MIT
/*
 * lamstored: options, daemon start-up and the single-threaded event
 * loop. Every socket is non-blocking and every connection is served in
 * bounded batches, so no client can hold up the others.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lamstored.h"
#include "transport.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * Xen's xenstored quota options. Returns 1 if opt was one and is set, 0
 * if it is something else, -1 (with a message) for a bad value.
 */
static int quota_option(int opt, const char *arg)
{
	static const struct {
		int opt;
		const char *name;
	} named[] = {
		{ 'E', "nodes" },	{ 'S', "node-size" },
		{ 'W', "watches" },	{ 't', "transactions" },
		{ 'A', "permissions" }, { 'M', "path-max" },
	};
	int rc = -1;

	/* The value as given: a "name=value" buffer truncated long ones. */
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].opt == opt)
			rc = quota_set_by_name(quota_hard, named[i].name, arg);
	if (opt == 'Q')
		rc = quota_set_option(quota_hard, arg);
	else if (opt == 'q')
		rc = quota_set_option(quota_soft, arg);
	else if (rc == -1)
		return 0;
	if (rc) {
		fprintf(stderr, "lamstored: bad quota -%c %s\n", opt, arg);
		return -1;
	}
	return 1;
}

static void usage(FILE *f)
{
	fputs("usage: lamstored [options]\n"
	      "  -s, --socket PATH    listen on PATH "
	      "(default /var/run/xenstored/socket)\n"
	      "  -N, --no-fork        stay in the foreground\n"
	      "  -F, --pid-file PATH  write the daemon's pid to PATH\n"
	      "  -L, --log-file PATH  log requests and events to PATH\n"
	      "      --no-domains     do not attach the local xenbus ring\n"
	      "  -E, --entry-nb N     nodes per domain (1000)\n"
	      "  -S, --entry-size N   node record size per node (2048)\n"
	      "  -W, --watch-nb N     watches per domain (128)\n"
	      "  -t, --transaction N  open transactions per domain (10)\n"
	      "  -A, --perm-nb N      permissions per node (5)\n"
	      "  -M, --path-max N     node path length (2048)\n"
	      "  -Q, --quota NAME=N   any hard quota, as CONTROL quota names "
	      "them\n"
	      "  -q, --quota-soft NAME=N  soft quota (memory)\n"
	      "      --test-mode      enable test-only hooks (never in "
	      "production)\n"
	      "  -h, --help           this text\n",
	      f);
}

/* Fork; the parent exits once the child is ready to serve. */
static int daemonize(void)
{
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return p[1];
}

static void attach_local_xenbus(void)
{
	int err = 0;

	if (!ring_conn_local(&err))
		log_msg("no local xenbus ring (error %d): sockets only", err);
}

static void serve(int lfd)
{
	size_t cap = 16, n;
	struct pollfd *pfd = xmalloc(cap * sizeof(*pfd));
	struct conn **who = xmalloc(cap * sizeof(*who));
	const struct timespec zero = { 0, 0 };
	sigset_t unblocked;
	struct conn *c;
	bool busy, full = false;

	sigemptyset(&unblocked);
	while (!stop_signal) {
		n = 0;
		for (c = conn_first(); c; c = c->next)
			n++;
		if (n + 2 > cap) {
			cap = (n + 2) * 2;
			pfd = xrealloc(pfd, cap * sizeof(*pfd));
			who = xrealloc(who, cap * sizeof(*who));
		}
		/* Work left from a batch limit: poll without sleeping. */
		busy = ring_pending();
		for (c = conn_first(); c; c = c->next)
			busy |= conn_has_pending_input(c);
		n = 0;
		/* Out of descriptors: listen again once a client has gone. */
		pfd[n] = (struct pollfd){ full ? -1 : lfd, POLLIN, 0 };
		who[n++] = NULL;
		if (ring_event_fd() >= 0) {
			pfd[n] = (struct pollfd){ ring_event_fd(), POLLIN, 0 };
			who[n++] = NULL;
		}
		for (c = conn_first(); c; c = c->next) {
			if (c->fd < 0 || c->dead)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = (conn_can_read(c) ? POLLIN : 0) |
					(conn_has_output(c) ? POLLOUT : 0);
			pfd[n].revents = 0;
			who[n++] = c;
		}
		if (ppoll(pfd, n, busy ? &zero : NULL, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			log_msg("poll: %s", strerror(errno));
			break;
		}
		for (size_t i = 0; i < n; i++) {
			c = who[i];
			if (!pfd[i].revents)
				continue;
			if (!c && pfd[i].fd == lfd) {
				for (int k = 0; k < 16 && !full; k++)
					full = !unix_accept(lfd);
			} else if (!c) {
				ring_handle_event();
			} else if (pfd[i].revents & POLLIN) {
				conn_handle_input(c);
				c->polled = true;
			} else if ((pfd[i].revents & (POLLHUP | POLLERR)) &&
				   !(pfd[i].revents & POLLOUT)) {
				conn_mark_dead(c);
			}
		}
		/* Read-ahead left over from earlier turns. */
		for (c = conn_first(); c; c = c->next) {
			if (!c->polled && c->fd >= 0 &&
			    conn_has_pending_input(c))
				conn_handle_input(c);
			c->polled = false;
		}
		if (busy)
			ring_service_all();
		/* Requests may have queued events for anyone: push them. */
		for (c = conn_first(); c; c = c->next)
			if (!c->dead && conn_has_output(c))
				conn_flush(c);
		if (conn_reap())
			full = false;
	}
	free(pfd);
	free(who);
}

static void make_parent_dir(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "no-fork", no_argument, NULL, 'N' },
		{ "pid-file", required_argument, NULL, 'F' },
		{ "log-file", required_argument, NULL, 'L' },
		{ "no-domains", no_argument, NULL, 'D' },
		{ "test-mode", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "entry-nb", required_argument, NULL, 'E' },
		{ "entry-size", required_argument, NULL, 'S' },
		{ "watch-nb", required_argument, NULL, 'W' },
		{ "transaction", required_argument, NULL, 't' },
		{ "perm-nb", required_argument, NULL, 'A' },
		{ "path-max", required_argument, NULL, 'M' },
		{ "quota", required_argument, NULL, 'Q' },
		{ "quota-soft", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = "/var/run/xenstored/socket", *pidfile = NULL;
	bool no_fork = false, domains = true;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;
	int opt, lfd, ready = -1;
	FILE *f;

	/* The store exists before the options that set its quotas. */
	core_init(false);
	while ((opt = getopt_long(argc, argv, "s:NF:L:hE:S:W:t:A:M:Q:q:", opts,
				  NULL)) != -1) {
		if (quota_option(opt, optarg) > 0)
			continue;
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'N':
			no_fork = true;
			break;
		case 'F':
			pidfile = optarg;
			break;
		case 'L':
			opt_log_file = optarg;
			break;
		case 'D':
			domains = false;
			break;
		case 'T':
			opt_test_mode = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	make_parent_dir(sock);
	lfd = unix_listen(sock);
	if (lfd < 0) {
		fprintf(stderr, "lamstored: cannot listen on %s: %s\n", sock,
			strerror(errno));
		return 1;
	}
	if (!no_fork) {
		ready = daemonize();
		if (ready < 0)
			return 1;
	}
	log_open(opt_log_file);
	if (domains)
		attach_local_xenbus();
	if (pidfile) {
		f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	log_msg("lamstored listening on %s%s", sock,
		opt_test_mode ? " (test mode)" : "");
	if (ready >= 0) {
		if (write(ready, "r", 1) != 1)
			return 1;
		close(ready);
	}
	serve(lfd);
	log_msg("shutting down on signal %d", (int)stop_signal);
	close(lfd);
	unlink(sock);
	if (pidfile)
		unlink(pidfile);
	core_fini();
	log_close();
	return 0;
}
