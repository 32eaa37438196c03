// Posts the review as one pull-request thread and updates that thread on later runs (found by
// the hidden marker), through the Azure DevOps REST API with the job's access token. Without a
// report the job broke before the review ran, and the thread says so instead of keeping an old
// verdict.
import { existsSync, readFileSync } from 'node:fs';

const marker = '<!-- platform-review -->';
const run = `${process.env.SYSTEM_COLLECTIONURI}${encodeURIComponent(process.env.SYSTEM_TEAMPROJECT)}/_build/results?buildId=${process.env.BUILD_BUILDID}`;
const body = existsSync(process.argv[2])
  ? readFileSync(process.argv[2], 'utf8')
  : `${marker}\n## Platform review: 🛑 cannot review\n\nThe pipeline failed before the review ran ([run](${run})); nothing was checked.\n`;
const base = `${process.env.SYSTEM_COLLECTIONURI}${encodeURIComponent(process.env.SYSTEM_TEAMPROJECT)}/_apis/git/repositories/${process.env.BUILD_REPOSITORY_ID}/pullRequests/${process.env.SYSTEM_PULLREQUEST_PULLREQUESTID}/threads`;
const headers = { Authorization: `Bearer ${process.env.SYSTEM_ACCESSTOKEN}`, 'Content-Type': 'application/json' };
const api = async (url, init = {}) => {
  const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}api-version=7.1`, { headers, ...init });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
};
const threads = (await api(base)).value;
const mine = threads.find((t) => t.comments?.[0]?.content?.startsWith(marker));
if (mine) await api(`${base}/${mine.id}/comments/${mine.comments[0].id}`, { method: 'PATCH', body: JSON.stringify({ content: body }) });
else await api(base, { method: 'POST', body: JSON.stringify({ comments: [{ parentCommentId: 0, content: body, commentType: 1 }], status: 1 }) });
