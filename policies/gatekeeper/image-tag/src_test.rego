package platformimagetag_test

import data.platformimagetag
import rego.v1

pod(image) := {"review": {"object": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": image}]}}}, "parameters": {}}

test_pinned_tag_allowed if count(platformimagetag.violation) == 0 with input as pod("cr.example.io/app:1.2.3")

test_registry_port_is_not_a_tag if count(platformimagetag.violation) == 1 with input as pod("cr.example.io:5000/app")

test_latest_denied if {
	some v in platformimagetag.violation with input as pod("cr.example.io/app:latest")
	contains(v.msg, "uses the latest tag")
}

test_digest_required_when_asked if {
	inp := json.patch(pod("cr.example.io/app:1.2.3"), [{"op": "add", "path": "/parameters/requireDigest", "value": true}])
	some v in platformimagetag.violation with input as inp
	contains(v.msg, "not pinned by digest")
}

test_digest_satisfies_digest_rule if {
	inp := json.patch(pod("cr.example.io/app:1.2.3@sha256:abc"), [{"op": "add", "path": "/parameters/requireDigest", "value": true}])
	count(platformimagetag.violation) == 0 with input as inp
}

test_exempt_prefix if {
	inp := json.patch(pod("cr.example.io/app:latest"), [{"op": "add", "path": "/parameters/exemptImages", "value": ["cr.example.io/app"]}])
	count(platformimagetag.violation) == 0 with input as inp
}

test_latest_without_digest_reports_both if {
	inp := json.patch(pod("cr.example.io/app:latest"), [{"op": "add", "path": "/parameters/requireDigest", "value": true}])
	count(platformimagetag.violation) == 2 with input as inp
}
