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
