/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_memif.c: the port keys that choose a port's kind (type: af_xdp | memif) and the
 * keys of a memif port (socket, memif_id).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_memif.h"

int cfg_port_type(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		  yaml_node_t *val, const char *path)
{
	struct vtep_port_config *p = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc = cfg_scalar(c, key, val, path, "af_xdp or memif", &s);

	(void)k;
	if (rc)
		return rc;
	if (!strcmp(s, "af_xdp"))
		p->type = VTEP_PORT_AF_XDP;
	else if (!strcmp(s, "memif"))
		p->type = VTEP_PORT_MEMIF;
	else
		return cfg_fail(c, cfg_mark(key, val), "%s: unknown port type '%s' (expected af_xdp or memif)", path,
				cfg_show(val, sv, sizeof(sv)));
	return 0;
}

/* A key that only the other kind of port takes (CFG_ONLY_* in the port's table). */
int cfg_port_wrong_kind(struct cfg_ctx *c, const struct cfg_map *m, enum vtep_port_type type)
{
	const struct cfg_key *k = cfg_map_other_kind(m, type);

	if (!k)
		return 0;
	if (type == VTEP_PORT_MEMIF)
		return cfg_fail(c, &cfg_map_key(m, k->name)->start_mark,
				"'%s': key '%s' is for AF_XDP ports (expected no netns, pid or ifname on a memif port: "
				"its client connects to the socket)", m->path, k->name);
	return cfg_fail(c, &cfg_map_key(m, k->name)->start_mark,
			"'%s': key '%s' is for memif ports (expected 'type: memif' with it, or netns/pid for AF_XDP)",
			m->path, k->name);
}

int cfg_port_socket(struct cfg_ctx *c, const struct cfg_map *m, const struct cfg_key *k, yaml_node_t *key,
		    yaml_node_t *val, const char *path)
{
	struct vtep_port_config *p = m->obj;
	char sv[CFG_SHOW_MAX + 16];
	const char *s;
	int rc;

	(void)k;
	rc = cfg_scalar(c, key, val, path, "an absolute path for the memif socket", &s);
	if (rc)
		return rc;
	if (strlen(s) != val->data.scalar.length || vtep_memif_socket_check(s))
		return cfg_fail(c, cfg_mark(key, val),
				"%s: '%s' is not a usable socket path (expected an absolute path of a file, shorter than %d characters, without ',', '=' or whitespace)",
				path, cfg_show(val, sv, sizeof(sv)), VTEP_MEMIF_SOCKET_MAX);
	snprintf(p->socket, sizeof(p->socket), "%s", s);
	return 0;
}

int cfg_port_memif_check(struct cfg_ctx *c, const struct cfg_map *m, size_t idx)
{
	struct vtep_config *cfg = c->cfg;
	const struct vtep_port_config *p = &cfg->ports[idx];

	/*
	 * One port per socket (DPDK 22.11 panics when one of two memifs sharing a listener goes);
	 * default sockets are per port and never clash.
	 */
	for (size_t j = 0; p->socket[0] && j < idx; j++) {
		const struct vtep_port_config *q = &cfg->ports[j];

		if (q->type == VTEP_PORT_MEMIF && !strcmp(q->socket, p->socket))
			return cfg_fail(c, &cfg_map_key(m, "socket")->start_mark,
					"'%s': memif socket %s is already port %s's (line %d) (expected one port per socket)",
					m->path, p->socket, q->name, q->line);
	}
	return 0;
}
