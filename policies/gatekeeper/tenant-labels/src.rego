# The tenant and cost-center labels of everything in a tenant namespace are the namespace's own,
# read from the Namespace that Gatekeeper syncs (data.inventory): a Deployment labelled with
# another tenant would book its cost to that tenant and show up on its dashboards. The labels are
# compared wherever they are set: on the object, its pod template, a CronJob's job template and
# the claim templates that become PersistentVolumeClaims. They must be there on the kinds listed
# in requiredKinds and on the claim templates (storage is billed per claim, and a claim the
# controller later cannot create fails far from the manifest that caused it); other kinds may
# leave them out, since controllers create them unlabelled (Events, Leases, cert-manager's TLS
# Secrets). Workloads must carry them by the required-labels rule.
package platformtenantlabels

import data.lib.workload
import rego.v1

obj := workload.obj

namespace_labels := labels if {
	labels := data.inventory.cluster.v1.Namespace[workload.namespace].metadata.labels
} else := {}

# {"where": ..., "labels": ..., "required": ...} for every label set the object carries or makes.
labelled contains {"where": "object", "labels": object.get(obj, ["metadata", "labels"], {}), "required": obj.kind in input.parameters.requiredKinds}

labelled contains {"where": "pod template", "labels": object.get(workload.pod_metadata, "labels", {}), "required": false} if obj.kind != "Pod"

labelled contains {"where": "job template", "labels": object.get(obj, ["spec", "jobTemplate", "metadata", "labels"], {}), "required": false} if obj.kind == "CronJob"

labelled contains {"where": sprintf("volumeClaimTemplate %q", [claim.metadata.name]), "labels": object.get(claim, ["metadata", "labels"], {}), "required": true} if {
	obj.kind == "StatefulSet"
	some claim in object.get(obj, ["spec", "volumeClaimTemplates"], [])
}

labelled contains {"where": sprintf("ephemeral volume %q", [volume.name]), "labels": object.get(volume, ["ephemeral", "volumeClaimTemplate", "metadata", "labels"], {}), "required": true} if {
	some volume in object.get(workload.pod_spec, "volumes", [])
	volume.ephemeral
}

violation contains {"msg": msg} if {
	workload.judged
	workload.namespace != ""
	some set in labelled
	some key in input.parameters.labels
	value := set.labels[key]
	value != object.get(namespace_labels, key, "")
	msg := sprintf("%s/%s: %s label %s=%q does not match namespace %s (%s); fix: set it to the namespace's value, the tenant whose costs these are", [obj.kind, obj.metadata.name, set.where, key, value, workload.namespace, expected(key)])
}

violation contains {"msg": msg} if {
	workload.judged
	workload.namespace != ""
	some set in labelled
	set.required
	some key in input.parameters.labels
	not set.labels[key]
	msg := sprintf("%s/%s: %s label %s is missing; fix: set it to the namespace's value (%s)", [obj.kind, obj.metadata.name, set.where, key, expected(key)])
}

expected(key) := sprintf("%s=%q", [key, namespace_labels[key]]) if namespace_labels[key]

else := sprintf("namespace %s has no %s label in Gatekeeper's inventory: is Namespace synced in the Gatekeeper Config?", [workload.namespace, key])
