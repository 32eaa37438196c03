package main_test

import data.main

prod_tags := {"env": "prod", "tier": "production", "tenant": "platform", "app": "platform", "cost-center": "CC-1", "managed-by": "cdktf"}

cluster := {
	"kubernetes_version": "1.35",
	"private_cluster_enabled": true,
	"location": "westeurope",
	"tags": prod_tags,
}

# The generated data (policies/terraform/data/platform.json) in small.
regions := ["westeurope", "northeurope"]

versions := {"1.35": {"ga": "2026-03-01", "end_of_life": "2027-03-31"}}

gr_denials(type, config) := gr_at(type, config, 1796083200000000000)

gr_at(type, config, now) := {m |
	some m in main.deny with input as {"resource": {type: {"x": config}}}
		with time.now_ns as now
		with data.azure_regions as regions
		with data.aks_versions as versions
		with data.min_allowed_prefix as 16
		with data.smallest_subnet_prefix as 29
		with data.taggable_resource_types as []
}

test_ranges_wider_than_16_denied if {
	"x: authorized IP range 10.0.0.0/8 is wider than /16" in gr_denials("azurerm_kubernetes_cluster", object.union(cluster, {"private_cluster_enabled": false, "tags": object.union(prod_tags, {"tier": "non-production"}), "api_server_access_profile": {"authorized_ip_ranges": ["10.0.0.0/8"]}}))
}

test_halves_of_everything_denied if {
	ranges := ["0.0.0.0/1", "128.0.0.0/1"]
	"x: the authorized IP ranges together admit every address (0.0.0.0/0)" in gr_denials("azurerm_kubernetes_cluster", object.union(cluster, {"api_server_access_profile": {"authorized_ip_ranges": ranges}}))
}

test_narrow_ranges_pass if {
	ds := gr_denials("azurerm_kubernetes_cluster", object.union(cluster, {"api_server_access_profile": {"authorized_ip_ranges": ["203.0.113.0/24", "198.51.100.7"]}}))
	not gr_about(ds, "authorized")
}

gr_about(ds, word) if {
	some d in ds
	contains(d, word)
}

test_public_production_cluster_denied if {
	"x: a production cluster must have a private API server" in gr_denials("azurerm_kubernetes_cluster", object.union(cluster, {"private_cluster_enabled": false}))
}

test_public_network_access_in_production_denied if {
	"x (azurerm_cognitive_account): production resources take no public network access" in gr_denials("azurerm_cognitive_account", {"public_network_access_enabled": true, "location": "westeurope", "tags": prod_tags})
}

test_public_network_access_outside_production_allowed if {
	not gr_about(gr_denials("azurerm_cognitive_account", {"public_network_access_enabled": true, "location": "westeurope", "tags": object.union(prod_tags, {"tier": "non-production"})}), "public network access")
}

test_internet_inbound_in_production_denied if {
	nsg := {"location": "westeurope", "tags": prod_tags, "security_rule": [{"name": "web", "direction": "Inbound", "access": "Allow", "source_address_prefix": "Internet"}]}
	"x: production admits no inbound traffic from the internet (rule web)" in gr_denials("azurerm_network_security_group", nsg)
}

test_tiny_subnet_denied if {
	"x: subnet 10.0.0.0/30 is smaller than a /29 (Azure reserves 5 addresses)" in gr_denials("azurerm_subnet", {"address_prefixes": ["10.0.0.0/30"]})
}

test_smallest_subnet_allowed if {
	count(gr_denials("azurerm_subnet", {"address_prefixes": ["10.0.0.0/29"]})) == 0
}

test_unknown_region_denied if {
	"x: \"nowhereland\" is not an Azure region" in gr_denials("azurerm_resource_group", {"location": "nowhereland", "tags": prod_tags})
}

test_referenced_location_is_not_judged if {
	not gr_about(gr_denials("azurerm_subnet", {"location": "${azurerm_resource_group.rg.location}", "address_prefixes": ["10.0.0.0/24"]}), "region")
}

# 2026-12-01 and 2027-04-01: 1.35 is supported on the first day, not on the second.
test_kubernetes_version_window if {
	not gr_about(gr_at("azurerm_kubernetes_cluster", cluster, 1796083200000000000), "Kubernetes")
	some m in gr_at("azurerm_kubernetes_cluster", cluster, 1806537600000000000)
	contains(m, "Kubernetes 1.35 is not in AKS support on 2027-04-01")
}

test_unreleased_kubernetes_version_denied if {
	some m in gr_denials("azurerm_kubernetes_cluster", object.union(cluster, {"kubernetes_version": "1.99"}))
	contains(m, "Kubernetes 1.99 is not in AKS support")
}
