# Organisation rules over every stack: tenant budgets, private endpoints only in prod, TLS 1.2,
# and resource logs for every resource type that has them.
package main

import data.lib

# A tenant stack is recognised by its state key (<env>-tenant-<name>.tfstate) or local path.
tenant_stack if {
	some backend in input.terraform.backend
	regex.match(`-tenant-[a-z0-9-]+\.tfstate$`, object.get(backend, "key", object.get(backend, "path", "")))
}

budget_types := {"azurerm_consumption_budget_subscription", "azurerm_consumption_budget_resource_group"}

deny contains "tenant stack without a consumption budget that notifies someone" if {
	tenant_stack
	not notifying_budget
}

notifying_budget if {
	some type in budget_types
	some b in lib.resources(type)
	some n in b.config.notification
	n.enabled
	count(n.contact_emails) > 0
}

# Types whose public endpoint must be closed in production (they are reached through private
# endpoints); unset counts as open, the provider's default. Production is the tier tag, not a name.
private_in_prod := {"azurerm_key_vault", "azurerm_container_registry", "azurerm_postgresql_flexible_server", "azurerm_storage_account", "azurerm_redis_cache"}

deny contains msg if {
	some r in lib.all_resources
	r.type in private_in_prod
	object.get(r.config, ["tags", "tier"], "") == "production"
	object.get(r.config, "public_network_access_enabled", true) != false
	msg := sprintf("%s: public network access must be disabled in prod (public_network_access_enabled = false)", [r.path])
}

# attribute that sets the minimum TLS version, and the values that are at least TLS 1.2
tls_settings := {
	"azurerm_storage_account": {"attribute": "min_tls_version", "ok": {"TLS1_2", "TLS1_3"}},
	"azurerm_redis_cache": {"attribute": "minimum_tls_version", "ok": {"1.2", "1.3"}},
	"azurerm_mssql_server": {"attribute": "minimum_tls_version", "ok": {"1.2", "1.3"}},
}

deny contains msg if {
	some type, setting in tls_settings
	some r in lib.resources(type)
	not object.get(r.config, setting.attribute, "") in setting.ok
	msg := sprintf("%s: %s must be set to TLS 1.2 or later", [r.path, setting.attribute])
}

deny contains msg if {
	some server in lib.resources("azurerm_postgresql_flexible_server")
	not postgres_tls12(server.id)
	msg := sprintf("%s: needs a server configuration ssl_min_protocol_version of TLSv1.2 or later", [server.path])
}

postgres_tls12(id) if {
	some c in lib.resources("azurerm_postgresql_flexible_server_configuration")
	c.config.server_id == lib.ref_id("azurerm_postgresql_flexible_server", id)
	c.config.name == "ssl_min_protocol_version"
	c.config.value in {"TLSv1.2", "TLSv1.3"}
}

# Resource types with resource logs the platform keeps; each needs a diagnostic setting.
diagnosable := {
	"azurerm_kubernetes_cluster",
	"azurerm_key_vault",
	"azurerm_container_registry",
	"azurerm_storage_account",
	"azurerm_postgresql_flexible_server",
	"azurerm_redis_cache",
}

deny contains msg if {
	some r in lib.all_resources
	r.type in diagnosable
	not diagnosed(r.type, r.id)
	msg := sprintf("%s: no diagnostic setting sends its logs to Log Analytics", [r.path])
}

diagnosed(type, id) if {
	some d in lib.resources("azurerm_monitor_diagnostic_setting")
	d.config.target_resource_id == lib.ref_id(type, id)
	d.config.log_analytics_workspace_id
}
