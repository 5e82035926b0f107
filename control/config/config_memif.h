/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_memif.h: the kind of a port (type: af_xdp | memif) and a memif port's keys
 * (config_memif.c), as the ports section (config.c) uses them.
 */
#ifndef VTEP_CONFIG_MEMIF_H
#define VTEP_CONFIG_MEMIF_H

#include "config_walk.h"

cfg_key_fn cfg_port_type;
/* Fails when the port has a key of the other kind than its type. */
int cfg_port_wrong_kind(struct cfg_ctx *c, const struct cfg_map *m, enum vtep_port_type type);
cfg_key_fn cfg_port_socket;
/* A memif port's socket (cfg->ports[idx]) is unique among the ports before it. */
int cfg_port_memif_check(struct cfg_ctx *c, const struct cfg_map *m, size_t idx);

#endif
