package platformrouteparent_test

import data.platformrouteparent
import rego.v1

params := {"gatewayNamespace": "envoy-gateway-system", "gatewayName": "platform", "sectionNames": ["tenants"]}

route(parents) := {"review": {"object": {"kind": "HTTPRoute", "apiVersion": "gateway.networking.k8s.io/v1", "metadata": {"name": "r", "namespace": "team"}, "spec": {"parentRefs": parents, "hostnames": ["www.team.apps.example.org"]}}}, "parameters": params}

shared := {"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "envoy-gateway-system", "name": "platform"}

denials(r) := d if {
	d := platformrouteparent.violation with input as r
}

test_shared_gateway_allowed if count(denials(route([shared]))) == 0

test_tenant_listener_allowed if count(denials(route([object.union(shared, {"sectionName": "tenants"})]))) == 0

test_defaults_allowed if count(denials(route([{"namespace": "envoy-gateway-system", "name": "platform"}]))) == 0

test_no_parents_denied if count(denials(route([]))) == 1

test_own_namespace_gateway_denied if {
	some v in denials(route([{"name": "platform"}]))
	contains(v.msg, "is Gateway team/platform, not the shared Gateway envoy-gateway-system/platform")
}

test_service_parent_denied if {
	some v in denials(route([{"group": "", "kind": "Service", "name": "web"}]))
	contains(v.msg, "is Service team/web")
}

test_platform_listener_denied if {
	some v in denials(route([object.union(shared, {"sectionName": "https-argocd"})]))
	contains(v.msg, "names listener \"https-argocd\"")
}

test_plain_http_port_denied if {
	some v in denials(route([object.union(shared, {"port": 80})]))
	contains(v.msg, "names port 80")
}
