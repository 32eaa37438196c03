# AKS secure defaults (docs/adr/0002-aks-secure-defaults.md), one rule per default.
package main

import data.lib

# attribute path -> required value
aks_required := {
	"local_account_disabled": true,
	"oidc_issuer_enabled": true,
	"workload_identity_enabled": true,
	"role_based_access_control_enabled": true,
	"run_command_enabled": false,
	"sku_tier": "Standard",
	"image_cleaner_enabled": true,
	"azure_active_directory_role_based_access_control.azure_rbac_enabled": true,
	"network_profile.network_plugin": "azure",
	"network_profile.network_plugin_mode": "overlay",
	"network_profile.network_data_plane": "cilium",
	"network_profile.network_policy": "cilium",
	"default_node_pool.only_critical_addons_enabled": true,
	"default_node_pool.auto_scaling_enabled": true,
	"default_node_pool.host_encryption_enabled": true,
	"default_node_pool.os_sku": "AzureLinux",
	"key_vault_secrets_provider.secret_rotation_enabled": true,
	"api_server_access_profile.virtual_network_integration_enabled": true,
	"identity.type": "UserAssigned",
}

aks_present := {
	"automatic_upgrade_channel",
	"node_os_upgrade_channel",
	"maintenance_window_auto_upgrade",
	"maintenance_window_node_os",
	"microsoft_defender",
	"oms_agent",
	"kubelet_identity",
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	some attr, want in aks_required
	got := object.get(r.config, split(attr, "."), null)
	got != want
	msg := sprintf("%s: AKS %s must be %v, got %v", [r.path, attr, want, got])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	some attr in aks_present
	not r.config[attr]
	msg := sprintf("%s: AKS %s must be set", [r.path, attr])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	r.config.node_os_upgrade_channel == "None"
	msg := sprintf("%s: AKS node_os_upgrade_channel None leaves nodes unpatched", [r.path])
}

# A public API server must be fenced by authorized IP ranges.
deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	not r.config.private_cluster_enabled
	count(object.get(r.config, ["api_server_access_profile", "authorized_ip_ranges"], [])) == 0
	msg := sprintf("%s: public AKS API server without authorized_ip_ranges", [r.path])
}

# Control-plane audit logs reach Log Analytics.
deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	not audited(r.id)
	msg := sprintf("%s: no diagnostic setting sends kube-audit-admin logs", [r.path])
}

audited(id) if {
	some d in lib.resources("azurerm_monitor_diagnostic_setting")
	d.config.target_resource_id == lib.ref_id("azurerm_kubernetes_cluster", id)
	some log in d.config.enabled_log
	log.category == "kube-audit-admin"
}
