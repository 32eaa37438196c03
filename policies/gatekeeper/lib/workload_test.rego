package lib.workload_test

import data.lib.workload
import rego.v1

pod_spec := {"containers": [{"name": "app", "image": "x"}], "initContainers": [{"name": "init", "image": "y"}]}

test_pod_spec_of_every_kind if {
	workload.pod_spec == pod_spec with input as {"review": {"object": {"kind": "Pod", "spec": pod_spec}}}
	workload.pod_spec == pod_spec with input as {"review": {"object": {"kind": "Deployment", "spec": {"template": {"spec": pod_spec}}}}}
	workload.pod_spec == pod_spec with input as {"review": {"object": {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": pod_spec}}}}}}}
}

test_other_kinds_have_no_pod_spec if {
	not workload.pod_spec with input as {"review": {"object": {"kind": "Service", "spec": {}}}}
}

test_containers_include_init_containers if {
	names := {e.container.name | some e in workload.containers} with input as {"review": {"object": {"kind": "Pod", "spec": pod_spec}}}
	names == {"app", "init"}
}

deployment := {"kind": "Deployment", "metadata": {"name": "d", "labels": {"tenant": "a"}}, "spec": {"replicas": 2, "template": {"metadata": {"labels": {"tenant": "a"}}, "spec": pod_spec}}}

judged_for(operation, old, new) if workload.judged with input as {"review": {"operation": operation, "oldObject": old, "object": new}}

test_create_and_audit_are_judged if {
	judged_for("CREATE", null, deployment)
	workload.judged with input as {"review": {"object": deployment}}
}

test_update_that_scales_and_annotates_is_not_judged if {
	scaled := json.patch(deployment, [{"op": "replace", "path": "/spec/replicas", "value": 5}, {"op": "add", "path": "/metadata/annotations", "value": {"owner": "x"}}])
	not judged_for("UPDATE", deployment, scaled)
}

test_update_that_restarts_is_not_judged if {
	restarted := json.patch(deployment, [{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"kubectl.kubernetes.io/restartedAt": "now"}}])
	not judged_for("UPDATE", deployment, restarted)
}

test_update_that_changes_the_pod_spec_is_judged if {
	changed := json.patch(deployment, [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "z"}])
	judged_for("UPDATE", deployment, changed)
}

test_update_that_changes_labels_is_judged if {
	relabelled := json.patch(deployment, [{"op": "replace", "path": "/metadata/labels/tenant", "value": "b"}])
	judged_for("UPDATE", deployment, relabelled)
}

test_update_that_changes_confinement_annotations_is_judged if {
	unconfined := json.patch(deployment, [{"op": "add", "path": "/spec/template/metadata/annotations", "value": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}])
	judged_for("UPDATE", deployment, unconfined)
}

test_update_without_old_object_is_judged if workload.judged with input as {"review": {"operation": "UPDATE", "object": deployment}}

test_delete_is_not_judged if not judged_for("DELETE", deployment, deployment)

test_namespace_from_the_request if {
	workload.namespace == "team" with input as {"review": {"namespace": "team", "object": deployment}}
	workload.namespace == "meta" with input as {"review": {"object": object.union(deployment, {"metadata": {"namespace": "meta"}})}}
}
