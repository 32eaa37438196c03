package platformingresshost_test

import data.platformingresshost
import rego.v1

params := {"baseDomain": "apps.example.org"}

review(o) := {"review": {"object": o}, "parameters": params}

ingress(spec) := {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "i", "namespace": "team"}, "spec": spec}

route(hostnames) := {"kind": "HTTPRoute", "apiVersion": "gateway.networking.k8s.io/v1", "metadata": {"name": "r", "namespace": "team"}, "spec": {"hostnames": hostnames}}

ing(host) := review(ingress({"rules": [{"host": host}]}))

denials(r) := d if {
	d := platformingresshost.violation with input as r with data.inventory as {}
}

test_own_subdomain_allowed if count(denials(ing("www.team.apps.example.org"))) == 0

test_other_namespace_denied if count(denials(ing("www.other.apps.example.org"))) == 1

test_suffix_without_dot_denied if count(denials(ing("evilteam.apps.example.org"))) == 1

test_default_backend_denied if {
	some v in denials(review(ingress({"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}})))
	contains(v.msg, "spec.defaultBackend catches every host")
}

test_wildcard_in_own_domain_denied if {
	d := denials(ing("*.team.apps.example.org"))
	count(d) == 1
	some v in d
	contains(v.msg, "is a wildcard")
}

test_foreign_tls_host_denied if {
	spec := {"rules": [{"host": "www.team.apps.example.org"}], "tls": [{"hosts": ["www.team.apps.example.org", "login.example.org"], "secretName": "t"}]}
	some v in denials(review(ingress(spec)))
	contains(v.msg, "\"login.example.org\" (spec.tls[].hosts) is outside")
}

test_route_hostnames_checked if {
	count(denials(review(route(["api.team.apps.example.org"])))) == 0
	count(denials(review(route(["api.other.apps.example.org"])))) == 1
}

test_route_without_hostnames_denied if {
	some v in denials(review(route([])))
	contains(v.msg, "spec.hostnames is empty")
}

inventory_with(o) := {"namespace": {o.metadata.namespace: {o.apiVersion: {o.kind: {o.metadata.name: o}}}}}

test_duplicate_host_denied if {
	other := object.union(route(["www.team.apps.example.org"]), {"metadata": {"name": "older"}})
	some v in platformingresshost.violation with input as ing("www.team.apps.example.org") with data.inventory as inventory_with(other)
	contains(v.msg, "host \"www.team.apps.example.org\" is already served by HTTPRoute/older in namespace team")
}

test_the_object_itself_is_no_duplicate if {
	own := ingress({"rules": [{"host": "www.team.apps.example.org"}]})
	count(platformingresshost.violation) == 0 with input as review(own) with data.inventory as inventory_with(own)
}
