/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dk_state.c: vtepd-docker's state (docker.h): the networks and endpoints Docker created, in
 * memory as one JSON document and on disk in the state file, written whole after every change
 * (a temporary file, fsync'd, renamed over the old one) so a driver restarted, or killed at any
 * moment, starts with what Docker believes exists.
 */
#include "docker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int dk_driver_init(struct dk_driver *d, const char *state_path, const char *socket, int pid, dk_call_fn call)
{
	memset(d, 0, sizeof(*d));
	if (snprintf(d->state_path, sizeof(d->state_path), "%s", state_path ? state_path : "") >=
		    (int)sizeof(d->state_path) ||
	    snprintf(d->socket, sizeof(d->socket), "%s", socket) >= (int)sizeof(d->socket))
		return ENAMETOOLONG;
	d->pid = pid;
	d->call = call;
	d->state = json_pack("{s:{},s:{}}", "networks", "endpoints");
	return d->state ? 0 : ENOMEM;
}

void dk_driver_free(struct dk_driver *d)
{
	json_decref(d->state);
	d->state = NULL;
}

/* The fields every entry must have, with their JSON types: a file that lacks one is refused. */
static const char *dk_state_check(const json_t *root)
{
	static const struct {
		const char *table, *key;
		json_type type;
	} need[] = {
		{ "networks", "vni", JSON_INTEGER },      { "networks", "mtu", JSON_INTEGER },
		{ "networks", "socket", JSON_STRING },    { "networks", "vni_created", JSON_TRUE },
		{ "endpoints", "network", JSON_STRING },  { "endpoints", "mac", JSON_STRING },
		{ "endpoints", "port", JSON_STRING },     { "endpoints", "ifname", JSON_STRING },
		{ "endpoints", "joined", JSON_TRUE },
	};
	const char *id;
	json_t *e;

	if (!json_is_object(json_object_get(root, "networks")) || !json_is_object(json_object_get(root, "endpoints")))
		return "no \"networks\" and \"endpoints\" objects";
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		json_object_foreach(json_object_get(root, need[i].table), id, e) {
			json_t *v = json_object_get(e, need[i].key);
			bool ok = need[i].type == JSON_TRUE ? json_is_boolean(v) : v && json_typeof(v) == need[i].type;

			if (!ok)
				return need[i].key;
		}
	}
	return NULL;
}

int dk_state_load(struct dk_driver *d, char *err, size_t errlen)
{
	json_error_t je;
	const char *bad;
	json_t *root;

	if (!d->state_path[0] || access(d->state_path, F_OK) != 0)
		return 0;   /* nothing yet: empty */
	root = json_load_file(d->state_path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "state file %s:%d:%d: %s", d->state_path, je.line, je.column, je.text);
		return EINVAL;
	}
	bad = dk_state_check(root);
	if (bad) {
		snprintf(err, errlen, "state file %s: an entry lacks or mistypes '%s'", d->state_path, bad);
		json_decref(root);
		return EINVAL;
	}
	json_decref(d->state);
	d->state = root;
	return 0;
}

int dk_state_save(const struct dk_driver *d, char *err, size_t errlen)
{
	char tmp[sizeof(d->state_path) + 8];
	int fd, rc = 0;

	if (!d->state_path[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->state_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno;
		snprintf(err, errlen, "cannot write state file %s: %s", tmp, strerror(rc));
		return rc;
	}
	errno = 0;
	if (json_dumpfd(d->state, fd, JSON_INDENT(1) | JSON_SORT_KEYS) || write(fd, "\n", 1) != 1)
		rc = errno ? errno : EIO;
	if (!rc && fsync(fd))
		rc = errno;
	if (close(fd) && !rc)
		rc = errno;
	if (!rc && rename(tmp, d->state_path))
		rc = errno;
	if (rc) {
		snprintf(err, errlen, "cannot write state file %s: %s", d->state_path, strerror(rc));
		unlink(tmp);
	}
	return rc;
}
