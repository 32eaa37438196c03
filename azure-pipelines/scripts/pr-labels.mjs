// Prints the pull request's labels (Azure DevOps tags), one per line, through the REST API with
// the job's access token; the review turns the approve-destroy label into --approve-destroy.
const base = `${process.env.SYSTEM_COLLECTIONURI}${encodeURIComponent(process.env.SYSTEM_TEAMPROJECT)}/_apis/git/repositories/${process.env.BUILD_REPOSITORY_ID}/pullRequests/${process.env.SYSTEM_PULLREQUEST_PULLREQUESTID}/labels?api-version=7.1`;
const res = await fetch(base, { headers: { Authorization: `Bearer ${process.env.SYSTEM_ACCESSTOKEN}` } });
if (!res.ok) {
  process.stderr.write(`cannot read the pull request's labels: ${res.status} ${await res.text()}\n`);
  process.exit(1);
}
for (const label of (await res.json()).value ?? []) if (label.active !== false) process.stdout.write(`${label.name}\n`);
