# State lives in the azurerm backend with Entra ID auth; a local backend is for offline work.
package main

deny contains msg if {
	azurerm := input.terraform.backend.azurerm
	some attr in ["use_oidc", "use_azuread_auth"]
	not azurerm[attr]
	msg := sprintf("azurerm backend must set %s (no storage account keys)", [attr])
}

deny contains msg if {
	input.terraform
	not input.terraform.backend
	msg := "stack has no state backend"
}

warn contains msg if {
	input.terraform.backend.local
	msg := "local state backend: synthesized with --local-backend, do not deploy this output"
}
