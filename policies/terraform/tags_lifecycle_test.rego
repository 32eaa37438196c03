package main_test

import data.main

tags := {"env": "dev", "tier": "non-production", "tenant": "platform", "app": "network", "cost-center": "CC-1", "managed-by": "cdktf"}

with_vnet(vnet) := {m |
	some m in main.deny with input as {"resource": {"azurerm_virtual_network": {"v": vnet}}}
		with data.taggable_resource_types as ["azurerm_virtual_network"]
		with data.stateful_resource_types as ["azurerm_virtual_network"]
}

protected := {"lifecycle": {"prevent_destroy": true}}

test_tagged_protected_vnet_passes if {
	count(with_vnet(object.union(protected, {"tags": tags}))) == 0
}

test_missing_tag_denied if {
	"v (azurerm_virtual_network): tag \"cost-center\" is missing or empty; tags come from the TaggingAspect" in with_vnet(object.union(protected, {"tags": object.remove(tags, ["cost-center"])}))
}

test_empty_tag_denied if {
	count(with_vnet(object.union(protected, {"tags": object.union(tags, {"tenant": ""})}))) == 1
}

test_untagged_resource_denied if {
	count(with_vnet(protected)) == 6
}

test_wrong_managed_by_denied if {
	"v: tag managed-by must be cdktf, got \"portal\"" in with_vnet(object.union(protected, {"tags": object.union(tags, {"managed-by": "portal"})}))
}

test_untaggable_type_ignored if {
	denials := {m |
		some m in main.deny with input as {"resource": {"azurerm_role_assignment": {"r": {}}}}
			with data.taggable_resource_types as ["azurerm_virtual_network"]
			with data.stateful_resource_types as []
	}
	count(denials) == 0
}

test_unprotected_stateful_resource_denied if {
	"v (azurerm_virtual_network): stateful resource without lifecycle.prevent_destroy" in with_vnet({"tags": tags})
}

test_backend_without_oidc_denied if {
	denials := {m | some m in main.deny with input as {"terraform": {"backend": {"azurerm": {"use_azuread_auth": true}}}}}
	"azurerm backend must set use_oidc (no storage account keys)" in denials
}

test_stack_without_backend_denied if {
	"stack has no state backend" in main.deny with input as {"terraform": {"required_providers": {}}}
}

test_local_backend_warns if {
	count(main.warn) == 1 with input as {"terraform": {"backend": {"local": {"path": "x"}}}}
}
