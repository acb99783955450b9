// SPDX-License-Identifier: MIT
/*
 * Requests per second through lamstored's Unix socket. Starts the daemon
 * given on the command line on a private socket, runs each workload for
 * a fixed time and prints a table.
 *
 *   bench LAMSTORED [SECONDS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../protocol/xenstore/xs_codec.h"

static char sock_path[108];
static double seconds = 2.0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_store(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, sock_path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

static void xfer(int fd, void *buf, size_t n, bool out)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = out ? write(fd, (char *)buf + done, n - done) :
			  read(fd, (char *)buf + done, n - done);
		if (r <= 0) {
			perror("bench: socket");
			exit(1);
		}
		done += (size_t)r;
	}
}

static void send_req(int fd, uint32_t type, uint32_t tx, const void *p,
		     size_t len)
{
	uint8_t buf[XS_MSG_MAX];
	size_t n = xs_build_msg(buf, sizeof(buf), type, 1, tx, p, len);

	xfer(fd, buf, n, true);
}

/* Returns the reply type; payload copied into out (NUL-terminated). */
static uint32_t get_reply(int fd, char *out)
{
	struct xs_msg_header h;
	uint8_t raw[XS_HEADER_SIZE];
	static char sink[XENSTORE_PAYLOAD_MAX + 1];

	xfer(fd, raw, sizeof(raw), false);
	xs_header_decode(raw, &h);
	if (!out)
		out = sink;
	xfer(fd, out, h.len, false);
	out[h.len] = '\0';
	return h.type;
}

static uint32_t call(int fd, uint32_t type, uint32_t tx, const void *p,
		     size_t len, char *out)
{
	send_req(fd, type, tx, p, len);
	return get_reply(fd, out);
}

static char value[64];

static unsigned long op_read(int fd, unsigned long i)
{
	(void)i;
	call(fd, XS_READ, 0, "/bench/key", 11, NULL);
	return 1;
}

static unsigned long op_write(int fd, unsigned long i)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "/bench/w/k%lu", i % 1000);

	memcpy(buf + n + 1, value, sizeof(value));
	call(fd, XS_WRITE, 0, buf, (size_t)n + 1 + sizeof(value), NULL);
	return 1;
}

/* Start, read, write, commit: the shape of a toolstack update. */
static unsigned long op_txn(int fd, unsigned long i)
{
	char id[32], buf[128];
	uint32_t tx;
	int n;

	call(fd, XS_TRANSACTION_START, 0, "", 1, id);
	tx = (uint32_t)strtoul(id, NULL, 10);
	n = snprintf(buf, sizeof(buf), "/bench/t/k%lu", i % 1000);
	call(fd, XS_READ, tx, buf, (size_t)n + 1, NULL);
	memcpy(buf + n + 1, value, sizeof(value));
	call(fd, XS_WRITE, tx, buf, (size_t)n + 1 + sizeof(value), NULL);
	call(fd, XS_TRANSACTION_END, tx, "T", 2, NULL);
	return 4;
}

/* 32 reads in flight: the daemon's own cost, not the round trip. */
static unsigned long op_pipelined(int fd, unsigned long i)
{
	(void)i;
	for (int k = 0; k < 32; k++)
		send_req(fd, XS_READ, 0, "/bench/key", 11);
	for (int k = 0; k < 32; k++)
		get_reply(fd, NULL);
	return 32;
}

static unsigned long run_one(unsigned long (*op)(int, unsigned long))
{
	int fd = connect_store();
	unsigned long reqs = 0, i = 0;
	double end = now() + seconds;

	if (fd < 0) {
		perror("bench: connect");
		exit(1);
	}
	while (now() < end)
		reqs += op(fd, i++);
	close(fd);
	return reqs;
}

/* Run op in `clients` processes at once; total requests per second. */
static double run(unsigned long (*op)(int, unsigned long), int clients)
{
	int p[2];
	unsigned long total = 0, n;
	double t0 = now();

	if (pipe(p) < 0)
		exit(1);
	for (int c = 0; c < clients; c++) {
		if (fork() == 0) {
			n = run_one(op);
			if (write(p[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			_exit(0);
		}
	}
	for (int c = 0; c < clients; c++) {
		if (read(p[0], &n, sizeof(n)) == sizeof(n))
			total += n;
		wait(NULL);
	}
	close(p[0]);
	close(p[1]);
	return (double)total / (now() - t0);
}

static pid_t start_daemon(const char *bin, const char *dir)
{
	pid_t pid;
	int fd;

	snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
	pid = fork();
	if (pid == 0) {
		execl(bin, bin, "--no-fork", "--socket", sock_path, NULL);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		fd = connect_store();
		if (fd >= 0) {
			close(fd);
			return pid;
		}
		usleep(10000);
	}
	fprintf(stderr, "bench: %s did not come up\n", bin);
	kill(pid, SIGKILL);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		unsigned long (*op)(int, unsigned long);
		int clients;
	} rows[] = {
		{ "read", op_read, 1 },
		{ "read, 4 clients", op_read, 4 },
		{ "read, 32 pipelined", op_pipelined, 1 },
		{ "write", op_write, 1 },
		{ "write, 4 clients", op_write, 4 },
		{ "txn (start+read+write+end)", op_txn, 1 },
		{ "txn, 4 clients (conflicts)", op_txn, 4 },
	};
	char dir[] = "/tmp/lamstored-bench-XXXXXX";
	char buf[128];
	pid_t pid;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: bench LAMSTORED [SECONDS]\n");
		return 2;
	}
	if (argc > 2)
		seconds = atof(argv[2]);
	if (!mkdtemp(dir))
		return 1;
	pid = start_daemon(argv[1], dir);
	memset(value, 'v', sizeof(value));
	fd = connect_store();
	memcpy(buf, "/bench/key", 11);
	memcpy(buf + 11, value, sizeof(value));
	call(fd, XS_WRITE, 0, buf, 11 + sizeof(value), NULL);
	close(fd);

	printf("lamstored over a Unix socket, %.1f s per row\n", seconds);
	printf("%-30s %14s\n", "workload", "requests/s");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("%-30s %14.0f\n", rows[i].name,
		       run(rows[i].op, rows[i].clients));
	printf("(Debian's xenstored 4.17 cannot serve without a hypervisor "
	       "on this host: see docs/lamstored.md)\n");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	rmdir(dir);
	return 0;
}
