# User node pools: hardened like the system pool; GPU pools tainted so only GPU pods land there.
package main

import data.lib

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster_node_pool")
	some attr, want in {"host_encryption_enabled": true, "os_sku": "AzureLinux", "auto_scaling_enabled": true}
	object.get(r.config, attr, null) != want
	msg := sprintf("%s: node pool %s must be %v", [r.path, attr, want])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster_node_pool")
	object.get(r.config, "node_public_ip_enabled", false) == true
	msg := sprintf("%s: node pool must not give nodes public IPs", [r.path])
}

gpu_pool(config) if regex.match(`^Standard_N`, config.vm_size)

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster_node_pool")
	gpu_pool(r.config)
	not gpu_tainted(r.config)
	msg := sprintf("%s: GPU pool %s needs the taint nvidia.com/gpu=<value>:NoSchedule", [r.path, r.config.name])
}

gpu_tainted(config) if {
	some t in config.node_taints
	startswith(t, "nvidia.com/gpu=")
	endswith(t, ":NoSchedule")
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster_node_pool")
	r.config.priority == "Spot"
	not "kubernetes.azure.com/scalesetpriority=spot:NoSchedule" in r.config.node_taints
	msg := sprintf("%s: spot pool must declare the AKS spot taint", [r.path])
}

# azurerm 4.x changes vm_size, zones, OS disk and max_pods by rotating the pool through a
# temporary one; without the name it fails in the middle of the apply (catalog/provider-facts).
deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster_node_pool")
	not r.config.temporary_name_for_rotation
	msg := sprintf("%s: node pool %s must set temporary_name_for_rotation", [r.path, r.config.name])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	not r.config.default_node_pool.temporary_name_for_rotation
	msg := sprintf("%s: the default node pool must set temporary_name_for_rotation", [r.path])
}
