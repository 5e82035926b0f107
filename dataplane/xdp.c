/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp.c: finding vtepd's XDP objects and reaching the maps of the program attached to an
 * interface (see xdp.h). Control thread only.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp.h"

#ifndef VTEPD_BPF_BUILD_DIR
#define VTEPD_BPF_BUILD_DIR ""
#endif
#ifndef VTEPD_BPF_INSTALL_DIR
#define VTEPD_BPF_INSTALL_DIR "/usr/local/share/vtepd"
#endif

struct vtep_xdp_cfg {
	uint32_t vtep_ip;
	uint16_t udp_port;
	uint16_t pad;
};

int vtep_xdp_object_path(bool underlay, char *path, size_t len)
{
	const char *file = underlay ? "xdp_vtep_underlay.o" : "xdp_vtep_port.o";
	const char *dirs[] = { getenv("VTEPD_BPF_DIR"), VTEPD_BPF_BUILD_DIR, VTEPD_BPF_INSTALL_DIR };

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

/* Find a map called name used by the XDP program attached to ifname. Returns an fd or -errno. */
static int vtep_xdp_find_map(const char *ifname, const char *name)
{
	unsigned ifindex = if_nametoindex(ifname);
	uint32_t prog_id = 0, map_ids[16], n_maps;
	struct bpf_prog_info info;
	uint32_t info_len = sizeof(info);
	int prog_fd, rc;

	if (!ifindex)
		return -ENODEV;
	rc = bpf_xdp_query_id((int)ifindex, 0, &prog_id);
	if (rc)
		return rc;
	if (!prog_id)
		return -ENOENT;
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 16;
	info.map_ids = (uint64_t)(uintptr_t)map_ids;
	rc = bpf_obj_get_info_by_fd(prog_fd, &info, &info_len);
	close(prog_fd);
	if (rc)
		return -errno;
	n_maps = info.nr_map_ids < 16 ? info.nr_map_ids : 16;
	for (uint32_t i = 0; i < n_maps; i++) {
		struct bpf_map_info minfo;
		uint32_t mlen = sizeof(minfo);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		if (bpf_obj_get_info_by_fd(fd, &minfo, &mlen) == 0 && strcmp(minfo.name, name) == 0)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

int vtep_xdp_configure(const char *ifname, uint32_t vtep_ip, uint16_t udp_port)
{
	struct vtep_xdp_cfg cfg = { .vtep_ip = vtep_ip, .udp_port = udp_port };
	uint32_t key = 0;
	int fd = vtep_xdp_find_map(ifname, "vtep_cfg");
	int rc;

	if (fd < 0)
		return -fd;
	rc = bpf_map_update_elem(fd, &key, &cfg, BPF_ANY) ? errno : 0;
	close(fd);
	return rc;
}

int vtep_xdp_stats(const char *ifname, uint64_t *redirected, uint64_t *passed)
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = vtep_xdp_find_map(ifname, "vtep_stats");
	uint64_t *vals;
	int rc = 0;

	*redirected = *passed = 0;
	if (fd < 0)
		return -fd;
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
