/* Does a cluster match a ClusterAffinity (Karmada's util.ClusterMatches)?
 * exclude wins; then labelSelector, fieldSelector (provider, region, zones)
 * and clusterNames must all match where given. Pure. */
#ifndef TB_AFFINITY_H
#define TB_AFFINITY_H

#include <stdbool.h>

#include "api/cluster.h"
#include "api/policy.h"

bool tb_affinity_matches(const struct tb_cluster *c, const struct tb_cluster_affinity *a);

#endif
