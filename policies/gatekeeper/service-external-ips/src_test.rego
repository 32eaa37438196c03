package platformserviceexternalips_test

import data.platformserviceexternalips
import rego.v1

svc(spec) := {"review": {"object": {"kind": "Service", "metadata": {"name": "s"}, "spec": spec}}}

test_service_without_external_ips_allowed if count(platformserviceexternalips.violation) == 0 with input as svc({"ports": [{"port": 80}]})

test_empty_external_ips_allowed if count(platformserviceexternalips.violation) == 0 with input as svc({"externalIPs": []})

test_external_ips_denied if {
	some v in platformserviceexternalips.violation with input as svc({"externalIPs": ["1.1.1.1"]})
	contains(v.msg, "spec.externalIPs [\"1.1.1.1\"]")
}
