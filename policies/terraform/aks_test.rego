package main_test

import data.main

good_cluster := {
	"//": {"metadata": {"path": "t/aks/cluster"}},
	"local_account_disabled": true,
	"oidc_issuer_enabled": true,
	"workload_identity_enabled": true,
	"role_based_access_control_enabled": true,
	"run_command_enabled": false,
	"sku_tier": "Standard",
	"image_cleaner_enabled": true,
	"private_cluster_enabled": true,
	"azure_active_directory_role_based_access_control": {"azure_rbac_enabled": true},
	"network_profile": {"network_plugin": "azure", "network_plugin_mode": "overlay", "network_data_plane": "cilium", "network_policy": "cilium"},
	"default_node_pool": {"only_critical_addons_enabled": true, "auto_scaling_enabled": true, "host_encryption_enabled": true, "os_sku": "AzureLinux"},
	"key_vault_secrets_provider": {"secret_rotation_enabled": true},
	"api_server_access_profile": {"virtual_network_integration_enabled": true},
	"identity": {"type": "UserAssigned"},
	"automatic_upgrade_channel": "patch",
	"node_os_upgrade_channel": "NodeImage",
	"maintenance_window_auto_upgrade": {"frequency": "Weekly"},
	"maintenance_window_node_os": {"frequency": "Weekly"},
	"microsoft_defender": {"log_analytics_workspace_id": "x"},
	"oms_agent": {"log_analytics_workspace_id": "x"},
	"kubelet_identity": {"user_assigned_identity_id": "x"},
}

audit_setting := {"d": {"target_resource_id": "${azurerm_kubernetes_cluster.c.id}", "enabled_log": [{"category": "kube-audit-admin"}]}}

stack(cluster) := {"resource": {
	"azurerm_kubernetes_cluster": {"c": cluster},
	"azurerm_monitor_diagnostic_setting": audit_setting,
}}

aks_denials(cluster) := {m | some m in main.deny with input as stack(cluster); contains(m, "AKS")}

test_good_cluster_passes if {
	count(aks_denials(good_cluster)) == 0
}

test_local_accounts_enabled_denied if {
	"t/aks/cluster: AKS local_account_disabled must be true, got false" in aks_denials(json.patch(good_cluster, [{"op": "replace", "path": "/local_account_disabled", "value": false}]))
}

test_missing_workload_identity_denied if {
	"t/aks/cluster: AKS workload_identity_enabled must be true, got null" in aks_denials(object.remove(good_cluster, ["workload_identity_enabled"]))
}

test_kubenet_denied if {
	some m in aks_denials(json.patch(good_cluster, [{"op": "replace", "path": "/network_profile/network_plugin_mode", "value": ""}]))
	contains(m, "network_plugin_mode")
}

test_system_pool_running_workloads_denied if {
	some m in aks_denials(json.patch(good_cluster, [{"op": "replace", "path": "/default_node_pool/only_critical_addons_enabled", "value": false}]))
	contains(m, "only_critical_addons_enabled")
}

test_run_command_denied if {
	some m in aks_denials(json.patch(good_cluster, [{"op": "replace", "path": "/run_command_enabled", "value": true}]))
	contains(m, "run_command_enabled")
}

test_missing_defender_denied if {
	"t/aks/cluster: AKS microsoft_defender must be set" in aks_denials(object.remove(good_cluster, ["microsoft_defender"]))
}

test_public_api_without_ranges_denied if {
	"t/aks/cluster: public AKS API server without authorized_ip_ranges" in aks_denials(json.patch(good_cluster, [{"op": "replace", "path": "/private_cluster_enabled", "value": false}]))
}

test_public_api_with_ranges_allowed if {
	cluster := json.patch(good_cluster, [
		{"op": "replace", "path": "/private_cluster_enabled", "value": false},
		{"op": "add", "path": "/api_server_access_profile/authorized_ip_ranges", "value": ["203.0.113.0/24"]},
	])
	count(aks_denials(cluster)) == 0
}

test_missing_audit_logs_denied if {
	denials := {m | some m in main.deny with input as {"resource": {"azurerm_kubernetes_cluster": {"c": good_cluster}}}}
	"t/aks/cluster: no diagnostic setting sends kube-audit-admin logs" in denials
}

test_audit_category_must_be_kube_audit_admin if {
	input_ := {"resource": {
		"azurerm_kubernetes_cluster": {"c": good_cluster},
		"azurerm_monitor_diagnostic_setting": {"d": {"target_resource_id": "${azurerm_kubernetes_cluster.c.id}", "enabled_log": [{"category": "kube-apiserver"}]}},
	}}
	some m in main.deny with input as input_
	contains(m, "kube-audit-admin")
}
