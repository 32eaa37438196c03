# A PodDisruptionBudget that allows no disruption blocks every node drain: AKS upgrades and node
# image updates stall on the first node that runs one of its pods, for the whole cluster.
package platformpdbdisruption

import rego.v1

violation contains {"msg": msg} if {
	pdb := input.review.object
	pdb.kind == "PodDisruptionBudget"
	value := object.get(pdb, ["spec", "maxUnavailable"], null)
	value != null
	regex.match(`^0+%?$`, sprintf("%v", [value]))
	msg := sprintf("PodDisruptionBudget/%s: spec.maxUnavailable %v allows no disruption and blocks node drains (AKS upgrades); fix: allow at least 1 (maxUnavailable: 1) and run enough replicas to stay available", [pdb.metadata.name, value])
}

violation contains {"msg": msg} if {
	pdb := input.review.object
	pdb.kind == "PodDisruptionBudget"
	value := object.get(pdb, ["spec", "minAvailable"], null)
	is_string(value)
	regex.match(`^0*100%$`, value)
	msg := sprintf("PodDisruptionBudget/%s: spec.minAvailable %s allows no disruption and blocks node drains (AKS upgrades); fix: use maxUnavailable: 1, or a minAvailable below the replica count", [pdb.metadata.name, value])
}
