/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port.c: DPDK ethdev lifecycle for vtepd's ports (see port.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "port.h"

static bool dp_hex_digits(const char **p, int n)
{
	for (int i = 0; i < n; i++, (*p)++)
		if (!isxdigit((unsigned char)**p))
			return false;
	return true;
}

bool dp_port_devargs_is_pci(const char *devargs)
{
	const char *p = devargs, *domain = devargs;

	if (dp_hex_digits(&domain, 4) && *domain == ':')
		p = domain + 1;
	if (!dp_hex_digits(&p, 2) || *p++ != ':' || !dp_hex_digits(&p, 2) || *p++ != '.' || *p < '0' || *p > '7')
		return false;
	p++;
	return *p == '\0' || *p == ',';
}

int dp_port_probe(const char *devargs, uint16_t *port_id, char *err, size_t errlen)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t n = strcspn(devargs, ",");
	int rc;

	if (n == 0 || n >= sizeof(name)) {
		snprintf(err, errlen, "bad device arguments '%s'", devargs);
		return EINVAL;
	}
	memcpy(name, devargs, n);
	name[n] = '\0';
	rc = rte_dev_probe(devargs);
	if (rc < 0) {
		snprintf(err, errlen, "cannot probe device '%s': %s", devargs, rte_strerror(-rc));
		return -rc;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		snprintf(err, errlen, "device '%s' probed but no ethdev port named '%s'", devargs, name);
		return ENODEV;
	}
	return 0;
}

int dp_port_start(uint16_t port_id, struct rte_mempool *pool, uint16_t nb_desc, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t rxd = nb_desc, txd = nb_desc;
	int socket = rte_eth_dev_socket_id(port_id);
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc == 0)
		rc = rte_eth_dev_configure(port_id, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rxd, &txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port_id, 0, rxd, (unsigned)socket, NULL,
					    pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port_id, 0, txd, (unsigned)socket, NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port_id);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start port %u (%s): %s", port_id, info.driver_name ? info.driver_name : "?",
			 rte_strerror(-rc));
		return -rc;
	}
	rte_eth_promiscuous_enable(port_id);
	return 0;
}

void dp_port_remove(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (!rte_eth_dev_is_valid_port(port_id))
		return;
	if (rte_eth_dev_info_get(port_id, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
	if (dev)
		rte_dev_remove(dev);
}

int dp_port_mac(uint16_t port_id, uint8_t mac[6])
{
	struct rte_ether_addr a;
	int rc = rte_eth_macaddr_get(port_id, &a);

	if (rc)
		return -rc;
	memcpy(mac, a.addr_bytes, 6);
	return 0;
}
