package main_test

import data.main

hd_tags(tier) := {"env": "x", "tier": tier, "tenant": "platform", "app": "network", "cost-center": "CC-1", "managed-by": "cdktf"}

hd_denials(resources) := {m | some m in main.deny with input as {"resource": resources} with data.taggable_resource_types as [] with data.azure_regions as ["westeurope"] with data.aks_versions as {} with data.min_allowed_prefix as 16 with data.smallest_subnet_prefix as 29}

hd_about(ds, text) if {
	some d in ds
	contains(d, text)
}

hd_route_table := {"rt": {"tags": hd_tags("production"), "route": [{"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance"}]}}

hd_association := {"a": {"route_table_id": "${azurerm_route_table.rt.id}", "subnet_id": "${azurerm_subnet.nodes.id}"}}

hd_vnet(tier) := {"v": {"tags": hd_tags(tier), "location": "westeurope"}}

test_production_vnet_without_firewall_route_denied if {
	hd_about(hd_denials({"azurerm_virtual_network": hd_vnet("production")}), "production egress must go through the firewall")
}

test_production_vnet_with_firewall_route_allowed if {
	not hd_about(hd_denials({"azurerm_virtual_network": hd_vnet("production"), "azurerm_route_table": hd_route_table, "azurerm_subnet_route_table_association": hd_association}), "production egress")
}

test_non_production_vnet_may_skip_the_firewall if {
	not hd_about(hd_denials({"azurerm_virtual_network": hd_vnet("non-production")}), "production egress")
}

test_unassociated_route_table_denied if {
	hd_about(hd_denials({"azurerm_virtual_network": hd_vnet("production"), "azurerm_route_table": hd_route_table}), "production egress must go through the firewall")
}

hd_cluster(tier, extra) := {"c": object.union({"tags": hd_tags(tier), "network_profile": {"outbound_type": "userDefinedRouting"}, "storage_profile": {"blob_driver_enabled": false, "snapshot_controller_enabled": false}}, extra)}

test_production_cluster_with_load_balancer_egress_denied if {
	hd_about(hd_denials({"azurerm_kubernetes_cluster": hd_cluster("production", {"network_profile": {"outbound_type": "loadBalancer"}})}), "outbound_type userDefinedRouting")
}

test_network_contributor_on_vnet_denied if {
	ra := {"r": {"role_definition_name": "Network Contributor", "scope": "${data.terraform_remote_state.x.outputs.cross-stack-output-azurerm_virtual_networknetwork_vnet_ABCid}"}}
	hd_about(hd_denials({"azurerm_role_assignment": ra}), "Network Contributor on the whole VNet")
}

test_network_contributor_on_subnet_allowed if {
	ra := {"r": {"role_definition_name": "Network Contributor", "scope": "${data.terraform_remote_state.x.outputs.cross-stack-output-azurerm_subnetnetwork_subnet-nodes_ABCid}"}}
	count(hd_denials({"azurerm_role_assignment": ra})) == 0
}

test_contributor_at_subscription_scope_denied if {
	ra := {"r": {"role_definition_name": "Contributor", "scope": "/subscriptions/${data.azurerm_client_config.client.subscription_id}"}}
	hd_about(hd_denials({"azurerm_role_assignment": ra}), "Contributor at subscription scope")
}

test_blob_driver_denied if {
	hd_about(hd_denials({"azurerm_kubernetes_cluster": hd_cluster("non-production", {"storage_profile": {"blob_driver_enabled": true, "snapshot_controller_enabled": false}})}), "storage_profile.blob_driver_enabled must be false")
}

test_production_cluster_without_defender_plan_denied if {
	hd_about(hd_denials({"azurerm_kubernetes_cluster": hd_cluster("production", {})}), "no Defender for Containers plan")
}

test_production_cluster_with_defender_plan_allowed if {
	plan := {"p": {"resource_type": "Containers", "tier": "Standard"}}
	not hd_about(hd_denials({"azurerm_kubernetes_cluster": hd_cluster("production", {}), "azurerm_security_center_subscription_pricing": plan}), "Defender")
}

test_unlocked_production_audit_policy_denied if {
	resources := {"azurerm_storage_account": {"s": {"tags": hd_tags("production")}}, "azurerm_storage_container_immutability_policy": {"p": {"locked": false}}}
	hd_about(hd_denials(resources), "must be locked")
}

test_unlocked_audit_policy_outside_production_allowed if {
	resources := {"azurerm_storage_account": {"s": {"tags": hd_tags("non-production")}}, "azurerm_storage_container_immutability_policy": {"p": {"locked": false}}}
	not hd_about(hd_denials(resources), "must be locked")
}

hd_file_class(params) := {"kubernetes_storage_class_v1": {"c": {"storage_provisioner": "file.csi.azure.com", "parameters": params}}}

hd_mi_params := {"mountWithManagedIdentity": "true", "networkEndpointType": "privateEndpoint", "allowSharedKeyAccess": "false", "publicNetworkAccess": "Disabled", "protocol": "smb"}

test_managed_identity_file_class_allowed if {
	count(hd_denials(hd_file_class(hd_mi_params))) == 0
}

test_key_mounted_file_class_denied if {
	hd_about(hd_denials(hd_file_class(object.remove(hd_mi_params, ["mountWithManagedIdentity"]))), "parameters.mountWithManagedIdentity")
}

test_file_class_with_public_account_denied if {
	hd_about(hd_denials(hd_file_class(object.union(hd_mi_params, {"publicNetworkAccess": "Enabled"}))), "parameters.publicNetworkAccess")
}

test_disk_class_not_judged_by_the_file_rule if {
	count(hd_denials({"kubernetes_storage_class_v1": {"d": {"storage_provisioner": "disk.csi.azure.com", "parameters": {}}}})) == 0
}

hd_role(actions) := {"azurerm_role_definition": {"r": {"permissions": [{"actions": actions}]}}}

test_narrow_custom_role_allowed if {
	count(hd_denials(hd_role(["Microsoft.Network/privateEndpoints/write", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write"]))) == 0
}

test_wildcard_custom_role_denied if {
	hd_about(hd_denials(hd_role(["Microsoft.Network/*"])), "too broad")
	hd_about(hd_denials(hd_role(["*"])), "too broad")
	hd_about(hd_denials(hd_role(["Microsoft.Authorization/roleAssignments/write"])), "too broad")
}
