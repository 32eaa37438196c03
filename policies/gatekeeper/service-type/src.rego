# Tenant services stay inside the cluster: exposure goes through the shared ingress controller,
# never a per-tenant load balancer or a port on every node.
package platformservicetype

import rego.v1

violation contains {"msg": msg} if {
	service := input.review.object
	service.kind == "Service"
	type := object.get(service.spec, "type", "ClusterIP")
	type in input.parameters.disallowedTypes
	msg := sprintf("Service/%s: type %s is not allowed in tenant namespaces; fix: use ClusterIP and an Ingress", [service.metadata.name, type])
}
