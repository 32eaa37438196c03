package platformreadonlyrootfilesystem_test

import data.platformreadonlyrootfilesystem
import rego.v1

params := {"annotationPrefix": "writable-root.platform.example.org/", "minReasonLength": 20}

deployment(annotations, container) := {"review": {"object": {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"metadata": {"annotations": annotations}, "spec": {"containers": [container]}}}}}, "parameters": params}

read_only := {"name": "app", "securityContext": {"readOnlyRootFilesystem": true}}

writable := {"name": "app", "securityContext": {"readOnlyRootFilesystem": false}}

reasoned := {"writable-root.platform.example.org/app": "the vendor image unpacks plugins into /opt/app at start"}

denials(annotations, container) := d if {
	d := platformreadonlyrootfilesystem.violation with input as deployment(annotations, container)
}

test_read_only_allowed if count(denials({}, read_only)) == 0

test_writable_denied if {
	some v in denials({}, writable)
	contains(v.msg, "readOnlyRootFilesystem must be true")
}

test_unset_denied if count(denials({}, {"name": "app"})) == 1

test_reasoned_opt_out_allowed if count(denials(reasoned, writable)) == 0

test_opt_out_for_another_container_does_not_count if count(denials({"writable-root.platform.example.org/other": reasoned["writable-root.platform.example.org/app"]}, writable)) == 1

test_short_reason_denied if {
	d := denials({"writable-root.platform.example.org/app": "needed"}, writable)
	count(d) == 2
	some v in d
	contains(v.msg, "gives no reason (6 characters, at least 20)")
}

test_blank_reason_denied if count(denials({"writable-root.platform.example.org/app": "                           "}, writable)) == 2
