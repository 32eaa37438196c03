# Every image of a pod must carry a valid Notation signature from the platform signing
# certificate, as Ratify (the external-data provider) reports it. Anything Ratify cannot answer
# for, or an answer that is missing, counts as unverified: the rule fails closed.
package platformimagesignatures

import rego.v1

images contains container.image if {
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some container in input.review.object.spec[field]
}

# Gatekeeper's external_data returns {"responses": [[key, value]], "errors": [[key, message]],
# "status_code": n, "system_error": text}; Ratify's value says isSuccess per image.
response := external_data({"provider": input.parameters.provider, "keys": sort([image | some image in images])})

violation contains {"msg": msg} if {
	response.system_error != ""
	msg := sprintf("image signatures could not be verified (%s); fix: check Ratify (docs/runbooks/image-signatures.md)", [response.system_error])
}

violation contains {"msg": msg} if {
	some [image, message] in response.errors
	msg := sprintf("image %q could not be verified: %s; fix: check Ratify (docs/runbooks/image-signatures.md)", [image, message])
}

violation contains {"msg": msg} if {
	some [image, result] in response.responses
	not result.isSuccess
	msg := sprintf("image %q has no valid signature from the platform signing certificate; fix: build and promote it through the service image pipeline (docs/supply-chain.md)", [image])
}

violation contains {"msg": msg} if {
	response.system_error == ""
	some image in images
	not answered(image)
	msg := sprintf("image %q was not verified (the provider did not answer for it); fix: check Ratify (docs/runbooks/image-signatures.md)", [image])
}

answered(image) if {
	some pair in array.concat(response.responses, response.errors)
	pair[0] == image
}
