package platformtenantlabels_test

import data.platformtenantlabels
import rego.v1

params := {"labels": ["tenant", "cost-center"], "requiredKinds": ["PersistentVolumeClaim"]}

own := {"tenant": "acme", "cost-center": "CC-1"}

inventory := {"cluster": {"v1": {"Namespace": {"acme": {"metadata": {"name": "acme", "labels": object.union(own, {"pod-security.kubernetes.io/enforce": "restricted"})}}}}}}

review(o) := {"review": {"namespace": "acme", "object": o}, "parameters": params}

denials(o) := d if {
	d := platformtenantlabels.violation with input as review(o) with data.inventory as inventory
}

deployment(labels, pod_labels) := {"kind": "Deployment", "metadata": {"name": "d", "namespace": "acme", "labels": labels}, "spec": {"template": {"metadata": {"labels": pod_labels}, "spec": {"containers": []}}}}

test_own_labels_allowed if count(denials(deployment(own, own))) == 0

test_foreign_tenant_denied if {
	some v in denials(deployment(object.union(own, {"tenant": "contoso"}), own))
	contains(v.msg, "Deployment/d: object label tenant=\"contoso\" does not match namespace acme (tenant=\"acme\")")
}

test_foreign_cost_center_on_pod_template_denied if {
	some v in denials(deployment(own, object.union(own, {"cost-center": "CC-9"})))
	contains(v.msg, "pod template label cost-center=\"CC-9\"")
}

test_unlabelled_config_map_allowed if count(denials({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "acme"}})) == 0

test_foreign_label_on_any_kind_denied if count(denials({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "acme", "labels": {"tenant": "contoso"}}})) == 1

test_unlabelled_claim_denied if {
	some v in denials({"kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "acme"}})
	contains(v.msg, "object label tenant is missing; fix: set it to the namespace's value (tenant=\"acme\")")
}

test_claim_templates_must_be_labelled if {
	sts := {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "acme", "labels": own}, "spec": {"template": {"metadata": {"labels": own}, "spec": {}}, "volumeClaimTemplates": [{"metadata": {"name": "data"}}]}}
	count(denials(sts)) == 2
}

test_cron_job_template_compared if {
	cron := {"kind": "CronJob", "metadata": {"name": "c", "namespace": "acme", "labels": own}, "spec": {"jobTemplate": {"metadata": {"labels": {"tenant": "contoso"}}, "spec": {"template": {"metadata": {"labels": own}, "spec": {}}}}}}
	some v in denials(cron)
	contains(v.msg, "job template label tenant")
}

test_unsynced_namespace_says_so if {
	some v in platformtenantlabels.violation with input as review(deployment(own, own)) with data.inventory as {}
	contains(v.msg, "namespace acme has no tenant label in Gatekeeper's inventory")
}
