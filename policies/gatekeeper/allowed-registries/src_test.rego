package platformallowedregistries_test

import data.platformallowedregistries
import rego.v1

pod(image) := {"review": {"object": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": image}]}}}, "parameters": {"registries": ["cr.example.io"]}}

test_allowed_registry if count(platformallowedregistries.violation) == 0 with input as pod("cr.example.io/team/app:1")

test_other_registry_denied if count(platformallowedregistries.violation) == 1 with input as pod("docker.io/library/nginx:1")

test_prefix_must_end_at_host if count(platformallowedregistries.violation) == 1 with input as pod("cr.example.io.evil.example/app:1")
