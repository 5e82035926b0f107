/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_priv.h: what the configuration loader's modules share (config.c: the schema
 * walk and the vtep/underlay/fastpath/vnis/ports sections; config_bgp.c: the bgp section
 * and the EVPN keys of a VNI): the parse context and the node helpers. Every helper that
 * fails writes one "FILE:LINE:COLUMN: message" line and returns a positive errno.
 */
#ifndef VTEP_CONFIG_PRIV_H
#define VTEP_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "vtep_config.h"

#define CFG_MAX_FILE_SIZE (16u << 20)    /* refuse larger configuration files */
#define CFG_MAX_FLOOD 256                /* flood addresses per VNI */
#define CFG_PID_MAX 4194304              /* PID_MAX_LIMIT */
#define CFG_MAC_AGING_MAX (86400u * 7)
#define CFG_SHOW_MAX 48                  /* bytes of a user value quoted in a message */
#define CFG_MAX_DEPTH 32                 /* collection nesting; the schema needs 5 */

struct cfg_ctx {
	const char *name;                /* file name used in messages */
	const char *input;               /* raw bytes, to place reader errors */
	size_t input_len;
	yaml_document_t *doc;
	struct vtep_config *cfg;
	char *err;
	size_t errlen;
};

/* One expected key of a mapping, filled by cfg_collect(). */
struct cfg_field {
	const char *name;
	bool required;
	yaml_node_t *key;
	yaml_node_t *val;
};

int cfg_fail(struct cfg_ctx *c, const yaml_mark_t *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cfg_nomem(struct cfg_ctx *c);
bool cfg_is_null(const yaml_node_t *n);
const yaml_mark_t *cfg_mark(const yaml_node_t *key, const yaml_node_t *val);
const char *cfg_show(const yaml_node_t *n, char *buf, size_t size);
int cfg_kind(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
	     const char *expected);
size_t cfg_seq_len(const yaml_node_t *seq);
yaml_node_t *cfg_seq_item(struct cfg_ctx *c, const yaml_node_t *seq, size_t i);
yaml_node_t *cfg_map_get(struct cfg_ctx *c, const yaml_node_t *map, const char *name);
void cfg_path(char *dst, size_t size, const char *parent, const char *key);
void cfg_path_idx(char *dst, size_t size, const char *parent, size_t i);
int cfg_collect(struct cfg_ctx *c, yaml_node_t *map, const char *path, const yaml_mark_t *where,
		struct cfg_field *f, size_t nf);
int cfg_scalar(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
	       const char *expected, const char **out);
int cfg_uint(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, uint64_t min,
	     uint64_t max, const char *hint, uint64_t *out);
int cfg_u32(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, uint32_t min,
	    uint32_t max, const char *hint, uint32_t *out);
int cfg_bool(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path, bool *out);
int cfg_ipv4_unicast(struct cfg_ctx *c, const yaml_node_t *key, const yaml_node_t *val, const char *path,
		     uint32_t *ip);

/* config_bgp.c */
int cfg_section_bgp(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val);
/* The EVPN keys of one VNI (rd, route_targets); either pair may be NULL. */
int cfg_vni_evpn(struct cfg_ctx *c, yaml_node_t *rd_key, yaml_node_t *rd_val, yaml_node_t *rt_key,
		 yaml_node_t *rt_val, const char *path, struct vtep_vni_config *v);

/* config_memif.c: the kind of a port and a memif port's keys */
int cfg_port_type(struct cfg_ctx *c, yaml_node_t *key, yaml_node_t *val, const char *path,
		  enum vtep_port_type *type);
/* Fails when f was given: the key belongs to the other kind of port than type. */
int cfg_port_wrong_kind(struct cfg_ctx *c, const struct cfg_field *f, const char *path, enum vtep_port_type type);
/* socket and memif_id (either absent) of cfg->ports[idx]; the socket unique among the ports before it. */
int cfg_port_memif(struct cfg_ctx *c, const struct cfg_field *socket, const struct cfg_field *id, const char *path,
		   size_t idx);

#endif
