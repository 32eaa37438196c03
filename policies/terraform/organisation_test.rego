package main_test

import data.main

tenant_backend := {"azurerm": {"key": "dev-tenant-acme.tfstate", "use_oidc": true, "use_azuread_auth": true}}

budget := {"notification": [{"enabled": true, "threshold": 80, "contact_emails": ["a@b.example"]}]}

org_denials(inp) := {m |
	some m in main.deny with input as inp
		with data.taggable_resource_types as []
		with data.stateful_resource_types as []
}

test_tenant_stack_with_budget_passes if {
	count(org_denials({"terraform": {"backend": tenant_backend}, "resource": {"azurerm_consumption_budget_subscription": {"b": budget}}})) == 0
}

test_tenant_stack_without_budget_denied if {
	"tenant stack without a consumption budget that notifies someone" in org_denials({"terraform": {"backend": tenant_backend}, "resource": {}})
}

test_budget_without_contacts_denied if {
	silent := {"notification": [{"enabled": true, "threshold": 80, "contact_emails": []}]}
	"tenant stack without a consumption budget that notifies someone" in org_denials({"terraform": {"backend": tenant_backend}, "resource": {"azurerm_consumption_budget_subscription": {"b": silent}}})
}

test_platform_stack_needs_no_budget if {
	count(org_denials({"terraform": {"backend": {"azurerm": {"key": "dev-platform.tfstate", "use_oidc": true, "use_azuread_auth": true}}}, "resource": {}})) == 0
}

diagnosed_vault(vault) := {"resource": {
	"azurerm_key_vault": {"v": vault},
	"azurerm_monitor_diagnostic_setting": {"d": {"target_resource_id": "${azurerm_key_vault.v.id}", "log_analytics_workspace_id": "w"}},
}}

test_public_vault_in_prod_denied if {
	some m in org_denials(diagnosed_vault({"tags": {"env": "prod", "tier": "production"}, "public_network_access_enabled": true}))
	contains(m, "public network access must be disabled in prod")
}

public_access_denials(inp) := {m | some m in org_denials(inp); contains(m, "public network access")}

test_unset_public_access_in_prod_denied if {
	count(public_access_denials(diagnosed_vault({"tags": {"env": "prod", "tier": "production"}}))) == 1
}

test_public_vault_in_dev_allowed if {
	count(public_access_denials(diagnosed_vault({"tags": {"env": "dev", "tier": "non-production"}, "public_network_access_enabled": true}))) == 0
}

# The tier decides, not the environment's name: a production environment called "live" is held too.
test_public_vault_in_any_production_denied if {
	count(public_access_denials(diagnosed_vault({"tags": {"env": "live", "tier": "production"}, "public_network_access_enabled": true}))) == 1
}

test_undiagnosed_vault_denied if {
	"v: no diagnostic setting sends its logs to Log Analytics" in org_denials({"resource": {"azurerm_key_vault": {"v": {"tags": {"env": "dev"}}}}})
}

storage(tls) := {"resource": {
	"azurerm_storage_account": {"s": object.union({"tags": {"env": "dev"}}, tls)},
	"azurerm_monitor_diagnostic_setting": {"d": {"target_resource_id": "${azurerm_storage_account.s.id}", "log_analytics_workspace_id": "w"}},
}}

test_storage_tls12_passes if count(org_denials(storage({"min_tls_version": "TLS1_2"}))) == 0

test_storage_tls10_denied if "s: min_tls_version must be set to TLS 1.2 or later" in org_denials(storage({"min_tls_version": "TLS1_0"}))

test_storage_tls_unset_denied if count(org_denials(storage({}))) == 1

pg(configs) := {"resource": {
	"azurerm_postgresql_flexible_server": {"p": {"tags": {"env": "dev"}}},
	"azurerm_postgresql_flexible_server_configuration": configs,
	"azurerm_monitor_diagnostic_setting": {"d": {"target_resource_id": "${azurerm_postgresql_flexible_server.p.id}", "log_analytics_workspace_id": "w"}},
}}

test_postgres_with_tls12_passes if {
	count(org_denials(pg({"c": {"server_id": "${azurerm_postgresql_flexible_server.p.id}", "name": "ssl_min_protocol_version", "value": "TLSv1.2"}}))) == 0
}

test_postgres_without_tls_setting_denied if {
	"p: needs a server configuration ssl_min_protocol_version of TLSv1.2 or later" in org_denials(pg({}))
}
