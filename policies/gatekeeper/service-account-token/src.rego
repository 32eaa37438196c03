# A pod that mounts a service-account token can call the Kubernetes API as that account; for a
# workload that never calls the API the token is only something to steal. Pods switch the mount
# off unless their namespace's catalogue entry (catalog/namespaces.ts) says why
# they call the API. A tenant namespace never may, whatever the parameters list: a Namespace
# labelled tenant in Gatekeeper's inventory overrides the list.
package platformserviceaccounttoken

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	not object.get(workload.pod_spec, "automountServiceAccountToken", true) == false
	not token_allowed
	msg := sprintf("%s/%s: spec.automountServiceAccountToken must be false in namespace %q (its pods have no reason to call the Kubernetes API); fix: set automountServiceAccountToken: false in the pod spec", [workload.obj.kind, workload.obj.metadata.name, workload.namespace])
}

# The same token under another name: a projected volume with an API-server token (no audience).
violation contains {"msg": msg} if {
	workload.judged
	some volume in object.get(workload.pod_spec, "volumes", [])
	some source in object.get(volume, ["projected", "sources"], [])
	token := source.serviceAccountToken
	object.get(token, "audience", "") == ""
	not token_allowed
	msg := sprintf("%s/%s: volume %q projects a service-account token for the Kubernetes API in namespace %q; fix: remove it, or set serviceAccountToken.audience to the service that consumes the token", [workload.obj.kind, workload.obj.metadata.name, volume.name, workload.namespace])
}

token_allowed if {
	some allowed in input.parameters.allowedNamespaces
	allowed.namespace == workload.namespace
	not tenant_namespace
}

tenant_namespace if object.get(data.inventory.cluster, ["v1", "Namespace", workload.namespace, "metadata", "labels", "tenant"], "") != ""
