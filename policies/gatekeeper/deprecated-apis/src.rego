# Objects in API versions that the cluster's Kubernetes release has deprecated or no longer serves:
# a removed version fails the next sync or upgrade, a deprecated one the upgrade after. The table
# (group, version, kind, the releases that deprecated and removed it, the replacement) comes from
# the upstream deprecation guide through the parameters (charts/policies/deprecated-apis.ts), and
# the cluster's version from the environment (aks.kubernetesVersion).
package platformdeprecatedapis

import rego.v1

# The request's kind is what the client sent; gator derives it from the manifest's apiVersion.
requested := input.review.kind

violation contains {"msg": msg} if {
	some api in input.parameters.apis
	api.group == requested.group
	api.version == requested.version
	api.kind == requested.kind
	at_least(input.parameters.kubernetesVersion, api.deprecatedIn)
	msg := sprintf("%s/%s: %s %s %s; fix: %s", [requested.kind, input.review.object.metadata.name, api_version(api), status(api), cluster_note, replacement(api)])
}

cluster_note := sprintf("(the cluster runs Kubernetes %s)", [input.parameters.kubernetesVersion])

status(api) := sprintf("is no longer served since Kubernetes %s", [api.removedIn]) if {
	api.removedIn != ""
	at_least(input.parameters.kubernetesVersion, api.removedIn)
} else := sprintf("is deprecated since Kubernetes %s%s", [api.deprecatedIn, removal(api)])

removal(api) := sprintf(" and removed in %s", [api.removedIn]) if api.removedIn != ""

else := ""

api_version(api) := api.version if api.group == ""

else := concat("/", [api.group, api.version])

replacement(api) := sprintf("use apiVersion %s", [api.replacement]) if api.replacement != ""

else := sprintf("%s is gone; remove the object", [api.kind])

# "1.35" >= "1.9" compares release numbers, not strings.
at_least(version, minimum) if {
	[major, minor] := release(version)
	[min_major, min_minor] := release(minimum)
	major * 1000 + minor >= min_major * 1000 + min_minor
}

release(version) := [to_number(parts[0]), to_number(parts[1])] if parts := split(trim_prefix(version, "v"), ".")
