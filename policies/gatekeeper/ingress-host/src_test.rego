package platformingresshost_test

import data.platformingresshost
import rego.v1

ing(host) := {"review": {"object": {"kind": "Ingress", "metadata": {"name": "i", "namespace": "team"}, "spec": {"rules": [{"host": host}]}}}, "parameters": {"baseDomain": "apps.example.org"}}

test_own_subdomain_allowed if count(platformingresshost.violation) == 0 with input as ing("www.team.apps.example.org")

test_other_namespace_denied if count(platformingresshost.violation) == 1 with input as ing("www.other.apps.example.org")

test_suffix_without_dot_denied if count(platformingresshost.violation) == 1 with input as ing("evilteam.apps.example.org")
