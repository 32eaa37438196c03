# Environment guard rails (config/guard-rails.ts) over the rendered Gatekeeper constraints
# (rendered/<env>/gatekeeper-policies), which is where enforcement, digests and registries
# live: a production constraint denies, requires digests, and admits only the environment's ACR
# and the trusted registries. Production constraints carry the tier label.
package main

production(c) if object.get(c, ["metadata", "labels", "platform.example.org/tier"], "") == "production"

constraint(c) if startswith(object.get(c, "apiVersion", ""), "constraints.gatekeeper.sh/")

deny contains msg if {
	constraint(input)
	production(input)
	input.spec.enforcementAction != "deny"
	msg := sprintf("%s/%s: production constraints deny, got enforcementAction %q", [input.kind, input.metadata.name, input.spec.enforcementAction])
}

deny contains msg if {
	constraint(input)
	production(input)
	input.metadata.name == "image-tag"
	input.spec.parameters.requireDigest != true
	msg := sprintf("%s/%s: production requires image digests (requireDigest: true)", [input.kind, input.metadata.name])
}

deny contains msg if {
	constraint(input)
	production(input)
	input.metadata.name == "allowed-registries"
	some registry in input.spec.parameters.registries
	not trusted(registry)
	msg := sprintf("%s/%s: production admits images only from its ACR and trusted registries, not %s", [input.kind, input.metadata.name, registry])
}

trusted(registry) if endswith(split(registry, "/")[0], ".azurecr.io")

trusted(registry) if split(registry, "/")[0] in data.trusted_registries
