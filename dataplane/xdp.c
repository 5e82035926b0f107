/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp.c: finding vtepd's XDP objects, reaching the maps of the program attached to an
 * interface, and who owns an interface's XDP hook (see xdp.h). Control thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp.h"

#ifndef VTEPD_BPF_BUILD_DIR
#define VTEPD_BPF_BUILD_DIR ""
#endif
#ifndef VTEPD_BPF_INSTALL_DIR
#define VTEPD_BPF_INSTALL_DIR "/usr/local/lib/x86_64-linux-gnu/vtepd"
#endif
#ifndef VTEPD_BPF_EXE_REL
#define VTEPD_BPF_EXE_REL ""
#endif

struct vtep_xdp_cfg {
	uint32_t vtep_ip;
	uint16_t udp_port;
	uint16_t pad;
};

/*
 * The objects' directory relative to the running executable (VTEPD_BPF_EXE_REL from its own
 * directory: SBINDIR/../LIBDIR/vtepd), into dir; "" when that cannot be known. An installed tree
 * finds its own objects wherever it was put, before the build tree it came from.
 */
static void vtep_xdp_exe_dir(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	dir[0] = '\0';
	if (!VTEPD_BPF_EXE_REL[0])
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	if ((size_t)snprintf(dir, len, "%s/%s", exe, VTEPD_BPF_EXE_REL) >= len)
		dir[0] = '\0';
}

int vtep_xdp_object_path(bool underlay, char *path, size_t len)
{
	const char *file = underlay ? "xdp_vtep_underlay.o" : "xdp_vtep_port.o";
	char exe_dir[PATH_MAX];
	const char *dirs[] = { getenv("VTEPD_BPF_DIR"), exe_dir, VTEPD_BPF_BUILD_DIR, VTEPD_BPF_INSTALL_DIR };

	vtep_xdp_exe_dir(exe_dir, sizeof(exe_dir));

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !dirs[i][0])
			continue;
		if ((size_t)snprintf(path, len, "%s/%s", dirs[i], file) >= len)
			continue;
		if (access(path, R_OK) == 0)
			return 0;
	}
	snprintf(path, len, "%s", file);
	return ENOENT;
}

/*
 * Find a map called name used by the XDP program attached to ifname: 0 with an fd of it in
 * *fd_out (the caller closes it), or an errno (ENOENT: no program, or no such map).
 */
static int vtep_xdp_find_map(const char *ifname, const char *name, int *fd_out)
{
	unsigned ifindex = if_nametoindex(ifname);
	uint32_t prog_id = 0, map_ids[16], n_maps;
	struct bpf_prog_info info;
	uint32_t info_len = sizeof(info);
	int prog_fd, rc;

	*fd_out = -1;
	if (!ifindex)
		return ENODEV;
	rc = bpf_xdp_query_id((int)ifindex, 0, &prog_id);   /* libbpf: 0 or a negative errno */
	if (rc)
		return -rc;
	if (!prog_id)
		return ENOENT;
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 16;
	info.map_ids = (uint64_t)(uintptr_t)map_ids;
	rc = bpf_obj_get_info_by_fd(prog_fd, &info, &info_len) ? errno : 0;
	close(prog_fd);
	if (rc)
		return rc;
	n_maps = info.nr_map_ids < 16 ? info.nr_map_ids : 16;
	for (uint32_t i = 0; i < n_maps; i++) {
		struct bpf_map_info minfo;
		uint32_t mlen = sizeof(minfo);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		if (bpf_obj_get_info_by_fd(fd, &minfo, &mlen) == 0 && strcmp(minfo.name, name) == 0) {
			*fd_out = fd;
			return 0;
		}
		close(fd);
	}
	return ENOENT;
}

int vtep_xdp_configure(const char *ifname, uint32_t vtep_ip, uint16_t udp_port)
{
	struct vtep_xdp_cfg cfg = { .vtep_ip = vtep_ip, .udp_port = udp_port };
	uint32_t key = 0;
	int fd, rc;

	rc = vtep_xdp_find_map(ifname, "vtep_cfg", &fd);
	if (rc)
		return rc;
	rc = bpf_map_update_elem(fd, &key, &cfg, BPF_ANY) ? errno : 0;
	close(fd);
	return rc;
}

int vtep_xdp_stats(const char *ifname, uint64_t *redirected, uint64_t *passed)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	int fd, rc;

	*redirected = *passed = 0;
	rc = vtep_xdp_find_map(ifname, "vtep_stats", &fd);
	if (rc)
		return rc;
	if (ncpu <= 0) {
		close(fd);
		return EINVAL;
	}
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals) {
		close(fd);
		return ENOMEM;
	}
	for (uint32_t key = 0; key < 2 && rc == 0; key++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(fd, &key, vals)) {
			rc = errno;
			break;
		}
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (key == 0)
			*redirected = sum;
		else
			*passed = sum;
	}
	free(vals);
	close(fd);
	return rc;
}

/* ---- ownership of an interface's XDP hook ---- */

#define VTEP_XDP_PROG_PREFIX "vtep_xdp_"   /* vtep_xdp_underlay, vtep_xdp_port (names cut to 15) */
#define VTEP_XDP_LOCK_DIR "/run/vtepd"

int vtep_xdp_inspect(const char *ifname, struct vtep_xdp_prog *prog)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info;
	uint32_t info_len = sizeof(info);
	unsigned ifindex = if_nametoindex(ifname);
	int fd, rc;

	memset(prog, 0, sizeof(*prog));
	if (!ifindex)
		return ENODEV;
	rc = bpf_xdp_query((int)ifindex, 0, &q);   /* libbpf: 0 or a negative errno */
	if (rc)
		return -rc;
	if (q.skb_prog_id) {
		prog->id = q.skb_prog_id;
		prog->mode_flags = XDP_FLAGS_SKB_MODE;
	} else if (q.drv_prog_id) {
		prog->id = q.drv_prog_id;
		prog->mode_flags = XDP_FLAGS_DRV_MODE;
	} else if (q.hw_prog_id) {
		prog->id = q.hw_prog_id;
		prog->mode_flags = XDP_FLAGS_HW_MODE;
	} else {
		return 0;
	}
	fd = bpf_prog_get_fd_by_id(prog->id);
	if (fd < 0) {
		snprintf(prog->name, sizeof(prog->name), "?");
		return 0;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) == 0)
		snprintf(prog->name, sizeof(prog->name), "%.*s", (int)sizeof(info.name), info.name);
	close(fd);
	prog->ours = !strncmp(prog->name, VTEP_XDP_PROG_PREFIX, strlen(VTEP_XDP_PROG_PREFIX));
	return 0;
}

int vtep_xdp_remove_ours(const char *ifname, char *err, size_t errlen)
{
	struct vtep_xdp_prog prog;
	int rc = vtep_xdp_inspect(ifname, &prog), fd;

	if (rc) {
		snprintf(err, errlen, "cannot query the XDP program of %s: %s", ifname, strerror(rc));
		return rc;
	}
	if (!prog.id)
		return 0;
	if (!prog.ours) {
		snprintf(err, errlen,
			 "%s has a foreign XDP program '%s' (id %u) attached; vtepd does not replace it "
			 "(remove it with 'ip link set dev %s xdp off' if nothing needs it)",
			 ifname, prog.name, prog.id, ifname);
		return EBUSY;
	}
	/* Replace exactly that program with none: a program attached meanwhile stays. */
	fd = bpf_prog_get_fd_by_id(prog.id);
	if (fd < 0) {
		rc = errno;
	} else {
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = fd);

		rc = -bpf_xdp_detach((int)if_nametoindex(ifname), prog.mode_flags, &opts);
		close(fd);
	}
	if (rc == ENOENT)
		rc = 0;   /* gone meanwhile */
	if (rc)
		snprintf(err, errlen, "cannot remove the XDP program '%s' (id %u) from %s: %s", prog.name, prog.id, ifname,
			 strerror(rc));
	return rc;
}

/* /run/vtepd/xdp-NETNS-IFNAME.lock: interface names are per network namespace. */
static int vtep_xdp_lock_path(const char *ifname, char *path, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) != 0)
		return errno;
	if ((size_t)snprintf(path, len, VTEP_XDP_LOCK_DIR "/xdp-%lu-%s.lock", (unsigned long)st.st_ino, ifname) >= len)
		return ENAMETOOLONG;
	return 0;
}

int vtep_xdp_claim(const char *ifname, const char *owner, int *lock_fd, struct vtep_xdp_prog *removed, char *err,
		   size_t errlen)
{
	char path[128], buf[128];
	struct stat a, b;
	int fd, rc;

	*lock_fd = -1;
	if (removed)
		memset(removed, 0, sizeof(*removed));
	if (!ifname[0] || strchr(ifname, '/')) {
		snprintf(err, errlen, "bad interface name '%s'", ifname);
		return EINVAL;
	}
	rc = vtep_xdp_lock_path(ifname, path, sizeof(path));
	if (rc) {
		snprintf(err, errlen, "%s: cannot name its lock file: %s", ifname, strerror(rc));
		return rc;
	}
	mkdir(VTEP_XDP_LOCK_DIR, 0700);
	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			rc = errno;
			snprintf(err, errlen, "%s: cannot open %s: %s", ifname, path, strerror(rc));
			return rc;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
			long pid = 0;
			char name[64] = "?";

			rc = errno == EWOULDBLOCK ? EBUSY : errno;
			buf[n > 0 ? n : 0] = '\0';
			sscanf(buf, "%ld %63s", &pid, name);
			close(fd);
			if (rc == EBUSY)
				snprintf(err, errlen, "%s is in use by vtepd '%s' (pid %ld), which runs its XDP program there; "
					 "not touching it", ifname, name, pid);
			else
				snprintf(err, errlen, "%s: cannot lock %s: %s", ifname, path, strerror(rc));
			return rc;
		}
		/* The owner unlinks the file before it lets go: make sure ours is still the one at path. */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			break;
		close(fd);
	}
	/* Locked: no live vtepd owns the interface. A program of ours there was left by a killed one. */
	if (removed && (vtep_xdp_inspect(ifname, removed) != 0 || !removed->ours))
		memset(removed, 0, sizeof(*removed));
	rc = vtep_xdp_remove_ours(ifname, err, errlen);
	if (rc) {
		unlink(path);
		close(fd);
		return rc;
	}
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(buf, sizeof(buf), "%ld %s\n", (long)getpid(), owner);

		if (pwrite(fd, buf, (size_t)n, 0) != n)
			(void)0;   /* the lock is what counts; the text is for the message */
	}
	*lock_fd = fd;
	return 0;
}

void vtep_xdp_release(const char *ifname, int lock_fd)
{
	char path[128];

	if (lock_fd < 0)
		return;
	if (vtep_xdp_lock_path(ifname, path, sizeof(path)) == 0)
		unlink(path);
	close(lock_fd);
}
