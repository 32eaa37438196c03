# No container is larger than its namespace allows, and none asks for little while it may use a
# lot: a limit far above the request overcommits the node, and the scheduler, the quota and the
# cost reports count the request. Tenant namespaces get the default; platform namespaces get
# their catalogue entry's maximum (catalog/namespaces.ts), e.g. vLLM's host
# memory in `serving`.
package platformcontainerlimits

import data.lib.quantity
import data.lib.workload
import rego.v1

resources := ["cpu", "memory"]

maximum := m if {
	some m in input.parameters.namespaces
	m.namespace == workload.namespace
} else := input.parameters.defaultMaximum

# What the container may use: its limit, or its request where it sets no limit.
ceiling(container, resource) := v if {
	v := object.get(container, ["resources", "limits", resource], null)
	v != null
} else := object.get(container, ["resources", "requests", resource], null)

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	entry.field != "ephemeralContainers"
	some resource in resources
	value := ceiling(entry.container, resource)
	value != null
	quantity.parse(value) > quantity.parse(maximum[resource])
	msg := sprintf("%s: %s %v is above the maximum %v for one container in namespace %q; fix: lower it, or split the work across replicas", [workload.describe(entry), resource, value, maximum[resource], workload.namespace])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	entry.field != "ephemeralContainers"
	some resource in resources
	request := object.get(entry.container, ["resources", "requests", resource], null)
	limit := object.get(entry.container, ["resources", "limits", resource], null)
	request != null
	limit != null
	quantity.parse(limit) > quantity.parse(request) * maximum.ratio
	msg := sprintf("%s: %s limit %v is more than %v times its request %v; fix: raise the request or lower the limit", [workload.describe(entry), resource, limit, maximum.ratio, request])
}

violation contains {"msg": msg} if {
	workload.judged
	some entry in workload.containers
	some kind in ["requests", "limits"]
	some resource in resources
	value := object.get(entry.container, ["resources", kind, resource], null)
	value != null
	not quantity.parse(value)
	msg := sprintf("%s: resources.%s.%s %v is not a Kubernetes quantity; fix: write it as e.g. 500m, 2, 512Mi or 4Gi", [workload.describe(entry), kind, resource, value])
}
