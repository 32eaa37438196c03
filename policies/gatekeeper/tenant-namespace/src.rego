# Every namespace outside the platform's own is a tenant namespace: it carries the tenant and
# cost-center labels and enforces Pod Security "restricted".
package platformtenantnamespace

import rego.v1

violation contains {"msg": msg} if {
	ns := input.review.object
	ns.kind == "Namespace"
	some label in input.parameters.labels
	object.get(ns.metadata, ["labels", label], "") == ""
	msg := sprintf("Namespace/%s: label %q is missing; fix: create tenant namespaces from a tenant file (tenants/<name>.yaml)", [ns.metadata.name, label])
}

violation contains {"msg": msg} if {
	ns := input.review.object
	ns.kind == "Namespace"
	object.get(ns.metadata, ["labels", "pod-security.kubernetes.io/enforce"], "") != "restricted"
	msg := sprintf("Namespace/%s: pod-security.kubernetes.io/enforce must be restricted; fix: label it pod-security.kubernetes.io/enforce=restricted (the tenant stack does)", [ns.metadata.name])
}
