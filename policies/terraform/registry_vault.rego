# Container registry and Key Vault hardening.
package main

import data.lib

deny contains msg if {
	some r in lib.resources("azurerm_container_registry")
	some attr, want in {"admin_enabled": false, "anonymous_pull_enabled": false, "sku": "Premium"}
	object.get(r.config, attr, null) != want
	msg := sprintf("%s: container registry %s must be %v", [r.path, attr, want])
}

deny contains msg if {
	some r in lib.resources("azurerm_key_vault")
	some attr, want in {"purge_protection_enabled": true, "rbac_authorization_enabled": true}
	object.get(r.config, attr, null) != want
	msg := sprintf("%s: key vault %s must be %v", [r.path, attr, want])
}

deny contains msg if {
	some r in lib.resources("azurerm_key_vault")
	object.get(r.config, ["network_acls", "default_action"], "Allow") != "Deny"
	msg := sprintf("%s: key vault network_acls.default_action must be Deny", [r.path])
}

deny contains msg if {
	some type in {"azurerm_key_vault", "azurerm_container_registry"}
	some r in lib.resources(type)
	not private_endpoint_for(type, r.id)
	msg := sprintf("%s: %s has no private endpoint", [r.path, type])
}

private_endpoint_for(type, id) if {
	some pe in lib.resources("azurerm_private_endpoint")
	pe.config.private_service_connection.private_connection_resource_id == lib.ref_id(type, id)
}
