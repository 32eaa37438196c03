# opa test with a mocked provider (gator cannot compile external_data, let alone call Ratify):
# the mocks answer in Gatekeeper's external-data response format with Ratify's values.
package platformimagesignatures_test

import data.platformimagesignatures
import rego.v1

signed := "acrplatformdev.azurecr.io/agents/gateway@sha256:aaaa"

unsigned := "acrplatformdev.azurecr.io/agents/gateway@sha256:bbbb"

pod(containers, init) := {"review": {"object": {"kind": "Pod", "spec": {"containers": containers, "initContainers": init}}}, "parameters": {"provider": "ratify-provider"}}

# Ratify's answer: signed images verify, anything else does not.
ratify(request) := {
	"responses": [[key, {"isSuccess": key == signed, "verifierReports": []}] | some key in request.keys],
	"errors": [],
	"status_code": 200,
	"system_error": "",
} if {
	request.provider == "ratify-provider"
}

down(_) := {"responses": [], "errors": [], "status_code": 500, "system_error": "dial tcp 10.0.0.1:6001: connection refused"}

erring(request) := {"responses": [], "errors": [[key, "no signature found"] | some key in request.keys], "status_code": 200, "system_error": ""}

silent(_) := {"responses": [], "errors": [], "status_code": 200, "system_error": ""}

test_signed_images_are_admitted if {
	count(platformimagesignatures.violation) == 0 with input as pod([{"image": signed}], [{"image": signed}]) with external_data as ratify
}

test_an_unsigned_container_is_denied if {
	msgs := {v.msg | some v in platformimagesignatures.violation} with input as pod([{"image": signed}, {"image": unsigned}], []) with external_data as ratify
	msgs == {sprintf("image %q has no valid signature from the platform signing certificate; fix: build and promote it through the service image pipeline (docs/supply-chain.md)", [unsigned])}
}

test_an_unsigned_init_container_is_denied if {
	count(platformimagesignatures.violation) == 1 with input as pod([{"image": signed}], [{"image": unsigned}]) with external_data as ratify
}

test_a_provider_outage_denies if {
	some v in platformimagesignatures.violation with input as pod([{"image": signed}], []) with external_data as down
	contains(v.msg, "connection refused")
}

test_provider_errors_deny if {
	some v in platformimagesignatures.violation with input as pod([{"image": signed}], []) with external_data as erring
	contains(v.msg, "no signature found")
}

test_an_image_the_provider_did_not_answer_for_is_denied if {
	some v in platformimagesignatures.violation with input as pod([{"image": signed}], []) with external_data as silent
	contains(v.msg, "did not answer")
}

test_the_request_names_the_configured_provider_and_every_image_once if {
	platformimagesignatures.response == {"keys": [signed, unsigned], "provider": "ratify-provider"} with input as pod([{"image": unsigned}, {"image": signed}], [{"image": signed}]) with external_data as echo
}

echo(request) := request
