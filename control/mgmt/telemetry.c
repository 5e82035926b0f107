/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * telemetry.c: vtepd's commands on DPDK's telemetry socket. EAL keeps telemetry on
 * (/run/dpdk/vtepd-NAME/dpdk_telemetry.v2), so `dpdk-telemetry.py -f vtepd-NAME` answers
 * DPDK's own commands (/ethdev/list, /ethdev/stats,N ...) and ours:
 *   /vtepd/ports[,NAME]   what `vtepctl -j show ports` says (one port with NAME)
 *   /vtepd/vnis[,VNI]     what `vtepctl -j show vnis` says (one VNI with VNI)
 *   /vtepd/stats[,fdb|vrfs]  what `vtepctl -j show stats [fdb|vrfs]` says
 *
 * Threads. DPDK calls these callbacks on its telemetry thread (one per connected client),
 * while the state they describe belongs to the control thread, which changes it without
 * locks. So the callback never reads that state: it hands the request to the control thread
 * and waits, bounded, for the answer. The hand-over is one mailbox under a mutex: the
 * callback (one at a time: `serial`) posts its command words, marks the mailbox PENDING and
 * writes an eventfd that is in the control thread's epoll loop; the control thread runs the
 * very command vtepctl would (vtepd_commands_run, JSON), puts the text in the mailbox and
 * marks it DONE. The callback waits at most TM_WAIT_MS for the control thread to pick the
 * request up (a busy or stopped control thread gives the client an error, never a hang);
 * once picked up (RUNNING) the answer is coming and it waits for it. It then turns the JSON
 * into DPDK's telemetry data on its own thread (jansson; nothing shared). Nothing here
 * touches the fast path, and the control thread never waits on the telemetry thread.
 *
 * The answer has the shape of vtepctl's JSON: objects become dictionaries, lists of objects
 * arrays of dictionaries, numbers unsigned (or signed) integers, booleans the strings
 * "true"/"false", fractions strings. DPDK limits a reply to 16 KiB and a dictionary to 256
 * entries: a very large leaf's full port list is cut short there (ask for one port).
 */
#include "telemetry.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_telemetry.h>

#include "commands.h"
#include "ctl.h"
#include "log.h"

#define TM_WAIT_MS 2000           /* how long a request waits for the control thread to pick it up */
#define TM_MAX_WORDS 4
#define TM_WORD_LEN 64

enum tm_state { TM_IDLE, TM_PENDING, TM_RUNNING, TM_DONE };

static struct {
	pthread_mutex_t lock;     /* the mailbox below */
	pthread_cond_t cond;
	pthread_mutex_t serial;   /* one request in the mailbox at a time */
	int efd;
	bool running;             /* between start and stop */
	bool registered;          /* DPDK has no way to unregister: registered once per process */
	enum tm_state state;
	int argc;
	char argv[TM_MAX_WORDS][TM_WORD_LEN];
	char *reply;              /* malloc'd JSON (DONE), NULL on failure */
	int status;
} tm = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
	 .serial = PTHREAD_MUTEX_INITIALIZER, .efd = -1 };

/* ---- the telemetry thread's side ---- */

/* Ask the control thread to run argv; its JSON reply (malloc'd) or NULL with *status. */
static char *tm_ask(int argc, const char *const *argv, int *status)
{
	struct timespec deadline;
	char *reply = NULL;
	uint64_t one = 1;

	pthread_mutex_lock(&tm.serial);
	pthread_mutex_lock(&tm.lock);
	if (!tm.running) {
		pthread_mutex_unlock(&tm.lock);
		pthread_mutex_unlock(&tm.serial);
		*status = ESHUTDOWN;
		return NULL;
	}
	tm.argc = argc;
	for (int i = 0; i < argc; i++)
		snprintf(tm.argv[i], sizeof(tm.argv[i]), "%s", argv[i]);
	tm.state = TM_PENDING;
	tm.reply = NULL;
	tm.status = 0;
	if (write(tm.efd, &one, sizeof(one)) != (ssize_t)sizeof(one)) {
		tm.state = TM_IDLE;
		pthread_mutex_unlock(&tm.lock);
		pthread_mutex_unlock(&tm.serial);
		*status = EIO;
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += TM_WAIT_MS / 1000;
	deadline.tv_nsec += (long)(TM_WAIT_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (tm.state != TM_DONE) {
		if (tm.state == TM_PENDING && pthread_cond_timedwait(&tm.cond, &tm.lock, &deadline) == ETIMEDOUT &&
		    tm.state == TM_PENDING) {
			tm.state = TM_IDLE;       /* never picked up: withdrawn */
			tm.status = ETIMEDOUT;
			break;
		}
		if (tm.state == TM_RUNNING)
			pthread_cond_wait(&tm.cond, &tm.lock);
	}
	*status = tm.status;
	reply = tm.reply;
	tm.reply = NULL;
	tm.state = TM_IDLE;
	pthread_mutex_unlock(&tm.lock);
	pthread_mutex_unlock(&tm.serial);
	return reply;
}

static int tm_from_object(struct rte_tel_data *d, json_t *obj, int depth);

/* The name a list element goes by in a dictionary: its "name", "vni", "vtep" or "vrf", else its index. */
static void tm_elem_key(json_t *v, size_t i, char *buf, size_t len)
{
	static const char *const keys[] = { "name", "vni", "vtep", "vrf", "port" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *f = json_object_get(v, keys[k]);

		if (json_is_string(f)) {
			snprintf(buf, len, "%s", json_string_value(f));
			return;
		}
		if (json_is_integer(f)) {
			snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(f));
			return;
		}
	}
	snprintf(buf, len, "%zu", i);
}

/*
 * A JSON list: of objects, a dictionary keyed by each one's name (DPDK 22.11's arrays hold
 * only numbers and strings); of numbers or strings, an array.
 */
static int tm_from_array(struct rte_tel_data *d, json_t *arr, int depth)
{
	json_t *first = json_array_get(arr, 0), *v;
	size_t i;

	if (!first || json_is_object(first)) {
		rte_tel_data_start_dict(d);
		json_array_foreach(arr, i, v) {
			struct rte_tel_data *c;
			char key[RTE_TEL_MAX_STRING_LEN];

			if (!json_is_object(v) || !(c = rte_tel_data_alloc()))
				continue;
			tm_elem_key(v, i, key, sizeof(key));
			if (tm_from_object(c, v, depth + 1) || rte_tel_data_add_dict_container(d, key, c, 0))
				rte_tel_data_free(c);
		}
	} else if (json_is_integer(first)) {
		rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
		json_array_foreach(arr, i, v)
			rte_tel_data_add_array_u64(d, (uint64_t)json_integer_value(v));
	} else {
		rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
		json_array_foreach(arr, i, v) {
			char buf[RTE_TEL_MAX_STRING_LEN];

			snprintf(buf, sizeof(buf), "%s", json_is_string(v) ? json_string_value(v) : "?");
			rte_tel_data_add_array_string(d, buf);
		}
	}
	return 0;
}

static int tm_from_object(struct rte_tel_data *d, json_t *obj, int depth)
{
	const char *key;
	json_t *v;

	rte_tel_data_start_dict(d);
	json_object_foreach(obj, key, v) {
		char buf[RTE_TEL_MAX_STRING_LEN];

		if (json_is_integer(v)) {
			json_int_t x = json_integer_value(v);

			if (x >= 0)
				rte_tel_data_add_dict_u64(d, key, (uint64_t)x);
			else
				rte_tel_data_add_dict_int(d, key, (int)x);
		} else if (json_is_real(v)) {
			snprintf(buf, sizeof(buf), "%g", json_real_value(v));
			rte_tel_data_add_dict_string(d, key, buf);
		} else if (json_is_boolean(v)) {
			rte_tel_data_add_dict_string(d, key, json_is_true(v) ? "true" : "false");
		} else if (json_is_string(v)) {
			snprintf(buf, sizeof(buf), "%s", json_string_value(v));
			rte_tel_data_add_dict_string(d, key, buf);
		} else if ((json_is_object(v) || json_is_array(v)) && depth < 4) {
			struct rte_tel_data *c = rte_tel_data_alloc();

			if (!c)
				return ENOMEM;
			if ((json_is_object(v) ? tm_from_object(c, v, depth + 1) : tm_from_array(c, v, depth)) ||
			    rte_tel_data_add_dict_container(d, key, c, 0))
				rte_tel_data_free(c);
		}
	}
	return 0;
}

/* The element of list (an array of objects) whose field key is the string or number want. */
static json_t *tm_select(json_t *list, const char *key, const char *want)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		json_t *f = json_object_get(v, key);
		char buf[32];

		if (json_is_string(f) && strcmp(json_string_value(f), want) == 0)
			return v;
		if (json_is_integer(f) && snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(f)) > 0 &&
		    strcmp(buf, want) == 0)
			return v;
	}
	return NULL;
}

/*
 * One command: run argv on the control thread; with a parameter, list/key pick the one
 * element of that list (ports by name, VNIs by number), else the parameter is a word of argv.
 */
static int tm_answer(struct rte_tel_data *d, const char *params, const char *w0, const char *w1, const char *list,
		     const char *key)
{
	const char *argv[TM_MAX_WORDS] = { w0, w1 };
	int argc = 2, status = 0;
	bool param = params && params[0];
	json_error_t jerr;
	json_t *root, *pick;
	char *reply;
	int rc;

	if (param && !list) {
		if (strlen(params) >= TM_WORD_LEN || strchr(params, ','))
			return -1;
		argv[argc++] = params;
	}
	reply = tm_ask(argc, argv, &status);
	if (!reply) {
		rte_tel_data_string(d, status == ETIMEDOUT ? "vtepd's control thread did not answer in time"
					      : status == ESHUTDOWN ? "vtepd is shutting down" : "vtepd: request failed");
		return 0;
	}
	root = json_loads(reply, 0, &jerr);
	free(reply);
	if (!root)
		return -1;
	if (status) {
		/* the command's error: its text (vtepctl prints the same) */
		json_t *e = json_object_get(root, "error");

		rte_tel_data_string(d, json_is_string(e) ? json_string_value(e) : strerror(status));
		json_decref(root);
		return 0;
	}
	if (param && list) {
		pick = tm_select(json_object_get(root, list), key, params);
		if (!pick) {
			char msg[RTE_TEL_MAX_STRING_LEN];

			snprintf(msg, sizeof(msg), "no %s %.64s", key, params);
			rte_tel_data_string(d, msg);
			json_decref(root);
			return 0;
		}
		rc = tm_from_object(d, pick, 0);
	} else {
		rc = tm_from_object(d, root, 0);
	}
	json_decref(root);
	return rc ? -1 : 0;
}

static int tm_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tm_answer(d, params, "show", "ports", "ports", "name");
}

static int tm_vnis(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tm_answer(d, params, "show", "vnis", "vnis", "vni");
}

static int tm_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	return tm_answer(d, params, "show", "stats", NULL, NULL);
}

/* ---- the control thread's side ---- */

/* All of o's reply as one malloc'd string (a streamed reply step by step); NULL: out of memory. */
static char *tm_collect(struct ctl_out *o, int *status)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = ctl_out_status(o);

	while (!rc) {
		const char *p;
		size_t n;
		char *nb;

		rc = ctl_out_next(o, &p, &n);
		if (rc != 0 && rc != 1)
			break;
		if (!(nb = realloc(buf, len + n + 1))) {
			free(buf);
			*status = ENOMEM;
			return NULL;
		}
		buf = nb;
		memcpy(buf + len, p, n);
		len += n;
		buf[len] = '\0';
		if (rc == 0)
			break;
		rc = 0;
	}
	if (rc) {
		/* failed: the error as a small JSON document */
		json_t *e = json_pack("{s:s}", "error", ctl_out_error(o) ? ctl_out_error(o) : strerror(rc));

		free(buf);
		buf = e ? json_dumps(e, JSON_COMPACT) : NULL;
		json_decref(e);
		*status = rc;
		return buf;
	}
	*status = 0;
	return buf;
}

void vtepd_telemetry_serve(struct vtepd *d)
{
	char words[TM_MAX_WORDS][TM_WORD_LEN];
	char *argv[TM_MAX_WORDS + 1];
	struct ctl_out *o;
	uint64_t n;
	int argc, status = 0;
	char *reply = NULL;

	if (read(tm.efd, &n, sizeof(n)) < 0)
		return;
	pthread_mutex_lock(&tm.lock);
	if (tm.state != TM_PENDING) {
		pthread_mutex_unlock(&tm.lock);
		return;
	}
	tm.state = TM_RUNNING;
	argc = tm.argc;
	memcpy(words, tm.argv, sizeof(words));
	pthread_mutex_unlock(&tm.lock);

	for (int i = 0; i < argc; i++)
		argv[i] = words[i];
	argv[argc] = NULL;
	o = vtepd_commands_run(d, true, argc, argv);
	if (o) {
		reply = tm_collect(o, &status);
		ctl_out_free(o);
	} else {
		status = ENOMEM;
	}

	pthread_mutex_lock(&tm.lock);
	tm.reply = reply;
	tm.status = status;
	tm.state = TM_DONE;
	pthread_cond_broadcast(&tm.cond);
	pthread_mutex_unlock(&tm.lock);
}

int vtepd_telemetry_fd(void)
{
	return tm.efd;
}

int vtepd_telemetry_start(struct vtepd *d)
{
	(void)d;
	tm.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (tm.efd < 0)
		return errno;
	if (!tm.registered) {
		if (rte_telemetry_register_cmd("/vtepd/ports", tm_ports,
					       "vtepd's ports (vtepctl show ports). Parameters: port name (optional)") ||
		    rte_telemetry_register_cmd("/vtepd/vnis", tm_vnis,
					       "vtepd's VNIs (vtepctl show vnis). Parameters: VNI (optional)") ||
		    rte_telemetry_register_cmd("/vtepd/stats", tm_stats,
					       "vtepd's counters (vtepctl show stats). Parameters: fdb or vrfs (optional)"))
			vlog(VLOG_WARN, "telemetry: cannot register vtepd's commands");
		tm.registered = true;
	}
	pthread_mutex_lock(&tm.lock);
	tm.running = true;
	tm.state = TM_IDLE;
	pthread_mutex_unlock(&tm.lock);
	return 0;
}

void vtepd_telemetry_stop(void)
{
	pthread_mutex_lock(&tm.lock);
	tm.running = false;
	if (tm.state == TM_PENDING) {
		/* a waiting request gets its answer now: none */
		tm.reply = NULL;
		tm.status = ESHUTDOWN;
		tm.state = TM_DONE;
		pthread_cond_broadcast(&tm.cond);
	}
	if (tm.efd >= 0)
		close(tm.efd);
	tm.efd = -1;
	pthread_mutex_unlock(&tm.lock);
}
