package platformserviceaccounttoken_test

import data.platformserviceaccounttoken
import rego.v1

params := {"allowedNamespaces": [{"namespace": "argocd", "reason": "reconciles through the API"}]}

pod(namespace, spec) := {"review": {"namespace": namespace, "object": {"kind": "Pod", "metadata": {"name": "p", "namespace": namespace}, "spec": spec}}, "parameters": params}

no_token := {"automountServiceAccountToken": false, "containers": [{"name": "app"}]}

default_token := {"containers": [{"name": "app"}]}

tenant_inventory := {"cluster": {"v1": {"Namespace": {"argocd": {"metadata": {"name": "argocd", "labels": {"tenant": "argocd"}}}}}}}

test_token_off_allowed if count(platformserviceaccounttoken.violation) == 0 with input as pod("team", no_token)

test_default_token_denied if {
	some v in platformserviceaccounttoken.violation with input as pod("team", default_token)
	contains(v.msg, "spec.automountServiceAccountToken must be false in namespace \"team\"")
}

test_explicit_token_denied if count(platformserviceaccounttoken.violation) == 1 with input as pod("team", object.union(default_token, {"automountServiceAccountToken": true}))

test_catalogued_namespace_allowed if count(platformserviceaccounttoken.violation) == 0 with input as pod("argocd", default_token) with data.inventory as {}

test_tenant_namespace_never_allowed if count(platformserviceaccounttoken.violation) == 1 with input as pod("argocd", default_token) with data.inventory as tenant_inventory

test_projected_api_token_denied if {
	spec := object.union(no_token, {"volumes": [{"name": "t", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]})
	some v in platformserviceaccounttoken.violation with input as pod("team", spec)
	contains(v.msg, "volume \"t\" projects a service-account token")
}

test_projected_token_for_another_audience_allowed if {
	spec := object.union(no_token, {"volumes": [{"name": "azure-identity-token", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "audience": "api://AzureADTokenExchange"}}]}}]})
	count(platformserviceaccounttoken.violation) == 0 with input as pod("team", spec)
}
