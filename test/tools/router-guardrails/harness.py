"""The router's guardrails in the real LiteLLM (the release the router image runs, .tools/litellm-venv).

Reads the rendered llm-router app, writes its files next to each other as the pod mounts them,
loads the guardrails with LiteLLM's own loader (init_guardrails_v2 with the config's path) and
drives LiteLLM's proxy hook paths (ProxyLogging.pre_call_hook / post_call_success_hook) for a team
with PII masking and one without. Presidio and Content Safety are a local fake that speaks their
APIs (analyze, anonymize, text:analyze). With --cloud, the settings name one cloud alias, as the
render does once a cloud route exists. Prints PASS/FAIL per check; exit 1 on any failure.
Usage: harness.py <rendered/<env>/llm-router/manifests.yaml> [--cloud]
"""
import asyncio
import json
import os
import re
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

rendered = sys.argv[1]
cloud = "--cloud" in sys.argv[2:]
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
files = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "llm-router-files")["data"]
settings = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "llm-router-config")["data"]
tenants = json.loads(files["tenants.json"])
calls = []
EMAIL = re.compile(r"[\w.]+@[\w.]+")
CLOUD_ALIAS = "gpt-4o-eu"


class FakeServices(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        calls.append((self.path, body, {k.lower(): v for k, v in self.headers.items()}))
        if self.path == "/analyze":
            out = [{"entity_type": "EMAIL_ADDRESS", "start": m.start(), "end": m.end(), "score": 1.0} for m in EMAIL.finditer(body["text"])]
        elif self.path == "/anonymize":
            text = body["text"]
            for r in sorted(body["analyzer_results"], key=lambda r: -r["start"]):
                text = text[: r["start"]] + "<EMAIL_ADDRESS>" + text[r["end"]:]
            out = {"text": text, "items": []}
        elif self.path.startswith("/contentsafety/text:analyze"):
            severity = 4 if "hate" in body["text"] else 0
            out = {"blocklistsMatch": [], "categoriesAnalysis": [{"category": c, "severity": severity} for c in ["Hate", "SelfHarm", "Sexual", "Violence"]]}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), FakeServices)
threading.Thread(target=server.serve_forever, daemon=True).start()
fake = f"http://127.0.0.1:{server.server_port}"
# The rendered settings name the in-cluster Services; the harness points the same variables at the fake.
for name in ("PRESIDIO_ANALYZER_API_BASE", "PRESIDIO_ANONYMIZER_API_BASE"):
    assert settings[name].startswith("http://presidio-"), f"{name}: {settings.get(name)}"
    os.environ[name] = fake
os.environ.update({"CONTENT_SAFETY_ENDPOINT": fake, "AZURE_CLIENT_ID": "client", "AZURE_TENANT_ID": "tenant", "AZURE_FEDERATED_TOKEN_FILE": os.devnull})

mount = tempfile.mkdtemp()
for name, text in files.items():
    with open(os.path.join(mount, name), "w") as f:
        f.write(text)
config = yaml.safe_load(files["config.yaml"])
rendered_cloud = [g for g in config["guardrails"] if g["guardrail_name"] == "cloud-moderation"]
if cloud and rendered_cloud:
    # The environment has cloud routes: the rendered guardrail and its aliases, as they are.
    CLOUD_ALIAS = json.loads(files["guardrails.json"])["cloudModeration"]["models"][0]
elif cloud:
    with open(os.path.join(mount, "guardrails.json"), "w") as f:
        json.dump({**json.loads(files["guardrails.json"]), "cloudModeration": {"models": [CLOUD_ALIAS], "severityThreshold": 4}}, f)
    config["guardrails"].append({"guardrail_name": "cloud-moderation", "litellm_params": {"guardrail": "platform_guardrails.CloudModeration", "mode": ["pre_call", "post_call"], "default_on": False}})
else:
    # PII masking alone, as an environment without cloud routes renders it.
    config["guardrails"] = [g for g in config["guardrails"] if g["guardrail_name"] != "cloud-moderation"]

import litellm  # noqa: E402
from fastapi import HTTPException  # noqa: E402
from litellm.caching.caching import DualCache  # noqa: E402
from litellm.proxy._types import UserAPIKeyAuth  # noqa: E402
from litellm.proxy.guardrails.init_guardrails import init_guardrails_v2  # noqa: E402
from litellm.proxy.utils import ProxyLogging  # noqa: E402
from litellm.types.utils import ModelResponse  # noqa: E402

init_guardrails_v2(all_guardrails=config["guardrails"], config_file_path=os.path.join(mount, "config.yaml"))
loaded = sorted(c.guardrail_name for c in litellm.callbacks if hasattr(c, "guardrail_name"))
for c in litellm.callbacks:
    if getattr(c, "guardrail_name", None) == "cloud-moderation":
        c._token = lambda: "entra-token"  # no Entra ID here: the token provider is the one thing replaced
proxy = ProxyLogging(user_api_key_cache=DualCache())
masked = next(t for t in tenants if t["metadata"].get("platform_guardrails"))
plain = next(t for t in tenants if not t["metadata"].get("platform_guardrails"))
failures = []


def check(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def key(team):
    return UserAPIKeyAuth(api_key="sk-test", team_id=team["team_id"], team_metadata=team["metadata"])


def messages():
    return [{"role": "user", "content": "mail jane.doe@example.com"}, {"role": "user", "content": [{"type": "text", "text": "or bob@example.org"}]}]


def completion(text):
    return ModelResponse(choices=[{"message": {"role": "assistant", "content": text}}])


async def refused(coro):
    try:
        await coro
        return False
    except HTTPException:
        return True


async def main():
    model = CLOUD_ALIAS if cloud else "llama-3-1-8b-instruct"
    check(loaded == (["cloud-moderation", "pii-masking"] if cloud else ["pii-masking"]), f"guardrails loaded by LiteLLM: {loaded}")
    data = await proxy.pre_call_hook(user_api_key_dict=key(masked), data={"model": model, "messages": messages(), "metadata": {"guardrails": []}}, call_type="completion")
    check(data["messages"][0]["content"] == "mail <EMAIL_ADDRESS>" and data["messages"][1]["content"][0]["text"] == "or <EMAIL_ADDRESS>", f"{masked['team_id']}: prompt masked (text and text part); request-level guardrails [] do not turn it off")
    calls.clear()
    data = await proxy.pre_call_hook(user_api_key_dict=key(plain), data={"model": model, "messages": messages()}, call_type="completion")
    check("jane.doe@example.com" in data["messages"][0]["content"] and not [c for c in calls if c[0] in ("/analyze", "/anonymize")], f"{plain['team_id']}: prompt untouched, Presidio not called")
    check(await refused(proxy.pre_call_hook(user_api_key_dict=key(masked), data={"model": model, "messages": messages(), "stream": True}, call_type="completion")), "streaming refused before the call for a masked team")
    data = await proxy.pre_call_hook(user_api_key_dict=key(masked), data={"model": model, "input": ["x a@b.co", "plain"]}, call_type="embeddings")
    check(data["input"] == ["x <EMAIL_ADDRESS>", "plain"], "embeddings input masked")
    out = await proxy.post_call_success_hook(data={"model": model, "metadata": {}}, response=completion("write to carol@example.net"), user_api_key_dict=key(masked))
    check(out.choices[0].message.content == "write to <EMAIL_ADDRESS>", "completion masked after the call")
    out = await proxy.post_call_success_hook(data={"model": model, "metadata": {}}, response=completion("write to carol@example.net"), user_api_key_dict=key(plain))
    check(out.choices[0].message.content == "write to carol@example.net", "completion untouched for a team without masking")
    if cloud:
        calls.clear()
        check(await refused(proxy.pre_call_hook(user_api_key_dict=key(plain), data={"model": CLOUD_ALIAS, "messages": [{"role": "user", "content": "some hate"}]}, call_type="completion")), "cloud route: a harmful prompt is refused")
        auth = [(c[2].get("authorization"), c[2].get("ocp-apim-subscription-key")) for c in calls if c[0].startswith("/contentsafety")]
        check(auth == [("Bearer entra-token", None)], f"Content Safety called with an Entra ID token and no key: {auth}")
        calls.clear()
        await proxy.pre_call_hook(user_api_key_dict=key(plain), data={"model": "llama-3-1-8b-instruct", "messages": [{"role": "user", "content": "some hate"}]}, call_type="completion")
        check(not [c for c in calls if c[0].startswith("/contentsafety")], "self-hosted route: not sent to Content Safety")
        check(await refused(proxy.post_call_success_hook(data={"model": CLOUD_ALIAS, "metadata": {}}, response=completion("hate reply"), user_api_key_dict=key(plain))), "cloud route: a harmful completion is refused")


asyncio.run(main())
sys.exit(1 if failures else 0)
