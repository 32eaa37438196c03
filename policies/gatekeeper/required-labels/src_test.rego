package platformrequiredlabels_test

import data.platformrequiredlabels
import rego.v1

labels := {"tenant": "a", "cost-center": "CC-1"}

deployment(object_labels, pod_labels) := {
	"review": {"object": {"kind": "Deployment", "metadata": {"name": "d", "labels": object_labels}, "spec": {"template": {"metadata": {"labels": pod_labels}, "spec": {"containers": []}}}}},
	"parameters": {"labels": ["tenant", "cost-center"]},
}

test_labelled_allowed if count(platformrequiredlabels.violation) == 0 with input as deployment(labels, labels)

test_pod_template_labels_required if {
	some v in platformrequiredlabels.violation with input as deployment(labels, {"tenant": "a"})
	contains(v.msg, "pod template label \"cost-center\"")
}

test_cron_job_template_labels_required if {
	cron := {"kind": "CronJob", "metadata": {"name": "c", "labels": labels}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": []}}}}}}
	some v in platformrequiredlabels.violation with input as {"review": {"object": cron}, "parameters": {"labels": ["tenant", "cost-center"]}}
	contains(v.msg, "CronJob/c: job template label \"tenant\" is missing")
}
