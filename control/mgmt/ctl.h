/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.h: the management socket (a UNIX stream socket, mode 0600) that vtepctl talks to,
 * and the output builder every command writes through, so one handler serves both the
 * human table and the JSON (-j) form.
 *
 * Wire protocol, one request per connection:
 *   request : "<format>\t<word>\t<word>...\n"   (words are the command's argv, tab-separated)
 *             format is json or text (legacy replies) or json-framed or text-framed (vtepctl).
 *   response: "<status>\n" first. status 0 = success; otherwise a positive errno, the rest is
 *             one line of error text and the server closes.
 *             After status 0, a legacy reply is the body then the close (a reply cut short
 *             cannot be told from a whole one); a framed reply is chunks "D<len>\n<len bytes>"
 *             (len in decimal) ended by the trailer "E<status> <items>[ <error text>]\n": no
 *             trailer means the reply was cut short. A non-zero trailer status means the
 *             command failed after part of its reply was sent. items counts the entries of
 *             the top-level lists.
 *
 * The server runs on the control thread from its event loop and never blocks on a client:
 * connections are non-blocking, served from one epoll descriptor (ctl_server_fd) that the
 * daemon adds to its own loop; at most CTL_MAX_CONNS at a time (beyond: an EBUSY reply);
 * a client that does not send its request within CTL_REQUEST_TIMEOUT_MS, or does not read
 * its reply for CTL_WRITE_TIMEOUT_MS, is dropped. Large replies are streamed (ctl_stream):
 * produced as the client reads them, in constant memory.
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

#define CTL_MAX_CONNS 64
#define CTL_REQUEST_TIMEOUT_MS 2000    /* connect to complete request line */
#define CTL_WRITE_TIMEOUT_MS 5000      /* a reply the client does not read for this long */

/* Server (control thread). Listening socket; unlinks a stale socket file first. */
int ctl_server_open(const char *path, int *fd_out);
void ctl_server_close(int fd, const char *path);

struct ctl_server;
struct ctl_server_stats {
	uint64_t accepted, refused_busy, timed_out, served;
	unsigned open;                  /* connections now */
};
/* A server on the listening socket listen_fd (not taken over: ctl_server_close it after). */
int ctl_server_new(int listen_fd, const struct ctl_command *cmds, size_t n_cmds, void *ctx,
		   struct ctl_server **out);
/* The descriptor to poll for input (an epoll descriptor): call ctl_server_run when readable. */
int ctl_server_fd(const struct ctl_server *s);
/*
 * Accepts, reads, dispatches and writes whatever is ready without blocking (timeout_ms 0),
 * or waits up to timeout_ms for something to do (tests); and drops expired clients. Call it
 * also now and then (every 100 ms) so that timeouts expire while nothing else happens.
 */
void ctl_server_run(struct ctl_server *s, int timeout_ms);
void ctl_server_get_stats(const struct ctl_server *s, struct ctl_server_stats *st);
void ctl_server_free(struct ctl_server *s);
/*
 * For tests: accept one pending connection on listen_fd (none: return at once) and serve
 * it to the end, blocking the caller (bounded by the timeouts above).
 */
void ctl_server_serve_one(int listen_fd, const struct ctl_command *cmds, size_t n_cmds, void *ctx);

/*
 * A growable NUL-terminated text buffer (the builder's, and metrics.c's body): start from
 * { 0 }; on allocation failure oom is set, p keeps what was written and what follows is
 * dropped. ctl_buf_free frees p and resets the buffer to { 0 }.
 */
struct ctl_buf {
	char *p;                        /* NULL until something is written */
	size_t len, cap;
	bool oom;
};
void ctl_buf_add(struct ctl_buf *b, const char *s, size_t n);
void ctl_buf_puts(struct ctl_buf *b, const char *s);
void ctl_buf_free(struct ctl_buf *b);

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

/*
 * Streaming: a handler whose reply can be large opens its list (ctl_list_begin), calls
 * ctl_stream and returns 0 with the list still open. The server then calls fn each time the
 * client has drained what was sent; fn adds a bounded number of items to the open list and
 * returns CTL_STREAM_MORE, or closes the list, may add trailing fields and returns 0 when
 * done, or a positive errno after ctl_error. Items added are sent and freed after each
 * call, so memory stays constant. state_free (may be NULL) frees state at the end.
 * Without a server (ctl_out_body), the whole stream is produced at once.
 */
#define CTL_STREAM_MORE (-1)
typedef int (*ctl_stream_fn)(struct ctl_out *o, void *state);
void ctl_stream(struct ctl_out *o, ctl_stream_fn fn, void *state, void (*state_free)(void *));

/*
 * Running a command without the socket (the HTTP API, api.c): ctl_find gives the
 * command argv starts with (the longest match; NULL: none) and how many words it matched.
 * ctl_run runs it as the server would (an unknown command is an EINVAL error) and returns
 * the output (NULL: out of memory); ctl_out_status tells whether it failed at once.
 * ctl_out_next then produces the reply part by part: p and len (valid until the next call)
 * the next part, returning 1 (more to come: a streamed reply's step), 0 (that was the
 * last part), or a positive errno (the command failed now; ctl_out_error has the text).
 */
const struct ctl_command *ctl_find(const struct ctl_command *cmds, size_t n_cmds, int argc, char **argv,
				   int *n_words);
struct ctl_out *ctl_run(const struct ctl_command *cmds, size_t n_cmds, void *ctx, bool json, int argc, char **argv);
int ctl_out_next(struct ctl_out *o, const char **p, size_t *len);
const char *ctl_out_error(const struct ctl_out *o);

/* For tests: build an output in memory, run a handler, get the text. */
struct ctl_out *ctl_out_new(bool json);
const char *ctl_out_body(struct ctl_out *o, size_t *len);  /* finishes the document */
int ctl_out_status(const struct ctl_out *o);
void ctl_out_free(struct ctl_out *o);

/*
 * Client (vtepctl): send argv, get status and body (malloc'd, NUL-terminated; a reply over
 * 64 MiB is EMSGSIZE). A reply cut short is EPROTO; a command that failed after part of its
 * reply was sent gives that status and its error text as the body.
 */
int ctl_client_request(const char *path, bool json, int argc, char **argv, int *status, char **body);
/*
 * Streaming form: a successful reply's body goes to sink as it arrives (sink returns 0 or
 * an errno, which aborts). On an error status, *errmsg (malloc'd) has the error text.
 * Returns 0 or an errno (EPROTO: the reply was cut short or malformed).
 */
typedef int (*ctl_sink_fn)(const char *p, size_t n, void *arg);
int ctl_client_stream(const char *path, bool json, int argc, char **argv, ctl_sink_fn sink, void *arg,
		      int *status, char **errmsg);

#endif
