# A tenant's ingress hosts live under its own domain, <namespace>.<base domain>, so no tenant can
# capture another tenant's (or the platform's) host names. That holds for Ingresses and for Gateway
# API routes, for routing hosts and TLS hosts alike; catch-alls (a default backend, a rule or a
# route without a host, a wildcard) would take traffic meant for names nobody reviewed; and a host
# is served by one object only, checked against the Ingresses and routes Gatekeeper syncs
# (data.inventory), because the ingress controller silently merges or picks between duplicates.
package platformingresshost

import rego.v1

route_kinds := {"HTTPRoute", "GRPCRoute", "TLSRoute"}

host_kinds := route_kinds | {"Ingress"}

obj := input.review.object

namespace := ns if {
	ns := input.review.namespace
	ns != ""
} else := obj.metadata.namespace

describe := sprintf("%s/%s", [obj.kind, obj.metadata.name])

suffix := concat(".", [namespace, input.parameters.baseDomain])

# Hosts that route traffic: an Ingress rule without a host routes every host ("").
routing_hosts(o) := [object.get(rule, "host", "") | some rule in object.get(o, ["spec", "rules"], [])] if o.kind == "Ingress"

routing_hosts(o) := object.get(o, ["spec", "hostnames"], []) if o.kind in route_kinds

# Every name the object claims, with the field it is in (for messages).
claimed contains {"host": host, "field": field} if {
	some host in routing_hosts(obj)
	field := host_field
}

claimed contains {"host": host, "field": "spec.tls[].hosts"} if {
	obj.kind == "Ingress"
	some tls in object.get(obj, ["spec", "tls"], [])
	some host in object.get(tls, "hosts", [])
}

host_field := "spec.rules[].host" if obj.kind == "Ingress"

else := "spec.hostnames"

violation contains {"msg": msg} if {
	obj.kind == "Ingress"
	object.get(obj, ["spec", "defaultBackend"], null) != null
	msg := sprintf("%s: spec.defaultBackend catches every host the controller does not know; fix: remove it and route by host under %s", [describe, suffix])
}

violation contains {"msg": msg} if {
	obj.kind in route_kinds
	count(routing_hosts(obj)) == 0
	msg := sprintf("%s: spec.hostnames is empty, so the route takes every host of its Gateway; fix: list its hosts under %s", [describe, suffix])
}

violation contains {"msg": msg} if {
	some claim in claimed
	not contains(claim.host, "*")
	not under_own_domain(claim.host)
	msg := sprintf("%s: host %q (%s) is outside %s; fix: use <name>.%s", [describe, claim.host, claim.field, suffix, suffix])
}

violation contains {"msg": msg} if {
	some claim in claimed
	contains(claim.host, "*")
	msg := sprintf("%s: host %q (%s) is a wildcard and would take names nobody reviewed; fix: name each host under %s", [describe, claim.host, claim.field, suffix])
}

violation contains {"msg": msg} if {
	some host in routing_hosts(obj)
	host != ""
	some other_namespace, version, kind, name
	other := data.inventory.namespace[other_namespace][version][kind][name]
	kind in host_kinds
	not same_object(other_namespace, kind, name)
	host in routing_hosts(other)
	msg := sprintf("%s: host %q is already served by %s/%s in namespace %s; fix: use another name under %s, or serve it from that object", [describe, host, kind, name, other_namespace, suffix])
}

under_own_domain(host) if endswith(host, concat("", [".", suffix]))

under_own_domain(host) if host == suffix

same_object(other_namespace, kind, name) if {
	other_namespace == namespace
	kind == obj.kind
	name == obj.metadata.name
}
