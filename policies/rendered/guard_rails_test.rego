package main_test

import data.main

prod_constraint(name, spec) := {
	"apiVersion": "constraints.gatekeeper.sh/v1beta1",
	"kind": "K8sTest",
	"metadata": {"name": name, "labels": {"platform.example.org/tier": "production"}},
	"spec": spec,
}

rendered_denials(obj) := {m | some m in main.deny with input as obj with data.trusted_registries as ["mcr.microsoft.com"]}

test_production_constraint_that_warns_denied if {
	"K8sTest/x: production constraints deny, got enforcementAction \"warn\"" in rendered_denials(prod_constraint("x", {"enforcementAction": "warn"}))
}

test_non_production_constraint_may_warn if {
	c := object.union(prod_constraint("x", {"enforcementAction": "warn"}), {"metadata": {"labels": {"platform.example.org/tier": "non-production"}}})
	count(rendered_denials(c)) == 0
}

test_production_tags_without_digests_denied if {
	c := prod_constraint("image-tag", {"enforcementAction": "deny", "parameters": {"requireDigest": false}})
	"K8sTest/image-tag: production requires image digests (requireDigest: true)" in rendered_denials(c)
}

test_production_untrusted_registry_denied if {
	c := prod_constraint("allowed-registries", {"enforcementAction": "deny", "parameters": {"registries": ["craipprod.azurecr.io", "mcr.microsoft.com", "docker.io"]}})
	rendered_denials(c) == {"K8sTest/allowed-registries: production admits images only from its ACR and trusted registries, not docker.io"}
}

test_objects_that_are_not_constraints_pass if {
	count(rendered_denials({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"platform.example.org/tier": "production"}}})) == 0
}
