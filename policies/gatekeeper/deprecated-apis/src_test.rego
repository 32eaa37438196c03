package platformdeprecatedapis_test

import data.platformdeprecatedapis
import rego.v1

apis := [
	{"group": "policy", "version": "v1beta1", "kind": "PodDisruptionBudget", "deprecatedIn": "1.21", "removedIn": "1.25", "replacement": "policy/v1"},
	{"group": "policy", "version": "v1beta1", "kind": "PodSecurityPolicy", "deprecatedIn": "1.21", "removedIn": "1.25", "replacement": ""},
	{"group": "", "version": "v1", "kind": "Widget", "deprecatedIn": "1.9", "removedIn": "", "replacement": "example.org/v2"},
]

review(group, version, kind, cluster) := {"review": {"kind": {"group": group, "version": version, "kind": kind}, "object": {"metadata": {"name": "x"}}}, "parameters": {"kubernetesVersion": cluster, "apis": apis}}

messages(group, version, kind, cluster) := {v.msg | some v in violations} if {
	violations := platformdeprecatedapis.violation with input as review(group, version, kind, cluster)
}

test_current_version_allowed if count(messages("policy", "v1", "PodDisruptionBudget", "1.35")) == 0

test_removed_version_denied if {
	messages("policy", "v1beta1", "PodDisruptionBudget", "1.35") == {"PodDisruptionBudget/x: policy/v1beta1 is no longer served since Kubernetes 1.25 (the cluster runs Kubernetes 1.35); fix: use apiVersion policy/v1"}
}

test_deprecated_version_denied_before_removal if {
	messages("policy", "v1beta1", "PodDisruptionBudget", "1.22") == {"PodDisruptionBudget/x: policy/v1beta1 is deprecated since Kubernetes 1.21 and removed in 1.25 (the cluster runs Kubernetes 1.22); fix: use apiVersion policy/v1"}
}

test_not_yet_deprecated_allowed if count(messages("policy", "v1beta1", "PodDisruptionBudget", "1.20")) == 0

test_versions_compare_as_numbers if {
	# "1.10" >= "1.9" although "1.10" < "1.9" as strings.
	count(messages("", "v1", "Widget", "1.10")) == 1
	count(messages("", "v1", "Widget", "1.8")) == 0
}

test_core_group_and_kind_without_replacement if {
	some m in messages("policy", "v1beta1", "PodSecurityPolicy", "1.35")
	contains(m, "PodSecurityPolicy is gone; remove the object")
	some w in messages("", "v1", "Widget", "1.35")
	contains(w, "Widget/x: v1 is deprecated since Kubernetes 1.9 (")
}
