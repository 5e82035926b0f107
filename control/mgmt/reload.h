/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload.h: applying a changed configuration file without a restart ('vtepctl reload',
 * SIGHUP; reload.c, and reload_bgp.c for the bgp section). The file vtepd was started with
 * is loaded again, compared with what runs (the plan), checked whole, and only then applied:
 * a file that cannot be applied as a whole changes nothing. doc/reload.md says what a reload
 * changes and what needs a restart. Control thread only.
 */
#ifndef VTEP_RELOAD_H
#define VTEP_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtep_config.h"
#include "vtep_limits.h"

struct ctl_out;
struct vtepd;

/* What changes in a VNI that is both running and in the new file (vtepd_reload_vni.what). */
#define VTEPD_RELOAD_ADOPT      0x01u   /* added at run time ('vni add'): the file takes it over */
#define VTEPD_RELOAD_FLOOD      0x02u   /* its flood list */
#define VTEPD_RELOAD_STATIC     0x04u   /* its static MACs */
#define VTEPD_RELOAD_LEARNING   0x08u
#define VTEPD_RELOAD_MTU        0x10u
#define VTEPD_RELOAD_MAX_MACS   0x20u
#define VTEPD_RELOAD_OUTER_FRAG 0x40u
#define VTEPD_RELOAD_VTEP_CHECK 0x80u

#define VTEPD_RELOAD_ROWS 256

struct vtepd_reload_vni {
	uint16_t slot;                     /* its index in the running switch */
	uint32_t idx;                      /* its index in the new file's vnis */
	unsigned what;                     /* VTEPD_RELOAD_* */
};

/*
 * The difference between the running switch and a new configuration, all of it checked:
 * what goes (first), what comes (after), what changes in place. Objects added at run time
 * that the file does not name are in none of the lists.
 */
struct vtepd_reload_plan {
	uint32_t n_vni_del, vni_del[VTEP_MAX_VNIS];        /* running VNI numbers (from the file) that go */
	uint32_t n_vni_add, vni_add[VTEP_MAX_VNIS];        /* indexes in the new file's vnis that come */
	uint32_t n_vni_mod;                                /* VNIs in both (changed or not) */
	struct vtepd_reload_vni vni_mod[VTEP_MAX_VNIS];
	uint32_t n_vrf_del, vrf_del[VTEP_MAX_VRFS];        /* running VRF slots (from the file) that go */
	uint32_t n_vrf_add, vrf_add[VTEP_MAX_VRFS];        /* indexes in the new file's vrfs that come */
	uint32_t n_vrf_adopt, vrf_adopt[VTEP_MAX_VRFS];    /* running run-time VRF slots the file takes over */
	uint32_t n_port_del, port_del[VTEP_MAX_PORTS];     /* running port slots that are detached (gone or changed) */
	uint32_t n_port_add, port_add[VTEP_MAX_PORTS];     /* indexes in the new file's ports that attach */
	uint32_t n_port_adopt, port_adopt[VTEP_MAX_PORTS]; /* running run-time port slots the file takes over */
	uint32_t n_mac_add, n_mac_del;                     /* static MACs added (or moved), removed */
	/* every change in words, in the order it is made ('vtepctl reload' lists them) */
	uint32_t n_rows;                                   /* may exceed VTEPD_RELOAD_ROWS: the rest is not kept */
	struct vtepd_reload_row {
		char kind[12];                     /* "vni", "vrf", "port", "mac", "neighbor" */
		char action[12];                   /* "removed", "added", "changed", "adopted", "replaced" */
		char name[64];                     /* "300", "blue", "c1", "100 02:00:00:00:00:01", "10.0.0.2" */
		char detail[128];                  /* "flood, mtu", "remote_as, description" ... */
	} rows[VTEPD_RELOAD_ROWS];
};

/*
 * Compare the running switch d with nc (loaded from nc->path) and check that every change
 * can be made: 0 with plan filled, or a positive errno with err naming the first thing
 * that cannot change ("FILE:LINE:COLUMN: ..."). Reads d only.
 */
int vtepd_reload_plan(const struct vtepd *d, const struct vtep_config *nc, struct vtepd_reload_plan *plan,
		      char *err, size_t errlen);
/* Add a row "kind name action: detail" (detail may be NULL) to plan's list of changes. */
void vtepd_reload_row(struct vtepd_reload_plan *plan, const char *kind, const char *action, const char *detail,
		      const char *name);
/* True when the plan changes nothing. */
bool vtepd_reload_plan_empty(const struct vtepd_reload_plan *plan);
/*
 * Carry out a plan made for nc against d as it is now. nc's lists are taken (nc is left
 * to vtep_config_free). 0, or the errno of a step the system refused (err says which; the
 * steps before it stay made).
 */
int vtepd_reload_apply(struct vtepd *d, struct vtep_config *nc, const struct vtepd_reload_plan *plan, char *err,
		       size_t errlen);
/*
 * The whole reload: load d->cfg.path again (the loader's FILE:LINE:COLUMN errors), plan,
 * check the bgp section (vtepd_reload_bgp), apply. plan (may be NULL) gets what was done.
 * 0, or a positive errno with err; nothing changed unless the error comes from the apply step.
 */
int vtepd_reload(struct vtepd *d, struct vtepd_reload_plan *plan, char *err, size_t errlen);

/*
 * reload_bgp.c: the bgp section's part of a reload, between the running configuration's
 * (old, d->cfg.bgp) and the new file's (nw, loaded from path). Called twice: with apply
 * false while the whole reload is checked (return a positive errno and a "FILE:LINE:COLUMN:
 * ..." message in err to refuse the reload; change nothing), then, once everything is
 * checked, with apply true to make the change (d->cfg.bgp is the caller's to update
 * afterwards: it copies nw's neighbours over when this returns 0).
 */
/* 'vtepctl reload': the handler of its row in the command table (commands.c). */
int vtepd_cmd_reload(struct ctl_out *o, int argc, char **argv, void *ctx);

/* Write "FILE:LINE:COLUMN: KEY: message" into err (where key is in the file at path); returns rc. */
int vtepd_reload_refuse(int rc, char *err, size_t errlen, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

int vtepd_reload_bgp(struct vtepd *d, const struct vtep_bgp_config *old, const struct vtep_bgp_config *nw,
		     const char *path, bool apply, char *err, size_t errlen);
/*
 * The rows of the bgp section's change (vtepd_reload_plan calls it last: the neighbours
 * change last), in the order fabric_neighbors_apply makes them: "neighbor ADDRESS removed"
 * for each running neighbour the file drops, then in the file's order "added", or "changed"
 * with the keys that differ ("remote_as, description"). Nothing when either side has no
 * bgp section (a reload refuses that). Reads only.
 */
void vtepd_reload_plan_bgp(const struct vtep_bgp_config *old, const struct vtep_bgp_config *nw,
			   struct vtepd_reload_plan *plan);

#endif
