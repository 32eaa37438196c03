# A tenant route attaches to the platform's shared Gateway only, and there only to the tenants'
# listener: a parent that is another Gateway (in the tenant's own namespace, where the route's
# parentRef points without a namespace, or in any other), a Service (mesh attachment), or a
# listener of a platform host would let a tenant publish outside the names and the TLS, rate and
# timeout policies the platform reviewed. Routes without parents attach nowhere and are refused
# too, so a mistake is reported at apply time instead of as a route that silently serves nothing.
package platformrouteparent

import rego.v1

obj := input.review.object

namespace := ns if {
	ns := input.review.namespace
	ns != ""
} else := obj.metadata.namespace

describe := sprintf("%s/%s", [obj.kind, obj.metadata.name])

shared := sprintf("Gateway %s/%s", [input.parameters.gatewayNamespace, input.parameters.gatewayName])

listeners := concat(", ", input.parameters.sectionNames)

parents := object.get(obj, ["spec", "parentRefs"], [])

ref_group(ref) := object.get(ref, "group", "gateway.networking.k8s.io")

ref_kind(ref) := object.get(ref, "kind", "Gateway")

ref_namespace(ref) := object.get(ref, "namespace", namespace)

shared_gateway(ref) if {
	ref_group(ref) == "gateway.networking.k8s.io"
	ref_kind(ref) == "Gateway"
	ref_namespace(ref) == input.parameters.gatewayNamespace
	ref.name == input.parameters.gatewayName
}

violation contains {"msg": msg} if {
	count(parents) == 0
	msg := sprintf("%s: spec.parentRefs is empty, so the route attaches nowhere; fix: attach it to %s (sectionName %s)", [describe, shared, listeners])
}

violation contains {"msg": msg} if {
	some i, ref in parents
	not shared_gateway(ref)
	msg := sprintf("%s: spec.parentRefs[%d] is %s %s/%s, not the shared %s; fix: set group gateway.networking.k8s.io, kind Gateway, namespace %s, name %s", [describe, i, ref_kind(ref), ref_namespace(ref), object.get(ref, "name", ""), shared, input.parameters.gatewayNamespace, input.parameters.gatewayName])
}

violation contains {"msg": msg} if {
	some i, ref in parents
	shared_gateway(ref)
	section := object.get(ref, "sectionName", "")
	section != ""
	not section in input.parameters.sectionNames
	msg := sprintf("%s: spec.parentRefs[%d] names listener %q of %s, which serves platform hosts; fix: use sectionName %s, or leave it out", [describe, i, section, shared, listeners])
}

violation contains {"msg": msg} if {
	some i, ref in parents
	shared_gateway(ref)
	port := object.get(ref, "port", 443)
	port != 443
	msg := sprintf("%s: spec.parentRefs[%d] names port %d; tenant routes are served on 443 only (plain HTTP redirects); fix: leave port out", [describe, i, port])
}
