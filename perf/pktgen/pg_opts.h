/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pg_opts.h: the generator's command line (after EAL's arguments and "--"), parsed into
 * one struct with the defaults filled in; pure C so that the tests can run it. Also the
 * frame size schedule: one size, or an IMIX of weighted sizes interleaved.
 */
#ifndef PG_OPTS_H
#define PG_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pg_frame.h"

#define PG_MAX_SCHED 1024               /* entries of the repeating size schedule */
#define PG_DEFAULT_IMIX "64:7,594:4,1518:1"

struct pg_opts {
	struct pg_frame_spec spec;
	uint32_t sizes[PG_MAX_SCHED];   /* repeating schedule of frame sizes */
	uint32_t n_sizes;
	char size_desc[64];             /* "64", "imix" ... as given */
	bool tx, rx;                    /* default both */
	uint16_t tx_port, rx_port;      /* DPDK port ids, default 0 and 0 */
	uint64_t rate_pps;              /* 0: as fast as possible */
	double duration;                /* seconds of sending (or of receiving with rx only); default 10, 600 with --count */
	uint64_t count;                 /* packets to send (0: until duration) */
	double drain;                   /* seconds to keep receiving after the last send; default 1 */
	double link_wait;               /* seconds to wait for the links to come up; default 10 */
	double idle_exit;               /* rx only: stop after this many idle seconds once packets came (0: never) */
	uint16_t stream;                /* our stream id (in every frame we send); default 1 */
	int32_t rx_stream;              /* the stream to account; -1: ours when sending, else the first seen */
	uint64_t rx_expect;             /* packets the receiver expects (loss counted against it; stops early) */
	uint16_t vxlan_port;            /* receive: UDP port of VXLAN around frames; default 4789 */
	unsigned burst;                 /* default 32 */
	char json[256];                 /* write the result here */
	char start_file[256];           /* once the links are up, send only when this file exists */
	char label[64];                 /* echoed in the result */
};

/* Parse argv (argv[0] is the program). 0, or EINVAL with a message in err. Uses getopt (optind reset). */
int pg_opts_parse(int argc, char **argv, struct pg_opts *o, char *err, size_t errlen);
/* "64", "imix" (the default mix) or "imix:SIZE:WEIGHT,..." into o->sizes. */
int pg_opts_sizes(const char *s, struct pg_opts *o, char *err, size_t errlen);
/* Average frame size of the schedule (bytes including FCS). */
double pg_opts_mean_size(const struct pg_opts *o);
void pg_opts_usage(FILE *f);

#endif
