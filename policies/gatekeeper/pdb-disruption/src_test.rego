package platformpdbdisruption_test

import data.platformpdbdisruption
import rego.v1

pdb(spec) := {"review": {"object": {"kind": "PodDisruptionBudget", "metadata": {"name": "p"}, "spec": spec}}}

denied(spec) := n if {
	n := count(platformpdbdisruption.violation) with input as pdb(spec)
}

test_disruption_allowed if {
	denied({"maxUnavailable": 1}) == 0
	denied({"maxUnavailable": "25%"}) == 0
	denied({"minAvailable": 1}) == 0
	denied({"minAvailable": "50%"}) == 0
	denied({"maxUnavailable": 10}) == 0
}

test_no_disruption_denied if {
	denied({"maxUnavailable": 0}) == 1
	denied({"maxUnavailable": "0%"}) == 1
	denied({"minAvailable": "100%"}) == 1
}
