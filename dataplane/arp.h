/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp.h: the ARP suppression table: per VNI, IPv4 address -> MAC, filled by the control
 * thread from MAC+IP routes (EVPN type 2) and read by the fast path, which answers a
 * container's ARP request itself when the table knows the address. Same concurrency as
 * the FDB: one writer, lock-free readers, deleted keys reclaimed through RCU (QSBR).
 */
#ifndef VTEP_ARP_H
#define VTEP_ARP_H

#include <stdbool.h>
#include <stdint.h>

struct rte_rcu_qsbr;
struct arp_table;

struct arp_table *arp_table_create(const char *name, uint32_t capacity, struct rte_rcu_qsbr *qsbr);
void arp_table_destroy(struct arp_table *t);
/* Writer: add or replace (0, ENOSPC when full), remove (0, ENOENT). ip in network order. */
int arp_table_set(struct arp_table *t, uint16_t vni_idx, uint32_t ip, const uint8_t mac[6]);
/* Writer side: bring the hash buckets of n (<= 64) keys about to be set into the cache. */
void arp_table_prefetch(const struct arp_table *t, const uint16_t *vni_idx, const uint32_t *ip, unsigned n);
int arp_table_del(struct arp_table *t, uint16_t vni_idx, uint32_t ip);
uint32_t arp_table_count(const struct arp_table *t);
/* Writer: visit every binding (ip in network order) until cb returns non-zero. */
typedef int (*arp_table_walk_cb)(uint16_t vni_idx, uint32_t ip, const uint8_t mac[6], void *arg);
void arp_table_walk(const struct arp_table *t, arp_table_walk_cb cb, void *arg);
/* Fast path: the MAC of ip in the VNI. */
bool arp_table_lookup(const struct arp_table *t, uint16_t vni_idx, uint32_t ip, uint8_t mac[6]);

#endif
