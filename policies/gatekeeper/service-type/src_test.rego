package platformservicetype_test

import data.platformservicetype
import rego.v1

svc(spec) := {"review": {"object": {"kind": "Service", "metadata": {"name": "s"}, "spec": spec}}, "parameters": {"disallowedTypes": ["NodePort", "LoadBalancer"]}}

test_cluster_ip_allowed if count(platformservicetype.violation) == 0 with input as svc({})

test_load_balancer_denied if count(platformservicetype.violation) == 1 with input as svc({"type": "LoadBalancer"})
