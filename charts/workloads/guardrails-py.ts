/** The router's guardrail classes (LiteLLM custom guardrails), mounted as platform_guardrails.py next to its config. */
export const GUARDRAILS_PY = `"""The router's guardrails (charts/workloads/guardrails.ts renders them into LiteLLM's config).

LiteLLM 1.74.9 attaches guardrails to a team only through the team metadata key "guardrails",
and that path is a LiteLLM Enterprise feature (proxy/litellm_pre_call_utils.py:
_add_guardrails_from_key_or_team_metadata calls _premium_user_check, which answers 403 to every
request of such a team without a licence). These classes decide for themselves instead:

- TenantPiiMasking runs for a request only when its team's metadata lists the guardrail under
  "platform_guardrails" (written by the team-sync Job from the tenant file). A client cannot turn
  it off: request-level "guardrails" and "guardrail_config" are ignored.
- CloudModeration runs for the model aliases the platform renders as cloud routes
  (guardrails.json), whatever the team.

Both fail closed: when Presidio or Content Safety cannot be reached, the request fails.
"""

import asyncio
import json
import os

from fastapi import HTTPException

from litellm.proxy.guardrails.guardrail_hooks.azure.text_moderation import (
    AzureContentSafetyTextModerationGuardrail,
)
from litellm.proxy.guardrails.guardrail_hooks.presidio import (
    _OPTIONAL_PresidioPIIMasking,
)
from litellm.types.utils import Choices, EmbeddingResponse, ModelResponse

TEAM_METADATA_KEY = "platform_guardrails"

with open(os.path.join(os.path.dirname(__file__), "guardrails.json")) as _f:
    _SETTINGS = json.load(_f)

CHAT = ("completion", "acompletion")
TEXT_COMPLETION = ("text_completion", "atext_completion")
EMBEDDINGS = ("embeddings", "aembedding")


def _team_enabled(user_api_key_dict, name):
    metadata = getattr(user_api_key_dict, "team_metadata", None) or {}
    return name in (metadata.get(TEAM_METADATA_KEY) or [])


class TenantPiiMasking(_OPTIONAL_PresidioPIIMasking):
    """Presidio masking of prompts (pre_call) and completions (post_call) for opted-in teams."""

    def __init__(self, **kwargs):
        # output_parse_pii stays off: upstream keeps the token -> original map on the instance,
        # shared by every request of the worker, so restoring originals could leak across tenants.
        super().__init__(output_parse_pii=False, presidio_language=_SETTINGS["presidioLanguage"], **kwargs)

    def should_run_guardrail(self, data, event_type):
        # The team decides (in the hooks, which see the key's team); the request cannot opt out.
        return self._event_hook_is_event_type(event_type)

    def logging_hook(self, kwargs, result, call_type):
        # Upstream masks what loggers see for every request; prompts are not logged here
        # (store_prompts_in_spend_logs is off), and teams without masking must not pay for it.
        return kwargs, result

    async def async_logging_hook(self, kwargs, result, call_type):
        return kwargs, result

    async def _mask(self, text, data):
        return await self.check_pii(text=text, output_parse_pii=False, presidio_config=None, request_data=data)

    async def _mask_content(self, content, data):
        if isinstance(content, str):
            return await self._mask(content, data)
        if isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                    part["text"] = await self._mask(part["text"], data)
        return content

    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        if not _team_enabled(user_api_key_dict, self.guardrail_name):
            return data
        if data.get("stream") is True:
            # Refused before the call: once a stream has started, an error can only be a chunk.
            raise HTTPException(status_code=400, detail={"error": f"{self.guardrail_name} is on for this team: send stream=false"})
        if call_type in CHAT:
            for message in data.get("messages") or []:
                if message.get("content") is not None:
                    message["content"] = await self._mask_content(message["content"], data)
        elif call_type in TEXT_COMPLETION:
            prompt = data.get("prompt")
            data["prompt"] = [await self._mask(p, data) for p in prompt] if isinstance(prompt, list) else await self._mask_content(prompt, data)
        elif call_type in EMBEDDINGS:
            value = data.get("input")
            data["input"] = [await self._mask(v, data) if isinstance(v, str) else v for v in value] if isinstance(value, list) else await self._mask_content(value, data)
        else:
            raise HTTPException(status_code=400, detail={"error": f"{self.guardrail_name} is on for this team and does not cover {call_type} requests"})
        return data

    async def async_post_call_success_hook(self, data, user_api_key_dict, response):
        if not _team_enabled(user_api_key_dict, self.guardrail_name):
            return response
        if isinstance(response, ModelResponse):
            for choice in response.choices:
                if isinstance(choice, Choices) and isinstance(choice.message.content, str):
                    choice.message.content = await self._mask(choice.message.content, data)
        elif not isinstance(response, EmbeddingResponse):
            raise HTTPException(status_code=400, detail={"error": f"{self.guardrail_name} cannot check this response type"})
        return response

    async def async_post_call_streaming_iterator_hook(self, user_api_key_dict, response, request_data):
        # A stream is sent chunk by chunk; PII split over chunks cannot be masked reliably, so an
        # opted-in team gets no streams (refused in the pre-call hook; this is the backstop).
        if _team_enabled(user_api_key_dict, self.guardrail_name):
            raise HTTPException(status_code=400, detail={"error": f"{self.guardrail_name} is on for this team: send stream=false"})
        async for chunk in response:
            yield chunk


class CloudModeration(AzureContentSafetyTextModerationGuardrail):
    """Azure AI Content Safety text moderation of prompts and completions on cloud routes, with Entra ID tokens."""

    def __init__(self, **kwargs):
        moderation = _SETTINGS["cloudModeration"]
        super().__init__(
            api_key="",
            api_base=os.environ["CONTENT_SAFETY_ENDPOINT"].rstrip("/"),
            severity_threshold=moderation["severityThreshold"],
            **kwargs,
        )
        self._models = frozenset(moderation["models"])
        from azure.identity import WorkloadIdentityCredential, get_bearer_token_provider

        # The account has local auth off: the router's workload identity, not a key.
        self._token = get_bearer_token_provider(WorkloadIdentityCredential(), "https://cognitiveservices.azure.com/.default")

    def should_run_guardrail(self, data, event_type):
        return self._event_hook_is_event_type(event_type) and data.get("model") in self._models

    async def async_make_request(self, text):
        from litellm.types.proxy.guardrails.guardrail_hooks.azure.azure_text_moderation import (
            AzureTextModerationGuardrailRequestBody,
            AzureTextModerationGuardrailResponse,
        )

        token = await asyncio.to_thread(self._token)
        response = await self.async_handler.post(
            url=f"{self.api_base}/contentsafety/text:analyze?api-version={self.api_version}",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            json=dict(AzureTextModerationGuardrailRequestBody(text=text, **self.optional_params_request_body)),
        )
        response.raise_for_status()
        return AzureTextModerationGuardrailResponse(**response.json())

    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        # Upstream's hook runs only for call_type "acompletion"; the proxy passes "completion" for
        # chat (common_request_processing.py _get_pre_call_type), so prompts went unchecked.
        if call_type in CHAT:
            prompt = self.get_user_prompt(data.get("messages") or [])
            if prompt:
                self.check_severity_threshold(response=await self.async_make_request(text=prompt))
        return data
`;
