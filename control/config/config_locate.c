/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config_locate.c: where a key is written in a configuration file, for messages about a
 * valid file that cannot be applied as it is (a reload that changes a key which needs a
 * restart): the key's path as the loader's messages write it ("vtep.source_ip",
 * "vnis[2].mtu") gives the line and column of that key, or of the nearest enclosing one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config_walk.h"
#include "vtep_config.h"

/* The value of key name in mapping node map, and the key node itself; NULL when absent. */
static yaml_node_t *cfg_locate_get(yaml_document_t *doc, yaml_node_t *map, const char *name, size_t nlen,
				   yaml_node_t **key_out)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == nlen &&
		    !memcmp(k->data.scalar.value, name, nlen)) {
			*key_out = k;
			return yaml_document_get_node(doc, p->value);
		}
	}
	return NULL;
}

static yaml_node_t *cfg_locate_item(yaml_document_t *doc, yaml_node_t *seq, unsigned long i)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    i >= (unsigned long)(seq->data.sequence.items.top - seq->data.sequence.items.start))
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

int vtep_config_locate(const char *path, const char *key, int *line, int *col)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *node, *found = NULL;
	const char *s = key;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = ENOENT;

	*line = 1;
	*col = 1;
	f = path ? fopen(path, "re") : NULL;
	if (!f)
		return errno ? errno : ENOENT;
	buf = malloc(CFG_MAX_FILE_SIZE);
	if (buf)
		len = fread(buf, 1, CFG_MAX_FILE_SIZE, f);
	fclose(f);
	if (!buf)
		return ENOMEM;
	if (!yaml_parser_initialize(&parser)) {
		free(buf);
		return ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		free(buf);
		return EINVAL;
	}
	node = yaml_document_get_root_node(&doc);
	while (node && *s) {
		size_t n = strcspn(s, ".[");
		yaml_node_t *k = NULL;

		node = cfg_locate_get(&doc, node, s, n, &k);
		if (!node)
			break;
		found = k;
		s += n;
		while (node && *s == '[') {
			char *end;
			unsigned long i = strtoul(s + 1, &end, 10);

			if (*end != ']')
				break;
			node = cfg_locate_item(&doc, node, i);
			if (node)
				found = node;
			s = end + 1;
		}
		if (*s == '.')
			s++;
		else if (*s)
			break;
	}
	if (found) {
		*line = (int)found->start_mark.line + 1;
		*col = (int)found->start_mark.column + 1;
		rc = 0;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(buf);
	return rc;
}
