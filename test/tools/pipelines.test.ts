/**
 * The CI/CD pipelines: GitHub workflows pass actionlint; both GitHub and Azure DevOps pipelines
 * are parsed and checked for what the platform promises (tests and tenant annotations on pull
 * requests, one review comment updated in place, affected stacks only, dev before prod with an
 * approval, workload-identity federation and no client secrets, drift checks, supply-chain gates).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ARTIFACT_NAME, COMMENT_MARKER } from '../../cli/lib/review/render';
import { ROOT, runTool } from '../helpers/tools';
import { cloneWorkingTree } from '../helpers/review-corpus';

const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
const gh = (name: string) => parse(read(`.github/workflows/${name}.yml`));
const ado = (name: string) => parse(read(`azure-pipelines/${name}.yml`));
const runs = (steps: any[]) => steps.map((s) => s.run ?? s.script ?? s.inputs?.inlineScript ?? '').join('\n');

describe('GitHub Actions', () => {
  it('every workflow passes actionlint', () => {
    const res = runTool('actionlint', ['-color=false']);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.ok(readdirSync(join(ROOT, '.github/workflows')).length >= 4);
  });

  it('pull requests: tenant annotations, tests, synth, review posted as one comment updated in place', () => {
    const { steps } = gh('pull-request').jobs.verify;
    const script = runs(steps);
    assert.match(script, /npx platform tenant validate --format github/);
    assert.match(script, /npx platform images check/);
    assert.match(script, /npm test/);
    assert.match(script, /npm run synth/);
    assert.match(script, /npx platform review --base "origin\/\$\{\{ github.base_ref \}\}" --report-dir review/);
    const comment = steps.find((s: any) => s.uses?.startsWith('actions/github-script'));
    assert.ok(comment.with.script.includes(COMMENT_MARKER), 'the comment is found again by the review marker');
    assert.match(comment.with.script, /updateComment[\s\S]*createComment/);
    assert.ok(steps.some((s: any) => s.uses?.startsWith('github/codeql-action/upload-sarif')));
  });

  it('pull requests: a review comment always arrives, the full report is an artifact, approval by label', () => {
    const wf = gh('pull-request');
    const { steps } = wf.jobs.verify;
    assert.ok(wf.on.pull_request.types.includes('labeled') && wf.on.pull_request.types.includes('unlabeled'), 'the approval label re-runs the review');
    const review = steps.find((s: any) => s.id === 'review');
    assert.equal(review.if, 'always()', 'the review runs even when a test failed');
    assert.match(review.env.APPROVE_DESTROY, /contains\(github\.event\.pull_request\.labels\.\*\.name, 'approve-destroy'\)/);
    assert.match(review.run, /args\+=\(--approve-destroy\)/);
    const comment = steps.find((s: any) => s.uses?.startsWith('actions/github-script'));
    assert.equal(comment.if, 'always()');
    assert.match(comment.with.script, /cannot review[\s\S]*failed before the review ran/, 'no report: the comment says so instead of keeping an old verdict');
    const artifact = steps.find((s: any) => s.uses?.startsWith('actions/upload-artifact'));
    assert.equal(artifact.with.name, ARTIFACT_NAME);
    const fail = steps[steps.length - 1];
    assert.match(fail.if, /always\(\) && steps\.review\.outputs\.exit != '0'/);
    for (const code of ['1)', '3)', '4)']) assert.ok(fail.run.includes(code), `exit ${code} is explained`);
  });

  it('deploy: affected stacks only, dev then prod behind its environment, OIDC login', () => {
    const { jobs } = gh('deploy');
    assert.match(runs(jobs.affected.steps), /bash scripts\/affected-stacks\.sh "\$BASE" affected\.txt/);
    assert.equal(jobs['deploy-dev'].environment, 'dev');
    assert.equal(jobs['deploy-prod'].environment, 'prod');
    assert.deepEqual(jobs['deploy-prod'].needs, ['affected', 'deploy-dev']);
    for (const job of [jobs['deploy-dev'], jobs['deploy-prod']]) {
      assert.equal(job.permissions['id-token'], 'write');
      assert.equal(job.env.ARM_USE_OIDC, 'true');
      const login = job.steps.find((s: any) => s.uses?.startsWith('azure/login'));
      assert.ok(login.with['client-id'] && !login.with['client-secret'] && !login.with.creds);
      assert.match(runs(job.steps), /npx cdktf deploy \$\{\{ needs\.affected\.outputs\.(dev|prod) \}\} --auto-approve/);
    }
    assert.equal(gh('deploy').permissions['id-token'], undefined, 'only the deploy jobs get OIDC tokens');
  });

  it('drift: scheduled, plans with -detailed-exitcode, opens an issue and fails on drift', () => {
    const wf = gh('drift');
    assert.ok(wf.on.schedule[0].cron);
    const script = runs(wf.jobs.plan.steps);
    assert.match(script, /plan .*-detailed-exitcode/);
    assert.match(script, /gh issue create/);
    assert.match(script, /exit 1/);
  });

  it('supply chain: secret scanning, SBOM, vulnerability threshold, signature verification', () => {
    const wf = gh('supply-chain');
    assert.ok(wf.jobs.secrets.steps.some((s: any) => s.uses?.startsWith('trufflesecurity/trufflehog')));
    const script = runs(wf.jobs.images.steps);
    assert.match(script, /syft scan .* -o "spdx-json=/);
    assert.match(script, /scan-gate\.mjs --report .* --env "\$env" --policy pipelines\/service-image\/scan-policy\.json/);
    assert.match(script, /notation verify "\$image"/);
    assert.match(script, /no image found under rendered\/: nothing would be scanned"; exit 1/, 'a scan of nothing fails');
    assert.match(wf.jobs.images['runs-on'], /vars\.DEPLOY_RUNNER/, 'runs where the private registries can be pulled');
  });
});

describe('deploy pipelines decide what to deploy or fail', () => {
  const ghStep = gh('deploy').jobs.affected.steps.find((s: any) => s.id === 'stacks');
  const adoStep = ado('deploy').stages[0].jobs[0].steps.find((s: any) => s.name === 'affected');

  it('both run the one affected-stacks script as its own step, never swallowing its failure', () => {
    for (const script of [ghStep.run, adoStep.script]) {
      assert.match(script, /bash scripts\/affected-stacks\.sh /);
      assert.doesNotMatch(script, /\|\| true/, 'no "|| true" anywhere in the decision');
      assert.match(script, /^set -euo pipefail$/m);
    }
    for (const file of ['.github/workflows/deploy.yml', 'azure-pipelines/deploy.yml']) assert.doesNotMatch(read(file), /platform review[^\n]*\|\| true/);
    assert.equal(ghStep.env.DEPLOY_ALL, "${{ github.event_name == 'workflow_dispatch' && inputs.deploy-all }}", 'deploying everything is an explicit, manual choice');
    assert.equal(gh('deploy').on.workflow_dispatch.inputs['deploy-all'].default, false);
    assert.equal(adoStep.env.DEPLOY_ALL, '${{ parameters.deployAll }}');
    assert.equal(ado('deploy').parameters.find((p: any) => p.name === 'deployAll').default, false);
  });

  it('splitting the list by environment: an environment with nothing to deploy is empty, a missing list fails the step', () => {
    // The step's own lines after the script ran, with GitHub's output file in a temporary folder.
    const split = ghStep.run.split('\n').filter((l: string) => !/affected-stacks\.sh/.test(l)).join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'split-'));
    const run = (list?: string) => {
      if (list !== undefined) writeFileSync(join(dir, 'affected.txt'), list);
      else rmSync(join(dir, 'affected.txt'), { force: true });
      writeFileSync(join(dir, 'out'), '');
      const res = spawnSync('bash', ['-c', split], { cwd: dir, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: join(dir, 'out') } });
      return { status: res.status, out: readFileSync(join(dir, 'out'), 'utf8') };
    };
    assert.deepEqual(run('dev-network\ndev-tenant-a\n'), { status: 0, out: 'dev=dev-network dev-tenant-a \nprod=\n' });
    assert.deepEqual(run(''), { status: 0, out: 'dev=\nprod=\n' });
    assert.notEqual(run().status, 0, 'no list, no decision: the step fails');
  });

  it('no pipeline or template swallows a failure with "|| true"', () => {
    const files = ['.github/workflows', 'azure-pipelines', 'azure-pipelines/templates', 'pipelines/service-image', 'scripts'].flatMap((d) =>
      readdirSync(join(ROOT, d)).filter((f) => /\.(ya?ml|sh)$/.test(f)).map((f) => join(d, f)),
    );
    for (const f of files) assert.doesNotMatch(read(f), /\|\| true/, f);
  });

  describe('the affected-stacks step itself', () => {
    const repo = cloneWorkingTree();
    const step = (base: string, env: NodeJS.ProcessEnv = {}) => spawnSync('bash', ['scripts/affected-stacks.sh', base, 'affected.txt'], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
    const listed = () => readFileSync(join(repo, 'affected.txt'), 'utf8').split('\n').filter(Boolean);

    it('lists the changed stacks in deploy order, without the policy tools', () => {
      const tenant = join(repo, 'tenants/acme-search.yaml');
      writeFileSync(tenant, readFileSync(tenant, 'utf8').replace('pods: 200', 'pods: 210'));
      rmSync(join(repo, '.tools'), { force: true });
      const res = step('HEAD');
      assert.equal(res.status, 0, res.stderr);
      assert.deepEqual(listed(), ['dev-tenant-acme-search', 'prod-tenant-acme-search']);
    });

    it('fails on a base commit that does not exist (a force push)', () => {
      rmSync(join(repo, 'affected.txt'), { force: true });
      const res = step('0123456789abcdef0123456789abcdef01234567');
      assert.notEqual(res.status, 0);
      assert.match(res.stderr, /cannot review: base ref .* does not exist/);
      assert.equal(existsSync(join(repo, 'affected.txt')), false, 'no list is left for the deploy jobs');
    });

    it('fails when the project cannot run (tools not installed)', () => {
      rmSync(join(repo, 'node_modules'), { force: true });
      try {
        const res = step('HEAD');
        assert.notEqual(res.status, 0);
        assert.equal(existsSync(join(repo, 'affected.txt')), false);
      } finally {
        symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
      }
    });

    it('deploys everything in order only when DEPLOY_ALL=true says so', () => {
      const res = step('0123456789abcdef0123456789abcdef01234567', { DEPLOY_ALL: 'true' });
      assert.equal(res.status, 0, res.stderr);
      const all = listed();
      assert.ok(all.indexOf('dev-network') < all.indexOf('dev-platform') && all.indexOf('dev-platform') < all.indexOf('dev-tenant-acme-search'));
      assert.ok(all.length >= 17);
    });
  });
});

describe('Azure DevOps Pipelines', () => {
  const steps = (job: any): any[] => job.steps ?? job.strategy.runOnce.deploy.steps;
  const template = parse(read('azure-pipelines/templates/deploy-env.yml'));

  it('pull requests: annotations for Azure, tests, synth, review thread updated in place', () => {
    const pr = ado('pull-request');
    assert.equal(pr.trigger, 'none');
    const script = runs(steps(pr.jobs[0]));
    assert.match(script, /npx platform tenant validate --format azure/);
    assert.match(script, /npx platform images check/);
    assert.match(script, /npm test/);
    assert.match(script, /npx platform review --base "origin\/\$\(System.PullRequest.TargetBranchName\)"/);
    assert.match(script, /pr-comment\.mjs/);
    const commenter = read('azure-pipelines/scripts/pr-comment.mjs');
    assert.ok(commenter.includes(COMMENT_MARKER));
    assert.match(commenter, /method: 'PATCH'/);
    assert.match(commenter, /cannot review[\s\S]*failed before the review ran/);
    const all = steps(pr.jobs[0]);
    const review = all.find((s: any) => /npx platform review/.test(s.script ?? ''));
    assert.equal(review.condition, 'always()');
    assert.match(review.script, /pr-labels\.mjs[\s\S]*approve-destroy[\s\S]*--approve-destroy/);
    assert.equal(all.find((s: any) => /pr-comment\.mjs/.test(s.script ?? '')).condition, 'always()');
    assert.equal(all.find((s: any) => s.task === 'PublishBuildArtifacts@1').inputs.ArtifactName, ARTIFACT_NAME);
    assert.match(read('azure-pipelines/scripts/pr-labels.mjs'), /pullRequests\/\$\{process\.env\.SYSTEM_PULLREQUEST_PULLREQUESTID\}\/labels/);
  });

  it('deploy: affected stacks, dev stage then prod stage on an approval environment', () => {
    const { stages } = ado('deploy');
    assert.deepEqual(stages.map((s: any) => s.stage), ['affected', 'dev', 'prod']);
    assert.match(runs(stages[0].jobs[0].steps), /bash scripts\/affected-stacks\.sh HEAD~1 affected\.txt/);
    assert.equal(stages[1].jobs[0].environment, 'dev');
    assert.equal(stages[2].jobs[0].environment, 'prod');
    assert.deepEqual(stages[2].dependsOn, ['affected', 'dev']);
  });

  it('deploys with workload-identity federation: the service connection ID token, no secret', () => {
    const cli = template.steps.find((s: any) => s.task === 'AzureCLI@2');
    assert.equal(cli.inputs.addSpnToEnvironment, true);
    assert.match(cli.inputs.inlineScript, /ARM_USE_OIDC=true ARM_OIDC_TOKEN="\$idToken"/);
    assert.match(cli.inputs.inlineScript, /npx cdktf deploy \$\{\{ parameters.stacks \}\}/);
  });

  it('drift: nightly schedule on main that fails on a planned change', () => {
    const drift = ado('drift');
    assert.equal(drift.schedules[0].branches.include[0], 'main');
    assert.match(runs(drift.jobs[0].steps), /-detailed-exitcode[\s\S]*drift in/);
  });
});

describe('restore drill (both CI systems)', () => {
  it('GitHub: scheduled, OIDC in the drill job only, the plan from the environment file, the drill, then a sweep that always runs', () => {
    const wf = gh('restore-drill');
    assert.ok(wf.on.schedule[0].cron);
    assert.equal(wf.permissions['id-token'], undefined, 'only the drill job gets OIDC tokens');
    const job = wf.jobs.drill;
    assert.deepEqual(job.strategy.matrix.env, ['dev', 'prod']);
    assert.equal(job.permissions['id-token'], 'write');
    const login = job.steps.find((s: any) => s.uses?.startsWith('azure/login'));
    assert.ok(login.with['client-id'] && !login.with['client-secret'] && !login.with.creds);
    const names = job.steps.map((s: any) => s.run ?? s.uses);
    const at = (re: RegExp) => names.findIndex((n: string) => re.test(n ?? ''));
    assert.ok(at(/azure\/login/) < at(/restore-drill-plan\.ts "\$\{\{ matrix\.env \}\}" >> "\$GITHUB_ENV"/));
    const drill = job.steps[at(/^bash scripts\/restore-drill\.sh$/)];
    assert.equal(drill.env.DRILL_RESTORE_TIME, '${{ inputs.restore_time }}', 'the input reaches the script as data, not as shell text');
    const sweep = job.steps[at(/restore-drill\.sh sweep/)];
    assert.equal(sweep.if, 'always()');
    assert.ok(job.steps.indexOf(sweep) > job.steps.indexOf(drill));
  });

  it('Azure DevOps: scheduled on main, the service connection per environment, the drill, then a sweep with condition always()', () => {
    const p = ado('restore-drill');
    assert.equal(p.schedules[0].branches.include[0], 'main');
    const job = p.jobs[0];
    assert.deepEqual(Object.keys(job.strategy.matrix), ['dev', 'prod']);
    const cli = job.steps.filter((s: any) => s.task === 'AzureCLI@2');
    assert.equal(cli.length, 2);
    assert.equal(cli[0].inputs.inlineScript, 'bash scripts/restore-drill.sh');
    assert.equal(cli[1].inputs.inlineScript, 'bash scripts/restore-drill.sh sweep');
    assert.equal(cli[1].condition, 'always()');
    for (const c of cli) assert.equal(c.inputs.azureSubscription, '$(connection)');
    assert.match(runs(job.steps), /restore-drill-plan\.ts "\$\(env\)"[\s\S]*task\.setvariable/);
  });
});

describe('no pipeline holds a client secret', () => {
  it('nowhere in .github or azure-pipelines', () => {
    const files = ['.github/workflows', '.github/actions/setup', 'azure-pipelines', 'azure-pipelines/templates', 'azure-pipelines/scripts'].flatMap((d) =>
      readdirSync(join(ROOT, d)).filter((f) => /\.(ya?ml|mjs)$/.test(f)).map((f) => join(d, f)),
    );
    for (const f of files) assert.doesNotMatch(read(f), /client-secret|ARM_CLIENT_SECRET|clientSecret|AZURE_CREDENTIALS/, f);
  });
});
