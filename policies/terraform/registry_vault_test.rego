package main_test

import data.main

good_registry := {"admin_enabled": false, "anonymous_pull_enabled": false, "sku": "Premium"}

good_vault := {"purge_protection_enabled": true, "rbac_authorization_enabled": true, "network_acls": {"default_action": "Deny"}}

endpoints := {
	"pe-acr": {"private_service_connection": {"private_connection_resource_id": "${azurerm_container_registry.r.id}"}},
	"pe-kv": {"private_service_connection": {"private_connection_resource_id": "${azurerm_key_vault.v.id}"}},
}

denials(registry, vault, pes) := {m |
	some m in main.deny with input as {"resource": {
		"azurerm_container_registry": {"r": registry},
		"azurerm_key_vault": {"v": vault},
		"azurerm_private_endpoint": pes,
		"azurerm_monitor_diagnostic_setting": {
			"dr": {"target_resource_id": "${azurerm_container_registry.r.id}", "log_analytics_workspace_id": "w"},
			"dv": {"target_resource_id": "${azurerm_key_vault.v.id}", "log_analytics_workspace_id": "w"},
		},
	}}
}

test_good_registry_and_vault_pass if {
	count(denials(good_registry, good_vault, endpoints)) == 0
}

test_registry_admin_user_denied if {
	"r: container registry admin_enabled must be false" in denials(object.union(good_registry, {"admin_enabled": true}), good_vault, endpoints)
}

test_registry_basic_sku_denied if {
	"r: container registry sku must be Premium" in denials(object.union(good_registry, {"sku": "Basic"}), good_vault, endpoints)
}

test_vault_without_purge_protection_denied if {
	"v: key vault purge_protection_enabled must be true" in denials(good_registry, object.union(good_vault, {"purge_protection_enabled": false}), endpoints)
}

test_vault_access_policies_denied if {
	"v: key vault rbac_authorization_enabled must be true" in denials(good_registry, object.remove(good_vault, ["rbac_authorization_enabled"]), endpoints)
}

test_vault_open_network_denied if {
	"v: key vault network_acls.default_action must be Deny" in denials(good_registry, object.remove(good_vault, ["network_acls"]), endpoints)
}

test_missing_private_endpoint_denied if {
	"v: azurerm_key_vault has no private endpoint" in denials(good_registry, good_vault, object.remove(endpoints, ["pe-kv"]))
}
