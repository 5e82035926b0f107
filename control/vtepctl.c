/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtepctl.c: command-line client of the vtepd management socket. It only forwards its
 * words to the daemon (which validates them) and prints the answer.
 *
 * Exit status: 0 success, 1 the daemon answered with an error (or the exchange failed
 * after connecting), 2 usage error or cannot connect.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VTEPCTL_RUN_DIR "/run/vtepd"
#define VTEPCTL_DEFAULT_SOCKET VTEPCTL_RUN_DIR "/vtepd.sock"

static void
vtepctl_usage(FILE *f)
{
	fprintf(f,
		"usage: vtepctl [-s SOCKET | -n NAME] [-j] COMMAND [ARGS...]\n"
		"\n"
		"options:\n"
		"  -s, --socket SOCKET  management socket (default: $VTEPCTL_SOCKET, else "
		VTEPCTL_DEFAULT_SOCKET ")\n"
		"  -n, --name NAME      use the socket of the instance NAME (" VTEPCTL_RUN_DIR
		"/NAME.sock)\n"
		"  -j, --json           ask for JSON output\n"
		"  -h, --help           show this help\n"
		"      --version        print the version and exit\n"
		"\n"
		"commands:\n"
		"  show bgp summary\n"
		"  show bgp evpn [type 2|3|5] [vni N]\n"
		"  show evpn vni [N]\n"
		"  show vnis\n"
		"  show vrfs\n"
		"  show routes [vrf NAME]\n"
		"  show neighbors [vrf NAME]\n"
		"  show macs [vni N] [mac M] [port NAME] [vtep A.B.C.D] [count] [limit N] [cursor C]\n"
		"  show ports\n"
		"  show vteps\n"
		"  show arp\n"
		"  show stats [fdb|vrfs]\n"
		"  attach NAME vni N (netns NS | pid PID | memif SOCKET|auto [memif_id N]) [ifname IF] [mac MAC]\n"
		"         [ip A.B.C.D/LEN] [mtu N]\n"
		"  detach NAME\n"
		"  vni add N [vrf NAME] [gateway A.B.C.D/LEN] [gateway6 X::Y/LEN] [mtu N] [learning on|off]\n"
		"          [flood A.B.C.D,...] [max_macs N]\n"
		"  vni del N\n"
		"  vrf add NAME l3vni N [router_mac MAC] [max_ipv4_routes N] [max_ipv6_routes N]\n"
		"          [advertise PREFIX,...] [advertise_subnets on|off]\n"
		"  vrf del NAME\n"
		"  reload\n"
		"  log level err|warn|info|debug\n"
		"  show log\n"
		"  trace N [port NAME] [timeout S]   what the fast path does with the next N frames\n"
		"  trace show | trace stop\n");
}

struct vtepctl_out {
	bool wrote;
	char last;
};

/* The reply's body goes to stdout as it arrives: a large reply never sits in memory. */
static int
vtepctl_sink(const char *p, size_t n, void *arg)
{
	struct vtepctl_out *o = arg;
	if (fwrite(p, 1, n, stdout) != n)
		return errno ? errno : EIO;
	o->wrote = true;
	o->last = p[n - 1];
	return 0;
}

static bool
vtepctl_is_connect_error(int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
	case EACCES:
	case EPERM:
	case ENOTDIR:
	case ENOTSOCK:
	case ENAMETOOLONG:
	case ELOOP:
	case EAGAIN:
	case EPROTOTYPE:
		return true;
	default:
		return false;
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *name = NULL;
	char *name_path = NULL;
	bool json = false;
	int c;

	/* '+': stop at the first non-option so command words are never taken as options. */
	while ((c = getopt_long(argc, argv, "+s:n:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			vtepctl_usage(stdout);
			return 0;
		case 'V':
			printf("vtepctl %s\n", VTEPD_VERSION);
			return 0;
		default:
			vtepctl_usage(stderr);
			return 2;
		}
	}
	if (sock && name) {
		fprintf(stderr, "vtepctl: -s and -n are mutually exclusive\n");
		return 2;
	}
	if (name) {
		if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0) {
			fprintf(stderr, "vtepctl: invalid instance name '%s' for -n "
				"(must be non-empty, without '/')\n", name);
			return 2;
		}
		if (asprintf(&name_path, VTEPCTL_RUN_DIR "/%s.sock", name) < 0) {
			fprintf(stderr, "vtepctl: out of memory\n");
			return 2;
		}
		sock = name_path;
	}
	if (!sock) {
		sock = getenv("VTEPCTL_SOCKET");
		if (!sock || !sock[0])
			sock = VTEPCTL_DEFAULT_SOCKET;
	}
	if (optind >= argc) {
		fprintf(stderr, "vtepctl: missing command\n");
		vtepctl_usage(stderr);
		free(name_path);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (strpbrk(argv[i], "\t\n")) {
			fprintf(stderr, "vtepctl: argument %d contains a tab or newline, "
				"which the protocol cannot carry\n", i - optind + 1);
			free(name_path);
			return 2;
		}
	}

	/*
	 * trace N ...: arm the trace, then ask for it (trace show) until the daemon stops
	 * answering EAGAIN ("still tracing"), and print that answer.
	 */
	if (argc - optind >= 2 && strcmp(argv[optind], "trace") == 0 && strcmp(argv[optind + 1], "show") != 0 &&
	    strcmp(argv[optind + 1], "stop") != 0) {
		static char *show[] = { "trace", "show", NULL };
		int status = 0;
		char *body = NULL;
		int err = ctl_client_request(sock, json, argc - optind, argv + optind, &status, &body);

		if (!err && !status) {
			struct timespec nap = { 0, 100 * 1000000L };

			do {
				free(body);
				body = NULL;
				nanosleep(&nap, NULL);
				err = ctl_client_request(sock, json, 2, show, &status, &body);
			} while (!err && status == EAGAIN);
		}
		if (err) {
			fprintf(stderr, "vtepctl: %s: %s\n", sock, strerror(err));
			free(body);
			free(name_path);
			return vtepctl_is_connect_error(err) ? 2 : 1;
		}
		if (status)
			fprintf(stderr, "vtepctl: %s\n", body && body[0] ? body : strerror(status));
		else if (body)
			fputs(body, stdout);
		if (!status && body && body[0] && body[strlen(body) - 1] != '\n')
			fputc('\n', stdout);
		free(body);
		free(name_path);
		return status ? 1 : 0;
	}
	int status = 0;
	char *errmsg = NULL;
	struct vtepctl_out out = { 0 };
	int err = ctl_client_stream(sock, json, argc - optind, argv + optind, vtepctl_sink, &out, &status,
				    &errmsg);
	int rc;
	if (err == EMSGSIZE) {
		fprintf(stderr, "vtepctl: command too long (the request is limited to 4096 bytes)\n");
		rc = 2;
	} else if (err && vtepctl_is_connect_error(err)) {
		fprintf(stderr, "vtepctl: cannot connect to %s: %s (is vtepd running?)\n",
			sock, strerror(err));
		rc = 2;
	} else if (err == EPROTO) {
		fflush(stdout);
		fprintf(stderr, "vtepctl: the reply from %s was cut short (%s): the output above is "
			"incomplete\n", sock, out.wrote ? "no end marker" : "bad or missing status");
		rc = 1;
	} else if (err) {
		fflush(stdout);
		fprintf(stderr, "vtepctl: request to %s failed: %s%s\n", sock, strerror(err),
			out.wrote ? " (the output above is incomplete)" : "");
		rc = 1;
	} else if (status) {
		size_t len = errmsg ? strlen(errmsg) : 0;
		fflush(stdout);
		fprintf(stderr, "vtepctl: %s%s\n", len ? errmsg : strerror(status),
			out.wrote ? " (the output above is incomplete)" : "");
		rc = 1;
	} else {
		if (out.wrote && out.last != '\n')
			fputc('\n', stdout);
		rc = 0;
	}
	free(errmsg);
	free(name_path);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vtepctl: error writing output: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}
