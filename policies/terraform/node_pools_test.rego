package main_test

import data.main

good_gpu_pool := {
	"name": "gpu",
	"vm_size": "Standard_NC24ads_A100_v4",
	"host_encryption_enabled": true,
	"os_sku": "AzureLinux",
	"auto_scaling_enabled": true,
	"node_taints": ["nvidia.com/gpu=present:NoSchedule", "sku=gpu:NoSchedule"],
	"temporary_name_for_rotation": "gputmp",
}

pool_denials(pool) := {m | some m in main.deny with input as {"resource": {"azurerm_kubernetes_cluster_node_pool": {"p": pool}}}}

test_good_gpu_pool_passes if {
	count(pool_denials(good_gpu_pool)) == 0
}

test_untainted_gpu_pool_denied if {
	"p: GPU pool gpu needs the taint nvidia.com/gpu=<value>:NoSchedule" in pool_denials(object.union(good_gpu_pool, {"node_taints": ["sku=gpu:NoSchedule"]}))
}

test_gpu_taint_must_be_noschedule if {
	count(pool_denials(object.union(good_gpu_pool, {"node_taints": ["nvidia.com/gpu=present:PreferNoSchedule"]}))) > 0
}

test_spot_pool_needs_spot_taint if {
	"p: spot pool must declare the AKS spot taint" in pool_denials(object.union(good_gpu_pool, {"priority": "Spot"}))
}

test_spot_pool_with_taint_passes if {
	taints := array.concat(good_gpu_pool.node_taints, ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"])
	count(pool_denials(object.union(good_gpu_pool, {"priority": "Spot", "node_taints": taints}))) == 0
}

test_pool_without_host_encryption_denied if {
	"p: node pool host_encryption_enabled must be true" in pool_denials(object.union(good_gpu_pool, {"host_encryption_enabled": false}))
}

test_pool_with_public_ips_denied if {
	"p: node pool must not give nodes public IPs" in pool_denials(object.union(good_gpu_pool, {"node_public_ip_enabled": true}))
}

test_pool_without_rotation_name_denied if {
	"p: node pool gpu must set temporary_name_for_rotation" in pool_denials(object.remove(good_gpu_pool, ["temporary_name_for_rotation"]))
}

cluster_denials(cluster) := {m | some m in main.deny with input as {"resource": {"azurerm_kubernetes_cluster": {"c": cluster}}}}

test_default_pool_without_rotation_name_denied if {
	"c: the default node pool must set temporary_name_for_rotation" in cluster_denials({"default_node_pool": {"name": "system"}})
}
