# Cluster hardening beyond the AKS defaults: egress through the firewall in production, network
# permissions scoped to what AKS manages, only the storage drivers in use, Defender for Containers
# on the subscription, and the audit trail write-once in production.
package main

import data.lib

# A production network stack routes the node subnet's default route to the firewall.
deny contains msg if {
	some vnet in lib.resources("azurerm_virtual_network")
	production(vnet)
	not firewall_route
	msg := sprintf("%s: production egress must go through the firewall (a route table with 0.0.0.0/0 to a VirtualAppliance, associated with the node subnet)", [vnet.path])
}

firewall_route if {
	some rt in lib.resources("azurerm_route_table")
	some route in rt.config.route
	route.address_prefix == "0.0.0.0/0"
	route.next_hop_type == "VirtualAppliance"
	some assoc in lib.resources("azurerm_subnet_route_table_association")
	assoc.config.route_table_id == lib.ref_id("azurerm_route_table", rt.id)
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	production(r)
	r.config.network_profile.outbound_type != "userDefinedRouting"
	msg := sprintf("%s: a production cluster sends its egress through the firewall (outbound_type userDefinedRouting)", [r.path])
}

deny contains msg if {
	some r in lib.resources("azurerm_role_assignment")
	r.config.role_definition_name == "Network Contributor"
	contains(r.config.scope, "azurerm_virtual_network")
	msg := sprintf("%s: Network Contributor on the whole VNet; scope it to the subnets (and route table) AKS manages", [r.path])
}

broad_roles := {"Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator"}

deny contains msg if {
	some r in lib.resources("azurerm_role_assignment")
	r.config.role_definition_name in broad_roles
	regex.match(`^(/subscriptions/[^/]+|/subscriptions/\$\{[^}]+\}|\$\{data\.azurerm_subscription\.[^}]+\.id\})/?$`, r.config.scope)
	msg := sprintf("%s: %s at subscription scope; grant it on the resource group or resource that needs it", [r.path, r.config.role_definition_name])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	some driver in {"blob_driver_enabled", "snapshot_controller_enabled"}
	object.get(r.config, ["storage_profile", driver], true) != false
	msg := sprintf("%s: storage_profile.%s must be false: the platform uses only the disk driver and the Azure Files driver with managed-identity mounts", [r.path, driver])
}

# Azure Files classes mount with the kubelet's managed identity, never the account key, and
# reach their account through a private endpoint only.
file_class_requirements := {"mountWithManagedIdentity": "true", "networkEndpointType": "privateEndpoint", "allowSharedKeyAccess": "false", "publicNetworkAccess": "Disabled"}

deny contains msg if {
	some r in lib.resources("kubernetes_storage_class_v1")
	r.config.storage_provisioner == "file.csi.azure.com"
	some key, want in file_class_requirements
	object.get(r.config, ["parameters", key], "") != want
	msg := sprintf("%s: an Azure Files storage class needs parameters.%s: %q", [r.path, key, want])
}

# A custom role stays narrow: no wildcard over a whole provider, no role or policy writes.
deny contains msg if {
	some r in lib.resources("azurerm_role_definition")
	some p in r.config.permissions
	some action in p.actions
	broad_action(action)
	msg := sprintf("%s: custom role action %q is too broad; list the operations the role needs", [r.path, action])
}

broad_action(action) if action == "*"

broad_action(action) if regex.match(`^[A-Za-z.]+/\*$`, action)

broad_action(action) if startswith(lower(action), "microsoft.authorization/")

# Defender for Containers: in the production platform stack, or declared as managed elsewhere.
deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	production(r)
	not defender_plan
	not input.output.defender_for_containers_owner
	msg := sprintf("%s: no Defender for Containers plan (azurerm_security_center_subscription_pricing Containers, Standard) and no external owner", [r.path])
}

defender_plan if {
	some p in lib.resources("azurerm_security_center_subscription_pricing")
	p.config.resource_type == "Containers"
	p.config.tier == "Standard"
}

# The audit trail is write-once in production: its immutability policy is locked.
deny contains msg if {
	some account in lib.resources("azurerm_storage_account")
	production(account)
	some policy in lib.resources("azurerm_storage_container_immutability_policy")
	object.get(policy.config, "locked", false) != true
	msg := sprintf("%s: the production audit container's immutability policy must be locked (write once, read many)", [policy.path])
}
