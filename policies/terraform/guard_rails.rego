# Environment guard rails (config/guard-rails.ts) over the synthesized JSON, so that a construct
# edited by hand cannot bypass what the environment validation enforces. Production resources
# are the ones tagged tier=production by the TaggingAspect.
package main

import data.lib

production(r) if object.get(r.config, ["tags", "tier"], "") == "production"

prefix_of(range) := to_number(split(range, "/")[1]) if contains(range, "/")

prefix_of(range) := 32 if not contains(range, "/")

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	some range in object.get(r.config, ["api_server_access_profile", "authorized_ip_ranges"], [])
	prefix_of(range) < data.min_allowed_prefix
	msg := sprintf("%s: authorized IP range %s is wider than /%d", [r.path, range, data.min_allowed_prefix])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	ranges := object.get(r.config, ["api_server_access_profile", "authorized_ip_ranges"], [])
	count(ranges) > 0
	"0.0.0.0/0" in net.cidr_merge(ranges)
	msg := sprintf("%s: the authorized IP ranges together admit every address (0.0.0.0/0)", [r.path])
}

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	production(r)
	r.config.private_cluster_enabled != true
	msg := sprintf("%s: a production cluster must have a private API server", [r.path])
}

# Any other type that opens itself explicitly (organisation.rego covers the private-endpoint types).
deny contains msg if {
	some r in lib.all_resources
	production(r)
	not r.type in private_in_prod
	r.config.public_network_access_enabled == true
	msg := sprintf("%s (%s): production resources take no public network access", [r.path, r.type])
}

deny contains msg if {
	some r in lib.resources("azurerm_network_security_group")
	production(r)
	some rule in object.get(r.config, "security_rule", [])
	rule.direction == "Inbound"
	rule.access == "Allow"
	rule.source_address_prefix in {"*", "Internet", "0.0.0.0/0"}
	msg := sprintf("%s: production admits no inbound traffic from the internet (rule %s)", [r.path, rule.name])
}

deny contains msg if {
	some r in lib.resources("azurerm_subnet")
	some prefix in object.get(r.config, "address_prefixes", [])
	prefix_of(prefix) > data.smallest_subnet_prefix
	msg := sprintf("%s: subnet %s is smaller than a /%d (Azure reserves 5 addresses)", [r.path, prefix, data.smallest_subnet_prefix])
}

deny contains msg if {
	some r in lib.all_resources
	location := object.get(r.config, "location", null)
	is_string(location)
	not contains(location, "${")
	not location in data.azure_regions
	msg := sprintf("%s: %q is not an Azure region", [r.path, location])
}

today := substring(time.format([time.now_ns(), "UTC", "2006-01-02"]), 0, 10)

deny contains msg if {
	some r in lib.resources("azurerm_kubernetes_cluster")
	version := r.config.kubernetes_version
	not supported_version(version)
	msg := sprintf("%s: Kubernetes %s is not in AKS support on %s", [r.path, version, today])
}

supported_version(version) if {
	window := data.aks_versions[version]
	window.ga <= today
	today <= window.end_of_life
}
