# Workloads in tenant namespaces carry the labels cost reports and dashboards group by, on the
# object and on its pods (the pods are what metrics and the cost export see).
package platformrequiredlabels

import data.lib.workload
import rego.v1

violation contains {"msg": msg} if {
	workload.judged
	some where, metadata in labelled
	some label in input.parameters.labels
	not non_empty(object.get(metadata, ["labels", label], ""))
	msg := sprintf("%s/%s: %s label %q is missing; fix: add it (tenant, cost-center and app.kubernetes.io/name identify every workload)", [workload.obj.kind, workload.obj.metadata.name, where, label])
}

labelled["object"] := workload.obj.metadata

labelled["pod template"] := workload.pod_metadata if workload.obj.kind != "Pod"

# The Jobs a CronJob creates carry its job template's labels, and this rule judges those Jobs:
# an unlabelled job template would have every scheduled run refused long after the CronJob was.
labelled["job template"] := object.get(workload.obj, ["spec", "jobTemplate", "metadata"], {}) if workload.obj.kind == "CronJob"

non_empty(value) if {
	is_string(value)
	value != ""
}
