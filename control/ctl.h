/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.h: the management socket (a UNIX stream socket, mode 0600) that vtepctl talks to,
 * and the output builder every command writes through, so one handler serves both the
 * human table and the JSON (-j) form.
 *
 * Wire protocol, one request per connection:
 *   request : "<json|text>\t<word>\t<word>...\n"   (words are the command's argv, tab-separated)
 *   response: "<status>\n<body>"  then the server closes. status 0 = success; otherwise a
 *             positive errno and the body is one line of error text.
 */
#ifndef VTEP_CTL_H
#define VTEP_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct ctl_out;

/* A command: words to match (prefix of argv, e.g. {"show","macs"}), handler gets the rest. */
typedef int (*ctl_handler_fn)(struct ctl_out *out, int argc, char **argv, void *ctx);
struct ctl_command {
	const char *words[4];       /* NULL-terminated, up to 3 words */
	const char *usage;          /* e.g. "show macs [vni N]" */
	ctl_handler_fn handler;     /* returns 0 or a positive errno after ctl_error() */
};

/* Server (control thread). Listening socket; unlinks a stale socket file first. */
int ctl_server_open(const char *path, int *fd_out);
/*
 * Accept one connection on listen_fd and serve its request completely (bounded reads with a
 * 1 s timeout so a silent client cannot hang the control thread). Unknown commands answer
 * with the list of usages.
 */
void ctl_server_serve_one(int listen_fd, const struct ctl_command *cmds, size_t n_cmds, void *ctx);
void ctl_server_close(int fd, const char *path);

/* Output builder. JSON: nested objects/arrays. Text: key: value lines, lists as aligned tables. */
void ctl_error(struct ctl_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ctl_is_json(const struct ctl_out *o);
void ctl_obj_begin(struct ctl_out *o, const char *key);   /* key NULL inside a list or at top */
void ctl_obj_end(struct ctl_out *o);
void ctl_list_begin(struct ctl_out *o, const char *key);  /* a list of objects (rows of a table) */
void ctl_list_end(struct ctl_out *o);
void ctl_str(struct ctl_out *o, const char *key, const char *val);
void ctl_u64(struct ctl_out *o, const char *key, uint64_t val);
void ctl_i64(struct ctl_out *o, const char *key, int64_t val);
void ctl_bool(struct ctl_out *o, const char *key, bool val);
void ctl_strf(struct ctl_out *o, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For tests: build an output in memory, run a handler, get the text. */
struct ctl_out *ctl_out_new(bool json);
const char *ctl_out_body(struct ctl_out *o, size_t *len);  /* finishes the document */
int ctl_out_status(const struct ctl_out *o);
void ctl_out_free(struct ctl_out *o);

/* Client (vtepctl): send argv, get status and body (malloc'd, NUL-terminated). */
int ctl_client_request(const char *path, bool json, int argc, char **argv, int *status, char **body);

#endif
