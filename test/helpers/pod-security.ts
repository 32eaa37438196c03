/**
 * The Pod Security Standards as the API server's admission plugin (k8s.io/pod-security-admission,
 * policy version "latest") judges a pod: every baseline and restricted check, with the same
 * pod-versus-container precedence, so a chart's rendered pods can be judged without a cluster.
 * The Gatekeeper rule pod-security covers the same ground at admission, but exempts
 * gatekeeper-system and is written for the platform's own workloads; this is the upstream rule.
 */
import { RESTRICTED_VOLUME_TYPES, SAFE_SYSCTLS, CONTAINER_SELINUX_TYPES } from '../../charts/policies/catalog';

type Json = Record<string, any>;
export type PodSecurityLevel = 'baseline' | 'restricted';

/** Capabilities baseline lets a container add (the container runtime's defaults). */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

interface Container {
  readonly kind: 'container' | 'initContainer' | 'ephemeralContainer';
  readonly c: Json;
}

function containersOf(spec: Json): Container[] {
  return [
    ...((spec.initContainers ?? []) as Json[]).map((c) => ({ kind: 'initContainer' as const, c })),
    ...((spec.containers ?? []) as Json[]).map((c) => ({ kind: 'container' as const, c })),
    ...((spec.ephemeralContainers ?? []) as Json[]).map((c) => ({ kind: 'ephemeralContainer' as const, c })),
  ];
}

const label = ({ kind, c }: Container) => `${kind} "${c.name}"`;

/** Each problem of a pod (spec and pod annotations) against a Pod Security level. */
export function podSecurityViolations(spec: Json, annotations: Record<string, string> = {}, level: PodSecurityLevel = 'restricted'): string[] {
  const out: string[] = [];
  const pod = (spec.securityContext ?? {}) as Json;
  const containers = containersOf(spec);
  const sc = (c: Container) => (c.c.securityContext ?? {}) as Json;
  // Windows pods skip some restricted checks upstream; the platform runs Linux nodes only.
  const windows = spec.os?.name === 'windows';

  // --- baseline
  if (pod.windowsOptions?.hostProcess === true) out.push('spec.securityContext.windowsOptions.hostProcess is true');
  for (const c of containers) if (sc(c).windowsOptions?.hostProcess === true) out.push(`${label(c)}: windowsOptions.hostProcess is true`);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field] === true) out.push(`spec.${field} is true`);
  for (const c of containers) if (sc(c).privileged === true) out.push(`${label(c)}: privileged`);
  for (const c of containers) {
    for (const cap of (sc(c).capabilities?.add ?? []) as string[]) {
      if (!BASELINE_CAPABILITIES.includes(cap)) out.push(`${label(c)}: adds capability ${cap}`);
    }
  }
  for (const v of (spec.volumes ?? []) as Json[]) if (v.hostPath) out.push(`volume "${v.name}" is a hostPath`);
  for (const c of containers) {
    for (const p of (c.c.ports ?? []) as Json[]) if (p.hostPort && p.hostPort !== 0) out.push(`${label(c)}: hostPort ${p.hostPort}`);
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) out.push(`annotation ${key}=${value}`);
  }
  const appArmor = (where: string, profile: Json | undefined) => {
    if (profile && !['RuntimeDefault', 'Localhost'].includes(profile.type)) out.push(`${where}: appArmorProfile.type ${profile.type}`);
  };
  appArmor('spec.securityContext', pod.appArmorProfile);
  for (const c of containers) appArmor(label(c), sc(c).appArmorProfile);
  const seLinux = (where: string, o: Json | undefined) => {
    if (!o) return;
    if (o.type && !CONTAINER_SELINUX_TYPES.includes(o.type)) out.push(`${where}: seLinuxOptions.type ${o.type}`);
    if (o.user) out.push(`${where}: seLinuxOptions.user ${o.user}`);
    if (o.role) out.push(`${where}: seLinuxOptions.role ${o.role}`);
  };
  seLinux('spec.securityContext', pod.seLinuxOptions);
  for (const c of containers) seLinux(label(c), sc(c).seLinuxOptions);
  for (const c of containers) if (sc(c).procMount && sc(c).procMount !== 'Default') out.push(`${label(c)}: procMount ${sc(c).procMount}`);
  if (pod.seccompProfile?.type === 'Unconfined') out.push('spec.securityContext.seccompProfile.type Unconfined');
  for (const c of containers) if (sc(c).seccompProfile?.type === 'Unconfined') out.push(`${label(c)}: seccompProfile.type Unconfined`);
  for (const s of (pod.sysctls ?? []) as Json[]) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`sysctl ${s.name}`);
  if (level === 'baseline') return out;

  // --- restricted
  const volumeTypes = new Set(RESTRICTED_VOLUME_TYPES);
  for (const v of (spec.volumes ?? []) as Json[]) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !volumeTypes.has(type)) out.push(`volume "${v.name}" of type ${type}`);
  }
  if (!windows) {
    for (const c of containers) if (sc(c).allowPrivilegeEscalation !== false) out.push(`${label(c)}: allowPrivilegeEscalation is not false`);
  }
  // runAsNonRoot: the container's own setting wins; unset everywhere is a violation.
  if (pod.runAsNonRoot === false) out.push('spec.securityContext.runAsNonRoot is false');
  for (const c of containers) {
    const own = sc(c).runAsNonRoot;
    if (own === false) out.push(`${label(c)}: runAsNonRoot is false`);
    else if (own !== true && pod.runAsNonRoot !== true) out.push(`${label(c)}: runAsNonRoot is not set (pod or container)`);
  }
  if (pod.runAsUser === 0) out.push('spec.securityContext.runAsUser is 0');
  for (const c of containers) if (sc(c).runAsUser === 0) out.push(`${label(c)}: runAsUser is 0`);
  if (!windows) {
    const allowed = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    if (pod.seccompProfile && !allowed(pod.seccompProfile.type)) out.push(`spec.securityContext.seccompProfile.type ${pod.seccompProfile.type}`);
    for (const c of containers) {
      const own = sc(c).seccompProfile;
      if (own ? !allowed(own.type) : !allowed(pod.seccompProfile?.type)) out.push(`${label(c)}: seccompProfile.type ${own?.type ?? 'unset (pod or container)'}`);
    }
    for (const c of containers) {
      const caps = sc(c).capabilities ?? {};
      if (!((caps.drop ?? []) as string[]).includes('ALL')) out.push(`${label(c)}: capabilities.drop does not include ALL`);
      for (const cap of (caps.add ?? []) as string[]) if (cap !== 'NET_BIND_SERVICE') out.push(`${label(c)}: adds capability ${cap} (restricted allows NET_BIND_SERVICE only)`);
    }
  }
  return [...new Set(out)];
}
