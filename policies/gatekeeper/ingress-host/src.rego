# A tenant's ingress hosts live under its own domain, <namespace>.<base domain>, so no tenant
# can capture another tenant's (or the platform's) host names.
package platformingresshost

import rego.v1

violation contains {"msg": msg} if {
	ingress := input.review.object
	ingress.kind == "Ingress"
	some rule in object.get(ingress.spec, "rules", [])
	not allowed(object.get(rule, "host", ""), ingress.metadata.namespace)
	msg := sprintf("Ingress/%s: host %q is outside %s; fix: use <name>.%s", [ingress.metadata.name, object.get(rule, "host", ""), suffix(ingress.metadata.namespace), suffix(ingress.metadata.namespace)])
}

suffix(namespace) := concat(".", [namespace, input.parameters.baseDomain])

allowed(host, namespace) if endswith(host, concat("", [".", suffix(namespace)]))

allowed(host, namespace) if host == suffix(namespace)
