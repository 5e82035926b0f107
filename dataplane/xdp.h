/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp.h: vtepd's own XDP programs (bpf/xdp_vtep.c): where their objects are, and the
 * configuration and counters of the program attached to an interface. DPDK's net_af_xdp
 * PMD loads and attaches the object; this module finds it again through the kernel.
 */
#ifndef VTEP_XDP_H
#define VTEP_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Path of the underlay or container-port object: $VTEPD_BPF_DIR, the installed tree next to the
 * running executable (SBINDIR/../LIBDIR/vtepd), the build tree, then the install dir.
 */
int vtep_xdp_object_path(bool underlay, char *path, size_t len);
/* Tell the underlay program which address and UDP port are ours (network order ip, host order port). */
int vtep_xdp_configure(const char *ifname, uint32_t vtep_ip, uint16_t udp_port);
/* Sum the per-CPU counters of the program attached to ifname. */
int vtep_xdp_stats(const char *ifname, uint64_t *redirected, uint64_t *passed);


/* The program attached to an interface's XDP hook (id 0: none). */
struct vtep_xdp_prog {
	uint32_t id;
	uint32_t mode_flags;   /* XDP_FLAGS_SKB_MODE, _DRV_MODE or _HW_MODE: where it is attached */
	char name[16];
	bool ours;             /* one of vtepd's programs (by name) */
};
int vtep_xdp_inspect(const char *ifname, struct vtep_xdp_prog *prog);
/*
 * Detach vtepd's own program from ifname (nothing attached: 0). A foreign program stays:
 * EBUSY with err naming it. The caller must know no live vtepd uses the interface.
 */
int vtep_xdp_remove_ours(const char *ifname, char *err, size_t errlen);
/*
 * Claim ifname's XDP hook for this process before attaching a program to it: an flock()ed
 * lock file per interface (and network namespace) under /run/vtepd, holding "PID OWNER".
 * EBUSY with err naming the interface and the owner when a live vtepd holds it; otherwise a
 * program of ours left there (by a killed vtepd) is removed, and a foreign one is refused
 * (EBUSY, err names it). *lock_fd stays open for as long as the program runs: the kernel
 * releases the lock when the process dies, however it dies. *removed (if not NULL) tells
 * which leftover program was removed (id 0: none).
 */
int vtep_xdp_claim(const char *ifname, const char *owner, int *lock_fd, struct vtep_xdp_prog *removed, char *err,
		   size_t errlen);
/* Give the claim up (after the program is detached): removes the lock file. */
void vtep_xdp_release(const char *ifname, int lock_fd);

#endif
